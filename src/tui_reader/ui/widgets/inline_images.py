"""Pictures inside the reading pane, drawn above their ``[image: alt]`` line (which stays).

The pane is a Line-API widget: every row it draws is a :class:`~textual.strip.Strip` of text
cells. Two ways of drawing a picture fit that (``reader.inline_images``; see
:func:`tui_reader.ui.graphics.inline_kind`):

- **Kitty's Unicode placeholders** (Kitty, Ghostty): the picture is sent to the terminal once,
  in the graphics protocol's APC (PNG, base64, in 4096-byte chunks, ``q=2``: no answers), with
  a *virtual placement* of so many columns and rows; the pane then draws ordinary cells of
  U+10EEEE whose combining diacritics say the row and the column and whose foreground colour
  says the image id. The tables and the encoding are textual-image's (its TGP renderable);
  what differs is where the bytes go: through Textual's own writer (so they never interleave
  with a frame), before the frame that shows the cells.
- **Coloured half cells** (any truecolour terminal, tmux included): textual-image's half-cell
  renderable, cut into rows.

Sixel and iTerm2 pictures cannot be carried by cells: there the pane keeps the alt line and
``I`` opens the viewer.

Nothing is fetched when an article opens. When an image's line comes within a screen of the
view (checked each time the pane is drawn), it is fetched in a thread worker through the
Reader (``Reader.load_image``: the refresh's limits, the disk cache); a "loading" row stands
above its alt line meanwhile, and a picture that cannot be had leaves the alt line alone. The
picture's rows are as many as its aspect asks at the text width (never wider than the picture
is, never taller than two thirds of the pane); each change lays the pane out again, keeping
the line at the top of the view where it was.
"""

from __future__ import annotations

import contextlib
import io
import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from tui_reader.errors import ReaderError
from tui_reader.ui import graphics

if TYPE_CHECKING:
    from PIL.Image import Image

    from tui_reader.reader import LoadedImage
    from tui_reader.ui.render import PictureRows, Rendered
    from tui_reader.ui.widgets.reading_pane import ReadingPane

LoadImage = Callable[[str], "LoadedImage"]

NEAR = 1.0  # screens above and below the view whose images are fetched
HEIGHT_SHARE = 2 / 3  # the tallest picture, as a share of the pane's height
MAX_CELLS = 297  # Kitty: the diacritics that number rows and columns
KITTY_MAX_PIXELS = 1600  # Kitty: the widest picture sent (the terminal scales it to its cells)
BLOCK_PIXELS = (240, 480)  # blocks: the copy kept to cut rows from (two pixels a cell)
KEPT_PICTURES = 24  # blocks: small copies kept in memory (others are read again from the cache)
KEPT_DRAWN = 12  # blocks: pictures whose rows of cells are kept
LOADING = "· loading the image…"
# Pictures that arrive within this many seconds share one new layout (a long article's layout
# takes tens of milliseconds: see bench/inline_images_bench.py).
RELAYOUT_DELAY = 0.05


@dataclass
class _Picture:
    status: Literal["loading", "shown", "failed"]
    size: tuple[int, int] = (1, 1)  # the image's pixels (its aspect)
    image_id: int = 0  # Kitty: the id it was sent to the terminal under
    placed: tuple[int, int] = (0, 0)  # Kitty: the columns and rows of its placement
    reloading: bool = False  # blocks: its small copy is being read again


def _apc(**keys: int | str) -> str:
    graphics.widgets()  # textual-image imported with its terminal questions left unasked
    from textual_image.renderable.tgp import _TGP_MESSAGE_END, _TGP_MESSAGE_START

    head = ",".join(f"{k}={v}" for k, v in keys.items() if k != "payload")
    payload = keys.get("payload")
    return f"{_TGP_MESSAGE_START}{head}{f';{payload}' if payload else ''}{_TGP_MESSAGE_END}"


def kitty_transmission(picture: Image, max_width: int = KITTY_MAX_PIXELS) -> tuple[int, str]:
    """A new image id and the APCs that send ``picture`` (as PNG, at most ``max_width``
    pixels wide) under it, in textual-image's chunks. CPU work: call it from a worker."""
    graphics.widgets()  # textual-image imported with its terminal questions left unasked
    from textual_image._pixeldata import PixelData
    from textual_image.renderable.tgp import Image as TGPImage

    # textual-image's counter (its viewer's ids never clash with these), kept to 24 bits: the
    # colour alone names the image, also where a terminal reads no third diacritic.
    image_id = next(TGPImage._image_id_counter) & 0xFFFFFF or 1
    width, height = picture.size
    if width > max_width:
        width, height = max_width, max(1, round(height * max_width / width))
    data = PixelData(picture).scaled(width, height).to_base64()
    out: list[str] = []
    while data:
        chunk, data = data[:4096], data[4096:]
        out.append(_apc(i=image_id, m=1 if data else 0, f=100, q=2, payload=chunk))
    return image_id, "".join(out)


def kitty_placement(image_id: int, cols: int, rows: int) -> str:
    """The APC that makes (or remakes) the image's virtual placement of ``cols`` x ``rows``."""
    return _apc(a="p", U=1, i=image_id, p=1, c=cols, r=rows, q=2)


def kitty_delete(image_id: int) -> str:
    """The APC that frees the image's data in the terminal."""
    return _apc(a="d", d="I", i=image_id, q=2)


def kitty_row(image_id: int, row: int, cols: int) -> Segment:
    """One row of the image's placeholder cells (textual-image's encoding: the row and the
    column as diacritics, the id's low 24 bits as the colour and its top byte as a third
    diacritic)."""
    graphics.widgets()  # textual-image imported with its terminal questions left unasked
    from textual_image.renderable.tgp import _NUMBER_TO_DIACRITIC, _PLACEHOLDER

    mark = _NUMBER_TO_DIACRITIC
    top = chr(mark[(image_id >> 24) & 255])
    head = chr(_PLACEHOLDER) + chr(mark[row])
    text = "".join(f"{head}{chr(mark[c])}{top}" for c in range(cols))
    color = Color.from_rgb((image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255)
    return Segment(text, Style(color=color))


def image_id_of(segment_style: Style | None) -> int:
    """The low 24 bits of the image id a placeholder cell's colour carries (0 if none)."""
    color = segment_style.color if segment_style is not None else None
    if color is None or color.triplet is None:
        return 0
    r, g, b = color.triplet
    return (r << 16) | (g << 8) | b


class InlineImages:
    """The reading pane's pictures: what to fetch, how many rows each takes, its rows."""

    def __init__(self, pane: ReadingPane) -> None:
        self.pane = pane
        self.kind: graphics.InlineKind = "none"
        self._load: LoadImage | None = None
        self._states: dict[str, _Picture] = {}
        self._fits: dict[str, tuple[int, int]] = {}  # URL -> (columns, rows) at the last layout
        # Blocks: the small copies drawn from, and rows of cells drawn, for the latest few
        # pictures only (a page of two hundred scrolled through stays small in memory).
        self._small: LRUCache[str, Image] = LRUCache(KEPT_PICTURES)
        self._drawn: LRUCache[tuple[str, int, int], list[list[Segment]]] = LRUCache(KEPT_DRAWN)
        self._owner: object = None  # the article (or document) the states belong to
        self._generation = 0
        self._scheduled = False

    def use(self, kind: graphics.InlineKind, load: LoadImage) -> None:
        """Draw pictures as ``kind`` says, fetching them with ``load`` (``Reader.load_image``)."""
        self.kind = kind
        self._load = load

    @property
    def drawing(self) -> bool:
        """Whether pictures are drawn in the pane. Kitty's need the exact colour that names
        the image: not where the output is downgraded from truecolour (no COLORTERM saying
        so, NO_COLOR), where the pane keeps its alt lines."""
        if self.kind == "none" or self._load is None:
            return False
        if self.kind == "kitty":
            app = self.pane.app
            return app.console.color_system == "truecolor" and not app.no_color
        return True

    @property
    def picture_rows(self) -> PictureRows | None:
        """For the layout: rows to keep for an image (None when pictures are not drawn)."""
        return self.rows_for if self.drawing else None

    @property
    def states(self) -> dict[str, str]:
        """Each image asked for so far in this article, by URL: loading, shown or failed."""
        return {url: state.status for url, state in self._states.items()}

    # -- the layout -----------------------------------------------------------------------

    def rows_for(self, url: str, width: int) -> int:
        self._check_owner()
        state = self._states.get(url)
        if state is None or state.status == "failed":
            return 0
        if state.status == "loading":
            return 1
        cols, rows = self._fit(state.size, width)
        self._fits[url] = (cols, rows)
        return rows

    def _fit(self, size: tuple[int, int], width: int) -> tuple[int, int]:
        cell_w, cell_h = graphics.cell_size()
        pixels_w, pixels_h = max(size[0], 1), max(size[1], 1)
        cols = max(1, min(width, MAX_CELLS, math.ceil(pixels_w / cell_w)))
        rows = max(1, round(cols * cell_w * pixels_h / (pixels_w * cell_h)))
        height = self.pane.scrollable_content_region.height or self.pane.size.height or 24
        cap = max(1, min(MAX_CELLS, int(height * HEIGHT_SHARE)))
        if rows > cap:
            rows = cap
            cols = max(1, min(cols, round(rows * cell_h * pixels_w / (pixels_h * cell_w))))
        return cols, rows

    # -- fetching -------------------------------------------------------------------------

    def near(self, rendered: Rendered, top: int, height: int) -> None:
        """Fetch the images within :data:`NEAR` screens of the view (lines ``top`` on)."""
        self._check_owner()
        if self.picture_rows is None or not rendered.figures:
            return
        reach = int(max(height, 1) * NEAR)
        low, high = top - reach, top + max(height, 1) + reach
        figures = rendered.figures
        i = bisect_left(figures, low, key=lambda f: f[0])
        started = False
        while i < len(figures) and figures[i][0] < high:
            url = figures[i][1]
            if url not in self._states:
                self._start(url)
                started = True
            i += 1
        if started:
            self._schedule()

    def _start(self, url: str, kind: str | None = None) -> None:
        """Fetch a picture (``kind`` given: read again a small copy dropped from memory)."""
        if kind is None:
            self._states[url] = _Picture("loading")
        load, kind, generation = self._load, kind or self.kind, self._generation
        assert load is not None
        width = self.pane.text_width * graphics.cell_size()[0]

        def fetch() -> None:
            result = _prepare(load, url, kind, width)
            with contextlib.suppress(RuntimeError):  # the app has stopped meanwhile
                self.pane.app.call_from_thread(self._done, generation, url, result)

        self.pane.run_worker(fetch, thread=True, group="inline-images", exit_on_error=False)

    def _done(self, generation: int, url: str, result: tuple[_Picture, str, Image | None]) -> None:
        old = self._states.get(url)
        if generation != self._generation or old is None:
            return  # another article meanwhile (nothing was sent to the terminal yet)
        state, transmission, small = result
        if small is not None:
            self._small[url] = small
        if old.reloading:  # the same size as before: only its rows are drawn again
            old.reloading = False
            if small is None:  # gone meanwhile: its alt line alone from now on
                old.status = "failed"
                self._schedule()
            self.pane.refresh()
            return
        self._states[url] = state
        if transmission:
            self._write(transmission)
        self._schedule()

    def _check_owner(self) -> None:
        pane = self.pane
        owner = pane.article_id if pane.article_id is not None else id(pane.document)
        if owner == self._owner:
            return
        self._owner = owner
        self._generation += 1
        gone = [s.image_id for s in self._states.values() if s.image_id]
        if gone:
            self._write("".join(kitty_delete(i) for i in gone))
        self._states.clear()
        self._fits.clear()
        self._small.clear()
        self._drawn.clear()

    def _write(self, data: str) -> None:
        driver = self.pane.app._driver
        if driver is not None:
            driver.write(data)

    # -- laying out again when a picture comes -------------------------------------------

    @property
    def pending(self) -> bool:
        """Whether pictures are loading or a new layout for them is due."""
        return self._scheduled or any(s.status == "loading" for s in self._states.values())

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self.pane.set_timer(RELAYOUT_DELAY, self._relayout)

    def _relayout(self) -> None:
        self._scheduled = False
        pane = self.pane
        old = pane.rendered
        if old is None or not pane.is_attached:
            return
        if old.width != pane.text_width:
            pane._relayout()  # a new width: the pane keeps its own top line
            return
        anchor = _anchor(old, int(pane.scroll_offset.y))
        pane._layout_now()
        new = pane.rendered
        if new is not None:
            # A lazy layout: lay out as far as the anchor's line, pictures' rows not counted.
            while not new.complete and new.laid_out - len(new.pictures) <= anchor[0] + 1:
                new.lay_out_to(new.laid_out + 100)
            pane._size_to_layout()  # (the scroll is bounded by the size)
            pane.scroll_to(y=_line_of(new, *anchor), animate=False)
        pane.refresh()

    # -- drawing --------------------------------------------------------------------------

    def strip(self, rendered: Rendered, index: int, width: int, margin: int) -> Strip | None:
        """The row of a picture drawn at line ``index`` (None: not a picture's line)."""
        where = rendered.pictures.get(index)
        if where is None:
            return None
        url, row = where
        state = self._states.get(url)
        base = self.pane.rich_style
        cells: list[Segment] = []
        if state is None or state.status != "shown":
            if row == 0:
                cells = [Segment(LOADING, base + Style(dim=True, italic=True))]
        else:
            cols, rows = self._fits.get(url, (0, 0))
            if self.kind == "kitty" and state.image_id and row < rows:
                if state.placed != (cols, rows):
                    state.placed = (cols, rows)
                    self._write(kitty_placement(state.image_id, cols, rows))
                segment = kitty_row(state.image_id, row, cols)
                cells = [Segment(segment.text, base + (segment.style or Style()))]
            elif self.kind == "blocks" and row < rows:
                cells = self._block_row(url, state, cols, rows, row)
        segments = [Segment(" " * margin, base), *cells]
        used = margin + Segment.get_line_length(cells)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, max(width, used)).crop(0, width)

    def _block_row(
        self, url: str, state: _Picture, cols: int, rows: int, row: int
    ) -> list[Segment]:
        drawn = self._drawn.get((url, cols, rows))
        if drawn is None:
            small = self._small.get(url)
            if small is None:
                # Dropped from memory (far away since): read again, from the disk cache.
                if not state.reloading:
                    state.reloading = True
                    self._start(url, "blocks")
                return []
            drawn = self._drawn[(url, cols, rows)] = _blocks(small, cols, rows)
        return drawn[row] if row < len(drawn) else []


def _prepare(
    load: LoadImage, url: str, kind: str, width: int
) -> tuple[_Picture, str, Image | None]:
    """Fetch and ready one picture (in a worker thread): its state, for Kitty the bytes that
    send it to the terminal, for blocks a small copy to draw from."""
    try:
        loaded = load(url)
        picture = loaded.picture
        size = (loaded.width, loaded.height)
        if kind == "kitty":
            image_id, transmission = kitty_transmission(picture, min(width, KITTY_MAX_PIXELS))
            return _Picture("shown", size, image_id=image_id), transmission, None
        small = picture.convert("RGB")
        small.thumbnail(BLOCK_PIXELS)
        return _Picture("shown", size), "", small
    except ReaderError:
        return _Picture("failed"), "", None
    except Exception:  # a picture Pillow or textual-image chokes on: its alt line, no more
        return _Picture("failed"), "", None


def _blocks(picture: Image, cols: int, rows: int) -> list[list[Segment]]:
    """The picture in coloured half cells (textual-image's renderable), row by row."""
    from rich.console import Console

    graphics.widgets()  # textual-image imported with its terminal questions left unasked
    from textual_image.renderable.halfcell import Image as Halfcell

    console = Console(width=cols, height=rows, color_system="truecolor", file=io.StringIO())
    options = console.options.update_dimensions(cols, rows)
    lines = console.render_lines(Halfcell(picture, width=cols, height=rows), options, pad=False)
    return [list(line) for line in lines[:rows]]


def _anchor(rendered: Rendered, top: int) -> tuple[int, int | None]:
    """Where the view's top line is, independent of the pictures' rows: the index among the
    lines that are not a picture's (of the top line, or of the line under the picture it is
    in) and, inside a picture, the row."""
    pictures = sorted(rendered.pictures)
    if top in rendered.pictures:
        start = top
        while start - 1 in rendered.pictures:
            start -= 1
        return start - bisect_left(pictures, start), top - start
    return top - bisect_left(pictures, top), None


def _line_of(rendered: Rendered, index: int, row: int | None) -> int:
    """The line of an :func:`_anchor` in another layout of the same text."""
    line = index
    for picture in sorted(rendered.pictures):
        if picture <= line:
            line += 1
        else:
            break
    if row is None:
        return line
    start = line
    while start - 1 in rendered.pictures:
        start -= 1
    return start + min(row, max(line - start - 1, 0))
