build-h6/kernel/boot/ktest.c.o: kernel/boot/ktest.c kernel/boot/ktest.h \
 kernel/console/console.h kernel/debug/power.h lib/string.h
kernel/boot/ktest.h:
kernel/console/console.h:
kernel/debug/power.h:
lib/string.h:
