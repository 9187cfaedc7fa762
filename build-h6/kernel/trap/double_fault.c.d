build-h6/kernel/trap/double_fault.c.o: kernel/trap/double_fault.c \
 kernel/trap/trap.h kernel/cpu/x86.h kernel/cpu/trapframe.h \
 kernel/cpu/gdt.h kernel/mm/kstack.h kernel/mm/layout.h lib/abi.h \
 lib/syscall_list.h kernel/mm/paging.h kernel/debug/panic.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
kernel/cpu/gdt.h:
kernel/mm/kstack.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/paging.h:
kernel/debug/panic.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
