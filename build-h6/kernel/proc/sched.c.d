build-h6/kernel/proc/sched.c.o: kernel/proc/sched.c kernel/proc/sched.h \
 kernel/cpu/preempt.h kernel/cpu/x86.h kernel/debug/panic.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h lib/lab.h \
 kernel/proc/proc_fpu.h kernel/cpu/gdt.h kernel/cpu/nopreempt.h \
 kernel/proc/timer.h kernel/console/console.h lib/string.h
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
kernel/proc/proc_fpu.h:
kernel/cpu/gdt.h:
kernel/cpu/nopreempt.h:
kernel/proc/timer.h:
kernel/console/console.h:
lib/string.h:
