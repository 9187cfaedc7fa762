build-h6/kernel/uproc/usym.c.o: kernel/uproc/usym.c kernel/uproc/usym.h \
 kernel/fs/elf.h kernel/fs/ramdisk.h
kernel/uproc/usym.h:
kernel/fs/elf.h:
kernel/fs/ramdisk.h:
