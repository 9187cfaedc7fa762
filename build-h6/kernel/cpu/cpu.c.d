build-h6/kernel/cpu/cpu.c.o: kernel/cpu/cpu.c kernel/cpu/cpu.h \
 kernel/cpu/x86.h lib/format.h
kernel/cpu/cpu.h:
kernel/cpu/x86.h:
lib/format.h:
