build-h6/kernel/cpu/fpu.c.o: kernel/cpu/fpu.c kernel/cpu/fpu.h \
 kernel/cpu/cpu.h lib/string.h
kernel/cpu/fpu.h:
kernel/cpu/cpu.h:
lib/string.h:
