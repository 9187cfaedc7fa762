"""Lab 5: every pointer a system call takes is checked (`init=usertests
badptr`): exec's path, argv and each argv string; wait's status; read's
and write's buffers; pipe's descriptor pair; ps's table. Null, kernel
addresses, the bytes just below the user base, the stack's guard page, the
unmapped page after the heap, read-only text for buffers the kernel writes,
ranges that wrap around 4 GiB: each gives -E_FAULT and the caller carries
on. At the edges: a buffer ending exactly at the heap's last byte (or the
stack's top) works, one byte more fails; a failed wait() does not consume
the child; a failed pipe() leaks no descriptor. `usertests zerolen`: a
zero-length read, write or ps checks its pointer by the same rule (a
pointer outside user space, null included, is -E_FAULT; any user address
gives 0 at once), for the console, a pipe and a pipe with no reader."""

import re

import pytest

from userprog import kill_lines, run_usertests


@pytest.mark.points(15)
def test_bad_pointers(boot):
    """bad and page-boundary pointers for every system call that takes one"""
    run = run_usertests(boot, "badptr")
    match = re.search(r"usertests: badptr: (\d+) bad and boundary pointers", run.output)
    assert match and int(match.group(1)) >= 50, "fewer cases ran than expected"
    assert not kill_lines(run.output), "a bad pointer killed a process instead of failing"


@pytest.mark.points(3)
def test_zero_length_calls_check_their_pointer(boot):
    """read, write (console, pipes) and ps of length 0: -E_FAULT for null and the kernel, 0 in user space"""
    run = run_usertests(boot, "zerolen")
    assert re.search(r"^usertests: zerolen: 49 zero-length calls: E_FAULT for every pointer "
                     r"outside user space, null included; 0 for every user address$",
                     run.output, re.M), "the part did not make its 49 calls"
    assert not kill_lines(run.output), "a zero-length call killed a process"
