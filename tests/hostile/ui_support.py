"""Helpers for the app's half of the hostile suite: markup payloads, hostile text put into the
store without cleaning, and the screen exactly as Textual composed it (characters and styles,
cell by cell), so a test reads back what a person would see.

"Twin" runs: every hostile string has a twin of the same shape (same words, same widths) made
only of plain letters. The same scenario is run on both stores and the two screens must carry
the same style in every cell: markup that took effect, or a style that leaked past the text,
shows up as a difference.
"""

from __future__ import annotations

import re
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from rich.cells import get_character_cell_size
from rich.style import Style
from textual.app import App
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar
from textual.widget import Widget

# Each ends its field (a trailing backslash must be last to mean anything).
MARKUP: tuple[str, ...] = (
    "[bold red]x[/]",
    "[link=https://evil]y[/link]",
    "[@click=app.quit]z[/]",
    "[$accent @click=app.quit]w",
    "[/]",
    "[b]unbalanced",
    "\\[escaped]",
    "x\\",
)

Field = Callable[[str, str], str]  # (label, payload) -> the text stored


def hostile(label: str, payload: str) -> str:
    return f"{label} {payload}"


def _twin_char(ch: str) -> str:
    return ch if ch.isspace() or ch in ".!?" else "q"


def twin(label: str, payload: str) -> str:
    """Same label, the payload's characters made plain letters (same widths and words)."""
    return f"{label} {''.join(map(_twin_char, payload))}"


# -- the screen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str  # "" for the right half of a wide character
    style: Style


def screen_cells(app: App[Any]) -> list[list[Cell]]:
    """The active screen as drawn (toasts included), one Cell per terminal cell; zero-width
    characters join the cell before them."""
    rows: list[list[Cell]] = []
    for strip in app.screen._compositor.render_strips():
        row: list[Cell] = []
        for segment in strip:
            if segment.control:
                continue
            style = segment.style or Style.null()
            for ch in segment.text:
                width = get_character_cell_size(ch)
                if width == 0 and row:
                    row[-1] = Cell(row[-1].text + ch, row[-1].style)
                    continue
                row.append(Cell(ch, style))
                row.extend(Cell("", style) for _ in range(width - 1))
        rows.append(row)
    return rows


def screen_lines(app: App[Any]) -> list[str]:
    return ["".join(c.text for c in row) for row in screen_cells(app)]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


def widget_text(app: App[Any], widget: Widget) -> str:
    """The text drawn in ``widget``'s content region, its lines joined by newlines."""
    region = widget.content_region
    rows = screen_cells(app)[region.y : region.bottom]
    return "\n".join("".join(c.text for c in row[region.x : region.right]) for row in rows)


def squash(text: str) -> str:
    """``text`` without white space (to find text a widget wrapped over several lines)."""
    return "".join(text.split())


def find_on_screen(app: App[Any], text: str) -> list[tuple[int, int]]:
    """(x, y) cells where ``text`` starts on the screen (single-cell text only)."""
    found = []
    for y, line in enumerate(screen_lines(app)):
        found += [(m.start(), y) for m in re.finditer(re.escape(text), line)]
    return found


def active_styles(app: App[Any]) -> list[str]:
    """Cells whose style would do something when clicked: a hyperlink, or an action (``@click``
    and friends) in the style's meta. The app draws none; Textual's scrollbars are the only
    cells with a ``@mouse`` action of their own."""
    bad = []
    for y, row in enumerate(screen_cells(app)):
        for x, cell in enumerate(row):
            style = cell.style
            meta = style.meta if style._meta else {}
            actions = [k for k in meta if k.startswith("@")]
            if actions and isinstance(app.screen.get_widget_at(x, y)[0], ScrollBar):
                actions = []
            if style.link or actions:
                bad.append(f"({x},{y}) {cell.text!r} link={style.link!r} meta={meta}")
    return bad


def style_differences(
    hostile_cells: list[list[Cell]], twin_cells: list[list[Cell]], limit: int = 6
) -> list[str]:
    """Where the two screens' styles differ (or their shapes do)."""
    out = []
    if len(hostile_cells) != len(twin_cells):
        return [f"{len(hostile_cells)} rows against {len(twin_cells)}"]
    for y, (a, b) in enumerate(zip(hostile_cells, twin_cells, strict=True)):
        if len(a) != len(b):
            out.append(f"row {y}: {len(a)} cells against {len(b)}")
            continue
        for x, (ca, cb) in enumerate(zip(a, b, strict=True)):
            if ca.style != cb.style:
                line_a = "".join(c.text for c in a)
                out.append(f"({x},{y}) {ca.text!r} {ca.style} != {cb.style}: {line_a.strip()!r}")
                break
        if len(out) >= limit:
            break
    return out


def text_style_runs(row: Iterable[Cell]) -> list[tuple[str, Style]]:
    runs: list[tuple[str, Style]] = []
    for cell in row:
        if runs and runs[-1][1] == cell.style:
            runs[-1] = (runs[-1][0] + cell.text, cell.style)
        else:
            runs.append((cell.text, cell.style))
    return runs


# -- running the app -----------------------------------------------------------------------


async def wait_for_screen(pilot: Pilot[Any], kind: type[object], tries: int = 100) -> None:
    """Let the app run until its active screen is a ``kind`` (a screen a worker waits on:
    ``tests.conftest.settle`` would wait for that worker, which waits for the screen to close)."""
    for _ in range(tries):
        if isinstance(pilot.app.screen, kind):
            return
        await pilot.pause()
    raise AssertionError(f"no {kind.__name__} came; the screen is {pilot.app.screen!r}")


@pytest.fixture(name="browser")
def browser_fixture(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What was sent to the web browser (recorded; no browser is started)."""
    opened: list[str] = []

    def record(url: str, new: int = 0, autoraise: bool = True) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", record)
    return opened
