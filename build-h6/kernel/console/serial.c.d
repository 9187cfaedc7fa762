build-h6/kernel/console/serial.c.o: kernel/console/serial.c \
 kernel/console/serial.h kernel/console/console.h kernel/cpu/x86.h
kernel/console/serial.h:
kernel/console/console.h:
kernel/cpu/x86.h:
