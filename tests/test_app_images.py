"""The image viewer in the app (Pilot): ``I`` on an article with images opens the one at the
cursor, fetched then (and only it) from a real HTTP server on 127.0.0.1; n/p move to the others,
each fetched when shown, a second look served from the disk cache."""

from __future__ import annotations

import io
import time

from PIL import Image
from textual.widgets import Static

from tests.conftest import Data, main, open_row, save_doc, settle
from tests.httpserver import Response, TestServer
from tui_reader.config import Config, ReaderConfig
from tui_reader.document import Block, Document


def png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def many_images(server: TestServer, count: int) -> Document:
    """A page of ``count`` images, each with a paragraph before it."""
    blocks: list[Block] = []
    for n in range(count):
        url = server.route(
            f"/img/{n}.png", Response(png(32, 24, (n, 100, 200)), content_type="image/png")
        )
        blocks.append(Block("paragraph", f"Paragraph {n} before its picture."))
        blocks.append(Block("figure", f"Picture number {n}", src=url))
    return Document(title="A gallery", blocks=tuple(blocks))


def status(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one("#image-status", Static).render())


async def wait_loaded(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(100):
        await settle(pilot)  # type: ignore[arg-type]
        if "Loading" not in status(app):
            return
    raise AssertionError("the image never loaded")


async def test_I_fetches_only_the_image_shown_and_n_p_move(data: Data, server: TestServer) -> None:
    save_doc(data.store, data.articles["News story 0"], many_images(server, 200))
    app = data.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_row(pilot, 0)
        assert server.requests == []  # opening a page of 200 images fetches none of them
        await pilot.press("I")
        await wait_loaded(pilot)
        assert [r.path for r in server.requests] == ["/img/0.png"]
        said = status(app)
        assert "32×24 PNG" in said and "cannot show pictures" in said and "o opens" in said
        assert "Picture number 0" in str(app.screen.query_one("#image-alt", Static).render())
        await pilot.press("n")
        await wait_loaded(pilot)
        assert [r.path for r in server.requests] == ["/img/0.png", "/img/1.png"]
        await pilot.press("p")
        await wait_loaded(pilot)
        assert "from the cache" in status(app)
        assert len(server.requests) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main(app)


async def test_I_starts_at_the_image_in_view(data: Data, server: TestServer) -> None:
    save_doc(data.store, data.articles["News story 0"], many_images(server, 200))
    app = data.app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_row(pilot, 0)
        pane = screen.pane
        line = pane.line_of_offset(pane.document.offsets[2 * 120][0])  # type: ignore[union-attr]
        pane.scroll_to(y=line, animate=False)
        await settle(pilot)
        await pilot.press("I")
        await wait_loaded(pilot)
        assert [r.path for r in server.requests] == ["/img/120.png"]
        # With the reading cursor on an image's line, that image.
        await pilot.press("escape")
        await settle(pilot)
        pane.set_cursor(pane.document.offsets[2 * 130 + 1][0])  # type: ignore[union-attr]
        await settle(pilot)
        await pilot.press("I")
        await wait_loaded(pilot)
        assert [r.path for r in server.requests] == ["/img/120.png", "/img/130.png"]


async def test_a_refused_image_says_why(data: Data, server: TestServer) -> None:
    url = server.route("/x.png", Response("<html>no</html>", content_type="text/html"))
    doc = Document(title="One", blocks=(Block("figure", "A chart", src=url),))
    save_doc(data.store, data.articles["News story 0"], doc)
    app = data.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_row(pilot, 0, "I")
        await wait_loaded(pilot)
        assert "Cannot show this image: the server sent 'text/html', not an image" in status(app)


async def test_blocks_draws_the_picture_in_any_terminal(data: Data, server: TestServer) -> None:
    from textual_image.widget import HalfcellImage

    save_doc(data.store, data.articles["News story 0"], many_images(server, 3))
    app = data.app(Config(reader=ReaderConfig(images="blocks")))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_row(pilot, 0, "I")
        await wait_loaded(pilot)
        assert "coloured blocks" in status(app)
        (widget,) = app.screen.query(HalfcellImage)
        # 32x24 pixels in cells of 10x20 (the size assumed off a terminal): 4 x 2 cells, not
        # blown up to the whole box.
        assert (widget.size.width, widget.size.height) == (4, 2)


async def test_an_article_without_images_says_so(data: Data) -> None:
    doc = Document(title="Words", blocks=(Block("paragraph", "Only words here."),))
    save_doc(data.store, data.articles["News story 0"], doc)
    app = data.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_row(pilot, 0, "I")
        assert app.screen is main(app)
        assert any("no images" in str(n.message) for n in app._notifications)


async def test_closing_while_it_loads_and_hostile_alt_text(data: Data, server: TestServer) -> None:
    slow = Response(png(8, 8, (1, 2, 3)), content_type="image/png", wait=lambda: time.sleep(0.5))
    url = server.route("/slow.png", slow)
    alt = "[bold red]x[/] [@click=app.quit]no[/]"
    save_doc(
        data.store, data.articles["News story 0"], Document(blocks=(Block("figure", alt, src=url),))
    )
    app = data.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_row(pilot, 0, "I")
        assert alt in str(app.screen.query_one("#image-alt", Static).render())  # as text
        await pilot.press("escape")  # before the image came
        await pilot.pause(0.8)
        await settle(pilot)
        assert app.screen is main(app) and app.is_running
        assert [r.path for r in server.requests] == ["/slow.png"]
