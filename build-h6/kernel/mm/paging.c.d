build-h6/kernel/mm/paging.c.o: kernel/mm/paging.c kernel/mm/paging.h \
 kernel/mm/layout.h lib/abi.h lib/syscall_list.h kernel/mm/frame.h \
 kernel/cpu/x86.h kernel/debug/panic.h
kernel/mm/paging.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/frame.h:
kernel/cpu/x86.h:
kernel/debug/panic.h:
