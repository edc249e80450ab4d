"""Continuity: the running app notices other processes' writes to the same database, and
reopening it brings you back to the list, the article and the place you left."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from textual.pilot import Pilot

from tests import httpserver
from tests.conftest import (
    BASE_TIME,
    Data,
    long_document,
    main,
    save_doc,
    settle,
    titles,
    wait_for,
)
from tui_reader.models import EntryData
from tui_reader.store import Store
from tui_reader.ui import watch
from tui_reader.ui.session import read_session, session_path
from tui_reader.ui.sources import ALL


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "POLL_SECONDS", 0.2)


# -- other processes' writes ------------------------------------------------------------------


async def test_articles_written_by_another_connection_show_without_a_key(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert "Fresh from cron" not in titles(app)
        with Store.open(data.paths.database) as other:  # as `tui-reader refresh` would
            feed = other.get_feed(data.tech)
            assert feed is not None
            other.upsert_entries(
                feed,
                [EntryData(guid="cron-1", title="Fresh from cron", published=BASE_TIME + 60)],
            )
        assert await wait_for(pilot, lambda: titles(app)[:1] == ["Fresh from cron"])
        tech = next(e for e in screen.feeds.entries if e.label == "Tech Notes")
        assert tech.count == 4  # its unread count followed
        assert app.focused is screen.articles


async def test_a_feed_imported_in_another_terminal_shows(data: Data, tmp_path: object) -> None:
    from pathlib import Path

    opml = Path(str(tmp_path)) / "more.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Imported Elsewhere"'
        ' xmlUrl="https://elsewhere.example/feed"/></body></opml>'
    )
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        labels = [e.label for e in screen.feeds.entries]
        assert "Imported Elsewhere" not in labels
        # A real second process on the same database file (the test's XDG folders).
        done = subprocess.run(
            [sys.executable, "-m", "tui_reader", "import", str(opml)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert await wait_for(
            pilot, lambda: "Imported Elsewhere" in [e.label for e in screen.feeds.entries]
        )


async def test_the_apps_own_writes_reload_nothing(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        shown = screen.articles.articles
        await pilot.press("m")  # mark read: written by the app's writer connection
        await app.flush_writes()
        with Store.open(data.paths.database) as other:
            article = other.get_article(shown[0].id)
            assert article is not None and article.read
        await pilot.pause(1.0)  # five polls
        assert screen.articles.articles is shown  # the list was not read again
        assert screen.feeds.entries[0].count == 8


async def test_the_apps_own_refresh_reloads_the_lists_once(
    data: Data, server: httpserver.TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refresh's writes come from a connection of its own, so the watcher sees them; the
    refresh reloads the lists when it ends, and the watcher must not do it again a poll later
    (under the reader's keys)."""
    items = "".join(
        f"<item><title>Refreshed {n}</title><guid>r{n}</guid></item>" for n in range(30)
    )
    url = server.route(
        "/feed.xml", f'<rss version="2.0"><channel><title>S</title>{items}</channel></rss>'
    )
    data.store.add_feed(url, title="Served")
    monkeypatch.setattr(watch, "POLL_SECONDS", 1.0)  # a poll after the refresh's reload
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("r")
        assert await wait_for(pilot, lambda: "Refreshed 0" in titles(app))
        await settle(pilot)
        shown = screen.articles.articles
        await pilot.pause(2.5)  # two polls
        assert screen.articles.articles is shown  # not read again


# -- coming back -------------------------------------------------------------------------------


async def _read_down_tech_note_1(
    pilot: Pilot[None], article_id: int
) -> tuple[float, tuple[int, int] | None]:
    """Open "Tech note 1" from its feed's list and page down in it: the view's top and the
    reading cursor then."""
    screen = main(pilot.app)
    await pilot.press("shift+tab")  # the feed list
    for _ in range(50):  # (a bounded walk: the list is short)
        if screen.feeds.current is not None and screen.feeds.current.label == "Tech Notes":
            break
        await pilot.press("j")
    else:
        raise AssertionError("the feed list has no Tech Notes")
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)
    assert screen.current is not None and screen.current.id == article_id
    await pilot.press("space", "space", "space")
    top = screen.pane.scroll_offset.y
    cursor = screen.pane.cursor_range
    assert top > 40 and cursor is not None
    return top, cursor


async def test_reopening_brings_back_the_article_and_the_place(data: Data) -> None:
    article_id = data.articles["Tech note 1"]
    save_doc(data.store, article_id, long_document(3000))
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        top, cursor = await _read_down_tech_note_1(pilot, article_id)
        await pilot.press("q")
    assert session_path(data.paths.database).exists()

    again = data.app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        screen = main(again)
        assert screen.source.kind == "feed" and screen.source.feed_id == data.tech
        assert screen.feeds.current is not None and screen.feeds.current.label == "Tech Notes"
        assert titles(again) == ["Tech note 0", "Tech note 1", "Tech note 2"]
        assert screen.current is not None and screen.current.id == article_id
        assert screen.articles.current is not None and screen.articles.current.id == article_id
        assert screen.pane.scroll_offset.y == top
        assert screen.pane.cursor_range == cursor
        assert again.focused is screen.pane


async def test_reopening_brings_back_the_list_and_its_cursor(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "j", "j")  # the cursor moves; nothing is opened
        highlighted = screen.articles.current
        assert highlighted is not None and screen.current is None
        await pilot.press("q")
    again = data.app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(again)
        assert screen.source == ALL and screen.current is None
        assert screen.articles.current is not None
        assert screen.articles.current.id == highlighted.id
        assert again.focused is screen.articles


async def test_a_removed_feed_and_article_fall_back_to_all(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("shift+tab")
        for _ in range(50):  # (a bounded walk: the list is short)
            if screen.feeds.current is not None and screen.feeds.current.label == "Tech Notes":
                break
            await pilot.press("j")
        else:
            raise AssertionError("the feed list has no Tech Notes")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current is not None
        await pilot.press("q")
    saved = read_session(data.paths.database)
    assert saved is not None and saved.source.feed_id == data.tech and saved.article
    data.store.remove_feed(data.tech)  # its articles go too (none is starred)
    again = data.app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(again)
        assert screen.source == ALL and screen.current is None
        assert titles(again)[:2] == ["News story 0", "News story 1"]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("{not json", "all"),
        ("[]", "all"),
        (json.dumps({"source": {"kind": "feed", "feed_id": "1; DROP"}, "article": -4}), "all"),
        (json.dumps({"source": {"kind": "nonsense"}, "article": 10**12, "top": 10**12}), "all"),
        (json.dumps({"source": {"kind": "search", "query": "story"}, "top": "x"}), "search"),
        # Beyond SQLite's integers: OverflowError at every start, until the file was deleted.
        (json.dumps({"article": 2**63, "highlighted": 2**64}), "all"),
        (json.dumps({"source": {"kind": "feed", "feed_id": 2**63}}), "all"),
    ],
)
async def test_a_damaged_session_file_is_not_trusted(data: Data, content: str, kind: str) -> None:
    path = session_path(data.paths.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.current is None
        assert screen.source.kind == kind
        assert titles(app)


@pytest.mark.parametrize("kept", [True, False])
async def test_a_saved_search_list_comes_back_while_it_is_kept(data: Data, kept: bool) -> None:
    from tui_reader.reader import Reader

    with Reader(data.paths) as reader:
        reader.save_search("Stories", "story feed:daily")
    path = session_path(data.paths.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    query = "story feed:daily" if kept else "something else"
    source = {"kind": "query", "label": "Stories", "query": query}
    path.write_text(json.dumps({"source": source}))
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        if kept:
            assert (screen.source.kind, screen.source.label) == ("query", "Stories")
            assert sorted(titles(app)) == [f"News story {i}" for i in range(5)]
        else:
            assert screen.source == ALL  # changed or removed since: not trusted


async def test_the_apps_own_refresh_keeps_the_cursor_on_its_article(
    data: Data, server: httpserver.TestServer
) -> None:
    """New articles above the cursor moved another article under it (the row was kept):
    enter then opened an article the reader never chose."""
    items = "".join(
        f"<item><title>Newer {n}</title><guid>n{n}</guid>"
        f"<pubDate>Mon, 0{n + 1} Jan 2035 10:00:00 GMT</pubDate></item>"
        for n in range(3)
    )
    url = server.route(
        "/feed.xml", f'<rss version="2.0"><channel><title>S</title>{items}</channel></rss>'
    )
    data.store.add_feed(url, title="Served")
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.articles.focus()
        await pilot.press("j", "j")
        chosen = screen.articles.current
        assert chosen is not None
        await pilot.press("r")
        assert await wait_for(pilot, lambda: "Newer 0" in titles(app))
        await settle(pilot)
        assert screen.articles.current is not None
        assert screen.articles.current.id == chosen.id


async def test_an_article_left_and_opened_again_in_a_session_comes_back_at_its_place(
    data: Data,
) -> None:
    """n then p (or escape and enter) reopened it at its top; only a restart came back."""
    article_id = data.articles["Tech note 1"]
    save_doc(data.store, article_id, long_document(3000))
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        top, cursor = await _read_down_tech_note_1(pilot, article_id)
        await pilot.press("n")
        await settle(pilot)
        assert screen.current is not None and screen.current.id != article_id
        await pilot.press("p")
        await settle(pilot)
        await pilot.pause(0.2)
        assert screen.current is not None and screen.current.id == article_id
        assert screen.pane.cursor_range == cursor
        assert screen.pane.scroll_offset.y == top
