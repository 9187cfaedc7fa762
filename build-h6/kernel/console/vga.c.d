build-h6/kernel/console/vga.c.o: kernel/console/vga.c \
 kernel/console/vga.h kernel/cpu/x86.h lib/string.h
kernel/console/vga.h:
kernel/cpu/x86.h:
lib/string.h:
