build-h6/kernel/proc/kthread.c.o: kernel/proc/kthread.c \
 kernel/proc/kthread.h kernel/proc/sched.h kernel/cpu/preempt.h \
 kernel/cpu/x86.h kernel/debug/panic.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h kernel/cpu/trapframe.h lib/abi.h \
 lib/syscall_list.h lib/lab.h
kernel/proc/kthread.h:
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
