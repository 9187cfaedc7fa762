"""Host unit tests of lib/ (the freestanding C library: format.c, string.c).

The C test programs lib/tests/test_*.c are compiled for the host (-m32,
like the kernel) into build/host/, once per session. Each program lists
its cases with --list; every case becomes one pytest test that runs
``--run NAME`` and passes when the program exits 0. A failing case shows
the program's own message (file:line: expected "..." got "...").

One more test compiles lib/ exactly as the kernel does (freestanding,
-Werror) and checks that the objects need no symbol from outside lib/,
in particular none of libgcc's 64-bit division helpers.

These tests carry no points; they are marked ``unit``.
"""

import functools
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LIB_DIR = REPO_ROOT / "lib"
LIB_TEST_DIR = LIB_DIR / "tests"
BUILD_DIR = REPO_ROOT / "build" / "host"

LIB_SOURCES = (LIB_DIR / "format.c", LIB_DIR / "string.c")
TEST_PROGRAMS = ("test_format", "test_string")

HOST_CC = "gcc"
# -fno-builtin: otherwise gcc may compute snprintf("%d", 1) or strlen("abc")
# at compile time, and the test would not exercise lib/ at all.
HOST_TEST_CFLAGS = ("-m32", "-O1", "-g", "-Wall", "-Wextra", "-fno-builtin",
                    f"-I{LIB_DIR}")


def _compiler_include_dir():
    return subprocess.run([HOST_CC, "-print-file-name=include"], check=True,
                          capture_output=True, text=True).stdout.strip()


def kernel_cflags():
    """The flags the kernel compiles lib/ with (the contract lib/ is written to)."""
    return ["-m32", "-std=gnu11", "-ffreestanding", "-fno-pie",
            "-fno-stack-protector", "-fno-omit-frame-pointer",
            "-fno-optimize-sibling-calls", "-O2", "-g", "-Wall", "-Wextra",
            "-Werror", "-nostdinc", "-isystem", _compiler_include_dir(),
            "-mno-sse", "-mno-mmx", "-mno-80387",
            "-fno-asynchronous-unwind-tables", f"-I{LIB_DIR}"]


COMPILE_TIMEOUT_SECONDS = 120
CASE_TIMEOUT_SECONDS = 30

pytestmark = pytest.mark.unit


def _run(command, timeout):
    """Runs command; returns (exit status or None, combined output)."""
    try:
        result = subprocess.run([str(part) for part in command],
                                capture_output=True, text=True,
                                errors="replace", timeout=timeout)
    except OSError as error:
        return None, f"cannot run {command[0]}: {error}"
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    return result.returncode, result.stdout + result.stderr


def _describe_command(command):
    return "$ " + " ".join(str(part) for part in command)


@functools.lru_cache(maxsize=None)
def build_test_programs():
    """Compiles every test program once per session.

    Returns (paths, error): paths maps program name to executable; error is
    None, or the failing command with the compiler's output.
    """
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in TEST_PROGRAMS:
        target = BUILD_DIR / name
        # Link under a private name, then rename: a concurrent session never
        # runs a half-written binary.
        partial = BUILD_DIR / f"{name}.{os.getpid()}.partial"
        command = [HOST_CC, *HOST_TEST_CFLAGS, "-o", partial,
                   LIB_TEST_DIR / f"{name}.c", *LIB_SOURCES]
        status, output = _run(command, COMPILE_TIMEOUT_SECONDS)
        if status != 0:
            partial.unlink(missing_ok=True)
            return {}, f"{_describe_command(command)}\n{output}"
        os.replace(partial, target)
        paths[name] = target
    return paths, None


def _case_parameters():
    """One parameter per C case, gathered at collection time.

    If something goes wrong here, a single parameter carries the problem so
    that it is reported as a failing test rather than as a collection error.
    """
    paths, error = build_test_programs()
    if error is not None:
        return [pytest.param(None, None, error, id="build")]
    parameters = []
    for name, path in paths.items():
        status, output = _run([path, "--list"], CASE_TIMEOUT_SECONDS)
        if status != 0:
            problem = f"{path} --list failed (status {status}):\n{output}"
            parameters.append(pytest.param(name, None, problem, id=f"{name}:--list"))
            continue
        for case in output.split():
            parameters.append(pytest.param(name, case, None, id=f"{name}:{case}"))
    return parameters


@pytest.fixture(scope="module")
def test_program_paths():
    paths, error = build_test_programs()
    if error is not None:
        pytest.fail(f"building the lib/ unit tests failed:\n{error}", pytrace=False)
    return paths


@pytest.mark.parametrize("program, case, problem", _case_parameters())
def test_lib_case(test_program_paths, program, case, problem):
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    command = [test_program_paths[program], "--run", case]
    status, output = _run(command, CASE_TIMEOUT_SECONDS)
    if status != 0:
        if status is not None and status < 0:
            output += f"\n(killed by signal {-status}: a crash, e.g. reading past a guard page)"
        pytest.fail(f"{_describe_command(command)} exited with {status}\n{output}",
                    pytrace=False)


def _global_symbols(object_file, *nm_options):
    status, output = _run(["nm", *nm_options, object_file], COMPILE_TIMEOUT_SECONDS)
    assert status == 0, f"nm {object_file} failed:\n{output}"
    return {line.split()[-1] for line in output.splitlines() if line.strip()}


def test_lib_builds_freestanding_without_libgcc():
    """lib/ compiles warning-free with the kernel's flags, and everything its
    objects call is defined in lib/ itself (no __udivdi3 and friends)."""
    with tempfile.TemporaryDirectory(prefix="beta86-lib-") as scratch:
        objects = []
        for source in LIB_SOURCES:
            obj = Path(scratch) / (source.stem + ".o")
            command = [HOST_CC, *kernel_cflags(), "-c", "-o", obj, source]
            status, output = _run(command, COMPILE_TIMEOUT_SECONDS)
            if status != 0 or output.strip():
                pytest.fail(f"{_describe_command(command)}\n{output}", pytrace=False)
            objects.append(obj)
        defined = set()
        for obj in objects:
            defined |= _global_symbols(obj, "--defined-only", "--extern-only")
        for obj in objects:
            missing = _global_symbols(obj, "--undefined-only") - defined
            assert not missing, f"{obj.name} needs symbols lib/ does not define: {sorted(missing)}"
