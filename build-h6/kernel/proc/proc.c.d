build-h6/kernel/proc/proc.c.o: kernel/proc/proc.c kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h kernel/cpu/trapframe.h \
 kernel/cpu/x86.h lib/abi.h lib/syscall_list.h kernel/proc/sched.h \
 kernel/cpu/preempt.h kernel/debug/panic.h lib/lab.h kernel/mm/kstack.h \
 kernel/mm/layout.h kernel/console/console.h lib/string.h
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
kernel/mm/kstack.h:
kernel/mm/layout.h:
kernel/console/console.h:
lib/string.h:
