build-h6/kernel/debug/ksym.c.o: kernel/debug/ksym.c kernel/debug/ksym.h \
 lib/string.h
kernel/debug/ksym.h:
lib/string.h:
