build-h6/kernel/proc/timer.c.o: kernel/proc/timer.c kernel/proc/timer.h \
 kernel/cpu/trapframe.h kernel/cpu/x86.h kernel/proc/sched.h \
 kernel/cpu/preempt.h kernel/debug/panic.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h lib/abi.h lib/syscall_list.h \
 lib/lab.h
kernel/proc/timer.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
lib/abi.h:
lib/syscall_list.h:
lib/lab.h:
