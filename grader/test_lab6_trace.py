"""The scheduling trace (kernel/proc/trace.h) on workloads of user
programs: GDB's `trace` decodes the ring as the kernel's dump does (lab 3's
test, grader/test_lab3_trace.py) for a pipe's ping-pong between two
processes, which wraps the ring many times, and nested domain calls, whose
crossings the trace records (lab 6). Sanity checks of given code: no
points."""

import pytest

from test_lab3_trace import gdb_trace_matches_dump


@pytest.mark.parametrize("workload", ["pipe", "domains"])
def test_gdb_trace_decodes_user_workloads_as_the_dump_does(gdb_boot, rng, workload):
    """GDB's `trace` and the kernel's dump agree on a pipe's and nested domain calls' records"""
    command = {"pipe": "init=ubench pipe",
               "domains": f"init=domscene nest {rng.randrange(2, 5)} {rng.randrange(1, 1000)}"}
    gdb_trace_matches_dump(gdb_boot, workload, command[workload])
