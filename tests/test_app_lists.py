"""The keys of issue 16 under Pilot, against a real store: A and C mark whole lists read and u
undoes them, ctrl+r refreshes one feed or folder, S and F sort and filter a list (remembered
across runs), [[commands]] run a real program with the article; all of it in ? and the
palette, and remappable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot

from tests import httpserver
from tests.conftest import Data, main, settle, titles
from tui_reader.config import CommandConfig, Config
from tui_reader.listview import SETTING, parse_views
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.sources import feed_source, folder_source


def messages(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


def unread_in(data: Data, feed_id: int) -> int:
    return sum(not a.read for a in data.store.list_articles(feed_id=feed_id))


async def show(pilot: Pilot[None], source: object, *, focus_feeds: bool = False) -> None:
    screen = main(pilot.app)  # type: ignore[arg-type]
    screen.show_source(source, focus_list=True)  # type: ignore[arg-type]
    await settle(pilot)
    if focus_feeds:
        screen.feeds.focus()
        await pilot.pause()


async def test_A_marks_the_list_under_the_cursor_read_and_u_undoes_it(data: Data) -> None:
    data.store.set_read([data.articles["News story 2"]], True)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await show(pilot, feed_source(data.news, "Daily News"))
        await pilot.press("A")
        await settle(pilot)
        await app.flush_writes()
        assert unread_in(data, data.news) == 0
        assert unread_in(data, data.tech) == 3  # other feeds untouched
        assert all(a.read for a in screen.articles.articles)
        news = screen.feeds.entries[screen.feeds.index_of(screen.source)]
        assert news.count == 0 and screen.feeds.entries[0].count == 9 - 5
        assert any("Marked 4 articles read" in m for m in messages(app))
        await pilot.press("u")
        await settle(pilot)
        await app.flush_writes()
        unread = {a.title for a in data.store.list_articles(feed_id=data.news) if not a.read}
        assert unread == {"News story 0", "News story 1", "News story 3", "News story 4"}
        assert screen.feeds.entries[0].count == 9 - 1
        assert any("4 articles unread again" in m for m in messages(app))


async def test_A_on_a_folder_in_the_feed_list(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show(pilot, folder_source("News"), focus_feeds=True)
        await pilot.press("A")
        await settle(pilot)
        await app.flush_writes()
        assert unread_in(data, data.news) == 0 and unread_in(data, data.tech) == 3


async def test_C_asks_first_marks_everything_and_u_undoes_newest_first(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()  # (settle would wait for the question's answer)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        await app.flush_writes()
        assert data.store.unread_total() == 9
        await show(pilot, feed_source(data.tech, "Tech Notes"))
        await pilot.press("A")  # first the feed...
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("y")  # ...then everything
        await settle(pilot)
        await app.flush_writes()
        assert data.store.unread_total() == 0
        await pilot.press("u")  # undoes C: the six C marked
        await settle(pilot)
        await app.flush_writes()
        assert data.store.unread_total() == 6 and unread_in(data, data.tech) == 0
        await pilot.press("u")  # then A
        await settle(pilot)
        await app.flush_writes()
        assert data.store.unread_total() == 9
        await pilot.press("u")
        await settle(pilot)
        assert any("No deleted highlight" in m for m in messages(app))


async def test_ctrl_r_refreshes_only_the_selected_feed(
    data: Data, server: httpserver.TestServer
) -> None:
    feed_xml = """<?xml version="1.0"?><rss version="2.0"><channel><title>{t}</title>
    <item><title>{t} item</title><link>https://x.example/{t}</link><guid>{t}</guid>
    </item></channel></rss>"""
    one = server.route("/one.xml", feed_xml.replace("{t}", "One"))
    two = server.route("/two.xml", feed_xml.replace("{t}", "Two"))
    first, _ = data.store.add_feed(one, title="First served", folder="Served")
    data.store.add_feed(two, title="Second served", folder="Served")
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await show(pilot, feed_source(first.id, "First served"), focus_feeds=True)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "One item" in titles(app)
        all_titles = {a.title for a in data.store.list_articles()}
        assert "One item" in all_titles and "Two item" not in all_titles
        tech = data.store.get_feed(data.tech)
        assert tech is not None and tech.last_fetched is None  # not fetched
        # A folder: its feeds.
        await show(pilot, folder_source("Served"), focus_feeds=True)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert {"One item", "Two item"} <= {a.title for a in data.store.list_articles()}
        assert not screen.refreshing
        # The All list: the feed of the article on show; none on show: say what to do.
        await show(pilot, screen.feeds.entries[0].source, focus_feeds=True)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert any("Choose a feed or a folder" in m for m in messages(app))


async def test_S_and_F_sort_and_filter_each_list_and_are_remembered(data: Data) -> None:
    data.store.set_read([data.articles["News story 0"], data.articles["News story 4"]], True)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await show(pilot, feed_source(data.news, "Daily News"))
        assert titles(app) == [f"News story {i}" for i in range(5)]
        await pilot.press("S")
        await settle(pilot)
        assert titles(app) == [f"News story {i}" for i in (4, 3, 2, 1, 0)]
        assert "oldest first" in str(screen.articles.border_title)
        await pilot.press("F")
        await settle(pilot)
        assert titles(app) == ["News story 3", "News story 2", "News story 1"]
        assert "oldest first, unread only" in str(screen.articles.border_title)
        # Another list keeps its own view.
        await show(pilot, feed_source(data.tech, "Tech Notes"))
        assert titles(app) == ["Tech note 0", "Tech note 1", "Tech note 2"]
        await app.flush_writes()
    views = parse_views(data.store.get_setting(SETTING))
    assert views[f"feed:{data.news}"].sort == "oldest"
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show(pilot, feed_source(data.news, "Daily News"))
        assert titles(app) == ["News story 3", "News story 2", "News story 1"]
        for _ in range(3):  # title, feed, back to newest first
            await pilot.press("S")
            await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert titles(app) == [f"News story {i}" for i in range(5)]


async def test_the_start_list_opens_in_its_remembered_order(data: Data) -> None:
    data.store.set_setting(SETTING, json.dumps({"all": {"sort": "title", "show_read": True}}))
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = titles(app)
        # (The hostile title starts with "[", before the letters.)
        assert shown[1:4] == ["News story 0", "News story 1", "News story 2"]
        assert shown == sorted(shown, key=lambda t: (t == "", t.casefold()))


def recorder(tmp_path: Path) -> list[str]:
    script = tmp_path / "record.py"
    script.write_text(
        "import json, sys, pathlib\n"
        "text = pathlib.Path(sys.argv[3]).read_text(encoding='utf-8')\n"
        f"pathlib.Path({str(tmp_path / 'seen.json')!r}).write_text("
        "json.dumps({'argv': sys.argv[1:], 'text': text}))\n"
        "sys.exit(int(sys.argv[4]))\n",
        encoding="utf-8",
    )
    return [sys.executable, str(script)]


async def test_a_command_key_hands_the_article_to_a_program(data: Data, tmp_path: Path) -> None:
    argv = (*recorder(tmp_path), "{url}", "{title}", "{file}")
    config = Config(
        commands=(
            CommandConfig("Record", (*argv, "0"), "X"),
            CommandConfig("Fail", (*argv, "4"), ""),
            CommandConfig("Clash", ("true",), "s"),
        ),
        keys={"mark_list_read": "ctrl+a"},
    )
    app = data.app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert any("'Clash': s is the key of star" in m for m in messages(app))
        await pilot.press("enter")  # open News story 0
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        seen = json.loads((tmp_path / "seen.json").read_text(encoding="utf-8"))
        assert seen["argv"][:2] == ["https://news.example/0", "News story 0"]
        assert "zanzibar" in seen["text"] and seen["text"] == screen.pane.document.text  # type: ignore[union-attr]
        assert any("Record: done (exit status 0)" in m for m in messages(app))
        # From the palette (no key), the article highlighted in the list.
        screen.articles.focus()
        await pilot.press("ctrl+p", *"Run: Fail")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert any("Fail: failed (exit status 4)" in m for m in messages(app))
        # Remapped: A no longer marks the list read, ctrl+a does.
        await pilot.press("A")
        await settle(pilot)
        await app.flush_writes()
        assert data.store.unread_total() == 9 - 1
        await pilot.press("ctrl+a")  # on All: as C, asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await app.flush_writes()
        assert data.store.unread_total() == 0


async def test_help_and_palette_list_the_new_actions_and_the_commands(data: Data) -> None:
    config = Config(commands=(CommandConfig("Play in mpv", ("mpv", "--", "{url}"), "X"),))
    app = data.app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for words in (
            "Mark list read",
            "[mark_list_read]",
            "Mark all read",
            "ctrl+r",
            "[refresh_feed]",
            "Sort list",
            "[toggle_show_read]",
            "[add_feed]",
            "[rename_feed]",
            "[move_feed]",
            "[remove_feed]",
            "[save_search]",
            "Play in mpv",
            "mpv -- {url}",
        ):
            assert words in text, words
        await pilot.press("escape")
        for name in (
            "Mark list read",
            "Sort list",
            "Show/hide read",
            "Add feed",
            "Save search",
            "Run: Play in mpv",
        ):
            await pilot.press("ctrl+p", *name)
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            hits = [str(o.prompt) for o in app.screen.query_one("CommandList").options]  # type: ignore[attr-defined]
            assert any(name in h for h in hits), (name, hits)
            await pilot.press("escape")
            await settle(pilot)
