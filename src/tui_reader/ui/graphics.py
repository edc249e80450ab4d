"""What the terminal can draw pictures with, found once before the app starts.

textual-image asks the terminal (Sixel in its device attributes, then a Kitty graphics
protocol query, and the cell size in pixels) when it is imported; it cannot once Textual reads
the keyboard. So :func:`start` asks the same questions on a thread while Textual is imported,
all in one exchange (:func:`exchange`: Kitty's query, the cell size, then the device
attributes, which every terminal answers last), and :func:`finish` waits for the answer just
before ``App.run`` (one round trip, a few milliseconds; asked in turn, as textual-image does,
a terminal that ignores Kitty's query, tmux among them, cost a 0.1 s wait). textual-image
itself, with Pillow, is imported when the first picture is drawn (:func:`image_widget`), its
own questions then left unasked. It asks only a real terminal
(stdin and stdout both one): a test's headless app, a pipe or a terminal that answers nothing
gets ``"none"`` and no picture is ever drawn. textual-image 0.12 speaks no iTerm2 protocol:
iTerm2 and WezTerm answer the Sixel query and are drawn in Sixel.

``kind()`` says what was found:

- ``"kitty"``: the Kitty graphics protocol (with Unicode placeholders: Kitty, Ghostty);
- ``"sixel"``: Sixel (xterm -ti vt340, foot, WezTerm, iTerm2, Konsole, tmux built with it);
- ``"blocks"``: a terminal without either: a coarse picture in coloured half cells;
- ``"none"``: no terminal to draw on (or asking it failed): pictures are not drawn.

``reader.images`` in config.toml overrides it: "blocks" draws coloured half cells in any
terminal (no question asked), "off" never draws.

``reader.inline_images`` says what the reading pane draws in place of an ``[image: alt]``
line (:func:`inline_kind`): Kitty's Unicode placeholders (each image row is a row of text
cells, so the Line-API pane can draw it) where the terminal answered the Kitty query, or
coloured half cells; never Sixel (cells cannot carry a Sixel picture).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from random import randint
from types import ModuleType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.widget import Widget

Kind = Literal["kitty", "sixel", "blocks", "none"]
InlineKind = Literal["kitty", "blocks", "none"]
DEFAULT_CELL = (10, 20)  # pixels of a cell when the terminal was not asked (textual-image's)

_detected: Kind = "none"
_setting = "auto"
_asking: threading.Thread | None = None
_cell: tuple[int, int] | None = None  # the terminal's cell in pixels, once asked
_ready = False  # textual-image was imported (and asked the terminal) before Textual ran

DESCRIPTIONS: dict[Kind, str] = {
    "kitty": "drawn with the Kitty graphics protocol",
    "sixel": "drawn in Sixel",
    "blocks": "a coarse picture in coloured blocks (no Kitty or Sixel graphics here)",
    "none": "this terminal cannot show pictures here",
}


def _is_terminal() -> bool:
    out, inp = sys.__stdout__, sys.__stdin__
    try:
        return bool(out and inp and out.isatty() and inp.isatty())
    except (OSError, ValueError):
        return False


def start(setting: str = "auto", inline: str = "off") -> None:
    """Begin asking the terminal (``reader.images`` or ``reader.inline_images`` not "off",
    and a real terminal) on a thread of its own, while Textual is imported; :func:`finish`
    waits for the answer. textual-image asks at import, whichever way is used later, so it is
    imported now (never later: once Textual reads the keyboard the answers would be lost)."""
    global _asking
    use(setting)
    if (setting == "off" and inline == "off") or _asking is not None or not _is_terminal():
        return
    _asking = threading.Thread(target=_ask, name="terminal-graphics", daemon=True)
    _asking.start()


def finish() -> Kind:
    """Wait for :func:`start`'s questions (each has a 0.1 s deadline): before ``App.run``."""
    if _asking is not None:
        _asking.join(ANSWER_SECONDS + 1)  # (its reads end by then: never wait for ever)
    return kind()


def detect(setting: str = "auto") -> Kind:
    """:func:`start` and :func:`finish` in one."""
    start(setting)
    return finish()


def _ask() -> None:
    global _detected, _cell, _ready
    # Our own questions, without textual-image (imported with the first picture, when
    # :func:`widgets` hands it the cell size found here: no import on the way to the first
    # screen).
    try:
        out, inp = sys.__stdout__, sys.__stdin__
        if out is None or inp is None:
            return
        cell = _window_cell(out.fileno())
        answers = exchange(inp.fileno(), out.fileno(), cell_size=cell is None)
    except Exception:  # a terminal that answers nonsense must not stop the reader
        return
    sixel, kitty, asked_cell = parse_answers(answers)
    _cell = cell or asked_cell
    _ready = True
    # In textual-image's order: Sixel first (Kitty's terminal has none), then Kitty's.
    _detected = "sixel" if sixel else "kitty" if kitty else "blocks"


KITTY_QUERY = "\x1b_Gi={},s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"  # a 1x1 image, answered "OK"
CELL_QUERY = "\x1b[16t"  # the cell's size in pixels: ESC [ 6 ; height ; width t
ATTRIBUTES_QUERY = "\x1b[c"  # device attributes (DA1): ESC [ ? 62 ; 4 ; ... c (4: Sixel)
ANSWER_WAIT = 0.1  # for the first byte and between bytes, as textual-image waits per question
# The most read in all, in seconds and bytes: a terminal that keeps sending (a paste, a key held
# down) without ever the last answer must not hold the start-up (the answers are ~60 bytes).
ANSWER_SECONDS = 1.0
ANSWER_BYTES = 4096


def exchange(fd_in: int, fd_out: int, *, cell_size: bool = True, wait: float = ANSWER_WAIT) -> str:
    """Ask the terminal every question at once (Kitty's graphics query, the cell size if
    ``cell_size``, then the device attributes) and read what it answers up to the answer to
    the last one, which every terminal gives and gives last: one round trip, where asking
    each in turn (textual-image's way) waits ``wait`` for each question a terminal ignores
    (tmux ignores Kitty's: 0.1 s). Returns what was read (all of it if the terminal stopped
    answering, or went on past ANSWER_SECONDS or ANSWER_BYTES)."""
    import os
    import re
    import select
    import termios
    import time
    import tty

    question = KITTY_QUERY.format(randint(1, 2**32)) + (CELL_QUERY if cell_size else "")
    question += ATTRIBUTES_QUERY
    mode = termios.tcgetattr(fd_in)
    tty.setcbreak(fd_in, termios.TCSANOW)  # no echo, no line buffering
    answer = b""
    try:
        os.write(fd_out, question.encode())
        done = re.compile(rb"\x1b\[\?[0-9;]*c")
        deadline = time.monotonic() + max(wait, ANSWER_SECONDS)
        while not done.search(answer) and len(answer) < ANSWER_BYTES:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd_in], [], [], min(wait, left))[0]:
                break
            data = os.read(fd_in, min(1024, ANSWER_BYTES - len(answer)))
            if not data:
                break
            answer += data
    finally:
        termios.tcsetattr(fd_in, termios.TCSANOW, mode)
    return answer.decode("utf-8", "replace")


def parse_answers(text: str) -> tuple[bool, bool, tuple[int, int] | None]:
    """(Sixel among the device attributes, Kitty's query answered "OK", the cell's
    (width, height) in pixels) from what the terminal answered to :func:`exchange`."""
    import re

    attributes = re.search(r"\x1b\[\?([0-9;]*)c", text)
    sixel = attributes is not None and "4" in attributes.group(1).split(";")
    kitty_answer = re.search(r"\x1b_G([^\x1b]*)\x1b\\", text)
    kitty = kitty_answer is not None and kitty_answer.group(1).rpartition(";")[2] == "OK"
    size = re.search(r"\x1b\[6;(\d{1,5});(\d{1,5})t", text)
    cell = None
    if size is not None and int(size.group(1)) > 0 and int(size.group(2)) > 0:
        cell = (int(size.group(2)), int(size.group(1)))
    return sixel, kitty, cell


def _window_cell(fd: int) -> tuple[int, int] | None:
    """The cell's size in pixels from the window size the terminal reports (TIOCGWINSZ), if
    it reports pixels (textual-image's first way)."""
    import fcntl
    import struct
    import termios

    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    rows, columns, width, height = struct.unpack("HHHH", packed)
    if rows and columns and width // columns and height // rows:
        return width // columns, height // rows
    return None


@contextmanager
def _unasked(start_marker: str, end_marker: str, timeout: float | None = None) -> Iterator[None]:
    """Stands in for textual-image's terminal question while it is imported in the app: the
    question fails before anything is written (its answer would reach Textual as keys)."""
    from textual_image._terminal import TerminalError

    raise TerminalError("asked before the app started")
    yield  # pragma: no cover


_importing = threading.Lock()


def widgets() -> ModuleType:
    """textual-image's widgets, imported on first use (with Pillow: not at start-up). Its
    import asks the terminal again: those questions fail at once, unwritten; :func:`start`
    asked them and :func:`image_widget` picks the widget from its answer."""
    loaded = sys.modules.get("textual_image.widget")
    if loaded is not None:
        return loaded
    with _importing:  # one thread stands in for the question at a time
        # textual-image logs a warning when the terminal does not say its cell size; with no
        # handler, Python's last resort would print it on the terminal over the app.
        import logging

        logging.getLogger("textual_image").addHandler(logging.NullHandler())
        logging.getLogger("textual_image").propagate = False
        import textual_image._terminal as terminal

        if _ready:
            # Kept where textual-image looks, so that it never asks (not possible once
            # Textual reads the keys); a terminal that did not say gets its fallback.
            terminal.get_cell_size._result = terminal.CellSize(*(_cell or DEFAULT_CELL))  # type: ignore[attr-defined]
        asking = terminal.capture_terminal_response
        terminal.capture_terminal_response = _unasked  # type: ignore[assignment]
        try:
            import textual_image.widget as module
        finally:
            terminal.capture_terminal_response = asking
    return module


def warm() -> None:
    """Import textual-image's widgets ahead of the first picture (from a worker thread once
    start-up is over), so that opening the viewer does not wait for Pillow's import."""
    if kind() != "none":
        widgets()


def use(setting: str) -> None:
    """Follow ``reader.images``: "auto" (what :func:`detect` found), "blocks", "off"."""
    global _setting
    _setting = setting


def kind() -> Kind:
    if _setting == "off":
        return "none"
    if _setting == "blocks":
        return "blocks"
    return _detected


def inline_kind(setting: str) -> InlineKind:
    """What the reading pane draws its images with, for ``reader.inline_images``: "auto" is
    Kitty's placeholders where the terminal answered the Kitty query, coloured half cells
    where it answered the Sixel one (iTerm2 and WezTerm do; a Sixel picture cannot ride in a
    row of cells, so the pane draws it at half-cell resolution and ``I`` shows it in Sixel),
    and the alt line in a terminal without pictures; "kitty" assumes Kitty's protocol,
    "blocks" is coloured half cells; "off" (and a terminal that was never asked, where
    textual-image cannot be imported safely any more) is "none"."""
    if setting == "auto":
        found = kind()
        if found == "kitty":
            return "kitty"
        return "blocks" if found == "sixel" else "none"
    if setting not in ("kitty", "blocks"):
        return "none"
    if not _ready and _is_terminal():
        # textual-image asks the terminal when it is imported: never while Textual runs.
        return "none"
    return "kitty" if setting == "kitty" else "blocks"


def cell_size() -> tuple[int, int]:
    """A cell's width and height in pixels as the terminal said at start (10x20 if it was not
    asked), for an image's height in rows from its aspect."""
    return _cell or DEFAULT_CELL


def image_widget(picture: object) -> Widget | None:
    """textual-image's widget for ``picture`` (a PIL image) as :func:`kind` says, or None
    when pictures are not drawn."""
    now = kind()
    if now == "none":
        return None
    module = widgets()  # first: it hands textual-image the cell size asked at start
    from textual_image._terminal import get_cell_size

    kinds = {"blocks": module.HalfcellImage, "sixel": module.SixelImage, "kitty": module.TGPImage}
    widget: Widget = kinds[now](picture)
    # Fitted to the box, but never larger than the picture is: an icon stays small.
    cell = get_cell_size()
    width, height = getattr(picture, "size", (0, 0))
    if width > 0 and height > 0 and cell.width > 0 and cell.height > 0:
        widget.styles.max_width = max(1, -(-width // cell.width))
        widget.styles.max_height = max(1, -(-height // cell.height))
    return widget
