build-h6/kernel/fs/tty.c.o: kernel/fs/tty.c kernel/fs/tty.h \
 kernel/console/console.h kernel/console/keyboard.h \
 kernel/console/serial.h kernel/cpu/x86.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h kernel/cpu/trapframe.h lib/abi.h \
 lib/syscall_list.h kernel/proc/sched.h kernel/cpu/preempt.h \
 kernel/debug/panic.h lib/lab.h
kernel/fs/tty.h:
kernel/console/console.h:
kernel/console/keyboard.h:
kernel/console/serial.h:
kernel/cpu/x86.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
lib/lab.h:
