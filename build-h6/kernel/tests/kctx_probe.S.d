build-h6/kernel/tests/kctx_probe.S.o: kernel/tests/kctx_probe.S
