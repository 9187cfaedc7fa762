build-h6/user/user/sleep.c.o: user/sleep.c lib/user/ulib.h lib/abi.h \
 lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
