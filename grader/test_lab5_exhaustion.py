"""Lab 5: running out, cleanly (`init=usertests exhaust`). Pipes until
-E_MFILE (and dup too); fork until -E_AGAIN with every process table slot
in use, then all reaped and fork works again; a process that sbrks until
-E_NOMEM, whose fork then fails with -E_NOMEM, and whose heap kept every
page's contents. Then that process gives memory back a page at a time
and its parent forks at each shortage: every fork that fails gives back
all it took (memfree), until one fits. Afterwards memfree() and the process table are back
where they started."""

import re

import pytest

from userprog import kill_lines, run_usertests


@pytest.mark.points(10)
def test_exhaustion(boot):
    """descriptors, process slots and memory run out with errors, and all come back"""
    run = run_usertests(boot, "exhaust")
    assert re.search(r"descriptors: \d+ then E_MFILE; processes: \d+ children then E_AGAIN",
                     run.output)
    assert re.search(r"memory: sbrk gave \d+ pages .* before E_NOMEM", run.output)
    assert re.search(r"fork failed \d+ times with memory short, each time giving back every "
                     r"frame", run.output), "the forks with memory short were not all tried"
    assert not kill_lines(run.output), "a process was killed"
