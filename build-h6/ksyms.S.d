build-h6/ksyms.S.o: build-h6/ksyms.S
