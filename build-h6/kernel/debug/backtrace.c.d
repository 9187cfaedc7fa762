build-h6/kernel/debug/backtrace.c.o: kernel/debug/backtrace.c \
 kernel/debug/backtrace.h kernel/debug/ksym.h kernel/console/console.h \
 lib/lab.h
kernel/debug/backtrace.h:
kernel/debug/ksym.h:
kernel/console/console.h:
lib/lab.h:
