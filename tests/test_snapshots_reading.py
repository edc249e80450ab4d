"""Snapshots of the main screen: the lists, an article in the reading pane,
an error, hostile text (pytest-textual-snapshot), from fixed data and dates.

Update after an intended change with
``pytest tests/test_snapshots_reading.py --snapshot-update``, and look at the report (and
the SVG's text) before committing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from tests.conftest import BASE_TIME, HOSTILE_TITLE, Data, main, open_row, opened, settle
from tui_reader.config import Config
from tui_reader.ui.app import ReaderApp

Snap = Callable[..., bool]


def test_main_screen_wide(data: Data, snap_compare: Snap) -> None:
    assert snap_compare(data.app(), terminal_size=(120, 40), run_before=opened(0, "j", "j"))


def test_main_screen_narrow_lists(data: Data, snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(data.app(), terminal_size=(80, 24), run_before=run_before)


def test_main_screen_narrow_reading(data: Data, snap_compare: Snap) -> None:
    assert snap_compare(data.app(), terminal_size=(80, 24), run_before=opened(0))


def test_error_in_the_pane(data: Data, snap_compare: Snap) -> None:
    # Port 9 (discard) refuses connections: the fetch fails at once, the same way every time.
    article = data.store.add_saved_page("http://127.0.0.1:9/missing", title="A page that fails")
    with data.store.transaction() as c:  # a fixed date for the list
        c.execute("UPDATE articles SET added = ? WHERE id = ?", (BASE_TIME, article.id))
    app = ReaderApp(data.paths, Config(), open_article=article.id)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        main(app).pane.focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_hostile_text_shows_literally(data: Data, snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        articles = main(pilot.app).articles  # type: ignore[arg-type]
        await open_row(pilot, articles.index_of(data.articles[HOSTILE_TITLE]))

    assert snap_compare(data.app(), terminal_size=(120, 40), run_before=run_before)
