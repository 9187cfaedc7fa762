build-h6/kernel/boot/cmdline.c.o: kernel/boot/cmdline.c \
 kernel/boot/cmdline.h kernel/console/console.h kernel/proc/sched.h \
 kernel/cpu/preempt.h kernel/cpu/x86.h kernel/debug/panic.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h lib/lab.h \
 kernel/proc/timer.h lib/format.h lib/string.h
kernel/boot/cmdline.h:
kernel/console/console.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/cpu/x86.h:
kernel/debug/panic.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
lib/lab.h:
kernel/proc/timer.h:
lib/format.h:
lib/string.h:
