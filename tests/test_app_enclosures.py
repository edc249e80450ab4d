"""Enclosures in the app: listed under the article's header with type and size, and P lists
them to open one (in the browser, or whatever the system gives such a file to) or copy its
URL. The feed is parsed from real bytes and stored in the test's real store."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.conftest import BASE_TIME, Data, main, open_row, save_doc, settle
from tui_reader.config import Config
from tui_reader.document import Block, Document
from tui_reader.feeds.parse import parse_feed
from tui_reader.ui.screens.enclosures import EnclosuresScreen

Snap = Callable[..., bool]
MP3 = "https://cdn.example/shows/ep1.mp3"
MP4 = "https://cdn.example/shows/ep1-video.mp4"

PODCAST = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Talk</title><link>https://pod.example/</link>
<item><title>Episode 1: the storm</title><guid>ep-1</guid><link>https://pod.example/1</link>
<description>&lt;p&gt;We talk about the storm and the ferries.&lt;/p&gt;</description>
<pubDate>Wed, 15 Nov 2023 10:00:00 GMT</pubDate>
<enclosure url="{MP3}" length="24300000" type="audio/mpeg"/>
<enclosure url="{MP4}" length="734003200" type="video/mp4"/>
<enclosure url="javascript:alert(1)" type="audio/mpeg"/></item>
<item><title>A note without a file</title><guid>note-1</guid><link>https://pod.example/n</link>
<description>Nothing to play.</description>
<pubDate>Wed, 15 Nov 2023 09:00:00 GMT</pubDate></item>
</channel></rss>""".encode()


def add_podcast(data: Data) -> None:
    parsed = parse_feed(PODCAST, "https://pod.example/feed.xml")
    feed, _ = data.store.add_feed("https://pod.example/feed.xml", title="Harbour Talk")
    data.store.upsert_entries(feed, parsed.entries)
    assert min(e.published or 0 for e in parsed.entries) > BASE_TIME  # the newest: rows 0, 1
    for article in data.store.list_articles(feed_id=feed.id):  # extracted: nothing fetched
        text = "We talk about the storm and the ferries." if article.guid == "ep-1" else "Notes."
        save_doc(data.store, article.id, Document(blocks=(Block("paragraph", text),)))


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What was sent to the web browser (the browser itself is the one thing not started)."""
    opened: list[str] = []

    def fake_open(url: str, new: int = 0, autoraise: bool = True) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return opened


def header_lines(screen: object) -> list[str]:
    rendered = screen.pane.rendered  # type: ignore[attr-defined]
    assert rendered is not None
    return ["".join(run.text for run in line.runs) for line in rendered.lines[:8]]


async def test_enclosures_are_listed_under_the_header_and_opened(
    data: Data, browser: list[str]
) -> None:
    add_podcast(data)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_row(pilot, 0)
        assert screen.current is not None and screen.current.title == "Episode 1: the storm"
        lines = header_lines(screen)
        assert "Enclosure 1: audio/mpeg · 24.3 MB · ep1.mp3 (P: open)" in lines
        assert "Enclosure 2: video/mp4 · 734 MB · ep1-video.mp4" in lines
        assert not any("javascript" in line for line in lines)  # refused when parsed
        # The enclosures are not part of the text (highlights anchor to the text alone).
        assert screen.pane.document is not None
        assert "Enclosure" not in screen.pane.document.text

        await pilot.press("P")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EnclosuresScreen)
        assert [e.url for e in dialog.enclosures] == [MP3, MP4]
        await pilot.press("j", "enter")  # the second: the video
        await settle(pilot)
        assert browser == [MP4]
        assert not isinstance(app.screen, EnclosuresScreen)

        await pilot.press("P")
        await settle(pilot)
        await pilot.press("y")  # copies the first one's URL
        await settle(pilot)
        assert app.clipboard == MP3
        assert browser == [MP4]
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, EnclosuresScreen)
        await pilot.press("q")  # closes it, nothing opened; the app stays
        await settle(pilot)
        assert not isinstance(app.screen, EnclosuresScreen) and app.is_running
        assert browser == [MP4]

        await pilot.press("P", "escape")  # escape closes, nothing opened
        await settle(pilot)
        assert not isinstance(app.screen, EnclosuresScreen) and browser == [MP4]


async def test_an_article_without_enclosures_says_so(data: Data, browser: list[str]) -> None:
    add_podcast(data)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_row(pilot, 1)
        assert screen.current is not None and screen.current.title == "A note without a file"
        assert not any("Enclosure" in line for line in header_lines(screen))
        await pilot.press("P")
        await settle(pilot)
        assert not isinstance(app.screen, EnclosuresScreen)
        assert any("no enclosures" in str(n.message) for n in app._notifications)
        assert browser == []


async def test_the_key_is_remappable_and_the_header_says_which(data: Data) -> None:
    add_podcast(data)
    app = data.app(Config(keys={"enclosures": "z"}))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_row(pilot, 0)
        assert any(line.endswith("(z: open)") for line in header_lines(screen))
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, EnclosuresScreen)
        assert main(app) is screen


async def test_the_article_list_row_is_enough(data: Data, browser: list[str]) -> None:
    """From the article list (nothing open yet), P lists the highlighted article's."""
    add_podcast(data)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.articles.move_cursor(0)
        screen.articles.focus()
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, EnclosuresScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert browser == [MP3]


def test_snapshot_article_with_enclosures(data: Data, snap_compare: Snap) -> None:
    add_podcast(data)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_row(pilot, 0)

    assert snap_compare(data.app(), terminal_size=(120, 30), run_before=run_before)


def test_snapshot_enclosures_dialog(data: Data, snap_compare: Snap) -> None:
    add_podcast(data)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_row(pilot, 0, "P")
        await settle(pilot)

    assert snap_compare(data.app(), terminal_size=(120, 30), run_before=run_before)
