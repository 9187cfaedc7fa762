build-h6/kernel/trap/pic.c.o: kernel/trap/pic.c kernel/trap/pic.h \
 kernel/cpu/x86.h kernel/trap/trap.h kernel/cpu/trapframe.h
kernel/trap/pic.h:
kernel/cpu/x86.h:
kernel/trap/trap.h:
kernel/cpu/trapframe.h:
