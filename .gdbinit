# .gdbinit - attach GDB to a beta86 kernel halted in QEMU (`make qemu-gdb`).
#
# Run as `make gdb` (that is, `gdb -n -x .gdbinit` from the top of the
# tree): -n skips every other init file, so no auto-load safe-path warning
# appears and nothing from ~/.gdbinit interferes.
#
# The port is $BETA86_GDB_PORT if set (the grader picks a free one per
# test), else 26000 + uid % 5000, the same per-user port as the Makefile's
# GDBPORT, so that two students on one machine do not collide.
#
# QEMU starts halted at the BIOS; breakpoints on kernel functions work from
# the first instruction: `break kmain` then `continue`. For a user program
# that has not run yet, load its symbols first: `usym echo`, then
# `break main if $_streq(current_proc->name, "echo")` (see `help usym`).

set confirm off
set pagination off
set architecture i386
file build/kernel.elf

# The beta86 commands: ps, ctx PID, pbt PID, nextswitch, usym (see `help
# beta86`). It also loads a user program's symbols (build/user/NAME.elf)
# whenever GDB stops in a user process, and lets `bt` go on through a trap
# frame from the kernel into the user code that trapped.
source tools/gdb/beta86.py

python
import os
beta86_port = os.environ.get("BETA86_GDB_PORT") or str(26000 + os.getuid() % 5000)
print("beta86: connecting to QEMU at localhost:%s" % beta86_port)
try:
    gdb.execute("target remote localhost:" + beta86_port)
except gdb.error as error:
    print("beta86: %s\nbeta86: is QEMU waiting? Run `make qemu-gdb` in another "
          "terminal, then `target remote localhost:%s` here." % (error, beta86_port))
end
