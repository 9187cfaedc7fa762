build-h6/kernel/mm/frame.c.o: kernel/mm/frame.c kernel/mm/frame.h \
 kernel/mm/layout.h lib/abi.h lib/syscall_list.h kernel/cpu/multiboot.h \
 kernel/debug/ksym.h kernel/debug/panic.h kernel/cpu/x86.h lib/format.h \
 lib/string.h
kernel/mm/frame.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/cpu/multiboot.h:
kernel/debug/ksym.h:
kernel/debug/panic.h:
kernel/cpu/x86.h:
lib/format.h:
lib/string.h:
