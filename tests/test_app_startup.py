"""Start-up: the first screen's rows read before the app runs are in its first frame, the
command with no arguments builds no parser, and the collector is back on once the app runs."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Data
from tui_reader.cli import reading
from tui_reader.config import Config
from tui_reader.listview import SAVED_SEARCHES_SETTING
from tui_reader.paths import Paths
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.sources import EarlyLoad


@pytest.fixture
def collector() -> Iterator[None]:
    """The command freezes the objects it made: give them back to the collector after."""
    yield
    gc.unfreeze()
    gc.enable()


async def test_rows_read_early_are_in_the_first_frame(data: Data) -> None:
    early = EarlyLoad.start(data.paths.database, None)
    early.feeds.result(timeout=10)
    early.rows.result(timeout=10)
    seen: list[tuple[int, int]] = []
    app = ReaderApp(data.paths, Config(), early=early)
    display = app._display

    def _display(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        main = app.screen_stack[0] if app.screen_stack else None
        if isinstance(main, MainScreen) and not seen:
            seen.append((len(main.articles.articles), len(main.feeds.feeds)))

    app._display = _display  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert seen and seen[0][0] == len(early.rows.result()) > 0
    assert seen[0][1] == len(early.feeds.result()) > 0


def _count_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the name of the thread each Store.open runs on, in order."""
    import threading

    from tui_reader.store import Store

    opened: list[str] = []
    open_store = Store.open.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Store], path: Path) -> Store:
        opened.append(threading.current_thread().name)
        return open_store(cls, path)  # type: ignore[no-any-return]

    monkeypatch.setattr(Store, "open", classmethod(counted))
    return opened


def test_the_early_read_opens_one_connection_on_one_thread(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _count_opens(monkeypatch)
    early = EarlyLoad.start(data.paths.database, None)
    feeds = early.feeds.result(timeout=10)
    assert early.rows.result(timeout=10) and feeds and early.welcome.result(timeout=10) is False
    assert len(opened) == 1 and opened[0].startswith("tui-reader-start")
    with data.app().context.reader as reader:
        assert [(f.id, f.unread) for f in feeds] == [(f.id, f.unread) for f in reader.feeds()]


def test_a_part_of_the_early_read_that_fails_holds_its_error_and_the_rest_is_read(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.ui.appreader import AppReader

    def broken(self: AppReader) -> bool:
        raise RuntimeError("no settings")

    monkeypatch.setattr(AppReader, "welcome_pending", broken)
    early = EarlyLoad.start(data.paths.database, None)
    assert early.rows.result(timeout=10) and early.feeds.result(timeout=10)
    assert isinstance(early.welcome.exception(timeout=10), RuntimeError)
    assert not early.welcome_was_added()


async def test_on_shown_is_called_once_with_the_list_drawn(data: Data) -> None:
    calls: list[int] = []
    app: ReaderApp

    def shown() -> None:
        main = app.screen_stack[0]
        assert isinstance(main, MainScreen)
        calls.append(len(main.articles.articles))

    app = ReaderApp(data.paths, Config(), on_shown=shown)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            if calls:
                break
            await pilot.pause(0.02)
        await pilot.press("j")
        await pilot.pause()
    assert len(calls) == 1 and calls[0] > 0


def test_no_arguments_start_the_reader_without_a_parser(paths: Paths) -> None:
    code = (
        "import sys; import tui_reader.cli as cli, tui_reader.cli.reading as r;"
        "r.start_app = lambda: 7; status = cli.main([]);"
        "print(status, 'argparse' in sys.modules, 'tui_reader.cli.feeds' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["7", "False", "False"]


def test_the_command_opens_the_database_once_on_the_apps_thread(
    data: Data, monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    """The command's check that the database opens gives its connection to the app."""
    opened = _count_opens(monkeypatch)

    def run(app: ReaderApp) -> None:
        assert app.context.reader.feeds()
        app._early.rows.result(timeout=10)  # type: ignore[union-attr]
        app._early.feeds.result(timeout=10)  # type: ignore[union-attr]

    monkeypatch.setattr(ReaderApp, "run", run)
    monkeypatch.setattr(reading, "_terminal", lambda: True)  # (pytest's streams are none)
    assert reading.start_app() == 0
    main = threading.main_thread().name
    assert opened.count(main) == 1 and len(opened) == 2  # and the early read's


def test_the_collector_is_off_while_the_command_line_imports() -> None:
    """cli.main's imports run with the collector off (a spy on the import system sees every
    tui_reader module load) and it is back on afterwards."""
    code = (
        "import gc, sys\n"
        "states = []\n"
        "class Spy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith('tui_reader.'): states.append(gc.isenabled())\n"
        "sys.meta_path.insert(0, Spy())\n"
        "import tui_reader.cli as cli\n"
        "states.clear()\n"
        "try:\n"
        "    cli.main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(len(states) > 5, any(states), gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-3:] == ["True", "False", "True"], out.stdout


@pytest.mark.parametrize("cached", [False, True], ids=["plain", "with-code-cache"])
def test_the_first_screen_imports_no_anchoring_html_hashing_or_pillow(
    cached: bool, tmp_path: Path
) -> None:
    """What the app imports to start leaves out what only later work needs (issue 17):
    placing highlights (anchor, hashing), a feed's HTML as text, refresh's entry identity,
    and textual-image's renderers with Pillow (the terminal is asked without them); the
    compiled-code cache (installed first, as cli.main does) brings none of them in either,
    filled or not."""
    later = (
        "tui_reader.anchor",
        "tui_reader.placing",
        "tui_reader.htmltext",
        "tui_reader.store.identity",
        "hashlib",
        "PIL",
        "textual_image.renderable",
    )
    cache = tmp_path / "compiled-code.bin"
    install = (
        "import pathlib; from tui_reader import codecache;"
        f" codecache.install(pathlib.Path({str(cache)!r}));"
        if cached
        else ""
    )
    code = (
        f"import sys; {install} import tui_reader.cli.reading, tui_reader.ui.sources,"
        " tui_reader.ui.graphics, tui_reader.ui.app;"
        f"print([m for m in {later!r} if m in sys.modules])"
    )
    if cached:  # once to fill the cache, once served from it
        code += "; codecache.save()"
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert cache.exists()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_collector_waits_for_the_first_screen_and_comes_back(
    paths: Paths, monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    during: list[bool] = []

    def run(app: ReaderApp) -> None:
        during.append(gc.isenabled())
        assert app._on_shown is not None
        app._on_shown()  # what the first screen does once drawn
        during.append(gc.isenabled())

    monkeypatch.setattr(ReaderApp, "run", run)
    monkeypatch.setattr(reading, "_terminal", lambda: True)  # (pytest's streams are none)
    assert reading.start_app() == 0
    assert during == [False, True]
    assert gc.isenabled()


async def test_the_welcome_feed_is_added_on_the_first_run_only(paths: Paths, data: Data) -> None:
    import subprocess
    import sys

    from tui_reader.feeds import welcome
    from tui_reader.store import Store

    # The first-run check reads the welcome module's setting name without loading
    # importlib.resources (only reading the bundled file needs it).
    probe = "import sys, tui_reader.ui.sources; print('importlib.resources' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr

    assert EarlyLoad.start(data.paths.database, None).welcome.result(timeout=10) is False
    early = EarlyLoad.start(data.paths.database, None)
    early.feeds.result(timeout=10)
    assert early.welcome_was_added()  # the data's store has had it: nothing to check

    fresh = paths.data_dir / "fresh.sqlite3"
    Store.open(fresh).close()
    early = EarlyLoad.start(fresh, None)
    assert early.welcome.result(timeout=10) is True and not early.welcome_was_added()
    app = ReaderApp(paths, Config(), store_path=fresh, early=early)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            main = app.screen_stack[0]
            if isinstance(main, MainScreen) and main.articles.articles:
                break
            await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.screen_stack[0]
        assert isinstance(main, MainScreen)
        assert any(f.url == welcome.WELCOME_URL for f in main.feeds.feeds)
        assert main.articles.articles


async def test_dialog_styles_are_read_with_the_first_dialog(data: Data) -> None:
    from pathlib import Path

    from tui_reader.ui.screens.help import HelpScreen

    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        read = {Path(path).name for path, _ in app.stylesheet.source}
        assert {"app.tcss", "reading.tcss"} <= read
        assert not read & {"dialogs.tcss", "notes.tcss"}
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        assert body.styles.max_width is not None and body.styles.max_width.value == 110


def test_every_dialog_stylesheet_belongs_to_a_screen() -> None:
    import importlib
    import pkgutil

    from textual.screen import Screen

    from tui_reader.ui import screens
    from tui_reader.ui.styles import styles_dir

    named = set()
    for info in pkgutil.iter_modules(screens.__path__, "tui_reader.ui.screens."):
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and issubclass(value, Screen) and value.CSS_PATH:
                named.add(value.CSS_PATH)
    assert named == set((styles_dir() / "screens").glob("*.tcss"))


def test_the_first_screen_imports_no_extraction_export_feed_parsing_or_query_language(
    data: Data,
) -> None:
    """A whole start to the first screen (no saved searches) leaves out the extraction,
    export, feed parsing and networking modules, and the saved-search query language (its
    setting is read as text first: nothing saved, nothing to parse)."""
    later = (
        "tui_reader.extract",
        "tui_reader.export",
        "tui_reader.feeds.parse",
        "tui_reader.feeds.fastxml",
        "tui_reader.net",
        "tui_reader.query",
        "lxml",
        "feedparser",
    )
    code = (
        "import asyncio, sys\n"
        "from tui_reader.config import Config\n"
        "from tui_reader.paths import get_paths\n"
        "from tui_reader.ui.app import ReaderApp\n"
        "from tui_reader.ui.screens.main import MainScreen\n"
        "async def main():\n"
        "    app = ReaderApp(get_paths(), Config())\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        screen = app.screen_stack[0]\n"
        "        assert isinstance(screen, MainScreen) and screen.articles.articles\n"
        f"        print([m for m in {later!r} if m in sys.modules])\n"
        "asyncio.run(main())\n"
    )
    assert not data.store.get_setting(SAVED_SEARCHES_SETTING)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
