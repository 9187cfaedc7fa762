build-h6/kernel/syscall/syscall.c.o: kernel/syscall/syscall.c \
 kernel/syscall/syscall.h kernel/trap/trap.h kernel/cpu/x86.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h \
 kernel/console/console.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h kernel/uproc/uproc.h kernel/proc/proc_fpu.h \
 kernel/dom/dom.h kernel/dom/cap.h kernel/mm/layout.h lib/lab.h
kernel/syscall/syscall.h:
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
kernel/console/console.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/uproc/uproc.h:
kernel/proc/proc_fpu.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
kernel/mm/layout.h:
lib/lab.h:
