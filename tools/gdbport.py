#!/usr/bin/env python3
"""gdbport.py - choose the TCP port of QEMU's GDB stub for `make qemu-gdb`.

    gdbport.py --prefer N     N if it is free, else a free port the system
                              picks (said on stderr, so it shows on screen)
    gdbport.py --port N       N, which the user chose (GDBPORT=N): an error
                              if it is busy, since a different port would
                              not be the one they asked for

Prints the port on stdout. The Makefile writes it to build/gdbport, where
.gdbinit (`make gdb`) reads it, so the two always agree. N is normally the
per-user default 26000 + uid % 5000: two students on one machine get
different ports, and when a port is taken anyway (another user's QEMU, a
second `make qemu-gdb`), this picks another instead of QEMU failing.

"Free" means nothing listens on it on the loopback interface, IPv4 or
IPv6, the way QEMU's `-gdb tcp:localhost:N` binds it.
"""

import argparse
import errno
import socket
import sys

LOOPBACK = (("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6))


def is_free(port):
    """Whether QEMU could listen on `port` on localhost now."""
    for address, family in LOOPBACK:
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue                    # no IPv6 on this machine
        with sock:
            # As QEMU does: a connection in TIME_WAIT does not make it busy.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((address, port))
            except OSError as error:
                if error.errno == errno.EADDRNOTAVAIL:
                    continue            # this address does not exist here
                return False
    return True


def free_port():
    """A port nothing listens on, chosen by the system."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--prefer", type=int, metavar="N",
                        help="use N if free, else a free port")
    choice.add_argument("--port", type=int, metavar="N", help="use N (GDBPORT=N)")
    args = parser.parse_args()
    wanted = args.port if args.port is not None else args.prefer
    if not 0 < wanted < 65536:
        sys.exit("beta86: %d is not a TCP port (1-65535)" % wanted)
    if is_free(wanted):
        print(wanted)
        return
    if args.port is not None:
        sys.exit("beta86: port %d (GDBPORT=%d) is busy: something already listens on "
                 "it. Choose another, or leave GDBPORT out to get a free one."
                 % (wanted, wanted))
    port = free_port()
    print("beta86: port %d, your default (26000 + uid %% 5000), is busy; using port "
          "%d instead. `make gdb` in this tree finds it (build/gdbport)."
          % (wanted, port), file=sys.stderr)
    print(port)


if __name__ == "__main__":
    main()
