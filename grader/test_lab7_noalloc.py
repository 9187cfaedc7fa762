"""Lab 7 with GDB: invariant 1, the trap path never allocates. A fault is
delivered, its registers read and written, and it is resumed, passed on or
killed, touching only preallocated state: the trap frame on the kernel
stack, a slot of the invocation stack, the handler's exception stack
(mapped before: by dom_set_handler for a home domain). So once a program's
setup is done, the frame allocator must not run until the program exits.

Each test boots a program under GDB, stops it at the end of its first
dom_set_handler (the one that maps the home's exception stack; everything
after it in these runs is faults and printing), then puts breakpoints on
frame_alloc and frame_alloc_zeroed and on uproc_exit, and lets it run: the
first stop must be uproc_exit, and the program must have done its faults
(its own output says so: the part's ok line, the benchmarks' lines, which
ubench prints only after counting every handler run).
"""

import re

import pytest

import gdb_session
from userprog import verdict_ok

RUN_TIMEOUT = 300                 # s: a last guard; the runs take well under a second


@pytest.fixture
def gdb_boot(boot, kernel_dir):
    yield from gdb_session.boot_with_gdb(boot, kernel_dir)


def allocations_after_setup(gdb_boot, cmdline):
    """Boot cmdline under GDB; run it from the end of its first
    dom_set_handler to its exit; (the run, the stop's output)."""
    run, gdb = gdb_boot(cmdline)
    allocation = gdb_session.allocation_after_setup(gdb, "dom_set_handler", 1, RUN_TIMEOUT)
    if allocation:
        pytest.fail(f"{allocation} ran after the setup", pytrace=False)
    run.wait_exit()
    return run


@pytest.mark.points(3)
def test_fault_part_never_allocates(gdb_boot, rng):
    """no frame is allocated while faults are delivered, their registers edited and refused, and resumed"""
    run = allocations_after_setup(gdb_boot, f"init=faulttests garbage {rng.randrange(1, 2**32)}")
    assert verdict_ok(run.output, "faulttests", "garbage"), \
        "faulttests garbage did not say ok (were its faults delivered?)"


@pytest.mark.points(3)
def test_fault_benchmarks_never_allocate(gdb_boot):
    """no frame is allocated during the fault benchmarks' 20,000 round trips"""
    run = allocations_after_setup(gdb_boot, "poison=0 init=ubench fault faultregs")
    for name in ("fault", "faultregs"):
        assert re.search(rf"^bench: {name} per_op=", run.output, re.M), \
            f"no 'bench: {name}' line (ubench prints it once the handler ran for every fault)"
