build-h6/kernel/proc/sync.c.o: kernel/proc/sync.c kernel/proc/sync.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h kernel/cpu/x86.h lib/abi.h lib/syscall_list.h \
 kernel/proc/sched.h kernel/cpu/preempt.h kernel/debug/panic.h lib/lab.h
kernel/proc/sync.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
lib/lab.h:
