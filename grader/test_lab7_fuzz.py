"""Lab 7: the fuzzer with fault handlers (`fuzz -f`, user/fuzz.c): each round
is a run of episodes, each a process of its own, which registers random
handlers (its own, or raw eips inside and outside user space, with random
masks, invalid bits too), makes faulter domains (user/domains/faulter.h)
with handlers of their own (skip, pass, kill, resume unchanged, an invalid
action, a fault inside the handler), and raises divide errors, ud2, int3,
into, cli and page faults at random addresses, at home and in those
domains, with registers from the seed; its handler reads and writes the
faulting registers with random edits (eip and esp inside and outside user
space, random eflags) and bad pointers, and ends with random actions,
invalid ones included. Every answer must be the ABI's, a resumed fault
must have been through a handler and see eflags sanitised, an episode
must end in exit 0 or be killed by a fault it raised, every death must be
one line of the kernel's, memfree() and the process table be back after
each round, and a seed repeat its checksum in the same boot."""

import re

import pytest

from userprog import run_fuzz

EPISODES = 300
SEEDS = 2
WHERE = r"eip 0x[0-9a-f]{8} \((?:[\w.$]+\+0x[0-9a-f]+|\?)\)"
SAID_KILL = r"(?:: its handler in domain \d+ \((?:fuzz|faulter)\) said kill)?"
# The one line of each way a fault may end something (user/fuzz.c's
# episodes are processes called fuzz; their created domains, faulter).
PROCESS_KILLED = re.compile(rf"^pid \d+ \(fuzz\): killed by .+, {WHERE}{SAID_KILL}$")
DOMAIN_DESTROYED = re.compile(rf"^pid \d+ \(fuzz\): .+ in domain \d+ \(faulter\), {WHERE}: "
                              rf"domain destroyed{SAID_KILL}$")
FAULT_LOOP = re.compile(rf"^pid \d+ \(fuzz\): fault loop: .+, {WHERE}, 8 times in a row from the "
                        rf"same registers: handler domain \d+ (?:\(fuzz\) killed|\(faulter\) destroyed)$")


@pytest.mark.points(10)
def test_fuzz_fault_handlers(boot, rng):
    """random handlers, faults and fault_regs edits and resumes: the kernel survives, every death is one line, nothing leaks"""
    run = run_fuzz(boot, rng, EPISODES, SEEDS, options="-f", kills_expected=True)
    tallies = [tuple(map(int, m)) for m in re.findall(
        r"^fuzz: seed=\d+ faults: episodes=(\d+) killed=(\d+) raised=(\d+) delivered=(\d+)$",
        run.output, re.M)]
    assert len(tallies) == SEEDS + 1, "no 'fuzz: seed=S faults: ...' line per round"
    assert all(0 < killed < episodes and delivered > 0 for episodes, killed, _, delivered in tallies), \
        f"each round must have episodes that end killed and ones that live, and deliveries: {tallies}"
    deaths = [line for line in run.lines if line.startswith("pid ")]
    strange = [line for line in deaths
               if not any(form.match(line) for form in (PROCESS_KILLED, DOMAIN_DESTROYED, FAULT_LOOP))]
    assert not strange, "a death said otherwise than in the kernel's one line:\n" + "\n".join(strange[:5])
    processes = sum(1 for line in deaths if PROCESS_KILLED.match(line) or
                    (FAULT_LOOP.match(line) and line.endswith(" killed")))
    assert processes == sum(killed for _, killed, _, _ in tallies), \
        f"{processes} lines say a process died, the rounds count " \
        f"{sum(killed for _, killed, _, _ in tallies)} episodes killed: one line per death"
    assert any(DOMAIN_DESTROYED.match(line) for line in deaths), \
        "no faulter domain died of a fault: the episodes did not reach the created domains"
