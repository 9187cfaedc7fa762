build-h6/kernel/trap/user_fault.c.o: kernel/trap/user_fault.c \
 kernel/trap/user_fault.h kernel/trap/trap.h kernel/cpu/x86.h \
 kernel/cpu/trapframe.h kernel/console/console.h kernel/cpu/fpu.h \
 kernel/debug/panic.h kernel/uproc/usym.h kernel/mm/layout.h lib/abi.h \
 lib/syscall_list.h kernel/mm/vm.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/uproc/uproc.h kernel/proc/proc_fpu.h kernel/dom/dom.h \
 kernel/dom/cap.h lib/lab.h lib/string.h lib/format.h
kernel/trap/user_fault.h:
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
kernel/console/console.h:
kernel/cpu/fpu.h:
kernel/debug/panic.h:
kernel/uproc/usym.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/vm.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/uproc/uproc.h:
kernel/proc/proc_fpu.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
lib/lab.h:
lib/string.h:
lib/format.h:
