build-h6/kernel/proc/proc_fpu.c.o: kernel/proc/proc_fpu.c \
 kernel/proc/proc_fpu.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h kernel/cpu/trapframe.h kernel/cpu/x86.h lib/abi.h \
 lib/syscall_list.h kernel/cpu/cpu.h kernel/debug/panic.h
kernel/proc/proc_fpu.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
lib/abi.h:
lib/syscall_list.h:
kernel/cpu/cpu.h:
kernel/debug/panic.h:
