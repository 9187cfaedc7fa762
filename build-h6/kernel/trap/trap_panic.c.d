build-h6/kernel/trap/trap_panic.c.o: kernel/trap/trap_panic.c \
 kernel/trap/trap.h kernel/cpu/x86.h kernel/cpu/trapframe.h \
 kernel/debug/ksym.h kernel/debug/panic.h kernel/mm/kstack.h \
 kernel/mm/layout.h lib/abi.h lib/syscall_list.h kernel/proc/proc.h \
 kernel/proc/kctx.h kernel/cpu/fpu.h
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
kernel/debug/ksym.h:
kernel/debug/panic.h:
kernel/mm/kstack.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
