build-h6/kernel/uproc/procdump.c.o: kernel/uproc/procdump.c \
 kernel/uproc/procdump.h kernel/uproc/usym.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h kernel/cpu/trapframe.h \
 kernel/cpu/x86.h lib/abi.h lib/syscall_list.h kernel/console/console.h \
 kernel/debug/backtrace.h kernel/debug/ksym.h
kernel/uproc/procdump.h:
kernel/uproc/usym.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
lib/abi.h:
lib/syscall_list.h:
kernel/console/console.h:
kernel/debug/backtrace.h:
kernel/debug/ksym.h:
