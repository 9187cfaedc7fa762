build-h6/kernel/tests/lab5_tests.c.o: kernel/tests/lab5_tests.c \
 kernel/boot/ktest.h kernel/boot/cmdline.h kernel/console/console.h \
 kernel/mm/frame.h kernel/mm/layout.h lib/abi.h lib/syscall_list.h \
 kernel/mm/paging.h kernel/mm/vm.h lib/string.h
kernel/boot/ktest.h:
kernel/boot/cmdline.h:
kernel/console/console.h:
kernel/mm/frame.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/paging.h:
kernel/mm/vm.h:
lib/string.h:
