"""Managing feeds in the app (issue 16): + adds by URL (a page naming a feed too) with its
errors shown, T renames, M moves to a folder, D removes (starred, highlighted and annotated
articles kept under Saved, as the CLI does). A real HTTP server and a real store; the core
method (Reader.subscribe) tested on its own too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import Data, main, settle, titles
from tests.fixtures.feeds.builders import HTML_PAGE, rss
from tests.httpserver import TestServer
from tui_reader.config import Config
from tui_reader.errors import ReaderError
from tui_reader.paths import Paths
from tui_reader.reader import Reader, clean_folder
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.feed_form import FeedFormScreen
from tui_reader.ui.sources import feed_source

Snap = Callable[..., bool]


def messages(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def fill(pilot: Pilot[None], *values: str) -> None:
    """Type each value into the form's fields (replacing what is there), then enter."""
    app = pilot.app
    assert isinstance(app.screen, FeedFormScreen)
    for i, value in enumerate(values):
        field = app.screen.query_one(f"#form-field-{i}", Input)
        field.value = value
    app.screen.query_one("#form-field-0", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


def test_subscribe_finds_the_feed_a_page_names(server: TestServer, paths: Paths) -> None:
    server.route("/feed.xml", rss(2, title="Posts"))
    page = server.route("/", HTML_PAGE, content_type="text/html")
    with Reader(paths, Config()) as reader:
        result = reader.subscribe(page, folder=" News / World/ ")
        assert result.created and result.new_articles == 2 and result.via_page == page
        assert (result.feed.url, result.feed.folder) == (server.url("/feed.xml"), "News/World")
        again = reader.subscribe(server.url("/feed.xml"))
        assert not again.created and again.feed.id == result.feed.id
        with pytest.raises(ReaderError, match="not an http"):
            reader.subscribe("file:///etc/passwd")
        with pytest.raises(ReaderError, match="404"):
            reader.subscribe(server.url("/missing.xml"))
    assert clean_folder("/a//b /") == "a/b"


async def test_plus_adds_a_feed_by_a_page_and_says_what_went_wrong(
    data: Data, server: TestServer
) -> None:
    server.route("/feed.xml", rss(3, title="Found feed"))
    page = server.route("/blog", HTML_PAGE, content_type="text/html")
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("plus")
        await pilot.pause()
        await fill(pilot, page, "Blogs")
        await settle(pilot)
        feed = data.store.feed_by_url(server.url("/feed.xml"))
        assert feed is not None and feed.folder == "Blogs" and feed.total == 3
        assert screen.source == feed_source(feed.id, feed.display_title)
        assert len(titles(app)) == 3
        assert "Found feed" in [e.label for e in screen.feeds.entries]
        assert any("Subscribed to Found feed (found on" in m for m in messages(app))
        # An error is said, and nothing is added.
        count = len(data.store.list_feeds())
        await pilot.press("plus")
        await pilot.pause()
        await fill(pilot, server.url("/nothing-here.xml"), "")
        await settle(pilot)
        assert any("cannot add" in m and "404" in m for m in messages(app))
        assert len(data.store.list_feeds()) == count
        # escape: nothing asked for, nothing done.
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert len(data.store.list_feeds()) == count


async def test_T_renames_and_M_moves_the_selected_feed(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.show_source(feed_source(data.tech, "Tech Notes"))
        await settle(pilot)
        screen.feeds.focus()
        await pilot.press("T")
        await pilot.pause()
        await fill(pilot, "Tech, renamed")
        await app.flush_writes()
        feed = data.store.get_feed(data.tech)
        assert feed is not None and feed.title == "Tech, renamed"
        assert "Tech, renamed" in [e.label for e in screen.feeds.entries]
        await pilot.press("M")
        await pilot.pause()
        await fill(pilot, " Work / Reading ")
        await app.flush_writes()
        feed = data.store.get_feed(data.tech)
        assert feed is not None and feed.folder == "Work/Reading"
        labels = [e.label for e in screen.feeds.entries]
        assert "Work" in labels and "Reading" in labels
        # On a folder or All there is no feed to rename: say so.
        screen.feeds.move_cursor(0)
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        assert not isinstance(app.screen, FeedFormScreen)
        assert any("choose it in the feed list" in m for m in messages(app))


async def test_D_removes_a_feed_and_keeps_starred_articles_under_saved(data: Data) -> None:
    data.store.set_starred(data.articles["News story 2"], True)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.show_source(feed_source(data.news, "Daily News"))
        await settle(pilot)
        screen.feeds.focus()
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "kept under Saved" in str(app.screen.detail)
        await pilot.press("n")
        await settle(pilot)
        assert data.store.get_feed(data.news) is not None
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await app.flush_writes()
        await settle(pilot)
        assert data.store.get_feed(data.news) is None
        assert "Daily News" not in [e.label for e in screen.feeds.entries]
        assert screen.source.kind == "all"
        assert any("1 article kept under Saved" in m for m in messages(app))
        saved = [a.title for a in data.store.list_articles(saved=True, limit=10)]
        assert saved == ["News story 2"]


def test_the_add_form(data: Data, snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("plus")
        await pilot.pause()

    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=run_before)
