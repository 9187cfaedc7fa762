build-h6/user/lib/user/malloc.c.o: lib/user/malloc.c lib/user/ulib.h \
 lib/abi.h lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
