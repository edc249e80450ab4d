"""The highlight widgets and dialogs on their own, in small harness apps under Pilot."""

from __future__ import annotations

import time
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, OptionList, Select, Static, TextArea

from tests.test_highlights_controller import DOC, TEXT, add_article, span
from tui_reader.config import DEFAULT_COLORS
from tui_reader.models import Highlight
from tui_reader.reader import add_highlight
from tui_reader.store import Store
from tui_reader.ui.screens.all_highlights import (
    AllHighlightsScreen,
    HighlightTarget,
    parse_when,
)
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.note_editor import NoteEditor, TagEditor, parse_tags
from tui_reader.ui.styles import stylesheets
from tui_reader.ui.widgets.highlight_list import HighlightList, note_preview, shorten

HOSTILE = "[bold red]x[/] [@click=app.quit]click[/] $var"


class Harness(App[None]):
    """Pushes one screen and keeps what it returned."""

    def __init__(self, screen: Screen[Any] | None = None) -> None:
        super().__init__(css_path=list(stylesheets()))
        self.first = screen
        self.results: list[Any] = []
        self.chosen: list[HighlightList.Chosen] = []

    def compose(self) -> ComposeResult:
        yield HighlightList(colors=DEFAULT_COLORS, id="list")

    def on_mount(self) -> None:
        if self.first is not None:
            self.push_screen(self.first, self.results.append)

    def on_highlight_list_chosen(self, event: HighlightList.Chosen) -> None:
        self.chosen.append(event)


def rendered_text(widget: OptionList) -> str:
    return "\n".join(str(option.prompt) for option in widget.options)


def drawn(widget: OptionList) -> list[str]:
    """What the widget draws, line by line."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def hl(id: str, quote: str, start: int | None, **kw: Any) -> Highlight:
    end = start + len(quote) if start is not None else None
    return Highlight(id=id, article_id=1, quote=quote, start=start, end=end, **kw)


async def test_list_shows_note_highlights_and_unanchored_literally() -> None:
    app = Harness()
    async with app.run_test(size=(60, 40)) as pilot:
        lst = app.query_one(HighlightList)
        highlights = [
            hl("hl-1", "first quote", 10, color="key point", tags=("claim",), note="short"),
            hl("hl-2", HOSTILE, 50, color="disputed", tags=(HOSTILE,), note=HOSTILE + "\nmore"),
            hl("hl-3", "gone quote", None, color="fact", note="kept note"),
        ]
        lst.show(highlights, "Article note [b]literal[/b]")
        await pilot.pause()
        assert [e.key for e in lst.entries.values()] == ["article-note", "hl-1", "hl-2", "hl-3"]
        text = rendered_text(lst)
        assert "Article note [b]literal[/b]" in text
        assert "[bold red]x[/] [@click=app.quit]click[/] $var" in text
        assert "#[bold" in text  # the tag, with its brackets
        assert "Not found in the current text (1)" in text
        assert "✎ kept note" in text
        # The screen shows the brackets too (nothing was read as markup).
        lines = drawn(lst)
        assert any("[bold red]x[/]" in line for line in lines), lines
        # Choosing an entry says which; enter on the list posts it.
        lst.focus()
        lst.focus_entry("hl-2")
        await pilot.press("enter")
        await pilot.pause()
        assert [c.entry.key for c in app.chosen] == ["hl-2"]
        assert app.chosen[0].entry.offset == 50
        # A new list keeps the cursor on the same entry.
        lst.show(highlights[1:], "")
        await pilot.pause()
        assert lst.current is not None and lst.current.key == "hl-2"
        lst.show([], "")
        assert lst.is_empty and lst.current is None


def test_shorten_and_preview() -> None:
    assert shorten("a  b\n\tc", 10) == "a b c"
    long = "word " * 50
    short = shorten(long, 40)
    assert short.endswith("…") and len(short) <= 40
    assert note_preview("\n\nfirst line\nsecond") == "first line …"
    assert note_preview("  ") == ""
    assert shorten("\x1b[31mred\x1b[0m", 40).count("\x1b") == 0


async def test_note_editor_saves_with_ctrl_s() -> None:
    app = Harness(NoteEditor("Note", "the quote", "old"))
    async with app.run_test() as pilot:
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        assert app.focused is area
        await pilot.press("end", "enter", *"[b]new[/b]")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["old\n[b]new[/b]"]


async def test_note_editor_escape_cancels_and_asks_when_changed() -> None:
    app = Harness(NoteEditor("Note", "", "old"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "oldx"
        await pilot.press("escape", "y")
        await pilot.pause()
    assert app.results == [None]

    app = Harness(NoteEditor("Note", "", "unchanged"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_tag_editor_parses_and_completes() -> None:
    assert parse_tags("a, #b  c,,") == ("a", "b", "c")
    app = Harness(TagEditor("quote", ("one",), known=("economy", "one", "energy")))
    async with app.run_test() as pilot:
        await pilot.pause()
        box = app.screen.query_one(Input)
        assert box.value == "one"
        await pilot.press("end", "space", "e", "c")
        await pilot.pause()
        await pilot.press("right")  # take the suggestion
        assert box.value == "one economy"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("one", "economy")]


async def test_confirm_answers() -> None:
    for keys, answer in ((("y",), True), (("n",), False), (("escape",), False), (("enter",), True)):
        app = Harness(ConfirmScreen("Delete?", HOSTILE))
        async with app.run_test() as pilot:
            await pilot.pause()
            assert str(app.screen.query_one("#confirm-detail", Static).render()) == HOSTILE
            await pilot.press(*keys)
            await pilot.pause()
        assert app.results == [answer], keys


def test_parse_when() -> None:
    now = time.mktime((2026, 3, 10, 15, 0, 0, 0, 0, -1))
    day = time.mktime((2026, 3, 10, 0, 0, 0, 0, 0, -1))
    assert parse_when("", now=now) is None
    assert parse_when("today", now=now) == day
    assert parse_when("2026-03-10", now=now) == day
    assert parse_when("2026-03-10", end_of_day=True, now=now) == day + 86400
    assert parse_when("1d", now=now) == parse_when("yesterday", now=now)
    try:
        parse_when("[bold]soon", now=now)
    except ValueError as exc:
        assert "cannot read '[bold]soon' as a date" in str(exc)
    else:
        raise AssertionError("no error")


async def test_all_highlights_filters_and_opens(store: Store) -> None:
    a = add_article(store)
    b = add_article(store, guid="b1")
    first = add_highlight(store, a.id, TEXT, *span("the bridge"), "key point", tags=["infra"])
    second = add_highlight(
        store, b.id, TEXT, *span("open in May"), "fact", note="zanzibar " + HOSTILE
    )
    old = add_highlight(store, a.id, TEXT, *span("The council"), "disputed")
    with store.transaction() as c:
        c.execute("UPDATE highlights SET created = 1000 WHERE id = ?", (old.id,))
    screen = AllHighlightsScreen(store.path, DEFAULT_COLORS)
    screen.DEBOUNCE = 0.01
    app = Harness(screen)

    async def ids() -> list[str]:
        await pilot.pause(0.05)  # the debounce
        await app.workers.wait_for_complete()
        await pilot.pause()
        return [h.id for h in screen.results]

    async with app.run_test(size=(120, 40)) as pilot:
        assert await ids() == [second.id, first.id, old.id]
        assert HOSTILE in rendered_text(screen.option_list)
        await pilot.press(*"zanzibar")
        assert await ids() == [second.id]
        screen.query_one("#all-query", Input).value = ""
        screen.query_one("#all-tag", Select).value = "infra"
        assert await ids() == [first.id]
        screen.query_one("#all-tag", Select).clear()
        screen.query_one("#all-color", Select).value = "disputed"
        assert await ids() == [old.id]
        screen.query_one("#all-color", Select).clear()
        feed_id = store.get_article(a.id).feed_id  # type: ignore[union-attr]
        screen.query_one("#all-feed", Select).value = feed_id
        assert sorted(await ids()) == sorted([first.id, second.id, old.id])  # one feed here
        screen.query_one("#all-feed", Select).clear()
        screen.query_one("#all-since", Input).value = "2000-01-01"
        assert await ids() == [second.id, first.id]
        screen.query_one("#all-since", Input).value = ""
        screen.query_one("#all-until", Input).value = "1990-01-01"
        assert await ids() == [old.id]
        screen.query_one("#all-until", Input).value = "not a date"
        await ids()
        status = str(screen.query_one("#all-status", Static).render())
        assert status.startswith("cannot read 'not a date' as a date")
        screen.query_one("#all-until", Input).value = ""
        assert len(await ids()) == 3
        screen.option_list.focus()
        screen.option_list.highlighted = screen.option_list.get_option_index(first.id)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [HighlightTarget(a.id, first.id, first.start)]
    assert DOC.text == TEXT
