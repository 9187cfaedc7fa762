build-h6/ksyms0.S.o: build-h6/ksyms0.S
