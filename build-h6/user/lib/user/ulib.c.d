build-h6/user/lib/user/ulib.c.o: lib/user/ulib.c lib/user/ulib.h \
 lib/abi.h lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
