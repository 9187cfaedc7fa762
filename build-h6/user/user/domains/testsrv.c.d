build-h6/user/user/domains/testsrv.c.o: user/domains/testsrv.c \
 lib/user/ulib.h lib/abi.h lib/syscall_list.h lib/format.h lib/string.h \
 user/domains/testsrv.h
lib/user/ulib.h:
lib/abi.h:
lib/syscall_list.h:
lib/format.h:
lib/string.h:
user/domains/testsrv.h:
