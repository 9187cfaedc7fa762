build-h6/ramdisk.S.o: build-h6/ramdisk.S
