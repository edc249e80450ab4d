"""Pictures in the reading pane: what they cost. Prints medians of a few runs:

- laying a long article out again when a picture arrives (each arrival does it once; several
  arriving in one tick share it), with and without rows kept for pictures;
- readying a photo for Kitty on the worker thread (scaled to 800 px wide, PNG, base64: the
  bytes then written to the terminal once), and their size;
- cutting a picture into half-cell rows for "blocks" (on the event loop, once per picture and
  size; 12 kept);
- one row of Kitty placeholder cells (on the event loop, per row drawn).

Run: ``.venv/bin/python -m bench.inline_images_bench`` (a few seconds). The machine is shared:
compare, do not read the times as absolute.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from PIL import Image

from tui_reader.document import Block, Document
from tui_reader.ui.render import render_document
from tui_reader.ui.widgets.inline_images import _blocks, kitty_row, kitty_transmission

RUNS = 7


def _median_ms(run: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _article(paragraphs: int, every: int) -> Document:
    blocks: list[Block] = []
    for n in range(paragraphs):
        blocks.append(Block("paragraph", f"Paragraph {n} says a few things, at some length. " * 6))
        if n % every == 0:
            blocks.append(Block("figure", "", src=f"https://img.example/{n}.png", alt=f"P{n}"))
    return Document(title="A long article", blocks=tuple(blocks))


def main() -> None:
    doc = _article(2000, 20)  # ~ 2,000 paragraphs, 100 pictures
    plain = _median_ms(lambda: render_document(doc, 80))
    rows = _median_ms(lambda: render_document(doc, 80, picture_rows=lambda url, w: 12))
    print(
        f"layout of a 2,000-paragraph article with 100 pictures: {plain:.0f} ms plain,"
        f" {rows:.0f} ms with 12 rows kept a picture (once per arrival tick)"
    )
    photo = Image.effect_noise((2048, 1536), 40).convert("RGB")
    sent: list[str] = []
    kitty = _median_ms(lambda: sent.append(kitty_transmission(photo, 800)[1]), runs=3)
    print(
        f"Kitty: a 2048x1536 photo made ready (800 px, PNG, base64) in {kitty:.0f} ms on the"
        f" worker; {len(sent[-1]) / 1e6:.2f} MB written once"
    )
    small = photo.copy()
    small.thumbnail((240, 480))
    blocks = _median_ms(lambda: _blocks(small, 80, 26))
    print(f"blocks: 80x26 cells cut from the kept copy in {blocks:.1f} ms on the event loop")
    row = _median_ms(lambda: [kitty_row(123456789, r, 80) for r in range(26)])
    print(f"Kitty: 26 rows of 80 placeholder cells in {row:.2f} ms")


if __name__ == "__main__":
    main()
