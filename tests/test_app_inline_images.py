"""Pictures in the reading pane (Pilot, the real app, images from a real HTTP server on
127.0.0.1): with ``reader.inline_images = "kitty"`` an image's line gets rows of Kitty
Unicode placeholders above it (the image id in their colour, row and column in their
diacritics), with "blocks" rows of coloured half cells; the alt line stays under the picture.
Images are fetched only when their line comes near the view; one that cannot be had leaves the
alt line alone; "auto" in a terminal without Kitty graphics (a headless run) and "off" keep
the plain ``[image: alt]`` line and fetch nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from textual.pilot import Pilot

from tests.conftest import Data, open_row, settle
from tests.httpserver import Response, TestServer
from tui_reader.config import Config, ReaderConfig
from tui_reader.document import Block, Document
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.widgets.inline_images import image_id_of
from tui_reader.ui.widgets.reading_pane import ReadingPane

PLACEHOLDER = "\U0010eeee"
SIZE = (100, 40)


def png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def gallery(server: TestServer, count: int, gap: int = 60) -> Document:
    """``count`` images of 64x48 pixels, each after ``gap`` paragraphs, the first at the top."""
    blocks: list[Block] = []
    for n in range(count):
        url = server.route(
            f"/img/{n}.png", Response(png(64, 48, (n, 100, 200)), content_type="image/png")
        )
        blocks.append(Block("figure", "", src=url, alt=f"Picture number {n}"))
        blocks.extend(Block("paragraph", f"Paragraph {n}.{k} under it.") for k in range(gap))
    return Document(title="A gallery", blocks=tuple(blocks))


def config(inline: str) -> Config:
    return Config(reader=ReaderConfig(inline_images=inline))


async def loaded(pilot: Pilot[Any], pane: ReadingPane) -> None:
    """Settle until no image of the pane is loading and the pane is laid out for them."""
    for _ in range(100):
        await settle(pilot)
        if not pane.inline_images.pending:
            await settle(pilot)
            return
        await pilot.pause(0.02)
    raise AssertionError(f"still loading: {pane.inline_images.states}")


def shown(pane: ReadingPane) -> list[str]:
    """The pane's rows as drawn now (the strips Textual puts on the screen)."""
    return [pane.render_line(y).text for y in range(pane.scrollable_content_region.height)]


def requested(server: TestServer) -> list[str]:
    return sorted(r.path for r in server.requests)


async def open_gallery(pilot: Pilot[Any], data: Data, doc: Document) -> ReadingPane:
    from tests.conftest import save_doc

    save_doc(data.store, data.articles["News story 0"], doc)
    screen: MainScreen = await open_row(pilot, 0)
    await loaded(pilot, screen.pane)
    return screen.pane


@pytest.fixture
def truecolor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal that says it takes 24-bit colour (Kitty sets COLORTERM so)."""
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.usefixtures("truecolor")
async def test_kitty_rows_of_placeholders_above_the_alt_line(
    data: Data, server: TestServer
) -> None:
    doc = gallery(server, 3)
    app = data.app(config("kitty"))
    async with app.run_test(size=SIZE) as pilot:
        save_doc_and = await open_gallery(pilot, data, doc)
        pane = save_doc_and
        # Only the first image is within a screen of the view: the others are not fetched.
        assert requested(server) == ["/img/0.png"]
        rows = shown(pane)
        pictures = [i for i, text in enumerate(rows) if PLACEHOLDER in text]
        # 64x48 pixels in cells of 10x20 (the size assumed off a terminal): 7 columns, 3 rows
        # (the aspect: 7 * 10 * 48 / 64 / 20 = 2.6).
        assert len(pictures) == 3 and pictures == list(range(pictures[0], pictures[0] + 3))
        assert "Picture number 0" in rows[pictures[-1] + 1]  # the alt line under the picture
        top = pane.scroll_offset.y
        for row, y in enumerate(pictures):
            strip = pane.render_line(y)
            cells = [s for s in strip if PLACEHOLDER in s.text]
            assert len(cells) == 1
            text = cells[0].text
            assert text.count(PLACEHOLDER) == 7  # one cell a column
            # Each cell: the placeholder, the row's and the column's diacritics, the id's top.
            from textual_image.renderable.tgp import _NUMBER_TO_DIACRITIC as MARK

            assert text[1] == chr(MARK[row]) and text[4 + 2] == chr(MARK[1])
            assert strip.cell_length == pane.scrollable_content_region.width
            state = pane.inline_images._states[server.url("/img/0.png")]
            assert image_id_of(cells[0].style) == state.image_id & 0xFFFFFF
        assert pane.scroll_offset.y == top


async def test_fetched_when_scrolled_near_and_the_top_line_stays(
    data: Data, server: TestServer
) -> None:
    doc = gallery(server, 4)
    app = data.app(config("blocks"))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_gallery(pilot, data, doc)
        assert requested(server) == ["/img/0.png"]
        # Scroll to the text just under image 2: it comes (image 1 is more than a screen up).
        target = pane.line_of_offset(doc.text.index("Paragraph 2.0"))
        pane.scroll_to(y=target, animate=False)
        await loaded(pilot, pane)
        assert requested(server) == ["/img/0.png", "/img/2.png"]
        # Image 2 was laid out above the view meanwhile: the same text is at the top.
        assert shown(pane)[0].strip().startswith("Paragraph 2.0")
        assert not any("▀" in r for r in shown(pane))
        pane.scroll_to(y=pane.line_of_offset(doc.text.index("Paragraph 3.10")), animate=False)
        await loaded(pilot, pane)
        assert requested(server) == ["/img/0.png", "/img/2.png", "/img/3.png"]
        pane.scroll_to(y=0, animate=False)
        await loaded(pilot, pane)
        assert len(server.requests) == 3  # image 0 is drawn from memory, not fetched again


@pytest.mark.parametrize(("setting", "terminal"), [("blocks", "none"), ("auto", "sixel")])
async def test_blocks_rows_of_coloured_half_cells(
    data: Data, server: TestServer, monkeypatch: pytest.MonkeyPatch, setting: str, terminal: str
) -> None:
    """ "blocks" anywhere; "auto" in a terminal that answered the Sixel query (iTerm2, WezTerm,
    foot): a Sixel picture cannot ride in a row of cells, so the pane draws half cells."""
    from tui_reader.ui import graphics

    monkeypatch.setattr(graphics, "_detected", terminal)
    doc = gallery(server, 1)
    app = data.app(config(setting))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_gallery(pilot, data, doc)
        rows = shown(pane)
        pictures = [i for i, text in enumerate(rows) if "▀" in text]
        assert len(pictures) == 3
        assert "Picture number 0" in rows[pictures[-1] + 1]
        strip = pane.render_line(pictures[0])
        halves = [s for s in strip if s.text == "▀"]
        assert len(halves) == 7
        colors = {s.style.color.triplet for s in halves if s.style and s.style.color}
        assert colors == {(0, 100, 200)}  # the picture's own colour


@pytest.mark.usefixtures("truecolor")
async def test_a_tall_picture_takes_two_thirds_of_the_pane_at_most(
    data: Data, server: TestServer
) -> None:
    url = server.route("/tall.png", Response(png(300, 3000, (9, 9, 9)), content_type="image/png"))
    doc = Document(title="Tall", blocks=(Block("figure", "A tall one", src=url),))
    app = data.app(config("kitty"))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_gallery(pilot, data, doc)
        height = pane.scrollable_content_region.height
        pictures = [line for line, (u, _) in pane.rendered.pictures.items() if u == url]  # type: ignore[union-attr]
        assert len(pictures) == int(height * 2 / 3)
        # Narrower than the text to keep the aspect: 3000 px tall in N rows of 20 px.
        cols = shown(pane)[pictures[0] - int(pane.scroll_offset.y)].count(PLACEHOLDER)
        assert cols == round(len(pictures) * 20 * 300 / 3000 / 10)


@pytest.mark.usefixtures("truecolor")
async def test_an_image_that_cannot_be_had_keeps_its_alt_line(
    data: Data, server: TestServer
) -> None:
    html = server.route(
        "/page.png", Response("<html>not an image</html>", content_type="text/html")
    )
    broken = server.route(
        "/broken.png", Response(b"\x89PNG\r\n\x1a\nbroken", content_type="image/png")
    )
    gone = server.url("/nothing-here.png")
    blocks = tuple(
        Block("figure", "", src=u, alt=f"Figure {n}") for n, u in enumerate((html, broken, gone))
    )
    app = data.app(config("kitty"))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_gallery(pilot, data, Document(title="Broken", blocks=blocks))
        assert set(pane.inline_images.states.values()) == {"failed"}
        assert len(server.requests) == 3
        rows = shown(pane)
        assert not any(PLACEHOLDER in r or "loading" in r for r in rows)
        for n in range(3):
            assert any(f"[image: Figure {n}]" in r for r in rows)
        assert pane.rendered is not None and not pane.rendered.pictures


async def test_auto_without_kitty_graphics_and_off_fetch_nothing(
    data: Data, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = gallery(server, 3, gap=3)
    # "kitty" where the output is not truecolour: the colour naming the image would be lost.
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for setting in ("auto", "off", "kitty"):
        app = data.app(config(setting))
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_gallery(pilot, data, doc)
            pane.scroll_to(y=pane.max_scroll_y, animate=False)
            await settle(pilot)
            assert server.requests == []
            assert pane.inline_images.picture_rows is None
            rows = "\n".join(shown(pane))
            assert "[image: Picture number 2]" in rows and PLACEHOLDER not in rows


async def test_loading_row_while_the_image_comes(data: Data, server: TestServer) -> None:
    import threading

    release = threading.Event()
    slow = Response(png(20, 20, (5, 5, 5)), content_type="image/png", wait=lambda: release.wait(10))
    url = server.route("/slow.png", slow)
    doc = Document(title="Slow", blocks=(Block("figure", "", src=url, alt="Slow one"),))
    from tests.conftest import save_doc

    save_doc(data.store, data.articles["News story 0"], doc)
    app = data.app(config("blocks"))
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen = await _open_without_waiting(pilot)
        pane = main_screen.pane
        for _ in range(50):
            await pilot.pause(0.02)
            if any("loading the image" in r for r in shown(pane)):
                break
        rows = shown(pane)
        at = next(i for i, r in enumerate(rows) if "loading the image" in r)
        assert "[image: Slow one]" in rows[at + 1]
        release.set()
        await loaded(pilot, screen.pane)
        rows = shown(pane)
        assert not any("loading the image" in r for r in rows)
        assert sum("▀" in r for r in rows) == 1  # 20x20 px: 2 columns, 1 row


async def _open_without_waiting(pilot: Pilot[Any]) -> MainScreen:
    from tests.conftest import main

    await pilot.pause()
    for _ in range(20):
        await pilot.pause()
    screen = main(pilot.app)
    screen.articles.move_cursor(0)
    await pilot.press("enter")
    return screen


async def test_blocks_keep_few_pictures_in_memory_and_read_them_again_from_the_cache(
    data: Data, server: TestServer
) -> None:
    from tui_reader.ui.widgets.inline_images import KEPT_PICTURES

    count = KEPT_PICTURES + 16
    doc = gallery(server, count, gap=1)
    app = data.app(config("blocks"))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_gallery(pilot, data, doc)
        for _ in range(12):  # down the page a screen at a time, to the end
            await pilot.press("space")
            await loaded(pilot, pane)
        assert len(server.requests) == count  # each fetched once
        assert len(pane.inline_images._small) <= KEPT_PICTURES
        top = pane.inline_images._small.get(server.url("/img/0.png"))
        assert top is None  # the first pictures were dropped from memory
        await pilot.press("g")
        await loaded(pilot, pane)
        await settle(pilot)
        rows = shown(pane)
        assert sum("▀" in r for r in rows[:8]) == 3, rows[:8]  # picture 0 drawn again
        assert len(server.requests) == count  # from the disk cache, not the network
