build-h6/user/user/longcall.c.o: user/longcall.c lib/user/ulib.h \
 lib/abi.h lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
