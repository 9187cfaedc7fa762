build-h6/kernel/boot/entry.S.o: kernel/boot/entry.S \
 kernel/cpu/multiboot.h kernel/mm/layout.h lib/abi.h lib/syscall_list.h
kernel/cpu/multiboot.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
