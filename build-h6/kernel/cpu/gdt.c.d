build-h6/kernel/cpu/gdt.c.o: kernel/cpu/gdt.c kernel/cpu/gdt.h \
 kernel/cpu/x86.h
kernel/cpu/gdt.h:
kernel/cpu/x86.h:
