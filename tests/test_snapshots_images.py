"""Snapshot of the image viewer where the terminal draws no pictures (a headless test run, as
over ssh to a plain terminal): the alt text, the URL, the size and the plain line saying the
picture cannot be shown here and how to open it. The image comes from the disk cache, so the
snapshot needs no network and no server port.

Update after an intended change with
``pytest tests/test_snapshots_images.py --snapshot-update``, and look at the report first.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image
from textual.pilot import Pilot

from tests.conftest import Data, open_row, settle
from tui_reader.config import Config, ReaderConfig
from tui_reader.images import ImageCache

Snap = Callable[..., bool]


def test_image_viewer_without_graphics(data: Data, snap_compare: Snap) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture, "PNG")
    cache = ImageCache(data.paths.cache_dir / "images")
    cache.put("https://news.example/p.png", picture.getvalue())  # rich_document's figure

    async def run_before(pilot: Pilot[None]) -> None:
        await open_row(pilot, 0, "I")
        for _ in range(50):
            await settle(pilot)
            if "Loading" not in str(pilot.app.screen.query_one("#image-status").render()):
                break

    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=run_before)


def test_inline_picture_in_blocks(data: Data, snap_compare: Snap) -> None:
    """``reader.inline_images = "blocks"``: the figure's picture in coloured half cells in the
    pane, above its ``[image: caption]`` line (from the disk cache: no network)."""
    from PIL import ImageDraw

    image = Image.new("RGB", (400, 200), (30, 60, 160))  # 40 x 10 cells of 10 x 20 pixels
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 40, 200, 160), fill=(230, 200, 40))
    draw.ellipse((240, 30, 370, 170), fill=(200, 40, 40))
    picture = io.BytesIO()
    image.save(picture, "PNG")
    cache = ImageCache(data.paths.cache_dir / "images")
    cache.put("https://news.example/p.png", picture.getvalue())  # rich_document's figure

    async def run_before(pilot: Pilot[None]) -> None:
        from tests.conftest import main

        screen = await open_row(pilot, 0)
        pane = screen.pane
        pane.scroll_to_offset(pane.document.text.index("A caption"))  # type: ignore[union-attr]
        for _ in range(50):
            await settle(pilot)
            if pane.inline_images.states and not pane.inline_images.pending:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert main(pilot.app).pane.inline_images.states == {"https://news.example/p.png": "shown"}

    config = Config(reader=ReaderConfig(inline_images="blocks"))
    assert snap_compare(data.app(config), terminal_size=(100, 30), run_before=run_before)
