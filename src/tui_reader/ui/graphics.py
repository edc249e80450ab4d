"""What the terminal can draw pictures with, found once before the app starts.

textual-image asks the terminal (Sixel in its device attributes, then a Kitty graphics
protocol query, and the cell size in pixels) when it is imported; it cannot once Textual reads
the keyboard, so :func:`start` asks on a thread while Textual is imported and :func:`finish`
waits for the answer just before ``App.run`` (about 0.1 s in a terminal without Kitty's
protocol, hidden behind the import). It asks only a real terminal
(stdin and stdout both one): a test's headless app, a pipe or a terminal that answers nothing
gets ``"none"`` and no picture is ever drawn. textual-image 0.12 speaks no iTerm2 protocol:
iTerm2 and WezTerm answer the Sixel query and are drawn in Sixel.

``kind()`` says what was found:

- ``"kitty"``: the Kitty graphics protocol (with Unicode placeholders: Kitty, Ghostty);
- ``"sixel"``: Sixel (xterm -ti vt340, foot, WezTerm, iTerm2, Konsole, tmux built with it);
- ``"blocks"``: a terminal without either: a coarse picture in coloured half cells;
- ``"none"``: no terminal to draw on (or the import failed): pictures are not drawn.

``reader.images`` in config.toml overrides it: "blocks" draws coloured half cells in any
terminal (no question asked), "off" never draws.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.widget import Widget

Kind = Literal["kitty", "sixel", "blocks", "none"]

_detected: Kind = "none"
_setting = "auto"
_asking: threading.Thread | None = None

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


def start(setting: str = "auto") -> None:
    """Begin asking the terminal (``reader.images`` "auto" or "blocks", and a real terminal)
    on a thread of its own, while Textual is imported; :func:`finish` waits for the answer.
    textual-image asks at import, whichever way is used later, so it is imported now."""
    global _asking
    use(setting)
    if setting == "off" or _asking is not None or not _is_terminal():
        return
    _asking = threading.Thread(target=_ask, name="terminal-graphics", daemon=True)
    _asking.start()


def finish() -> Kind:
    """Wait for :func:`start`'s questions (each has a 0.1 s deadline): before ``App.run``."""
    if _asking is not None:
        _asking.join()
    return kind()


def detect(setting: str = "auto") -> Kind:
    """:func:`start` and :func:`finish` in one."""
    start(setting)
    return finish()


def _ask() -> None:
    global _detected
    # textual-image logs a warning when the terminal does not say its cell size; with no
    # handler, Python's last resort would print it on the terminal over the app.
    import logging

    logging.getLogger("textual_image").addHandler(logging.NullHandler())
    logging.getLogger("textual_image").propagate = False
    try:
        import textual_image.renderable as renderables
        from textual_image._terminal import get_cell_size

        get_cell_size()  # asked once and kept: not possible once Textual reads the keyboard
    except Exception:  # a terminal that answers nonsense must not stop the reader
        return
    if renderables.Image is renderables.TGPImage:
        _detected = "kitty"
    elif renderables.Image is renderables.SixelImage:
        _detected = "sixel"
    elif renderables.Image is renderables.HalfcellImage:
        _detected = "blocks"


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


def image_widget(picture: object) -> Widget | None:
    """textual-image's widget for ``picture`` (a PIL image) as :func:`kind` says, or None
    when pictures are not drawn."""
    now = kind()
    if now == "none":
        return None
    from textual_image._terminal import get_cell_size

    widget: Widget
    if now == "blocks":
        from textual_image.widget import HalfcellImage

        widget = HalfcellImage(picture)  # type: ignore[arg-type]
    else:
        from textual_image.widget import Image

        widget = Image(picture)  # type: ignore[arg-type]
    # Fitted to the box, but never larger than the picture is: an icon stays small.
    cell = get_cell_size()
    width, height = getattr(picture, "size", (0, 0))
    if width > 0 and height > 0 and cell.width > 0 and cell.height > 0:
        widget.styles.max_width = max(1, -(-width // cell.width))
        widget.styles.max_height = max(1, -(-height // cell.height))
    return widget
