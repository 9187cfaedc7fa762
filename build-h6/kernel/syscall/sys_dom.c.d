build-h6/kernel/syscall/sys_dom.c.o: kernel/syscall/sys_dom.c \
 kernel/syscall/syscall.h kernel/trap/trap.h kernel/cpu/x86.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h kernel/dom/dom.h \
 kernel/dom/cap.h kernel/mm/layout.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h kernel/console/console.h lib/lab.h \
 kernel/mm/vm.h
kernel/syscall/syscall.h:
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
kernel/mm/layout.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/console/console.h:
lib/lab.h:
kernel/mm/vm.h:
