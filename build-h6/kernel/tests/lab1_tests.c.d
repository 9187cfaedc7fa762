build-h6/kernel/tests/lab1_tests.c.o: kernel/tests/lab1_tests.c \
 kernel/boot/ktest.h kernel/boot/cmdline.h kernel/console/console.h \
 kernel/cpu/x86.h kernel/debug/backtrace.h kernel/debug/panic.h \
 kernel/proc/timer.h lib/string.h
kernel/boot/ktest.h:
kernel/boot/cmdline.h:
kernel/console/console.h:
kernel/cpu/x86.h:
kernel/debug/backtrace.h:
kernel/debug/panic.h:
kernel/proc/timer.h:
lib/string.h:
