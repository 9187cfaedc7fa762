build-h6/kernel/tests/lab2_tests.c.o: kernel/tests/lab2_tests.c \
 kernel/boot/ktest.h kernel/boot/cmdline.h kernel/console/console.h \
 kernel/mm/frame.h kernel/proc/kctx.h kernel/proc/kthread.h \
 kernel/proc/sched.h kernel/cpu/preempt.h kernel/cpu/x86.h \
 kernel/debug/panic.h kernel/proc/proc.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h lib/lab.h \
 lib/format.h lib/string.h
kernel/boot/ktest.h:
kernel/boot/cmdline.h:
kernel/console/console.h:
kernel/mm/frame.h:
kernel/proc/kctx.h:
kernel/proc/kthread.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/cpu/x86.h:
kernel/debug/panic.h:
kernel/proc/proc.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
lib/lab.h:
lib/format.h:
lib/string.h:
