build-h6/user/lib/user/printf.c.o: lib/user/printf.c lib/user/ulib.h \
 lib/abi.h lib/syscall_list.h lib/format.h lib/string.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
