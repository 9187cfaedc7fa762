"""Lab 5: the shell, driven like a person at the console (no init=: init
forks sh and waits). A pipeline of three programs, an unknown command, a
background job that `ps` lists and `kill` ends, and `exit`, after which
init exits 0 and the machine shuts down cleanly."""

import re
import string

import pytest

PROMPT = r"\n\$ "


def command(run, line):
    """Type line, wait for the next prompt; what was printed in between."""
    start = len(run.output)
    run.sendline(line)
    run.expect(PROMPT)
    return run.output[start:]


def word(rng):
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(5, 12)))


@pytest.mark.points(10)
def test_shell(boot, rng):
    """pipelines, command not found, a background job seen by ps and ended by kill, exit"""
    run = boot("init=init", wait=False)     # the shell, in a lab 5 tree too
    run.expect_exact("$ ")

    first, second = word(rng), word(rng)
    out = command(run, f"echo {first} {second} | cat | cat")
    assert f"\n{first} {second}\n" in out, f"the pipeline printed {out!r}"

    missing = "no" + word(rng)
    out = command(run, missing)
    assert f"sh: {missing}: command not found" in out, out

    out = command(run, "sleep 1000000000 &")
    job = re.search(r"\[(\d+)\]", out)
    assert job, f"no [PID] for the background job: {out!r}"
    pid = int(job.group(1))
    out = command(run, "ps")
    assert re.search(rf"\n{pid} \d+ sleeping sleep \d+ \d+ sleep 0\n", out), \
        f"ps does not list the background sleep (pid {pid}) as sleeping at home:\n{out}"

    out = command(run, f"kill {pid}")
    assert "kill:" not in out, out
    command(run, "ps")                  # the shell reaps the job while it waits
    out = command(run, "ps")
    assert not re.search(rf"\n{pid} \d+ \w+ sleep ", out), \
        f"the killed job (pid {pid}) is still listed:\n{out}"

    run.sendline("exit")
    run.expect_exact("init: sh exited with status 0")
    run.expect_exit("success")
