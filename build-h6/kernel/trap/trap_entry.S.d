build-h6/kernel/trap/trap_entry.S.o: kernel/trap/trap_entry.S \
 kernel/trap/trap.h kernel/cpu/trapframe.h kernel/cpu/gdt.h
kernel/trap/trap.h:
kernel/cpu/trapframe.h:
kernel/cpu/gdt.h:
