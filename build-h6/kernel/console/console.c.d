build-h6/kernel/console/console.c.o: kernel/console/console.c \
 kernel/console/console.h kernel/console/serial.h kernel/console/vga.h \
 kernel/cpu/x86.h kernel/cpu/preempt.h lib/format.h
kernel/console/console.h:
kernel/console/serial.h:
kernel/console/vga.h:
kernel/cpu/x86.h:
kernel/cpu/preempt.h:
lib/format.h:
