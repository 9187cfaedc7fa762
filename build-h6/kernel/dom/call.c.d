build-h6/kernel/dom/call.c.o: kernel/dom/call.c kernel/dom/dom.h \
 kernel/dom/cap.h lib/abi.h lib/syscall_list.h kernel/mm/layout.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h kernel/cpu/x86.h kernel/console/console.h \
 lib/lab.h kernel/mm/vm.h kernel/mm/paging.h kernel/cpu/gdt.h \
 kernel/debug/panic.h lib/string.h
kernel/dom/dom.h:
kernel/dom/cap.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/layout.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
kernel/console/console.h:
lib/lab.h:
kernel/mm/vm.h:
kernel/mm/paging.h:
kernel/cpu/gdt.h:
kernel/debug/panic.h:
lib/string.h:
