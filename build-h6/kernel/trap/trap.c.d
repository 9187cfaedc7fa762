build-h6/kernel/trap/trap.c.o: kernel/trap/trap.c kernel/trap/trap.h \
 kernel/cpu/x86.h kernel/cpu/trapframe.h kernel/trap/pic.h \
 kernel/cpu/cpu.h kernel/cpu/gdt.h kernel/debug/panic.h \
 kernel/proc/proc_fpu.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h lib/abi.h lib/syscall_list.h kernel/proc/sched.h \
 kernel/cpu/preempt.h lib/lab.h kernel/trap/user_fault.h kernel/dom/dom.h \
 kernel/dom/cap.h kernel/mm/layout.h kernel/console/console.h
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
kernel/trap/pic.h:
kernel/cpu/cpu.h:
kernel/cpu/gdt.h:
kernel/debug/panic.h:
kernel/proc/proc_fpu.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
lib/lab.h:
kernel/trap/user_fault.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
kernel/mm/layout.h:
kernel/console/console.h:
