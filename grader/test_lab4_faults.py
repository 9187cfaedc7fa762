"""Lab 4: a user program that breaks the rules is killed, alone, with one
console line that names the trap and the function it was in:

    pid 1 (faults): killed by page fault reading 0x00000000 ..., eip 0x40000030 (fault_null+0x0)

Each behaviour of user/faults.c runs as pid 1 (`init=faults solo NAME`),
so after its kill line the kernel reports `beta86: init killed by ...` and
shuts down with failure. The line is checked against the program's own
symbols (build/user/faults.elf): FUNC+0xOFF must be eip."""

import pytest

from userprog import BEHAVIOURS, BY_NAME, kernel_trouble, kill_line_problems, \
    kill_lines, user_symbols, why_it_never_started


@pytest.mark.points(2)
@pytest.mark.parametrize("name", [b.name for b in BEHAVIOURS])
def test_fault_kills_the_offender(boot, kernel_dir, name):
    """one kill line with the trap's name and the faulting function, then init killed"""
    behaviour = BY_NAME[name]
    run = boot(f"init=faults solo {name}")
    run.expect_exit("failure")
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert f"faults: solo {name}: expect" in run.output, why_it_never_started(run.output, "faults")
    assert "survived" not in run.output, f"{name}: the process ran on after the fault"
    lines = kill_lines(run.output)
    assert len(lines) == 1, (f"expected one 'pid P (faults): killed by WHAT, eip 0x... "
                             f"(FUNC+0x...)' line, found {len(lines)}")
    problems = kill_line_problems(lines[0], behaviour, 1, run.output,
                                  user_symbols(kernel_dir, "faults"), "solo")
    assert not problems, f"{lines[0].text}\n" + "\n".join(problems)
    init_line = next((line for line in run.lines
                      if line.startswith("beta86: init killed by ")), None)
    assert init_line, "no 'beta86: init killed by ...' line"
    assert init_line[len("beta86: init killed by "):].startswith(behaviour.trap), \
        f"{init_line!r}: expected the trap, {behaviour.trap!r}"
