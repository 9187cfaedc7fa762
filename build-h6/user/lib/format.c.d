build-h6/user/lib/format.c.o: lib/format.c lib/format.h lib/string.h
lib/format.h:
lib/string.h:
