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
