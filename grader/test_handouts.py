"""Checks of the lab handout generator (labs/handout.py) and of the labs.

Unit tests run the generator on small sample trees in tmp_path: a C block
and an assembly block (each one whole function) become their stubs with a
"LAB N: your code here" comment opening the stub's body, #if lines inside
a block stay, earlier labs' blocks become their solutions, Makefiles lose
their drop-begin..drop-end lines, and malformed blocks, a fragment of a
function among them, are reported as file:line. Then `--check` must pass
on this repository.

The meaningfulness checks take every lab N that has graded tests
(grader/test_labN_*.py) and at least one LAB_SOLUTION(N) block, write its
handout into a temporary directory, build it (CI unset: no -Werror) and run
the handout's own grader on it. Each handout is generated and built once
per session (per xdist worker) and shared by the tests that need it.

- Lab N's own tests with points on handout N (test_handout_fails_own_lab,
  `-m points`): some fail (the stubs really leave work to do), and
  together they score 0 points:
  points go to the student's work, and a test of given code is a sanity
  check without points (or scores only through the lab's part).
- The labs build on each other: lab k's tests must pass on every handout
  N > k, whose stubs are the blocks of labs N and later. Rather than run
  every earlier lab on every handout (a cost that grows with the square of
  the number of labs), lab k's tests run once, on handout k+1 (strictly:
  the first handout after k; test_lab_passes_on_the_next_handout). Its
  stubs are a superset of every later handout's, so it is the tree where
  the most of what lab k's tests might touch is missing; at the other end
  main, which `make test` grades with every test, has no stub at all. A
  later handout N lies between the two: it has the solutions of labs up
  to N-1 (as main has) and the stubs of labs N and later (as handout k+1
  has). The argument assumes that a stub only takes behaviour away, and
  that no lab k test depends on a solution of one later lab together with
  the stub of another; the stubs fail loudly and alone, so a lab k test
  that reached either would fail on handout k+1 or on main already.
  Cost: each lab's tests run twice on handouts (once its own, once on the
  next one), linear in the number of labs.
- A boot without init= (what `make qemu` does) reaches a prompt that
  answers a command in every handout and on main
  (test_default_boot_reaches_its_prompt_and_answers): the kernel monitor
  in a tree whose shell cannot run yet, the shell where it can.

These tests carry no points; they are marked ``unit`` (so `make grade`
leaves them out and `make test` runs them).
"""

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from xml.etree import ElementTree

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
GRADER_DIR = REPO_ROOT / "grader"
HANDOUT_SCRIPT = REPO_ROOT / "labs" / "handout.py"
LAB_TEST_MODULE = re.compile(r"^test_lab(\d+)_.*\.py$")

BUILD_TIMEOUT_SECONDS = 300
GRADER_TIMEOUT_SECONDS = 900
LOG_TAIL_LINES = 120
# Variables of the calling make or pytest that must not leak into the build
# and grader runs of a handout (MAKEFLAGS would carry `make test`'s command
# line, HANDOUT_LAB would stub more, CI would add -Werror).
LEAKING_VARIABLES = ("CI", "HANDOUT_LAB", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
                     "MAKEOVERRIDES", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER",
                     "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID")

pytestmark = pytest.mark.unit


def load_handout_module():
    """labs/handout.py as a module (labs/ is no package)."""
    spec = importlib.util.spec_from_file_location("handout", HANDOUT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


handout = load_handout_module()


# ---- helpers for sample trees -------------------------------------------------------

def write_tree(root, files):
    """Create files ({relative path: text}) under root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def sample_handout(tmp_path, files, lab):
    """Write files into a sample tree, hand out lab from it; returns
    (the handout's files as {relative path: text}, the Summary)."""
    source, dest = tmp_path / "src", tmp_path / "dest"
    write_tree(source, files)
    summary = handout.make_handout(source, dest, lab)
    written = {str(path.relative_to(dest)): path.read_text()
               for path in dest.rglob("*") if path.is_file()}
    return written, summary


def problems_of(tmp_path, files, lab=1):
    """The problems (as strings) that handing out the sample tree reports."""
    source = tmp_path / "src"
    write_tree(source, files)
    with pytest.raises(handout.HandoutError) as raised:
        handout.make_handout(source, tmp_path / "dest", lab)
    assert not (tmp_path / "dest").exists(), "a failed handout wrote files"
    return [str(problem) for problem in raised.value.problems]


def run_script(*arguments, cwd=None):
    return subprocess.run([sys.executable, str(HANDOUT_SCRIPT), *map(str, arguments)],
                          capture_output=True, text=True, cwd=cwd, timeout=60)


def clean(text):
    return textwrap.dedent(text).lstrip("\n")


# ---- the transformation ------------------------------------------------------------------

C_SAMPLE = clean("""
    #if LAB_SOLUTION(2)
    int answer(int x)
    {
        return x * 2;
    }
    #else
    int answer(int x)
    {
        panic("answer: not implemented (lab 2)");
    }
    #endif
""")


def test_c_block_becomes_stub_with_comment(tmp_path):
    written, summary = sample_handout(tmp_path, {"kernel/answer.c": C_SAMPLE}, lab=2)
    assert written["kernel/answer.c"] == clean("""
        int answer(int x)
        {
            /* LAB 2: your code here */
            panic("answer: not implemented (lab 2)");
        }
    """)
    assert dict(summary.stubbed) == {2: 1} and not summary.resolved


def test_assembly_block_becomes_stub_with_comment(tmp_path):
    source = ("#if LAB_SOLUTION(2)\n"
              "\t.globl setctx\n"
              "setctx:\n"
              "\tmovl\t4(%esp), %eax\n"
              "\tret\n"
              "#else\n"
              "\t.globl setctx\n"
              "setctx:\n"
              "\tpushl\t$2f\n"
              "\tcall\tpanic\n"
              "2:\t.asciz \"setctx: not implemented (lab 2)\"\n"
              "#endif\n")
    written, _ = sample_handout(tmp_path, {"kernel/kctx.S": source}, lab=2)
    assert written["kernel/kctx.S"] == ("\t.globl setctx\n"
                                        "setctx:\n"
                                        "\t/* LAB 2: your code here */\n"
                                        "\tpushl\t$2f\n"
                                        "\tcall\tpanic\n"
                                        "2:\t.asciz \"setctx: not implemented (lab 2)\"\n")


def test_stub_on_one_line_gets_the_comment_before_it(tmp_path):
    text = "#if LAB_SOLUTION(1)\nint f(void) { return 1; }\n#else\nint f(void) { return 0; }\n#endif\n"
    written, _ = sample_handout(tmp_path, {"f.c": text}, lab=1)
    assert written["f.c"] == "/* LAB 1: your code here */\nint f(void) { return 0; }\n"


NESTED_SAMPLE = clean("""
    #if LAB_SOLUTION(3)
    void f(void)
    {
    #ifdef DEBUG
        trace();
    #else
        quiet();
    #endif
    #if 0
        old();
    #endif
        work();
    }
    #else
    void f(void)
    {
    #ifndef QUIET
        printf("f: not implemented (lab 3)\\n");
    #endif
    }
    #endif
""")


def test_nested_conditionals_stay_in_the_stub(tmp_path):
    written, _ = sample_handout(tmp_path, {"f.c": NESTED_SAMPLE}, lab=3)
    assert written["f.c"] == clean("""
        void f(void)
        {
            /* LAB 3: your code here */
        #ifndef QUIET
            printf("f: not implemented (lab 3)\\n");
        #endif
        }
    """)


def test_nested_conditionals_stay_in_the_solution(tmp_path):
    written, _ = sample_handout(tmp_path, {"f.c": NESTED_SAMPLE}, lab=4)
    assert written["f.c"] == clean("""
        void f(void)
        {
        #ifdef DEBUG
            trace();
        #else
            quiet();
        #endif
        #if 0
            old();
        #endif
            work();
        }
    """)


MIXED_LABS_SAMPLE = clean("""
    #include "lab.h"
    #if LAB_SOLUTION(1)
    int one(void)
    {
        return 1;
    }
    #else
    int one(void)
    {
        return -1;
    }
    #endif
    #if LAB_SOLUTION(2)
    int two(void)
    {
        return 2;
    }
    #else
    int two(void)
    {
        return -2;
    }
    #endif
    #  if LAB_SOLUTION( 3 )  /* later */
    static const char *three(void)
    {
        return "{ three";   /* } */
    }
    #  else
    static const char *three(void)
    {
        return '}' ? "not yet" : 0;
    }
    #  endif
""")


def test_earlier_labs_resolve_to_solution_and_later_labs_to_stub(tmp_path):
    written, summary = sample_handout(tmp_path, {"h/labs.h": MIXED_LABS_SAMPLE}, lab=2)
    assert written["h/labs.h"] == clean("""
        #include "lab.h"
        int one(void)
        {
            return 1;
        }
        int two(void)
        {
            /* LAB 2: your code here */
            return -2;
        }
        static const char *three(void)
        {
            /* LAB 3: your code here */
            return '}' ? "not yet" : 0;
        }
    """)
    assert dict(summary.stubbed) == {2: 1, 3: 1}
    assert dict(summary.resolved) == {1: 1}
    assert "LAB_SOLUTION" not in written["h/labs.h"]


def test_comment_that_mentions_a_marker_is_no_block(tmp_path):
    text = clean("""
        /*
         * A block:
         *     #if LAB_SOLUTION(N)
         */
        #define LAB_SOLUTION(n) 1
    """)
    written, summary = sample_handout(tmp_path, {"lab.h": text}, lab=1)
    assert written["lab.h"] == text
    assert not summary.stubbed and not summary.resolved


def test_comments_on_directive_lines_are_allowed(tmp_path):
    text = ("#if LAB_SOLUTION(1) /* the walk */\nint f(void)\n{\n  return 1;\n}\n"
            "#else /* LAB_SOLUTION(1) */\nint f(void)\n{\n  return 0;\n}\n"
            "#endif // LAB_SOLUTION(1)\n")
    written, _ = sample_handout(tmp_path, {"c.c": text}, lab=1)
    assert written["c.c"] == "int f(void)\n{\n  /* LAB 1: your code here */\n  return 0;\n}\n"


def test_windows_line_endings_are_kept(tmp_path):
    text = ("int a;\r\n#if LAB_SOLUTION(1)\r\nint f(void)\r\n{\r\n  return 1;\r\n}\r\n"
            "#else\r\nint f(void)\r\n{\r\n  return 0;\r\n}\r\n#endif\r\nint b;\r\n")
    source = tmp_path / "src"
    source.mkdir()
    (source / "crlf.c").write_bytes(text.encode())
    handout.make_handout(source, tmp_path / "dest", 1)
    written = (tmp_path / "dest" / "crlf.c").read_bytes().decode()
    assert written == ("int a;\r\nint f(void)\r\n{\r\n  /* LAB 1: your code here */\r\n"
                       "  return 0;\r\n}\r\nint b;\r\n")


def test_other_files_are_copied_unchanged(tmp_path):
    files = {"notes.md": "#if LAB_SOLUTION(1)\nnot C\n",
             "grader/test_x.py": "# #if LAB_SOLUTION(1)\n"}
    written, summary = sample_handout(tmp_path, files, lab=1)
    assert written == files
    assert summary.files_written == 2


def test_makefile_loses_the_drop_region(tmp_path):
    makefile = clean("""
        CFLAGS := -O2
        # handout: drop-begin
        ifeq ($(CI),true)
        CFLAGS += -Werror
        endif
        # handout: drop-end
        all: kernel
    """)
    written, _ = sample_handout(tmp_path, {"Makefile": makefile, "sub/Makefile": makefile},
                                lab=1)
    expected = "CFLAGS := -O2\nall: kernel\n"
    assert written["Makefile"] == expected and written["sub/Makefile"] == expected


def test_makefile_gets_the_lab_number(tmp_path):
    makefile = "# the tree's lab\nHANDOUT_LAB ?=\nKCFLAGS := -DHANDOUT_LAB=$(HANDOUT_LAB)\n" \
               "HANDOUT_LAB ?= 2\n"
    written, _ = sample_handout(tmp_path, {"Makefile": makefile}, lab=3)
    # Only the empty setting is the handout's to fill in.
    assert written["Makefile"] == ("# the tree's lab\nHANDOUT_LAB := 3\n"
                                   "KCFLAGS := -DHANDOUT_LAB=$(HANDOUT_LAB)\nHANDOUT_LAB ?= 2\n")


def test_this_makefile_hands_out_its_lab():
    """The repository's Makefile has the line a handout sets, once."""
    text = (REPO_ROOT / "Makefile").read_text()
    assert handout.set_handout_lab(text, 4).count("\nHANDOUT_LAB := 4\n") == 1


# ---- malformed inputs ---------------------------------------------------------------------

MALFORMED_SAMPLES = {
    "no-endif": ("x\n#if LAB_SOLUTION(2)\na\n#else\nb\n",
                 "bad.c:2:", "has no #endif"),
    "no-endif-inner-if": ("#if LAB_SOLUTION(2)\n#if X\na\n#endif\n#else\nb\n",
                          "bad.c:1:", "has no #endif"),
    "no-else": ("x\ny\n#if LAB_SOLUTION(2)\na\n#endif\n",
                "bad.c:3:", "has no #else"),
    "else-only-nested": ("#if LAB_SOLUTION(2)\n#ifdef X\na\n#else\nb\n#endif\n#endif\n",
                         "bad.c:1:", "has no #else"),
    "lab-zero": ("#if LAB_SOLUTION(0)\na\n#else\nb\n#endif\n",
                 "bad.c:1:", "from 1 to 9"),
    "lab-ten": ("\n#if LAB_SOLUTION(10)\na\n#else\nb\n#endif\n",
                "bad.c:2:", "from 1 to 9"),
    "lab-not-a-number": ("#if LAB_SOLUTION(N)\na\n#else\nb\n#endif\n",
                         "bad.c:1:", "LAB_SOLUTION(N)"),
    "nested-block": ("#if LAB_SOLUTION(2)\n#if LAB_SOLUTION(3)\na\n#else\nb\n#endif\n"
                     "#else\nc\n#endif\n", "bad.c:2:", "do not nest"),
    "second-else": ("#if LAB_SOLUTION(2)\na\n#else\nb\n#else\nc\n#endif\n",
                    "bad.c:5:", "second #else"),
    "elif": ("#if LAB_SOLUTION(2)\na\n#elif X\nb\n#endif\n",
             "bad.c:3:", "#elif"),
    "elif-marker": ("#if X\n#elif LAB_SOLUTION(2)\na\n#endif\n",
                    "bad.c:2:", "unsupported use of LAB_SOLUTION"),
    "compound-condition": ("#if LAB_SOLUTION(2) && defined(X)\na\n#else\nb\n#endif\n",
                           "bad.c:1:", "unsupported use of LAB_SOLUTION"),
}


@pytest.mark.parametrize("text, location, message", MALFORMED_SAMPLES.values(),
                         ids=MALFORMED_SAMPLES.keys())
def test_malformed_block_is_reported_with_file_and_line(tmp_path, text, location, message):
    problems = problems_of(tmp_path, {"bad.c": text})
    assert any(problem.startswith(location) and message in problem
               for problem in problems), problems


# A block is one whole function (its solution and its stub each define the
# same one, at file scope); a fragment of a function is refused.
FRAGMENT_SAMPLES = {
    "statements-inside-a-function": (
        "int f(int x)\n{\n#if LAB_SOLUTION(2)\n\treturn x * 2;\n#else\n\t(void)x;\n"
        "\treturn 0;\n#endif\n}\n", "bad.c:3:", "inside a function"),
    "statements-at-file-scope": (
        "#if LAB_SOLUTION(2)\n\treturn x * 2;\n#else\nint f(int x)\n{\n\treturn 0;\n}\n"
        "#endif\n", "bad.c:2:", "the solution of the #if LAB_SOLUTION(2) block"),
    "a-compound-statement": (
        "#if LAB_SOLUTION(2)\nif (ready) {\n\tgo();\n}\n#else\nint f(void)\n{\n"
        "\treturn 0;\n}\n#endif\n", "bad.c:2:", "statement"),
    "only-a-comment": (
        "#if LAB_SOLUTION(3)\n/* sched_tick preempts */\n#else\nvoid f(void)\n{\n}\n"
        "#endif\n", "bad.c:2:", "holds no function definition, only comments"),
    "a-declaration": (
        "#if LAB_SOLUTION(2)\nstatic int table[] = { 1, 2 };\n#else\n"
        "static int table[] = { 0 };\n#endif\n", "bad.c:2:", "declaration"),
    "two-functions": (
        "#if LAB_SOLUTION(2)\nint f(void)\n{\n\treturn 1;\n}\nint g(void)\n{\n\treturn 2;\n}\n"
        "#else\nint f(void)\n{\n\treturn 0;\n}\n#endif\n", "bad.c:6:", "code follows the function f"),
    "body-runs-past-the-block": (
        "#if LAB_SOLUTION(2)\nint f(void)\n{\n\tint x = 1;\n#else\nint f(void)\n{\n"
        "\tint x = 0;\n#endif\n\treturn x;\n}\n", "bad.c:3:", "does not end inside it"),
    "stub-of-another-function": (
        "#if LAB_SOLUTION(2)\nint f(void)\n{\n\treturn 1;\n}\n#else\nint g(void)\n{\n"
        "\treturn 0;\n}\n#endif\n", "bad.c:8:", "replaces the same function"),
    "assembly-body-without-its-label": (
        "\t.globl setctx\nsetctx:\n#if LAB_SOLUTION(2)\n\tret\n#else\n\tud2\n#endif\n",
        "bad.S:4:", "before any function's label"),
    "assembly-two-functions": (
        "#if LAB_SOLUTION(2)\na:\n\tret\nb:\n\tret\n#else\na:\n\tud2\n#endif\n",
        "bad.S:4:", "more than one function"),
}


@pytest.mark.parametrize("text, location, message", FRAGMENT_SAMPLES.values(),
                         ids=FRAGMENT_SAMPLES.keys())
def test_block_holding_a_fragment_is_refused(tmp_path, text, location, message):
    name = location.split(":")[0]
    problems = problems_of(tmp_path, {name: text})
    assert any(problem.startswith(location) and message in problem
               for problem in problems), problems


def test_braces_in_comments_strings_and_directives_are_no_code(tmp_path):
    text = clean("""
        #if LAB_SOLUTION(1)
        static const char *f(int c) /* { */
        {
        #define OPEN '{'
            if (c == '}')   // }
                return "}}";
            return c == OPEN ? "{" : "/* {";
        }
        #else
        static const char *f(int c)
        {
            return "f: not implemented (lab 1) }";
        }
        #endif
    """)
    written, _ = sample_handout(tmp_path, {"f.c": text}, lab=1)
    assert "/* LAB 1: your code here */" in written["f.c"]


MALFORMED_MAKEFILES = {
    "begin-without-end": ("a\n# handout: drop-begin\nb\n", "Makefile:2:", "without"),
    "end-without-begin": ("a\nb\n# handout: drop-end\n", "Makefile:3:", "without"),
    "begin-twice": ("# handout: drop-begin\n# handout: drop-begin\n# handout: drop-end\n",
                    "Makefile:2:", "inside the region"),
}


@pytest.mark.parametrize("text, location, message", MALFORMED_MAKEFILES.values(),
                         ids=MALFORMED_MAKEFILES.keys())
def test_malformed_makefile_is_reported_with_file_and_line(tmp_path, text, location, message):
    problems = problems_of(tmp_path, {"Makefile": text})
    assert any(problem.startswith(location) and message in problem
               for problem in problems), problems


def test_every_problem_is_reported_at_once(tmp_path):
    problems = problems_of(tmp_path, {"a.c": "#if LAB_SOLUTION(1)\nx\n#endif\n",
                                      "k/b.S": "#if LAB_SOLUTION(12)\nx\n#else\ny\n#endif\n"})
    assert [problem.split(": ")[0] for problem in problems] == ["a.c:1", "k/b.S:1"]


# ---- the command line ----------------------------------------------------------------------

def git(root, *arguments):
    subprocess.run(["git", "-C", str(root), *arguments], check=True,
                   capture_output=True, text=True)


def sample_repository(root):
    """A git work tree with tracked, untracked, ignored and build files."""
    write_tree(root, {
        ".gitignore": "build/\n*.log\n",
        "Makefile": "all:\n# handout: drop-begin\nstrict:\n# handout: drop-end\n",
        "kernel/answer.c": C_SAMPLE,
        "kernel/labs.h": MIXED_LABS_SAMPLE,
        "labs/new_file.txt": "untracked, not ignored\n",
        "run.log": "ignored\n",
        "build/kernel.elf": "build output\n",
    })
    git(root, "init", "-q")
    git(root, "add", ".gitignore", "Makefile", "kernel")


def test_cli_writes_the_tree_of_git_files(tmp_path):
    source, dest = tmp_path / "repo", tmp_path / "out" / "lab2"
    sample_repository(source)
    result = run_script("--lab", 2, "--dest", dest, "--src", source)
    assert result.returncode == 0, result.stderr
    written = sorted(str(path.relative_to(dest)) for path in dest.rglob("*") if path.is_file())
    assert written == [".gitignore", "Makefile", "kernel/answer.c", "kernel/labs.h",
                       "labs/new_file.txt"]
    assert (dest / "Makefile").read_text() == "all:\n"
    assert "/* LAB 2: your code here */" in (dest / "kernel/answer.c").read_text()
    summary = result.stdout.strip()
    assert len(summary.splitlines()) == 1
    assert "3 blocks stubbed, 1 resolved, 5 files written" in summary, summary


def test_cli_reports_malformed_blocks_and_writes_nothing(tmp_path):
    source, dest = tmp_path / "repo", tmp_path / "out"
    sample_repository(source)
    write_tree(source, {"kernel/bad.c": "int x;\n#if LAB_SOLUTION(3)\nint y;\n"})
    result = run_script("--lab", 1, "--dest", dest, "--src", source)
    assert result.returncode != 0
    assert "kernel/bad.c:2: #if LAB_SOLUTION(3) has no #endif" in result.stderr
    assert not dest.exists()


def test_cli_check_mode_reports_without_writing(tmp_path):
    source = tmp_path / "repo"
    sample_repository(source)
    good = run_script("--check", "--src", source)
    assert good.returncode == 0, good.stderr
    assert "4 blocks (lab 1: 1, lab 2: 2, lab 3: 1)" in good.stdout
    write_tree(source, {"kernel/bad.S": "#if LAB_SOLUTION(2)\nret\n#endif\n"})
    bad = run_script("--check", "--src", source)
    assert bad.returncode != 0
    assert "kernel/bad.S:1:" in bad.stderr and "no #else" in bad.stderr


def test_cli_refuses_a_destination_that_is_not_empty(tmp_path):
    source, dest = tmp_path / "repo", tmp_path / "out"
    sample_repository(source)
    write_tree(dest, {"old.txt": "from a previous handout\n"})
    result = run_script("--lab", 1, "--dest", dest, "--src", source)
    assert result.returncode != 0 and "not an empty directory" in result.stderr


def test_cli_needs_lab_and_dest(tmp_path):
    result = run_script("--lab", 1)
    assert result.returncode == 2 and "--dest" in result.stderr


# ---- this repository ---------------------------------------------------------------------

def test_check_passes_on_this_repository():
    result = run_script("--check", "--src", REPO_ROOT)
    assert result.returncode == 0, result.stderr + result.stdout


def test_makefile_handout_drops_werror():
    text, problems = handout.drop_handout_lines((REPO_ROOT / "Makefile").read_text(),
                                                "Makefile")
    assert not problems
    # -Werror=incompatible-pointer-types stays: a handler of the wrong type
    # must not build in a handout either. The blanket -Werror goes.
    assert not any(word == "-Werror" for word in text.split()) and "KCFLAGS" in text
    assert "-Werror=incompatible-pointer-types" in text


def lab_params(labs):
    return [pytest.param(lab, id=f"lab{lab}") for lab in labs]


def on_handout(lab):
    """The mark that keeps the tests of one built handout on one xdist
    worker (`make test` runs `--dist loadgroup`): each worker builds the
    handouts it gets, once (built_handout), so one worker gets each."""
    return pytest.mark.xdist_group(f"handout{lab}")


def built_lab_params(labs):
    return [pytest.param(lab, id=f"lab{lab}", marks=on_handout(lab)) for lab in labs]


BLOCK_LABS = handout.labs_with_blocks(REPO_ROOT)


@pytest.mark.parametrize("lab", lab_params(BLOCK_LABS) or [pytest.param(
    None, id="none", marks=pytest.mark.skip(reason="no LAB_SOLUTION block yet"))])
def test_handout_has_no_blocks_left(tmp_path, lab):
    dest = tmp_path / "handout"
    try:
        summary = handout.make_handout(REPO_ROOT, dest, lab)
    except handout.HandoutError as error:
        pytest.fail(f"the handout for lab {lab} cannot be made:\n{error}", pytrace=False)
    assert summary.stubbed[lab] > 0
    blocks, _, problems = handout.check_tree(dest)
    assert not problems and not blocks, (problems, blocks)


# ---- meaningfulness: lab N's handout fails lab N and passes labs before it --------------

def graded_labs():
    """Labs that have graded tests: N of every grader/test_labN_*.py."""
    labs = set()
    for path in GRADER_DIR.glob("test_lab*_*.py"):
        match = LAB_TEST_MODULE.match(path.name)
        if match:
            labs.add(int(match.group(1)))
    return sorted(labs)


GRADED_LABS = graded_labs()
MEANINGFUL_LABS = [lab for lab in BLOCK_LABS if lab in GRADED_LABS]
NOT_YET = pytest.param(None, id="none", marks=pytest.mark.skip(
    reason="no lab has both graded tests (grader/test_labN_*.py) and a LAB_SOLUTION(N) block"))


def clean_environment():
    environment = dict(os.environ)
    for name in LEAKING_VARIABLES:
        environment.pop(name, None)
    return environment


def run_captured(command, cwd, timeout):
    """(exit status, stdout and stderr) of command. On a timeout its whole
    process group (QEMU included) is killed and the output says so."""
    with subprocess.Popen(command, cwd=cwd, env=clean_environment(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            output += f"\n[stopped: still running after {timeout} s]\n"
        return process.returncode, output


def tail(text, lines=LOG_TAIL_LINES):
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class BuiltHandout:
    """A lab's handout tree, and why it is unusable (None if it built)."""
    lab: int
    tree: Path
    problem: Optional[str] = None

    def require(self):
        if self.problem:
            pytest.fail(self.problem, pytrace=False)
        return self.tree


def generate_and_build(lab, tree):
    """Write lab's handout into tree and build it with `make`."""
    try:
        handout.make_handout(REPO_ROOT, tree, lab)
    except handout.HandoutError as error:
        return BuiltHandout(lab, tree, f"the handout for lab {lab} cannot be made:\n{error}")
    status, log = run_captured(["make", "-C", str(tree), "-j2"], cwd=tree,
                               timeout=BUILD_TIMEOUT_SECONDS)
    if status != 0:
        return BuiltHandout(lab, tree, f"the lab {lab} handout in {tree} does not build "
                                       f"(make exit {status}):\n{tail(log)}")
    return BuiltHandout(lab, tree)


@pytest.fixture(scope="session")
def built_handout(tmp_path_factory):
    """built_handout(lab) -> BuiltHandout, generated and built once per session."""
    built = {}

    def get(lab):
        if lab not in built:
            tree = tmp_path_factory.mktemp(f"handout-lab{lab}") / "beta86"
            built[lab] = generate_and_build(lab, tree)
        return built[lab]

    return get


@dataclass
class GraderRun:
    """One run of a handout's grader on one lab's test files."""
    lab: int
    handout_lab: int
    returncode: int
    output: str
    outcomes: dict          # test name -> "passed", "failed", "error", "skipped"
    scores: dict = field(default_factory=dict)   # test name -> (points earned, points)

    def named(self, outcome):
        return [name for name, seen in self.outcomes.items() if seen == outcome]

    def scored(self):
        """{test name: (earned, points)} of the tests that earned points."""
        return {name: score for name, score in self.scores.items() if score[0] > 0}

    def describe(self):
        return (f"`pytest grader/test_lab{self.lab}_*.py --lab {self.lab}` in the lab "
                f"{self.handout_lab} handout exited {self.returncode}; its output "
                f"ends:\n{tail(self.output)}")


def junit_outcome(testcase):
    """A JUnit <testcase>'s outcome: a failure in the test itself beats an
    error in its setup or teardown."""
    tags = {child.tag for child in testcase}
    for tag, outcome in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        if tag in tags:
            return outcome
    return "passed"


def junit_outcomes(junit_path):
    """{test name: outcome} of the tests in a JUnit report (a grader run
    with --lab N holds only lab N's)."""
    if not junit_path.is_file():
        return {}
    outcomes = {}
    for testcase in ElementTree.parse(junit_path).getroot().iter("testcase"):
        module = testcase.get("classname", "").split(".")[-1]
        outcomes[f"{module}::{testcase.get('name')}"] = junit_outcome(testcase)
    return outcomes


def lab_scores(json_path, lab):
    """{test name: (earned, points)} of lab's tests in a --grade-json report."""
    if not json_path.is_file():
        return {}
    scores = {}
    for test in json.loads(json_path.read_text())["tests"]:
        if test["lab"] == lab:
            path, _, name = test["extra_data"]["nodeid"].partition("::")
            scores[f"{Path(path).stem}::{name}"] = (test["score"], test["max_score"])
    return scores


def run_grader(tree, lab, handout_lab, graded_only=False):
    """Run the handout's own grader (tree/grader) on its kernel, for lab's
    tests, to the end: their outcomes and their points. With graded_only,
    only the tests with points (`-m points`)."""
    report = tree / "build" / f"handout-check-lab{lab}"
    junit_path, json_path = report.with_suffix(".xml"), report.with_suffix(".json")
    # Every lab's files, as `make grade LAB=N` runs them: a test may
    # belong to another lab than its file's (a lab(n) mark).
    test_files = sorted(f"grader/{path.name}" for path in GRADER_DIR.glob("test_lab*_*.py"))
    command = [sys.executable, "-m", "pytest", *test_files, "--kernel-dir", str(tree),
               "--lab", str(lab), "-p", "no:cacheprovider", "-q",
               f"--junitxml={junit_path}", f"--grade-json={json_path}"]
    if graded_only:
        command += ["-m", "points"]
    status, output = run_captured(command, cwd=tree, timeout=GRADER_TIMEOUT_SECONDS)
    return GraderRun(lab, handout_lab, status, output, junit_outcomes(junit_path),
                     lab_scores(json_path, lab))


@pytest.mark.parametrize("lab", built_lab_params(MEANINGFUL_LABS) or [NOT_YET])
def test_handout_fails_own_lab(built_handout, lab):
    """With lab N's stubs, lab N's own tests fail (the lab leaves real work)
    and score 0 points (points go to the student's part, not to given code)."""
    tree = built_handout(lab).require()
    # Only a test with points can score, and only its failure shows work
    # left to do; sanity checks of given code pass here, and some (GDB
    # waiting for a preemption that never comes) would only wait.
    run = run_grader(tree, lab, lab, graded_only=True)
    if run.returncode == 0:
        pytest.fail(f"every graded lab {lab} test passes on the lab {lab} handout: its stubs "
                    f"leave nothing to do.\n{run.describe()}", pytrace=False)
    if run.returncode != pytest.ExitCode.TESTS_FAILED or not run.outcomes:
        pytest.fail(f"the grader did not run lab {lab}'s tests (a collection or usage "
                    f"error, or a timeout, not a test failure).\n{run.describe()}", pytrace=False)
    if not run.named("failed"):
        pytest.fail(f"no graded lab {lab} test failed on the lab {lab} handout; these only "
                    f"errored in setup or teardown: {run.named('error')}.\n"
                    f"{run.describe()}", pytrace=False)
    scored = run.scored()
    if scored:
        earned = sum(score for score, _ in scored.values())
        listed = "\n".join(f"  {name}: {score:g}/{points:g}"
                           for name, (score, points) in scored.items())
        pytest.fail(f"a fresh lab {lab} handout scores {earned:g} points in lab {lab}, "
                    f"before the student writes a line. These tests give points for "
                    f"given code: make them sanity checks (no points mark) or make "
                    f"their points depend on the lab's part:\n{listed}", pytrace=False)


def next_handout(lab):
    """The first lab after `lab` that has a handout: of all handouts after
    lab, the one with the most stubs (the module's docstring)."""
    return next((later for later in BLOCK_LABS if later > lab), None)


EARLIER_LAB_CHECKS = [pytest.param(lab, next_handout(lab), id=f"lab{lab}-on-handout{next_handout(lab)}",
                                   marks=on_handout(next_handout(lab)))
                      for lab in GRADED_LABS if next_handout(lab)]


@pytest.mark.parametrize("lab, handout_lab", EARLIER_LAB_CHECKS or [
    pytest.param(None, None, id="none", marks=NOT_YET.marks)])
def test_lab_passes_on_the_next_handout(built_handout, lab, handout_lab):
    """Lab k's tests pass on handout k+1, the later handout with the most
    stubs; with main, that covers every handout after k (module docstring)."""
    tree = built_handout(handout_lab).require()
    run = run_grader(tree, lab, handout_lab)
    not_passed = [name for name, outcome in run.outcomes.items()
                  if outcome not in ("passed", "skipped")]
    if run.returncode != 0 or not run.outcomes or not_passed:
        pytest.fail(f"the lab {handout_lab} handout fails lab {lab}'s tests (the labs "
                    f"must build on each other: with labs {handout_lab} and later "
                    f"stubbed, lab {lab} still passes): not passed: {not_passed}\n"
                    f"{run.describe()}", pytrace=False)


# What a boot without init= shows (kernel/boot/main.c: SHELL_NEEDS_LAB):
# the shell once labs 1..SHELL_NEEDS_LAB are done, else the kernel monitor.
SHELL_NEEDS_LAB = 5
SHELL_PROMPT = "$ "
KMON_PROMPT = "kmon> "


@pytest.mark.parametrize("lab", built_lab_params(BLOCK_LABS) + [pytest.param(None, id="main")])
def test_default_boot_reaches_its_prompt_and_answers(built_handout, boot, kernel_elf, rng, lab):
    """A boot without init= (what `make qemu` does) reaches the prompt of
    the tree's lab and answers a command there: the kernel monitor, with a
    greeting for that lab, until the shell can run; then the shell."""
    elf = kernel_elf if lab is None else built_handout(lab).require() / "build" / "kernel.elf"
    shell = lab is None or lab > SHELL_NEEDS_LAB
    run = boot("", wait=False, kernel=elf)
    if not shell:
        run.expect_exact(f"lab {lab} tree: ")
        run.expect_exact(f"make grade LAB={lab} grades the lab")
    run.expect_exact(SHELL_PROMPT if shell else KMON_PROMPT)
    word = f"w{rng.randrange(10**9)}"
    run.sendline(f"echo {word}")
    run.expect_exact(f"\n{word}\n")
    run.expect_exact(SHELL_PROMPT if shell else KMON_PROMPT)


HANDLER_SOURCE = """\
#include "trap/trap.h"
static %s handler(struct trapframe *tf) { return %s; }
void register_it(void) { trap_register(T_SYSCALL, handler); }
"""


def compile_with_handout_flags(tree, tmp_path, returns, value):
    """Compile a file that registers `returns handler(struct trapframe *)`
    with the kernel flags of the handout tree's own Makefile."""
    status, flags = run_captured(["make", "-s", "-C", str(tree), "--eval",
                                  "print-kcflags: ; @echo $(KCFLAGS)", "print-kcflags"],
                                 cwd=tree, timeout=60)
    assert status == 0, flags
    source = tmp_path / f"handler_{returns.split()[0]}.c"
    source.write_text(HANDLER_SOURCE % (returns, value))
    return run_captured(["gcc", *flags.split(), "-c", str(source), "-o", str(source) + ".o"],
                        cwd=tree, timeout=60)


def test_handout_rejects_a_handler_of_the_wrong_type(built_handout, tmp_path):
    """a handout build refuses a trap handler of the wrong type (not only a warning)"""
    tree = built_handout(1).require()
    status, output = compile_with_handout_flags(tree, tmp_path, "struct trapframe *", "tf")
    assert status == 0, f"a handler of the right type does not compile:\n{output}"
    status, output = compile_with_handout_flags(tree, tmp_path, "int", "0")
    assert status != 0 and "incompatible-pointer-types" in output, \
        f"a handler returning int compiled in the lab 1 handout:\n{output}"
