"""How many terminal cells text takes: East Asian wide and fullwidth characters two, marks
and format characters none, the rest one (as wcwidth and terminals count). For plain text
columns printed by the commands (the app measures with Textual's own table)."""

from __future__ import annotations

import unicodedata


def char_cells(ch: str) -> int:
    if ch.isascii():
        return 1 if ch.isprintable() else 0
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    """The cells ``text`` takes on one line."""
    if text.isascii():
        return len(text)
    return sum(map(char_cells, text))


def fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut with "…" when longer."""
    if cells(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        size = char_cells(ch)
        if used + size > max(1, width - 1):
            break
        out.append(ch)
        used += size
    return "".join(out) + "…"


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``)."""
    gap = " " * max(0, width - cells(text))
    return gap + text if right else text + gap
