"""Saved searches (issue 16): the query language against a real store, and Q / D in the app
(the list in the feed pane with its unread count)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.conftest import BASE_TIME, Data, main, settle, titles
from tui_reader.query import (
    SETTING,
    Query,
    QueryError,
    add_saved,
    dump_saved,
    load_saved,
    parse_day,
    parse_query,
)
from tui_reader.reader import add_highlight
from tui_reader.store.listing import ListFilter, count_unread, list_articles, mark_list_read
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.feed_form import FeedFormScreen
from tui_reader.ui.sources import query_source


def matching(data: Data, text: str) -> set[str]:
    rows = list_articles(data.store.conn, ListFilter(query=parse_query(text)))
    return {a.title for a in rows}


def test_parse_words_filters_and_quoted_names() -> None:
    q = parse_query('zanzibar "second paragraph" feed:"Daily News" tag:#Key unread since:7d')
    assert q == Query(
        words='zanzibar "second paragraph"',
        feeds=("Daily News",),
        tags=("Key",),
        unread=True,
        since="7d",
    )
    assert parse_query("starred").starred
    assert parse_query("http://x.org").words == "http://x.org"  # not a filter: words
    for bad, says in (
        ("", "empty"),
        ("feed:", "needs a value"),
        ("since:someday", "as a date"),
        ("until:2026-13-45", "as a date"),
        ("x" * 600, "at most"),
    ):
        with pytest.raises(QueryError, match=says):
            parse_query(bad)


def test_queries_against_the_store(data: Data) -> None:
    store = data.store
    news = {f"News story {i}" for i in range(5)}
    tech = {f"Tech note {i}" for i in range(3)}
    assert matching(data, "zanzibar") == news | tech  # the words of every document
    assert matching(data, "zanzibar feed:daily") == news
    assert matching(data, "feed:tech.example feed:DAILY") == news | tech  # any of them
    store.set_read([data.articles["News story 0"]], True)
    store.set_starred(data.articles["News story 1"], True)
    assert matching(data, "feed:daily unread") == news - {"News story 0"}
    assert matching(data, "starred") == {"News story 1"}
    # Published dates: News story i is BASE_TIME - i hours; Tech note i, - 0.5 h - 2i h.
    day = parse_day("2023-11-14")
    assert day < BASE_TIME - 5 * 3600  # all on the 14th (UTC, the fixture's TZ)
    assert matching(data, "since:2023-11-14 until:2023-11-14 feed:daily") == news
    assert matching(data, "until:2023-11-13 feed:daily") == set()
    # Tags of (not deleted) highlights.
    text = "Some text of the article to highlight."
    h = add_highlight(store, data.articles["Tech note 2"], text, 0, 9, "yellow", tags=("Keep",))
    assert matching(data, "tag:keep") == {"Tech note 2"}
    store.delete_highlight(h.id)
    assert matching(data, "tag:keep") == set()
    # FTS syntax in the words is never syntax.
    assert matching(data, 'zanzibar OR "x" NEAR( *') == set()


def test_a_saved_search_counts_and_marks_read(data: Data) -> None:
    which = ListFilter(query=parse_query("feed:tech"))
    assert count_unread(data.store.conn, which) == 3
    assert len(mark_list_read(data.store.conn, which)) == 3
    assert count_unread(data.store.conn, which) == 0
    assert data.store.unread_total() == 9 - 3


def test_saved_searches_round_trip() -> None:
    saved = add_saved([], "Tech this week", "feed:tech since:7d")
    saved = add_saved(saved, "Stars", "starred")
    saved = add_saved(saved, "tech THIS week", "feed:tech")  # same name: replaced
    assert [(s.name, s.query) for s in load_saved(dump_saved(saved))] == [
        ("Stars", "starred"),
        ("tech THIS week", "feed:tech"),
    ]
    with pytest.raises(QueryError):
        add_saved(saved, "", "x")
    with pytest.raises(QueryError):
        add_saved(saved, "Bad", "since:never")
    assert load_saved("{") == [] and load_saved('[{"name": "x", "query": "since:bad"}, 3]') == []


async def test_Q_saves_a_search_as_a_list_and_D_removes_it(data: Data) -> None:
    data.store.set_read([data.articles["Tech note 0"]], True)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("Q")
        await pilot.pause()
        assert isinstance(app.screen, FeedFormScreen)
        app.screen.query_one("#form-field-0", Input).value = "Tech"
        app.screen.query_one("#form-field-1", Input).value = "feed:tech zanzibar"
        await pilot.press("enter")
        await settle(pilot)
        await app.flush_writes()
        await settle(pilot)
        assert screen.source == query_source("Tech", "feed:tech zanzibar")
        assert set(titles(app)) == {"Tech note 0", "Tech note 1", "Tech note 2"}
        entry = next(e for e in screen.feeds.entries if e.source.kind == "query")
        assert (entry.label, entry.count) == ("Tech", 2)
        assert [e.label for e in screen.feeds.entries][:5] == [
            "All",
            "Unread",
            "Starred",
            "Saved",
            "Tech",
        ]
        assert [s.name for s in load_saved(data.store.get_setting(SETTING))] == ["Tech"]
        # A bad query is refused, with the reason.
        await pilot.press("Q")
        await pilot.pause()
        app.screen.query_one("#form-field-0", Input).value = "Bad"
        app.screen.query_one("#form-field-1", Input).value = "since:someday"
        await pilot.press("enter")
        await settle(pilot)
        assert any("Not saved" in n.message for n in app._notifications)
        # Kept across runs; D on it removes it.
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        i = screen.feeds.index_of(query_source("Tech", ""))
        assert i == 4 and screen.feeds.entries[i].count == 2
        screen.feeds.focus()
        screen.feeds.move_cursor(i)
        await settle(pilot)
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await app.flush_writes()
        await settle(pilot)
        assert all(e.source.kind != "query" for e in screen.feeds.entries)
        assert load_saved(data.store.get_setting(SETTING)) == []
        assert data.store.get_feed(data.tech) is not None  # no feed removed
