build-h6/user/user/vm86.c.o: user/vm86.c lib/user/ulib.h lib/abi.h \
 lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
