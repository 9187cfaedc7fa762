build-h6/kernel/mm/vm.c.o: kernel/mm/vm.c kernel/mm/vm.h \
 kernel/mm/frame.h kernel/mm/layout.h lib/abi.h lib/syscall_list.h \
 kernel/mm/paging.h kernel/cpu/x86.h kernel/console/console.h \
 kernel/debug/panic.h lib/lab.h lib/string.h
kernel/mm/vm.h:
kernel/mm/frame.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/paging.h:
kernel/cpu/x86.h:
kernel/console/console.h:
kernel/debug/panic.h:
lib/lab.h:
lib/string.h:
