"""Snapshots of highlights in the reading pane, the sidebar, and the All highlights view
(pytest-textual-snapshot), from fixed data and dates.

Update after an intended change with
``pytest tests/test_highlights_snapshots.py --snapshot-update`` and look at the report first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.test_app import settle
from tests.test_app_data import BASE_TIME, Data, data_fixture, rich_document  # noqa: F401
from tui_reader.models import Highlight
from tui_reader.reader import add_highlight

Snap = Callable[..., bool]


def annotate(data: Data) -> None:
    """Highlights of every kind on "News story 0", at fixed times."""
    article_id = data.articles["News story 0"]
    text = rich_document(0).text
    store = data.store

    def add(quote: str, color: str, **kw: Any) -> None:
        start = text.index(quote)
        add_highlight(store, article_id, text, start, start + len(quote), color, **kw)

    add("The first paragraph has emphasis, strong text and code.", "key point", tags=["style"])
    add("Mr. Smith said it twice!", "disputed", note="Did he, though?\nCheck the recording.")
    add("The needle word zanzibar appears here once.", "fact", tags=["needle", "[b]"])
    add("A quoted passage", "quote", note="[bold]not bold[/bold] $x")
    store.insert_highlight(
        Highlight(
            id="hl-0000dead",
            article_id=article_id,
            quote="A sentence that was in an earlier version of the article.",
            note="Kept, with its note.",
            color="fact",
            created=BASE_TIME,
        )
    )
    store.set_article_note(article_id, "Worth rereading: the second paragraph.")
    with store.transaction() as c:
        c.execute(
            "UPDATE highlights SET created = ? + rowid * 3600, updated = ? + rowid * 3600",
            (BASE_TIME, BASE_TIME),
        )


def opened(*keys: str) -> Callable[[Pilot[None]], Any]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter", *keys)
        await settle(pilot)

    return run_before


def test_pane_with_highlights_and_the_sidebar(data: Data, snap_compare: Snap) -> None:
    annotate(data)
    assert snap_compare(data.app(), terminal_size=(140, 40), run_before=opened("j"))


def test_pane_with_a_selection(data: Data, snap_compare: Snap) -> None:
    annotate(data)
    keys = ("j", "j", "v", "w", "w", "w")
    assert snap_compare(data.app(), terminal_size=(140, 40), run_before=opened(*keys))


def test_all_highlights_view(data: Data, snap_compare: Snap) -> None:
    annotate(data)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(data.app(), terminal_size=(140, 40), run_before=run_before)
