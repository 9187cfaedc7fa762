build-h6/kernel/syscall/sys_proc.c.o: kernel/syscall/sys_proc.c \
 kernel/syscall/syscall.h kernel/trap/trap.h kernel/cpu/x86.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h kernel/uproc/exec.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/proc/sched.h kernel/cpu/preempt.h kernel/debug/panic.h lib/lab.h \
 kernel/uproc/uproc.h kernel/proc/proc_fpu.h kernel/dom/dom.h \
 kernel/dom/cap.h kernel/mm/layout.h kernel/console/console.h \
 kernel/mm/frame.h kernel/mm/vm.h kernel/proc/timer.h lib/string.h
kernel/syscall/syscall.h:
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
kernel/uproc/exec.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
lib/lab.h:
kernel/uproc/uproc.h:
kernel/proc/proc_fpu.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
kernel/mm/layout.h:
kernel/console/console.h:
kernel/mm/frame.h:
kernel/mm/vm.h:
kernel/proc/timer.h:
lib/string.h:
