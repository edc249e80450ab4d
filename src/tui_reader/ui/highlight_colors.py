"""Highlight colours: the config's ``[[colors]]`` (a name with a meaning, and a colour), turned
into what the screen paints.

A highlight stores its colour's *name* ("key point"); older or imported ones may store the
colour itself ("yellow"). The reading pane paints a highlight as a tint of its colour over the
pane's background, so the text keeps its own colour and stays readable in dark and light themes.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color as RichColor
from rich.color import ColorParseError as RichColorParseError
from rich.style import Style as RichStyle
from textual.color import Color, ColorParseError
from textual.style import Style

from tui_reader.config import HighlightColor

TINT = 0.38  # how much of the highlight colour is blended into the background
FALLBACK = Color(128, 128, 128)  # a colour that cannot be read: grey


def parse_color(value: str) -> Color | None:
    """A colour from CSS-like text ("yellow", "#ffcc00", "rgb(1,2,3)") or a Rich colour name
    ("bright_yellow"); None when it is neither."""
    value = value.strip()
    if not value:
        return None
    try:
        return Color.parse(value)
    except ColorParseError:
        pass
    try:
        triplet = RichColor.parse(value).get_truecolor()
    except RichColorParseError:
        return None
    return Color(triplet.red, triplet.green, triplet.blue)


def color_index(value: str, colors: Sequence[HighlightColor]) -> int:
    """Index in ``colors`` of a highlight's stored colour (by name, else by colour); -1."""
    for i, c in enumerate(colors):
        if value == c.name:
            return i
    folded = value.casefold()
    for i, c in enumerate(colors):
        if folded in (c.name.casefold(), c.color.casefold()):
            return i
    return -1


def color_name(value: str, colors: Sequence[HighlightColor]) -> str:
    """The name shown for a highlight's stored colour (the configured name if known)."""
    i = color_index(value, colors)
    return colors[i].name if i >= 0 else value


def next_color(value: str, colors: Sequence[HighlightColor]) -> str:
    """The name of the colour after ``value`` in ``colors`` (cycling; the first if unknown)."""
    if not colors:
        return value
    i = color_index(value, colors)
    return colors[(i + 1) % len(colors)].name


def resolve(value: str, colors: Sequence[HighlightColor]) -> Color:
    """The colour to paint for a highlight's stored colour."""
    i = color_index(value, colors)
    found = parse_color(colors[i].color) if i >= 0 else parse_color(value)
    return found or FALLBACK


def tint_style(color: Color, background: Color, amount: float = TINT) -> RichStyle:
    """A background tint for the reading pane: ``color`` blended into ``background``."""
    return RichStyle(bgcolor=background.blend(color, amount).rich_color)


def swatch_style(color: Color) -> Style:
    """The style of a colour swatch (a block character drawn in the colour)."""
    return Style(foreground=color)
