"""Checks of the host tools (no points): tools/install-deps.sh finds the
commands beta86 needs whatever the distribution, and tools/bench.py is what
writes the README's table of figures.

install-deps.sh runs here on a fake PATH: every command of /usr/bin, minus
the ones a test takes away (apt-get to be "not Debian", qemu-system-i386 to
miss something), plus stand-ins that record how they were called."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTALL_DEPS = REPO_ROOT / "tools" / "install-deps.sh"
SCRIPT_TIMEOUT = 120      # s; a last guard: the script takes well under a second

pytestmark = pytest.mark.unit


def fake_path(directory, without=(), stand_ins=None):
    """A bin directory with /usr/bin's commands (symlinks) except `without`,
    and `stand_ins` {name: shell script body}."""
    directory.mkdir()
    for command in Path("/usr/bin").iterdir():
        if command.name not in without and command.name not in (stand_ins or {}):
            (directory / command.name).symlink_to(command)
    for name, body in (stand_ins or {}).items():
        script = directory / name
        script.write_text("#!/bin/sh\n" + body)
        script.chmod(0o755)
    return directory


def run_install_deps(bin_dir, tmp_path):
    """Run install-deps.sh with only `bin_dir` on PATH and a terminal-less,
    never-written stdin: if it ever waited for input, it would hang."""
    environment = {"PATH": str(bin_dir), "HOME": str(tmp_path), "TMPDIR": str(tmp_path),
                   "CI": "true", "PYTHON": "python3"}
    with subprocess.Popen(["/bin/bash", str(INSTALL_DEPS)], env=environment,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=SCRIPT_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("install-deps.sh waited (for input?) and never finished")
    return process.returncode, stdout, stderr


def needs_real_tools():
    for command in ("qemu-system-i386", "gcc", "gdb", "python3", "git"):
        if not (Path("/usr/bin") / command).exists():
            pytest.skip(f"this machine has no /usr/bin/{command} to lend the fake PATH")


def test_a_machine_without_apt_but_with_every_command_passes(tmp_path):
    needs_real_tools()
    bin_dir = fake_path(tmp_path / "bin", without=("apt-get", "dpkg", "dpkg-query"))
    status, stdout, stderr = run_install_deps(bin_dir, tmp_path)
    assert (status, stdout, stderr) == (0, "", "")


def test_a_missing_command_is_named_without_apt(tmp_path):
    needs_real_tools()
    bin_dir = fake_path(tmp_path / "bin", without=("apt-get", "qemu-system-i386"))
    status, stdout, stderr = run_install_deps(bin_dir, tmp_path)
    assert status == 1
    assert "install-deps: missing:\n  - qemu-system-i386\n" in stderr
    assert stderr.count("\n  - ") == 1                 # nothing else is missing
    assert "not a Debian system" in stderr and "(Debian names them: qemu-system-x86)" in stderr


def test_debian_installs_what_is_missing_without_asking(tmp_path):
    needs_real_tools()
    log = tmp_path / "apt-get.log"
    bin_dir = fake_path(tmp_path / "bin", without=("qemu-system-i386",), stand_ins={
        "apt-get": f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> {log}\n',
        "id": 'echo 0\n',                       # as root: no sudo needed
    })
    status, stdout, stderr = run_install_deps(bin_dir, tmp_path)
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and calls[0].endswith(" update")
    assert calls[1].startswith("DEBIAN_FRONTEND=noninteractive ")
    assert calls[1].endswith(" install -y --no-install-recommends qemu-system-x86")
    assert stdout.startswith("install-deps: installing qemu-system-x86\n")
    # the stand-in installed nothing: the script checks again and says so
    assert status == 1
    assert "still missing after apt-get:\n  - qemu-system-i386" in stderr


def load_bench():
    spec = importlib.util.spec_from_file_location("bench", REPO_ROOT / "tools" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_bench_rewrites_only_the_readme_table_of_figures():
    bench = load_bench()
    readme = (REPO_ROOT / "README.md").read_text()
    figures = {"firmware": "qboot", "results": [
        {"name": "reset to the kernel's ready banner", "instructions": 641561.0, "budget": None,
         "student_budget": None},
        {"name": "cooperative switch, 2 threads", "instructions": 59.03, "budget": 60,
         "student_budget": 120},
    ]}
    rewritten = bench.with_readme_table(readme, figures)
    begin, end = rewritten.index(bench.README_BEGIN), rewritten.index(bench.README_END)
    table = rewritten[begin:end + len(bench.README_END)]
    assert table.splitlines()[1:] == [
        "| benchmark (`make bench`, firmware qboot) | instructions | target | students' budget |",
        "| --- | ---: | ---: | ---: |",
        "| reset to the kernel's ready banner | 641,561 |  |  |",
        "| cooperative switch, 2 threads | 59.03 | 60 | 120 |",
        bench.README_END]
    old_begin, old_end = readme.index(bench.README_BEGIN), readme.index(bench.README_END)
    assert rewritten[:begin] == readme[:old_begin]
    assert rewritten[end:] == readme[old_end:]
    # once written, writing the same figures again changes nothing
    assert bench.with_readme_table(rewritten, figures) == rewritten


def test_readme_figures_are_all_from_bench():
    """Between the markers there is nothing but the table bench.py writes:
    every figure in it has a benchmark of that name."""
    bench = load_bench()
    readme = (REPO_ROOT / "README.md").read_text()
    block = readme[readme.index(bench.README_BEGIN):readme.index(bench.README_END)]
    names = [line.split(" | ")[0].lstrip("| ") for line in block.splitlines()[3:]]
    assert names == [entry[0] for entry in bench.BENCHMARKS]
