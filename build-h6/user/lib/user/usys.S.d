build-h6/user/lib/user/usys.S.o: lib/user/usys.S lib/syscall_list.h
lib/syscall_list.h:
