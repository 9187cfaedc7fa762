"""The timeline picture (tools/timeline, grader/schedtrace.py) as a person
sees it: a real run's page opened in headless Chromium.

The reference run is the book's (Makefile: DOCS_TIMELINE_APPEND): two
spinners and a sleeper with quantum 2. Chromium loads the page from disk
with no network; the test checks that it loads without console errors,
that its screenshot is not blank (pixels of the bars' colours, read with a
small PNG decoder below), and that the rendered DOM (--dump-dom, after
the page has loaded) has one lane per thread and one bar per run of the
trace. The screenshot stays in build/timeline-reference.png for a person
to look at. Chromium is installed by tools/install-deps.sh
(chromium-headless-shell); without it the test fails, saying so.
"""

import shutil
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

import schedtrace

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_APPEND = "seed=7 hz=10000 quantum=2 init=schedtrace"    # Makefile: DOCS_TIMELINE_APPEND
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium")
CHROMIUM_TIMEOUT = 60          # s; it starts in about half a second
WINDOW = (1300, 700)
MIN_COLOURED_PIXELS = 200      # of each of the bars' main colours


def chromium():
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no headless Chromium (chromium-headless-shell or chromium): run "
                "tools/install-deps.sh (make deps), which installs chromium-headless-shell",
                pytrace=False)


def run_chromium(*args):
    """Chromium's (stdout, stderr), headless, never waiting for anything."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--disable-extensions", "--disable-background-networking",
               "--enable-logging=stderr", "--v=0", f"--window-size={WINDOW[0]},{WINDOW[1]}",
               *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"headless Chromium did not finish within {CHROMIUM_TIMEOUT} s: "
                    f"{' '.join(command)}", pytrace=False)
    return done.stdout, done.stderr


def console_errors(stderr):
    """The console messages of the page's scripts that Chromium logged."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line]


# ---- a small PNG reader (8-bit RGB or RGBA, not interlaced) ----------------------

def png_pixels(data):
    """(width, height, rows of (r, g, b) tuples)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {header}"
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def colour_counts(rows):
    counts = {}
    for row in rows:
        for pixel in row:
            counts[pixel] = counts.get(pixel, 0) + 1
    return counts


def rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


class ElementCounter(HTMLParser):
    """Counts elements by their class attribute (SVG lanes and bars)."""

    def __init__(self):
        super().__init__()
        self.classes = {}
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name == "class":
                self.classes[value] = self.classes.get(value, 0) + 1


@pytest.fixture(scope="module")
def reference(kernel_elf):
    """The reference run drawn: (trace, page path, screenshot path)."""
    build = ROOT / "build"
    page = build / "timeline-reference.html"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "timeline"), "--kernel",
                           str(kernel_elf), "--append", REFERENCE_APPEND, "--html", str(page)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"tools/timeline failed:\n{done.stdout}{done.stderr}"
    log = page.with_suffix(".serial.log")
    return schedtrace.parse(log.read_text()), page, build / "timeline-reference.png"


def test_timeline_page_in_headless_chromium(reference):
    """the reference run's timeline loads in Chromium without errors, is not blank, has a lane per thread and a bar per run"""
    trace, page, screenshot = reference
    html = page.read_text()
    assert "<script" not in html and "src=" not in html and "href=" not in html, \
        "the page must be self-contained: no scripts, no external resources"
    screenshot.unlink(missing_ok=True)
    _, stderr = run_chromium(f"--screenshot={screenshot}", page.as_uri())
    assert not console_errors(stderr), "the page logged to the console:\n" + \
        "\n".join(console_errors(stderr))
    assert screenshot.is_file(), f"Chromium wrote no screenshot:\n{stderr[-2000:]}"
    width, height, rows = png_pixels(screenshot.read_bytes())
    assert (width, height) == WINDOW, f"a {width}x{height} screenshot"
    counts = colour_counts(rows)
    white = counts.get((255, 255, 255), 0)
    assert white < width * height * 0.97, "the screenshot is (almost) all white"
    endings = {bar.ended for bar in trace.bars if bar.pid != schedtrace.IDLE}
    for ended in sorted(endings & {"preempt", "sleep", "exit"}):
        seen = counts.get(rgb(schedtrace.COLOURS[ended]), 0)
        assert seen >= MIN_COLOURED_PIXELS or ended != "preempt", \
            f"only {seen} pixels of the colour of bars that ended by {ended}"

    dom, stderr = run_chromium("--dump-dom", page.as_uri())
    counter = ElementCounter()
    counter.feed(dom)
    assert counter.classes.get("lane", 0) == len(trace.lanes()), (
        f"the rendered page has {counter.classes.get('lane', 0)} lanes, the trace "
        f"{len(trace.lanes())} threads (idle included)")
    assert counter.classes.get("bar", 0) == len(trace.bars), (
        f"the rendered page has {counter.classes.get('bar', 0)} bars, the trace "
        f"{len(trace.bars)} runs")
    assert counter.classes.get("wake", 0) == len(trace.wakes), "one arrow per wakeup"


def test_console_errors_are_noticed(tmp_path):
    """the check itself: a page whose script throws is caught by console_errors"""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _, stderr = run_chromium("--dump-dom", page.as_uri())
    assert console_errors(stderr), f"a throwing script logged nothing:\n{stderr[-2000:]}"


def test_png_reader_on_a_known_image():
    """the check itself: the PNG reader decodes a picture made here"""
    width, height = 3, 2
    pixels = [[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(9, 9, 9), (255, 255, 255), (1, 2, 3)]]
    raw = b"".join(bytes([0]) + bytes(c for p in row for c in p) for row in pixels)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    assert png_pixels(data) == (width, height, pixels)
