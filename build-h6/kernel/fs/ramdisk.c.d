build-h6/kernel/fs/ramdisk.c.o: kernel/fs/ramdisk.c kernel/fs/ramdisk.h \
 lib/string.h
kernel/fs/ramdisk.h:
lib/string.h:
