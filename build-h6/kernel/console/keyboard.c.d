build-h6/kernel/console/keyboard.c.o: kernel/console/keyboard.c \
 kernel/console/keyboard.h kernel/console/console.h kernel/cpu/x86.h
kernel/console/keyboard.h:
kernel/console/console.h:
kernel/cpu/x86.h:
