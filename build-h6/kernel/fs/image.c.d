build-h6/kernel/fs/image.c.o: kernel/fs/image.c kernel/fs/image.h \
 kernel/fs/elf.h kernel/fs/ramdisk.h kernel/mm/layout.h lib/abi.h \
 lib/syscall_list.h kernel/mm/paging.h kernel/mm/vm.h
kernel/fs/image.h:
kernel/fs/elf.h:
kernel/fs/ramdisk.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/paging.h:
kernel/mm/vm.h:
