build-h6/kernel/boot/kmon.c.o: kernel/boot/kmon.c kernel/boot/kmon.h \
 kernel/debug/backtrace.h kernel/console/console.h kernel/fs/tty.h \
 kernel/debug/power.h kernel/cpu/x86.h kernel/mm/frame.h \
 kernel/mm/layout.h lib/abi.h lib/syscall_list.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h kernel/cpu/trapframe.h \
 kernel/uproc/procdump.h kernel/boot/ktest.h kernel/proc/timer.h \
 lib/string.h
kernel/boot/kmon.h:
kernel/debug/backtrace.h:
kernel/console/console.h:
kernel/fs/tty.h:
kernel/debug/power.h:
kernel/cpu/x86.h:
kernel/mm/frame.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/uproc/procdump.h:
kernel/boot/ktest.h:
kernel/proc/timer.h:
lib/string.h:
