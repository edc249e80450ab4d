"""Snapshots of issue 16's screens: the question C asks, and a list sorted and filtered (its
title says how)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from tests.conftest import Data, main, settle
from tui_reader.ui.sources import feed_source

Snap = Callable[..., bool]


def test_mark_everything_read_asks_first(data: Data, snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()

    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=run_before)


def test_a_list_sorted_oldest_first_without_read_articles(data: Data, snap_compare: Snap) -> None:
    data.store.set_read([data.articles["News story 0"]], True)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        main(pilot.app).show_source(feed_source(data.news, "Daily News"), focus_list=True)  # type: ignore[arg-type]
        await settle(pilot)
        await pilot.press("S", "F")
        await settle(pilot)

    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=run_before)
