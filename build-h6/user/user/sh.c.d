build-h6/user/user/sh.c.o: user/sh.c lib/user/ulib.h lib/abi.h \
 lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
