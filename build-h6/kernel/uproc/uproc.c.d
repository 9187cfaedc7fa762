build-h6/kernel/uproc/uproc.c.o: kernel/uproc/uproc.c \
 kernel/uproc/uproc.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h kernel/cpu/trapframe.h kernel/cpu/x86.h lib/abi.h \
 lib/syscall_list.h kernel/proc/proc_fpu.h kernel/uproc/exec.h \
 kernel/dom/dom.h kernel/dom/cap.h kernel/mm/layout.h \
 kernel/console/console.h lib/lab.h kernel/proc/sched.h \
 kernel/cpu/preempt.h kernel/debug/panic.h kernel/fs/file.h \
 kernel/mm/paging.h kernel/mm/vm.h lib/string.h
kernel/uproc/uproc.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/proc_fpu.h:
kernel/uproc/exec.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
kernel/mm/layout.h:
kernel/console/console.h:
lib/lab.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
kernel/fs/file.h:
kernel/mm/paging.h:
kernel/mm/vm.h:
lib/string.h:
