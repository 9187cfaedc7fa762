build-h6/kernel/debug/power.c.o: kernel/debug/power.c \
 kernel/debug/power.h kernel/cpu/x86.h kernel/console/console.h
kernel/debug/power.h:
kernel/cpu/x86.h:
kernel/console/console.h:
