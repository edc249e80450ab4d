"""How the UI is put together, checked: its messages in one module, its list dialogs on one
base, and its one way to the core (the Reader) closing what it opened."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import pkgutil
from pathlib import Path

import pytest
from textual.message import Message

import tui_reader.ui
from tests.conftest import Data, main, settle
from tui_reader.ui.screens.dialog import ListDialog
from tui_reader.ui.screens.feed_errors import FeedErrorsScreen
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.links import LinksScreen


def ui_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(tui_reader.ui.__path__, prefix="tui_reader.ui.")
        if not info.ispkg
    ]


def message_classes() -> list[type[Message]]:
    """Every Message subclass any UI module defines (nested ones too)."""
    found: dict[str, type[Message]] = {}

    def visit(owner: object) -> None:
        for value in vars(owner).values():
            if (
                inspect.isclass(value)
                and value.__module__.startswith("tui_reader.ui")
                and value.__qualname__ not in found
            ):
                if issubclass(value, Message):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
                visit(value)

    for name in ui_modules():
        visit(importlib.import_module(name))
    return list(found.values())


def test_every_ui_message_is_a_dataclass_in_ui_messages() -> None:
    classes = message_classes()
    assert len(classes) >= 8  # the lists, the pane, the sidebar, opening an article
    misplaced = [c.__qualname__ for c in classes if c.__module__ != "tui_reader.ui.messages"]
    assert misplaced == []
    not_dataclasses = [c.__qualname__ for c in classes if not dataclasses.is_dataclass(c)]
    assert not_dataclasses == []
    # Each has the handler name its docstring promises (on_<snake_case>), not a nested one.
    assert all(c.handler_name == f"on_{_snake(c.__name__)}" for c in classes)


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


def test_the_main_screen_inherits_no_behaviour_and_dialogs_share_one_base() -> None:
    from textual.screen import Screen

    from tui_reader.ui.screens.main import MainScreen

    assert MainScreen.__bases__ == (Screen,)
    for dialog in (HelpScreen, LinksScreen, FeedErrorsScreen):
        assert issubclass(dialog, ListDialog), dialog
        assert "compose" not in vars(dialog)  # the base composes; a dialog gives its entries


def open_database_files(database: Path) -> int:
    """How many file descriptors of this process are open on the database file."""
    fds = Path("/proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) == str(database):
                count += 1
        except OSError:
            continue
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
async def test_the_app_closes_every_connection_it_opened(data: Data) -> None:
    """The Reader opens a connection on each thread that uses it (the event loop, the writer,
    the workers' threads): closing the app closes them all, and nothing else in the UI opens
    one of its own."""
    database = data.paths.database.resolve()
    # SQLite keeps a closed connection's file open while another connection of the process
    # holds a lock on it: the test's own store is closed first, so that none does.
    data.store.close()
    before = open_database_files(database)
    assert before == 0
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter", "s")  # open an article (read), star it: the writer
        await settle(pilot)
        screen.feeds.focus()
        for _ in range(3):  # each row shows another list, read by a thread worker
            await pilot.press("j", "j", "k", "k")
            await settle(pilot)
        await pilot.press("slash", *"story")  # the search screen's worker
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await app.flush_writes()
        assert screen.articles.articles  # the lists were read
        assert open_database_files(database) > before  # (the count sees the app's)
    assert open_database_files(database) == before
