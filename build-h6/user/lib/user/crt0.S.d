build-h6/user/lib/user/crt0.S.o: lib/user/crt0.S
