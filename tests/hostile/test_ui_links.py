"""Links in the app: `javascript:`, `data:` and `file:` links (any case, with leading spaces),
links holding control or bidi characters, as article URLs and as links in a document. `o` and
the links list (`f`) open only http(s), through the real :mod:`webbrowser` (a ``BROWSER``
command that records what it was given, so nothing is mocked but the browser itself) and never
through a shell; the rest are refused with a notification. `y` copies the link as clean text.

The store is filled directly (past the cleaning a refresh does), as a damaged or older
database could be.
"""

from __future__ import annotations

import json
import sys
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import main, settle
from tests.hostile.conftest import forbidden_in
from tests.hostile.ui_support import screen_text, wait_for_screen
from tui_reader.config import Config
from tui_reader.document import Block, Document, Span
from tui_reader.extract import EXTRACTOR_VERSION
from tui_reader.feeds.welcome import WELCOME_SETTING
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.links import LinksScreen

pytestmark = pytest.mark.hostile(category="links")

# A web link with every shell metacharacter: a shell would run `id` and touch a file.
GOOD = "https://ok.example/a;touch${IFS}pwned&b|c`id`$(id)'\"<x>"
BAD = {
    "javascript": "javascript:alert(document.cookie)",
    "javascript-case": "  JaVaScRiPt:alert(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file": "file:///etc/passwd",
    "no-host": "https:///etc/passwd",
    "control": "https://e.x/\x1b]0;PWNED\x07",
    "bidi": "https://bank.example\u202e/moc.live.www",
}
LINKS = [GOOD, *BAD.values()]


# -- recording the browser and every process started -----------------------------------------

_spawned: list[tuple[str, Any]] | None = None
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _spawned is not None and event in ("subprocess.Popen", "os.system", "os.posix_spawn"):
        _spawned.append((event, args))


@pytest.fixture
def processes() -> Iterator[list[tuple[str, Any]]]:
    """Every process started (subprocess, os.system, posix_spawn) while the test runs."""
    global _spawned, _hooked
    if not _hooked:  # (an audit hook cannot be removed: it records only while a test asks)
        sys.addaudithook(_audit)
        _hooked = True
    _spawned = []
    try:
        yield _spawned
    finally:
        _spawned = None


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The browser: a ``BROWSER`` command that appends the arguments it gets to a file."""
    record = tmp_path / "browser.jsonl"
    script = tmp_path / "browser.py"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"with open({str(record)!r}, 'a') as f:\n    f.write(json.dumps(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read BROWSER again
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.chdir(tmp_path)  # where a shell would have made "pwned"
    return record


def browser_calls(record: Path) -> list[list[str]]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


def fill(store: Store) -> list[int]:
    """One article per link (newest first in LINKS order); the first has a document whose
    text links to every one of them."""
    store.set_setting(WELCOME_SETTING, "1")
    feed, _ = store.add_feed("https://links.example/feed.xml", title="Links")
    store.upsert_entries(
        feed,
        [
            EntryData(guid=f"l{i}", url=url, title=f"Article {i}", published=1.7e9 - i * 60)
            for i, url in enumerate(LINKS)
        ],
    )
    ids = [a.id for a in store.list_articles()]
    words = " ".join(f"w{i}" for i in range(len(LINKS)))
    spans = tuple(
        Span(words.index(f"w{i}"), words.index(f"w{i}") + len(f"w{i}"), "link", url)
        for i, url in enumerate(LINKS)
    )
    doc = Document(title="Article 0", blocks=(Block("paragraph", words, spans=spans),))
    store.save_document(
        ids[0],
        doc_json=doc.to_json(),
        text=doc.text,
        version=EXTRACTOR_VERSION,
        source="page",
    )
    return ids


def messages(app: ReaderApp) -> list[str]:
    """Every notification the app was asked to show (recorded by :func:`recording`): the
    ones on screen expire (8 s for a warning), and on a loaded machine a test that opens
    seven links takes longer than that."""
    return list(getattr(app, "notified", [n.message for n in app._notifications]))


def recording(app: ReaderApp) -> ReaderApp:
    """Record every message passed to ``app.notify``, then show it as usual."""
    notified: list[str] = []
    show = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        notified.append(message)
        show(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    app.notified = notified  # type: ignore[attr-defined]
    return app


def assert_no_shell(processes: list[tuple[str, Any]], script: Path, tmp_path: Path) -> None:
    for event, args in processes:
        assert event == "subprocess.Popen", (event, args)
        executable, argv = args[0], list(args[1])
        assert Path(str(executable)).name == script.name or argv[0] == str(script), argv
    assert not (tmp_path / "pwned").exists()


async def test_o_opens_only_web_links_and_never_through_a_shell(
    paths: Paths, store: Store, tmp_path: Path, opened: Path, processes: list[tuple[str, Any]]
) -> None:
    fill(store)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert [a.url for a in screen.articles.articles] == LINKS
        for i in range(len(LINKS)):
            screen.articles.move_cursor(i)
            await pilot.press("o")
            await settle(pilot)
        assert app.is_running
        shown = messages(app)
        refused = [m for m in shown if m.startswith("Only http(s) links open in a browser")]
        assert len(refused) == len(BAD), shown
    assert browser_calls(opened) == [[GOOD]]  # exactly one argument: no shell split it
    assert_no_shell(processes, tmp_path / "browser.py", tmp_path)


async def test_the_links_list_opens_only_web_links(
    paths: Paths, store: Store, tmp_path: Path, opened: Path, processes: list[tuple[str, Any]]
) -> None:
    fill(store)
    app = recording(ReaderApp(paths, Config()))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the first article: its links
        await settle(pilot)
        for n in range(1, len(LINKS) + 1):
            await pilot.press("f")
            await wait_for_screen(pilot, LinksScreen)
            assert isinstance(app.screen, LinksScreen)
            assert app.screen.links == LINKS
            if n == 1:
                listed = screen_text(app)
                assert listed.count("not a web link: will not open") == len(BAD), listed
            await pilot.press(*str(n), "enter")
            await settle(pilot)
        assert app.is_running
        refused = [m for m in messages(app) if m.startswith("Only http(s)")]
        assert len(refused) == len(BAD), messages(app)
    assert browser_calls(opened) == [[GOOD]]
    assert_no_shell(processes, tmp_path / "browser.py", tmp_path)


async def test_hostile_links_are_shown_clean(paths: Paths, store: Store) -> None:
    fill(store)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        for i in range(len(LINKS)):
            screen.articles.move_cursor(i)
            await pilot.press("o")
        await settle(pilot)
        assert not forbidden_in(screen_text(app)), "a notification"
        await pilot.press("g", "enter", "f")
        await wait_for_screen(pilot, LinksScreen)
        assert not forbidden_in(screen_text(app)), "the links list"


async def test_y_copies_links_as_clean_text(paths: Paths, store: Store) -> None:
    fill(store)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        copied = []
        for i in range(len(LINKS)):
            screen.articles.move_cursor(i)
            await pilot.press("y")
            copied.append(app.clipboard)
        assert copied[0] == GOOD
        assert copied[1] == BAD["javascript"]  # copying runs nothing: any link may be copied
        for text in copied:
            assert text and not forbidden_in(text), repr(text)
        assert app.is_running
