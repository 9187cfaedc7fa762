# .gdbinit - attach GDB to a beta86 kernel halted in QEMU (`make qemu-gdb`).
#
# Run as `make gdb` (that is, `gdb -n -x .gdbinit` from the top of the
# tree): -n skips every other init file, so no auto-load safe-path warning
# appears and nothing from ~/.gdbinit interferes.
#
# The port is $BETA86_GDB_PORT if set (`make gdb GDBPORT=N` sets it; the
# grader picks a free port per test), else the one `make qemu-gdb` chose and
# wrote to build/gdbport while its QEMU runs: its per-user default (26000 +
# uid % 5000, so that two students on one machine do not collide) or, if
# that was busy, a free one. Without either, the per-user default.
#
# QEMU starts halted at the BIOS; breakpoints on kernel functions work from
# the first instruction: `break kmain` then `continue`. For a user program
# that has not run yet, load its symbols first: `usym echo`, then
# `break main if $_streq(current_proc->name, "echo")` (see `help usym`).

set confirm off
set pagination off
set architecture i386
file build/kernel.elf

# The beta86 commands: ps, ctx PID, pbt PID, nextswitch, usym, and for
# lab 6's domains domains [ID], invstack [PID], nextdomain (see `help
# beta86`). It also loads a user program's symbols (build/user/NAME.elf)
# whenever GDB stops in a user process (keeping your `display`s), names the
# trap path's frames in `bt` (GDB itself unwinds through a trap, from the
# .cfi directives of trap_entry.S), and pretty-prints struct proc, kctx,
# trapframe, domain, cap and inv_frame.
source tools/gdb/beta86.py

python
import os
beta86_port = os.environ.get("BETA86_GDB_PORT")
beta86_port_from = "BETA86_GDB_PORT"
if not beta86_port:
    try:
        with open("build/gdbport") as beta86_port_file:
            beta86_port = beta86_port_file.read().strip()
        beta86_port_from = "build/gdbport, from make qemu-gdb"
    except OSError:
        beta86_port = str(26000 + os.getuid() % 5000)
        beta86_port_from = "your default; no build/gdbport: make qemu-gdb is not running here"
print("beta86: connecting to QEMU at localhost:%s (%s)" % (beta86_port, beta86_port_from))
try:
    gdb.execute("target remote localhost:" + beta86_port)
except gdb.error as error:
    print("beta86: %s\nbeta86: is QEMU waiting? Run `make qemu-gdb` in another "
          "terminal of this tree, then `make gdb` again (or `target remote "
          "localhost:PORT` here, with the port it prints)." % error)
end
