build-h6/kernel/tests/lab3_tests.c.o: kernel/tests/lab3_tests.c \
 kernel/boot/ktest.h kernel/boot/cmdline.h kernel/console/console.h \
 kernel/fs/tty.h kernel/cpu/x86.h lib/format.h kernel/proc/kthread.h \
 kernel/proc/sched.h kernel/cpu/preempt.h kernel/debug/panic.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h lib/lab.h \
 kernel/proc/sync.h kernel/proc/timer.h
kernel/boot/ktest.h:
kernel/boot/cmdline.h:
kernel/console/console.h:
kernel/fs/tty.h:
kernel/cpu/x86.h:
lib/format.h:
kernel/proc/kthread.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
lib/lab.h:
kernel/proc/sync.h:
kernel/proc/timer.h:
