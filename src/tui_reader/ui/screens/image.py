"""The image viewer (``I`` on an ``[image: alt]`` line): the article's picture, fetched now.

The reading pane shows an image as its ``[image: alt]`` line; this dialog opens on the image
at the reading cursor (else the first one in view) and fetches that one only, in a thread
worker, through the Reader (its limits and its disk cache). Where the terminal has a graphics
protocol textual-image draws it (Kitty's, Sixel); elsewhere a coarse picture in coloured half
cells, or — where nothing can be drawn (``reader.images = "off"``, no terminal) — a plain line
saying so, with ``o`` to open the image in the browser. ``n``/``p`` go to the next and the
previous image of the article, each fetched when it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.content import Content
from textual.widgets import Static

from tui_reader.document import Document
from tui_reader.errors import ReaderError
from tui_reader.ui import graphics
from tui_reader.ui.render import safe
from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.styles import screen_styles

if TYPE_CHECKING:
    from tui_reader.reader import LoadedImage

# An image of the article: its URL and its alt text (or caption).
ImageRef = tuple[str, str]


def article_images(
    document: Document,
    line_of: Callable[[int], int],
    top: int,
    cursor: tuple[int, int] | None,
) -> tuple[tuple[ImageRef, ...], int]:
    """The article's images (those with a URL), and which to show first: the one the reading
    cursor is on, else the first at or below line ``top`` (the top of the view), else the
    last. Nothing is fetched here."""
    found: list[tuple[ImageRef, int, int]] = []
    for block, (start, end) in zip(document.blocks, document.offsets, strict=True):
        if block.kind == "figure" and block.src:
            found.append(((block.src, block.text or block.alt), start, end))
    if not found:
        return (), -1
    images = tuple(ref for ref, _, _ in found)
    if cursor is not None:
        for i, (_, start, end) in enumerate(found):
            if start <= cursor[0] <= end and start < end:
                return images, i
    lines = [line_of(start) for _, start, _ in found]
    for i, line in enumerate(lines):
        if line >= top:
            return images, i
    return images, len(images) - 1


class ImageScreen(Dialog[None]):
    """One of the article's images at a time (see the module's docstring)."""

    CSS_PATH = screen_styles("dialogs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,I", "dismiss", "Close", id="close_image"),
        Binding("n,right", "step(1)", "Next image", id="next_image"),
        Binding("p,left", "step(-1)", "Previous image", id="previous_image"),
        Binding("o", "open_image", "Open in browser", id="open_image"),
    ]

    def __init__(
        self,
        images: Sequence[ImageRef],
        index: int,
        load: Callable[[str], LoadedImage],
        open_url: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.images = list(images)
        self.index = max(0, min(index, len(self.images) - 1))
        self._load_image = load
        self._open_url = open_url
        self._generation = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="image-box") as box:
            box.border_subtitle = "n/p: next/previous · o: open in browser · esc: close"
            yield Static(id="image-alt", markup=False)
            yield Static(id="image-status", markup=False)
            yield Container(id="image-view")

    def on_mount(self) -> None:
        self._show()

    @property
    def url(self) -> str:
        return self.images[self.index][0]

    def _show(self) -> None:
        self._generation += 1
        url, alt = self.images[self.index]
        box = self.query_one("#image-box")
        box.border_title = f"Image {self.index + 1} of {len(self.images)}"
        text = safe(alt) or "(no description)"
        self.query_one("#image-alt", Static).update(
            Content.assemble(Content(text[:300]), ("\n", ""), (safe(url)[:300], "dim"))
        )
        self._status("Loading the image…")
        self.query_one("#image-view").remove_children()
        self._fetch(url, self._generation)

    def _status(self, text: str) -> None:
        self.query_one("#image-status", Static).update(Content(text))

    @work(thread=True, exclusive=True, group="image")
    def _fetch(self, url: str, generation: int) -> None:
        try:
            loaded = self._load_image(url)
        except ReaderError as exc:
            self.app.call_from_thread(self._failed, generation, str(exc))
            return
        self.app.call_from_thread(self._loaded, generation, loaded)

    def _failed(self, generation: int, error: str) -> None:
        if generation == self._generation and self.is_attached:
            self._status(f"Cannot show this image: {safe(error)[:300]}. o opens it in the browser.")

    def _loaded(self, generation: int, loaded: LoadedImage) -> None:
        if generation != self._generation or not self.is_attached:
            return  # the reader moved on to another image, or closed the viewer, meanwhile
        source = " from the cache" if loaded.cached else ""
        about = f"{loaded.width}×{loaded.height} {loaded.format}{source}"
        widget = graphics.image_widget(loaded.picture)
        description = graphics.DESCRIPTIONS[graphics.kind()]
        if widget is None:
            self._status(f"{about} · {description}: o opens it in the browser.")
            return
        self._status(f"{about} · {description}")
        self.query_one("#image-view").mount(widget)

    def action_step(self, delta: int) -> None:
        index = self.index + delta
        if 0 <= index < len(self.images) and index != self.index:
            self.index = index
            self._show()

    def action_open_image(self) -> None:
        self._open_url(self.url)
