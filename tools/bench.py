#!/usr/bin/env python3
"""bench.py - beta86's benchmarks, in instructions.

Boots each benchmark kernel test or user program under -icount shift=0 (the
grader's QEMU command line, grader/qemu.py), where rdtsc counts retired
instructions, so every figure repeats exactly. Every run boots with poison=0:
a benchmark measures the kernel, not the poisoning of freed frames that
helps tests catch a use after free (kernel/mm/frame.c). Prints a table with
each figure's target (the project's own) and the budget the graded tests
allow a student (twice that; both from grader/budgets.py), and writes the
same as JSON (build/bench.json by default).

A figure is read from the run's output: "ready" from the kernel's
"beta86: ready after N instructions" line; "KEY" from the first
"bench: ... KEY=N" line; "NAME:KEY" from the line "bench: NAME ... KEY=N"
(user/ubench.c prints one such line per benchmark).

    python3 tools/bench.py [--kernel build/kernel.elf] [--json build/bench.json]
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "grader"))

import qemu  # noqa: E402  (grader/qemu.py)
from budgets import TARGETS, student_budget  # noqa: E402  (grader/budgets.py)

BOOT_TIMEOUT = 120  # seconds; only a guard against a hang

# (name, kernel command line, figure to read, target in grader/budgets.py or
# None). Every run boots with POISON_OFF prepended: the figures are the
# kernel's own costs, without the fill and check of freed frames that tests
# boot with.
POISON_OFF = "poison=0"
BENCHMARKS = [
    ("reset to kernel ready banner", "init=boot", "ready", None),
    ("cooperative switch, 2 threads", "init=bench_yield 2", "per_switch", "cooperative switch"),
    ("cooperative switch, 60 threads", "init=bench_yield 60", "per_switch", "cooperative switch"),
    ("preemptive switch, 2 threads", "hz=10000 init=bench_preempt 2", "per_switch",
     "preemptive switch"),
    ("preemptive switch, 60 threads", "hz=10000 init=bench_preempt 60", "per_switch",
     "preemptive switch"),
    # user space (lab 5, user/ubench.c)
    ("null system call (getpid)", "init=ubench getpid", "getpid:per_op", "null system call"),
    ("pipe round trip, 1 byte", "init=ubench pipe", "pipe:per_op", "pipe round trip"),
    ("  the same in one process, no switch", "init=ubench pipe1", "pipe1:per_op", None),
    ("fork + exit + wait", "init=ubench fork", "fork:per_op", "fork + exit + wait"),
    ("sbrk(+4096), touch, sbrk(-4096)", "init=ubench sbrk", "sbrk:per_op", "sbrk"),
    # ubench forks and execs sh with its output on a pipe, and takes rdtsc
    # when "$ " arrives: reset to sh's first prompt, BIOS included (one exec
    # more than a plain boot, where init starts sh itself)
    ("reset to the shell's first prompt", "init=ubench prompt", "prompt:instructions",
     "reset to prompt"),
]
# Pairs whose figures must agree within SCALING_TOLERANCE (the O(1) pick).
SCALING = [("cooperative switch, 2 threads", "cooperative switch, 60 threads"),
           ("preemptive switch, 2 threads", "preemptive switch, 60 threads")]
SCALING_TOLERANCE = 0.05


def run_kernel(kernel, cmdline):
    """The serial output of one run, which must end in a clean shutdown."""
    command = qemu.qemu_command(kernel, f"{POISON_OFF} {cmdline}")
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, errors="replace", timeout=BOOT_TIMEOUT)
    output = result.stdout.replace("\r\n", "\n")
    if result.returncode != qemu.EXIT_STATUS_SUCCESS:
        sys.exit(f"bench: '{cmdline}' did not shut down cleanly (status {result.returncode}):\n"
                 + qemu.last_lines(output))
    return output


def read_figure(output, figure):
    if figure == "ready":
        match = re.search(r"beta86: ready after (\d+) instructions", output)
    elif ":" in figure:
        name, key = figure.split(":", 1)
        match = re.search(rf"^bench: {name} .*\b{key}=(\d+(?:\.\d+)?)", output, re.M)
    else:
        match = re.search(rf"bench: .*\b{figure}=(\d+(?:\.\d+)?)", output)
    if not match:
        sys.exit(f"bench: no '{figure}' figure in the output:\n" + qemu.last_lines(output))
    start = output.rfind("\n", 0, match.start()) + 1
    end = output.find("\n", match.end())
    return float(match.group(1)), output[start:end if end >= 0 else len(output)]


def verdict(value, budget):
    if budget is None:
        return ""
    return "ok" if value <= budget else "OVER BUDGET"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default=str(ROOT / "build" / "kernel.elf"))
    parser.add_argument("--json", default=str(ROOT / "build" / "bench.json"))
    args = parser.parse_args()

    results = []
    for name, cmdline, figure, target in BENCHMARKS:
        value, line = read_figure(run_kernel(args.kernel, cmdline), figure)
        budget = TARGETS[target] if target else None
        results.append({"name": name, "cmdline": cmdline, "instructions": value,
                        "budget": budget, "ok": budget is None or value <= budget,
                        "student_budget": student_budget(target) if target else None,
                        "line": line})
    by_name = {r["name"]: r["instructions"] for r in results}
    scaling = []
    for few, many in SCALING:
        spread = abs(by_name[many] - by_name[few]) / by_name[few]
        scaling.append({"few": few, "many": many, "spread": spread,
                        "ok": spread <= SCALING_TOLERANCE})

    width = max(34, max(len(r["name"]) for r in results))
    print(f"{'benchmark':{width}} {'instructions':>14} {'target':>11} {'students':>11}")
    for r in results:
        budget = "" if r["budget"] is None else f"{r['budget']:,}"
        student = "" if r["student_budget"] is None else f"{r['student_budget']:,}"
        print(f"{r['name']:{width}} {r['instructions']:>14,.2f} {budget:>11} {student:>11}  "
              f"{verdict(r['instructions'], r['budget'])}")
    for s in scaling:
        print(f"{s['many']} vs {s['few']}: {s['spread']:.1%} apart "
              f"({'ok' if s['ok'] else 'MORE THAN 5%'})")

    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"results": results, "scaling": scaling}, indent=2) + "\n")
    print(f"written: {args.json}")
    return 0 if all(r["ok"] for r in results) and all(s["ok"] for s in scaling) else 1


if __name__ == "__main__":
    sys.exit(main())
