#!/usr/bin/env python3
"""labs/handout.py - write the student tree for one lab of beta86.

The code on main is the complete reference solution. The parts a student
writes are blocks in C or assembly sources (.c, .h, .S), see lib/lab.h:

    #if LAB_SOLUTION(N)
    int f(int x)
    {
        ...reference solution...
    }
    #else
    int f(int x)
    {
        ...stub that fails loudly and safely...
    }
    #endif

A block is one whole function, twice: its solution and its stub each
define exactly one function (in assembly, one named label and the code
after it), the same one, and the block stands at file scope. A fragment
of a function is refused, so that the reference reads as whole functions
and the handout shows one clear hole.

For lab N, every block of lab N or later becomes its stub, with a
``/* LAB N: your code here */`` comment at the start of the stub's body;
every block of an earlier lab becomes its solution. Either way the
directive lines go, so the student tree carries no LAB_SOLUTION block at
all. A solution or stub may hold #if/#endif lines of its own: only the
#else and #endif at the block's own nesting depth belong to the block.
Blocks do not nest.

Makefiles lose the lines from ``# handout: drop-begin`` to
``# handout: drop-end`` (both included), and a line ``HANDOUT_LAB ?=``
(nothing after it) becomes ``HANDOUT_LAB := N``: the tree knows its lab,
so it builds and boots as `make HANDOUT_LAB=N` does on main (lib/lab.h:
LAB_TREE; kernel/boot/main.c: what a boot without init= runs).

The tree is every file git tracks in the source root plus the untracked
files git does not ignore (a root that is not a git repository is walked
instead); never build/ or .git.

    python3 labs/handout.py --lab N --dest DIR [--src ROOT]
    python3 labs/handout.py --check [--src ROOT]

--check parses every file and reports malformed blocks without writing.
Problems are reported as file:line; the exit status is then 1.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

FIRST_LAB = 1
LAST_LAB = 9
MARKED_SUFFIXES = (".c", ".h", ".S")
NEVER_COPIED = ("build", ".git")
# Staff-only parts of the tree, left out of every handout: the planted bugs
# (labs/bugs/labN/*.patch) carry the reference's lines as their context, so
# a student tree holding them would hold the solution.
STAFF_ONLY = (("labs", "bugs"),)
WALK_SKIPPED = NEVER_COPIED + ("__pycache__", ".pytest_cache")
DROP_BEGIN = "# handout: drop-begin"
DROP_END = "# handout: drop-end"
# The Makefile line that a handout sets to its lab (lib/lab.h: LAB_TREE).
LAB_SETTING = re.compile(r"^HANDOUT_LAB[ \t]*\?=[ \t]*(?P<newline>\r?\n?)$")

DEFAULT_SOURCE_ROOT = Path(__file__).resolve().parent.parent

# A preprocessor directive: '#', its name, the rest of the line.
DIRECTIVE = re.compile(r"^\s*#\s*(?P<name>[A-Za-z_]\w*)(?P<rest>.*)$")
# The line that opens a block; the number is checked separately.
BLOCK_OPENING = re.compile(
    r"^\s*#\s*if\s+LAB_SOLUTION\s*\((?P<lab>[^()]*)\)\s*"
    r"(?:/\*.*?\*/\s*|//.*)?$")
CONDITIONAL_OPENINGS = ("if", "ifdef", "ifndef")
CONDITIONAL_DIRECTIVES = CONDITIONAL_OPENINGS + ("elif", "else", "endif")


class HandoutError(Exception):
    """Problems that stop the handout; str() lists them one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class Problem:
    """A malformed input, reported as file:line: message (file: message
    when it concerns no line)."""
    path: str
    line: Optional[int]
    message: str

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Block:
    """One LAB_SOLUTION block of a source file (lines keep their endings)."""
    lab: Optional[int]          # None when the marker's number is malformed
    opening: str                # the opening line as written, for messages
    opening_line: int           # 1-based line number of `#if LAB_SOLUTION(N)`
    newline: str                # the opening line's line ending
    solution: List[str] = field(default_factory=list)
    stub: List[str] = field(default_factory=list)
    has_else: bool = False
    else_line: int = 0          # 1-based line number of its #else
    # Index into stub of the line that opens the stub function's body (its
    # `{`, or its label in assembly), after which the "your code here"
    # comment goes; None to put the comment before the stub.
    stub_body_line: Optional[int] = None


@dataclass
class ParsedSource:
    """A source file as plain lines and blocks, in order."""
    pieces: list                # each a str (a line) or a Block
    problems: List[Problem]

    @property
    def blocks(self):
        return [piece for piece in self.pieces if isinstance(piece, Block)]


@dataclass
class Summary:
    """What a handout did, for its one-line report."""
    stubbed: Counter = field(default_factory=Counter)    # lab -> blocks
    resolved: Counter = field(default_factory=Counter)   # lab -> blocks
    files_written: int = 0


# ---- lines ---------------------------------------------------------------------

def split_lines(text):
    """The lines of text, each with its "\\n" (the last one may lack it).
    Only "\\n" ends a line, as for the C preprocessor."""
    lines = text.split("\n")
    with_endings = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        with_endings.append(lines[-1])
    return with_endings


def line_ending(line):
    return "\r\n" if line.endswith("\r\n") else "\n"


def indentation(line):
    return line[:len(line) - len(line.lstrip(" \t"))]


def without_comments(line):
    """line without its /* */ and // comments (`#endif /* LAB_SOLUTION(2) */`)."""
    return re.sub(r"/\*.*?(\*/|$)|//.*", "", line)


def directive_name(line):
    """The name of the preprocessor directive on line ("if", ...), or None."""
    match = DIRECTIVE.match(line)
    return match.group("name") if match else None


# ---- the shape of a block: one whole function ------------------------------------------

# Words that a parenthesis follows in a statement or in a function's head
# but that name no function.
C_NOT_FUNCTION_NAMES = frozenset((
    "if", "while", "for", "switch", "return", "sizeof", "do", "else", "case",
    "_Static_assert", "_Alignas", "_Alignof", "_Generic", "typeof", "__typeof__",
    "asm", "__asm__"))
C_ATTRIBUTE_WORDS = frozenset(("__attribute__", "__attribute", "__declspec"))
SPLIT_HINT = "; a student part of a function becomes a function of its own (lib/lab.h)"
# A named assembly label, `setctx:`; numeric labels (`1:`) and .L labels
# are local to a function.
ASM_LABEL = re.compile(r"^\s*(?P<name>[A-Za-z_.$][\w.$]*)\s*:")


class CCode:
    """Reduces C source lines to their code: no comments, string and
    character literals emptied (`""`), no preprocessor directive lines. A
    comment or a directive may go on over several lines, so one CCode reads
    the lines of one text in order."""

    def __init__(self):
        self.in_comment = False
        self.in_directive = False   # a directive continued with a backslash

    def code(self, line):
        text = line.rstrip("\r\n")
        directive = self.in_directive or (not self.in_comment
                                          and text.lstrip().startswith("#"))
        code = self.scan(text)
        self.in_directive = directive and text.endswith("\\")
        return "" if directive else code

    def scan(self, text):
        out, i = [], 0
        while i < len(text):
            if self.in_comment:
                end = text.find("*/", i)
                if end < 0:
                    break
                self.in_comment = False
                out.append(" ")
                i = end + 2
            elif text.startswith("/*", i):
                self.in_comment = True
                i += 2
            elif text.startswith("//", i):
                break
            elif text[i] in "\"'":
                quote, i = text[i], i + 1
                while i < len(text) and text[i] != quote:
                    i += 2 if text[i] == "\\" else 1
                out.append(quote * 2)
                i += 1
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def brace_balance(code):
    return code.count("{") - code.count("}")


def shown(code, limit=40):
    """code as a message quotes it: one line, at most limit characters."""
    code = " ".join(code.split())
    return f"`{code[:limit]}...`" if len(code) > limit else f"`{code}`"


def c_function_name(head):
    """The name in a function definition's head (what precedes its `{`):
    the first word a parenthesis follows at the outermost level, attributes
    left out. None if there is none."""
    depth = 0
    for match in re.finditer(r"[()]|[A-Za-z_]\w*(?=\s*\()", head):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0 and token not in C_ATTRIBUTE_WORDS:
            return token
    return None


def c_head_problem(head):
    """Why head cannot begin a function definition, or None."""
    name = c_function_name(head)
    if name is None or not head.rstrip().endswith(")"):
        return f"it begins with {shown(head)}, which is no function's head"
    if name in C_NOT_FUNCTION_NAMES:
        return f"it begins with a statement, {shown(head)}"
    return None


@dataclass
class FunctionShape:
    """What a block part defines: the function's name and the index of the
    line that opens its body; or, if it is not one whole function, why not
    and at which of its lines."""
    name: Optional[str] = None
    body_line: Optional[int] = None
    problem: Optional[str] = None
    problem_line: int = 0
    body_opens_alone: bool = True   # nothing follows the `{` on its line


def c_function_shape(lines):
    """The FunctionShape of a block part written in C."""
    scanner, head = CCode(), []
    parentheses = braces = 0    # open in the head; open in the body
    shape = FunctionShape()
    for index, line in enumerate(lines):
        code = scanner.code(line)
        for position, char in enumerate(code):
            if shape.body_line is None:
                if char == "{" and parentheses == 0:
                    problem = c_head_problem("".join(head))
                    if problem:
                        return FunctionShape(problem=problem, problem_line=index)
                    shape.name = c_function_name("".join(head))
                    shape.body_line, braces = index, 1
                    shape.body_opens_alone = not code[position + 1:].strip()
                    continue
                if char in ";=}" and parentheses == 0:
                    return FunctionShape(problem=f"it begins with a statement or a "
                                         f"declaration, {shown(''.join(head) + char)}",
                                         problem_line=index)
                parentheses += (char == "(") - (char == ")")
                head.append(char)
            elif braces > 0:
                braces += (char == "{") - (char == "}")
            elif not char.isspace():
                return FunctionShape(problem=f"code follows the function {shape.name}: "
                                     f"{shown(code[position:])}", problem_line=index)
        if shape.body_line is None:
            head.append(" ")
    if shape.body_line is None:
        what = shown("".join(head)) if "".join(head).strip() else "comments"
        return FunctionShape(problem=f"it holds no function definition, only {what}")
    if braces > 0:
        return FunctionShape(problem=f"the body of {shape.name} does not end inside it",
                             problem_line=shape.body_line)
    return shape


def asm_function_shape(lines):
    """The FunctionShape of a block part written in assembly: one named
    label, with nothing but directives (`.globl name`) before it."""
    scanner, labels = CCode(), []
    for index, line in enumerate(lines):
        code = scanner.code(line).strip()
        label = ASM_LABEL.match(code)
        if label and not label.group("name").startswith(".L"):
            labels.append((index, label.group("name")))
        elif code and not labels and not code.startswith("."):
            return FunctionShape(problem=f"it begins with {shown(code)}, before any "
                                 f"function's label", problem_line=index)
    if not labels:
        return FunctionShape(problem="it holds no function: no label such as `name:`")
    if len(labels) > 1:
        names = ", ".join(name for _, name in labels)
        return FunctionShape(problem=f"it holds more than one function ({names}); "
                             f"a function's own labels are numeric (`1:`)",
                             problem_line=labels[1][0])
    index, name = labels[0]
    return FunctionShape(name=name, body_line=index)


def function_shape(path, lines):
    return (asm_function_shape if path.endswith(".S") else c_function_shape)(lines)


def block_shape_problems(block, path):
    """Problems if block is not one whole function, its solution and its
    stub defining the same one; records where the stub's body opens."""
    parts = (("solution", block.solution, block.opening_line + 1),
             ("stub", block.stub, block.else_line + 1))
    shapes, problems = {}, []
    for part, lines, first_line in parts:
        shape = shapes[part] = function_shape(path, lines)
        if shape.problem:
            problems.append(Problem(
                path, first_line + shape.problem_line,
                f"the {part} of the {block.opening} block (line {block.opening_line}) "
                f"is not one whole function definition: {shape.problem}" + SPLIT_HINT))
    if problems:
        return problems
    solution, stub = shapes["solution"], shapes["stub"]
    if solution.name != stub.name:
        return [Problem(path, block.else_line + 1 + stub.body_line,
                        f"the stub of the {block.opening} block (line "
                        f"{block.opening_line}) defines {stub.name}, its solution "
                        f"{solution.name}: a stub replaces the same function")]
    block.stub_body_line = stub.body_line if stub.body_opens_alone else None
    return []


# ---- parsing blocks ----------------------------------------------------------------

def lab_number(text):
    """The lab number written in LAB_SOLUTION(text), or None if invalid."""
    text = text.strip()
    if not text.isdigit():
        return None
    number = int(text)
    return number if FIRST_LAB <= number <= LAST_LAB else None


def open_block(line, number, path, problems):
    """The Block that line (a block opening) starts."""
    text = BLOCK_OPENING.match(line).group("lab")
    lab = lab_number(text)
    if lab is None:
        problems.append(Problem(path, number,
                                f"LAB_SOLUTION({text.strip()}): the lab number "
                                f"must be an integer from {FIRST_LAB} to {LAST_LAB}"))
    return Block(lab=lab, opening=line.strip(), opening_line=number,
                 newline=line_ending(line))


def stray_marker_problem(line, number, path):
    """A Problem if line is a conditional that uses LAB_SOLUTION other than
    as a block opening (`#elif LAB_SOLUTION(2)`, `#if LAB_SOLUTION(2) && X`)."""
    if "LAB_SOLUTION" not in without_comments(line) or BLOCK_OPENING.match(line):
        return None
    if directive_name(line) not in CONDITIONAL_DIRECTIVES:
        return None
    return Problem(path, number, "unsupported use of LAB_SOLUTION: a block opens "
                                 "with a line of its own, `#if LAB_SOLUTION(N)`")


class BlockParser:
    """Splits a source file's lines into plain lines and Blocks, tracking the
    #if nesting depth inside a block so that only the block's own #else and
    #endif close its parts."""

    def __init__(self, path):
        self.path = path
        self.pieces = []
        self.problems = []
        self.block = None
        self.depth = 0
        self.problems_before_block = 0
        # The code outside blocks, for the brace depth a block opens at (C only).
        self.file_code = None if path.endswith(".S") else CCode()
        self.file_braces = 0

    def parse(self, lines):
        for number, line in enumerate(lines, start=1):
            stray = stray_marker_problem(line, number, self.path)
            if stray:
                self.problems.append(stray)
            if self.block is None:
                self.outside_block(line, number)
            else:
                self.inside_block(line, number)
        if self.block is not None:
            self.problems.append(Problem(
                self.path, self.block.opening_line,
                f"{self.block.opening} has no #endif"))
            self.pieces.append(self.block)
        return ParsedSource(self.pieces, self.problems)

    def outside_block(self, line, number):
        if BLOCK_OPENING.match(line):
            self.problems_before_block = len(self.problems)
            if self.file_braces > 0:
                self.problems.append(Problem(
                    self.path, number, "this LAB_SOLUTION block is inside a function "
                    "(braces opened above it are still open): a block holds one whole "
                    "function, at file scope" + SPLIT_HINT))
            self.block = open_block(line, number, self.path, self.problems)
            self.depth = 0
        else:
            if self.file_code is not None:
                self.file_braces += brace_balance(self.file_code.code(line))
            self.pieces.append(line)

    def inside_block(self, line, number):
        name = directive_name(line)
        if BLOCK_OPENING.match(line):
            self.problems.append(Problem(
                self.path, number, "LAB_SOLUTION blocks do not nest (this one "
                f"is inside the block opened at line {self.block.opening_line})"))
        if name in CONDITIONAL_OPENINGS:
            self.depth += 1
        elif name == "endif" and self.depth > 0:
            self.depth -= 1
        elif name == "endif":
            self.close_block(number)
            return
        elif name in ("else", "elif") and self.depth == 0:
            self.switch_to_stub(name, number)
            return
        self.current_part().append(line)

    def current_part(self):
        return self.block.stub if self.block.has_else else self.block.solution

    def switch_to_stub(self, name, number):
        block = self.block
        if name == "elif":
            self.problems.append(Problem(
                self.path, number, "#elif in a LAB_SOLUTION block: a block has "
                "exactly one #else, then the stub"))
        elif block.has_else:
            self.problems.append(Problem(
                self.path, number, "a second #else in the LAB_SOLUTION block "
                f"opened at line {block.opening_line}"))
        else:
            block.else_line = number
        block.has_else = True

    def close_block(self, number):
        block = self.block
        if not block.has_else:
            self.problems.append(Problem(
                self.path, block.opening_line,
                f"{block.opening} has no #else (its #endif is at "
                f"line {number}): every block needs a stub"))
        elif len(self.problems) == self.problems_before_block:
            self.problems.extend(block_shape_problems(block, self.path))
        self.pieces.append(block)
        self.block = None


def parse_marked_source(text, path):
    """Parse a .c/.h/.S file's text; path is only used in problems."""
    return BlockParser(path).parse(split_lines(text))


# ---- rendering -----------------------------------------------------------------------

def your_code_here(block, indent):
    return f"{indent}/* LAB {block.lab}: your code here */{block.newline}"


def stub_with_comment(block):
    """The stub's lines with the "your code here" comment at the start of
    the stub function's body, indented like the body (before the whole stub
    if its body does not open on a line of its own)."""
    stub, opening = block.stub, block.stub_body_line
    if opening is None:
        sample = next((line for line in stub if line.strip()), "")
        return [your_code_here(block, indentation(sample))] + stub
    body = next((line for line in stub[opening + 1:]
                 if line.strip() and not directive_name(line)), "")
    indent = indentation(body) if indentation(body) else "\t"
    return stub[:opening + 1] + [your_code_here(block, indent)] + stub[opening + 1:]


def render_for_lab(parsed, lab, summary):
    """The text of a parsed source in lab's handout; counts blocks in summary."""
    out = []
    for piece in parsed.pieces:
        if not isinstance(piece, Block):
            out.append(piece)
        elif piece.lab < lab:
            out.extend(piece.solution)
            summary.resolved[piece.lab] += 1
        else:
            out.extend(stub_with_comment(piece))
            summary.stubbed[piece.lab] += 1
    return "".join(out)


def drop_handout_lines(text, path):
    """(text without the drop-begin..drop-end regions, problems)."""
    kept, problems = [], []
    region_start = None
    for number, line in enumerate(split_lines(text), start=1):
        marker = line.strip()
        if marker.startswith(DROP_BEGIN):
            if region_start is not None:
                problems.append(Problem(path, number, f"'{DROP_BEGIN}' inside the "
                                        f"region begun at line {region_start}"))
            region_start = number
        elif marker.startswith(DROP_END):
            if region_start is None:
                problems.append(Problem(path, number,
                                        f"'{DROP_END}' without '{DROP_BEGIN}'"))
            region_start = None
        elif region_start is None:
            kept.append(line)
    if region_start is not None:
        problems.append(Problem(path, region_start,
                                f"'{DROP_BEGIN}' without '{DROP_END}'"))
    return "".join(kept), problems


def set_handout_lab(text, lab):
    """text with its `HANDOUT_LAB ?=` lines set to lab: `HANDOUT_LAB := lab`."""
    out = []
    for line in split_lines(text):
        match = LAB_SETTING.match(line)
        out.append(f"HANDOUT_LAB := {lab}{match.group('newline')}" if match else line)
    return "".join(out)


# ---- the files of a tree -------------------------------------------------------------

def git_output(root, *args):
    result = subprocess.run(["git", "-C", str(root), *args],
                            capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def is_git_top_level(root):
    top = git_output(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == Path(root).resolve()


def git_listed_files(root):
    """Relative paths git tracks, plus untracked ones it does not ignore."""
    tracked = git_output(root, "ls-files", "-z", "--cached")
    untracked = git_output(root, "ls-files", "-z", "--others", "--exclude-standard")
    if tracked is None or untracked is None:
        raise HandoutError([Problem(str(root), None, "git ls-files failed")])
    return {name for name in (tracked + untracked).split("\0") if name}


def walked_files(root):
    """Relative paths of every file below root (when it is no git repository)."""
    names = set()
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name not in WALK_SKIPPED]
        for name in files:
            if not name.endswith(".pyc"):
                names.add(os.path.relpath(os.path.join(directory, name), root))
    return names


def is_copied(relative, excluded_prefix):
    parts = Path(relative).parts
    if not parts or parts[0] in NEVER_COPIED or ".git" in parts:
        return False
    if any(parts[:len(staff)] == staff for staff in STAFF_ONLY):
        return False
    return excluded_prefix is None or parts[:len(excluded_prefix)] != excluded_prefix


def tree_files(root, excluded=None):
    """Sorted relative paths of the files that make up the tree at root,
    leaving out the directory `excluded` (the destination) if it is inside."""
    root = Path(root)
    names = git_listed_files(root) if is_git_top_level(root) else walked_files(root)
    excluded_prefix = None
    if excluded is not None:
        try:
            excluded_prefix = Path(excluded).resolve().relative_to(root.resolve()).parts
        except ValueError:
            pass
    return sorted(name for name in names
                  if is_copied(name, excluded_prefix)
                  and ((root / name).is_file() or (root / name).is_symlink()))


def is_marked_source(relative):
    return relative.endswith(MARKED_SUFFIXES)


def is_makefile(relative):
    return Path(relative).name == "Makefile"


def read_text(path):
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as file:
        return file.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as file:
        file.write(text)


# ---- handout and check ----------------------------------------------------------------

def handout_text(root, relative, lab, summary, problems):
    """The handout's text of a marked source or Makefile; None for other files."""
    if is_marked_source(relative):
        parsed = parse_marked_source(read_text(root / relative), relative)
        problems.extend(parsed.problems)
        return None if parsed.problems else render_for_lab(parsed, lab, summary)
    if is_makefile(relative):
        text, dropped_problems = drop_handout_lines(read_text(root / relative), relative)
        problems.extend(dropped_problems)
        return set_handout_lab(text, lab)
    return None


def copy_one(root, dest, relative, text):
    """Write relative into dest: text if given, else the file itself."""
    source, target = root / relative, dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif text is None:
        shutil.copy2(source, target)
    else:
        write_text(target, text)
        shutil.copymode(source, target)


def check_destination(dest):
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise HandoutError([Problem(str(dest), None, "the destination exists and is "
                                    "not an empty directory; remove it first")])


def make_handout(root, dest, lab):
    """Write lab's student tree from root into dest; returns a Summary.
    Raises HandoutError (and writes nothing) if any file is malformed."""
    root, dest = Path(root), Path(dest)
    if lab_number(str(lab)) is None:
        raise HandoutError([Problem("--lab", None, f"lab {lab} is not from "
                                    f"{FIRST_LAB} to {LAST_LAB}")])
    check_destination(dest)
    summary, problems, texts = Summary(), [], {}
    files = tree_files(root, excluded=dest)
    for relative in files:
        texts[relative] = handout_text(root, relative, lab, summary, problems)
    if problems:
        raise HandoutError(problems)
    for relative in files:
        copy_one(root, dest, relative, texts[relative])
        summary.files_written += 1
    return summary


def check_tree(root):
    """(blocks per lab, files parsed, problems) over the tree at root."""
    root = Path(root)
    blocks, problems, parsed_files = Counter(), [], 0
    for relative in tree_files(root):
        if is_marked_source(relative):
            parsed = parse_marked_source(read_text(root / relative), relative)
            blocks.update(block.lab for block in parsed.blocks)
            problems.extend(parsed.problems)
            parsed_files += 1
        elif is_makefile(relative):
            problems.extend(drop_handout_lines(read_text(root / relative), relative)[1])
            parsed_files += 1
    return blocks, parsed_files, problems


def labs_with_blocks(root):
    """The lab numbers that have at least one well-formed block under root."""
    blocks, _, _ = check_tree(root)
    return sorted(lab for lab in blocks if lab is not None)


def student_files(root, lab):
    """The files a student writes in lab's handout: every source under
    root holding a block of that lab (sorted relative paths). The staff
    overlay (tools/autograde.py) takes these, and only these, from a
    submission."""
    root, files = Path(root), []
    for relative in tree_files(root):
        if is_marked_source(relative):
            parsed = parse_marked_source(read_text(root / relative), relative)
            if any(block.lab == lab for block in parsed.blocks):
                files.append(relative)
    return files


# ---- reports ---------------------------------------------------------------------------

def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def per_lab(counter):
    """"lab 1: 1, lab 2: 4" for a Counter of blocks per lab."""
    return ", ".join(f"lab {lab}: {counter[lab]}"
                     for lab in sorted(counter, key=lambda lab: (lab is None, lab or 0)))


def handout_report(lab, dest, summary):
    stubbed, resolved = sum(summary.stubbed.values()), sum(summary.resolved.values())
    line = (f"lab {lab} handout in {dest}: {plural(stubbed, 'block')} stubbed, "
            f"{resolved} resolved, {plural(summary.files_written, 'file')} written")
    if not summary.stubbed.get(lab):
        line += f" (note: lab {lab} has no block of its own)"
    return line


def check_report(blocks, parsed_files):
    detail = f" ({per_lab(blocks)})" if blocks else ""
    return (f"handout check: {plural(sum(blocks.values()), 'block')}{detail} "
            f"in {plural(parsed_files, 'file')} parsed, no problems")


def report_problems(problems, consequence):
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"handout: {plural(len(problems), 'problem')}{consequence}", file=sys.stderr)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Write the student tree for one lab of beta86, or check "
                    "the LAB_SOLUTION blocks of the tree.")
    parser.add_argument("--lab", type=int, metavar="N",
                        help="the lab to hand out: blocks of labs >= N become stubs")
    parser.add_argument("--dest", type=Path, metavar="DIR",
                        help="where to write the tree (absent or empty)")
    parser.add_argument("--src", type=Path, metavar="ROOT", default=DEFAULT_SOURCE_ROOT,
                        help="the reference tree (default: this script's repository)")
    parser.add_argument("--check", action="store_true",
                        help="only parse every file and report problems")
    arguments = parser.parse_args(argv)
    if not arguments.src.is_dir():
        parser.error(f"--src {arguments.src}: no such directory")
    if not arguments.check and (arguments.lab is None or arguments.dest is None):
        parser.error("--lab N and --dest DIR are required (unless --check)")
    return arguments


def main(argv=None):
    arguments = parse_arguments(argv)
    try:
        if arguments.check:
            blocks, parsed_files, problems = check_tree(arguments.src)
            if problems:
                raise HandoutError(problems)
            print(check_report(blocks, parsed_files))
        else:
            summary = make_handout(arguments.src, arguments.dest, arguments.lab)
            print(handout_report(arguments.lab, arguments.dest, summary))
    except HandoutError as error:
        report_problems(error.problems, "" if arguments.check else ", nothing written")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
