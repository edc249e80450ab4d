"""Snapshots of the main screen's columns at three sizes: the reading text is
never squeezed (pytest-textual-snapshot), from fixed data and dates.

Update after an intended change with
``pytest tests/test_snapshots_layout.py --snapshot-update``, and look at the report (and
the SVG's text) before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.conftest import Data, highlight_needle, open_row, settle

Snap = Callable[..., bool]


async def opened_here(pilot: Pilot[Any]) -> None:
    """The first article (News story 0) opened."""
    await open_row(pilot, None)


def test_snapshot_100x30_reading_with_the_sidebar(data: Data, snap_compare: Snap) -> None:
    highlight_needle(data)
    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=opened_here)


def test_snapshot_120x40_reading_with_the_sidebar(data: Data, snap_compare: Snap) -> None:
    highlight_needle(data)
    assert snap_compare(data.app(), terminal_size=(120, 40), run_before=opened_here)


def test_snapshot_80x24_the_sidebar_alone(data: Data, snap_compare: Snap) -> None:
    highlight_needle(data)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_row(pilot, None)
        await pilot.press("tab")
        await settle(pilot)

    assert snap_compare(data.app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_100x30_lists_beside_the_text(data: Data, snap_compare: Snap) -> None:
    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=opened_here)
