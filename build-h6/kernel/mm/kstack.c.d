build-h6/kernel/mm/kstack.c.o: kernel/mm/kstack.c kernel/mm/kstack.h \
 kernel/mm/layout.h lib/abi.h lib/syscall_list.h kernel/debug/backtrace.h \
 kernel/mm/paging.h kernel/mm/frame.h kernel/debug/panic.h
kernel/mm/kstack.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/debug/backtrace.h:
kernel/mm/paging.h:
kernel/mm/frame.h:
kernel/debug/panic.h:
