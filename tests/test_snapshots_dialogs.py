"""Snapshots of the dialogs: the keys (help) and search (pytest-textual-snapshot), from fixed
data and dates.

Update after an intended change with
``pytest tests/test_snapshots_dialogs.py --snapshot-update``, and look at the report (and
the SVG's text) before committing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import Data, settle

Snap = Callable[..., bool]


def test_help_screen(data: Data, snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(data.app(), terminal_size=(120, 40), run_before=run_before)


def test_search_results(data: Data, snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.press(*"story", "enter")
        await settle(pilot)

    assert snap_compare(data.app(), terminal_size=(120, 40), run_before=run_before)
