build-h6/kernel/dom/cap.c.o: kernel/dom/cap.c kernel/dom/cap.h lib/abi.h \
 lib/syscall_list.h kernel/dom/dom.h kernel/mm/layout.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h kernel/cpu/x86.h kernel/console/console.h \
 lib/lab.h lib/string.h
kernel/dom/cap.h:
lib/abi.h:
lib/syscall_list.h:
kernel/dom/dom.h:
kernel/mm/layout.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
kernel/console/console.h:
lib/lab.h:
lib/string.h:
