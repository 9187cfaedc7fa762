build-h6/user/lib/user/dom_crt0.S.o: lib/user/dom_crt0.S
