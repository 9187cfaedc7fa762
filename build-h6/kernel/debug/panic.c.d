build-h6/kernel/debug/panic.c.o: kernel/debug/panic.c \
 kernel/debug/panic.h kernel/debug/backtrace.h kernel/debug/ksym.h \
 kernel/console/console.h kernel/debug/power.h kernel/cpu/x86.h \
 kernel/cpu/trapframe.h
kernel/debug/panic.h:
kernel/debug/backtrace.h:
kernel/debug/ksym.h:
kernel/console/console.h:
kernel/debug/power.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
