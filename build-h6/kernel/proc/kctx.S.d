build-h6/kernel/proc/kctx.S.o: kernel/proc/kctx.S kernel/proc/kctx.h \
 lib/lab.h
kernel/proc/kctx.h:
lib/lab.h:
