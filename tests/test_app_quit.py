"""Quitting while a write waits for another program's lock (an import-notes of a large file
holds it in one transaction): the write was dropped and the app exited 0, saying nothing.
The first quit now waits for it, saying so; a second quits without it, and the command names
what was not saved."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.conftest import Data, open_row
from tests.test_highlights_app import messages
from tui_reader.ui.app import ReaderApp


async def _lock_then_highlight(app: ReaderApp, data: Data) -> sqlite3.Connection:
    # (SQLite's own wait shortened, so that the writer fails and tries again within the test.)
    await asyncio.wrap_future(
        app.context.writer.submit(
            lambda r: r.store.conn.execute("PRAGMA busy_timeout = 50"), "setup"
        )
    )
    other = sqlite3.connect(data.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def _highlights(data: Data) -> int:
    row = data.store.conn.execute("SELECT count(*) FROM highlights").fetchone()
    return int(row[0])


async def test_a_quit_waits_for_a_write_another_program_holds_up(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_row(pilot, 0)
        other = await _lock_then_highlight(app, data)
        try:
            await pilot.press("h")
            await pilot.pause(0.3)
            await pilot.press("q")
            await pilot.pause(1.0)
            assert app.is_running  # waiting, not gone
            assert any("Not saved yet" in m for m in messages(app))
        finally:
            other.execute("COMMIT")
            other.close()
        for _ in range(50):
            if not app.is_running:
                break
            await pilot.pause(0.1)
        assert not app.is_running
    assert app.unsaved == [] and _highlights(data) == 1


async def test_a_second_quit_leaves_without_it_and_says_what_was_not_saved(data: Data) -> None:
    app = data.app()
    other = None
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_row(pilot, 0)
            other = await _lock_then_highlight(app, data)
            await pilot.press("h")
            await pilot.pause(0.3)
            await pilot.press("q")
            await pilot.pause(1.0)
            await pilot.press("q")
            await pilot.pause(0.3)
    finally:
        if other is not None:
            other.execute("COMMIT")
            other.close()
    assert app.unsaved == ["highlight"] and _highlights(data) == 0
