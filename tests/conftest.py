"""Shared fixtures and helpers: an isolated environment (no real user data is ever touched), a
real SQLite store in a temp dir, a real HTTP server on 127.0.0.1, the fixed data the app's
tests read (``data``), and the steps every app test takes under Pilot (:func:`settle`,
:func:`main`, :func:`open_row`). Test modules import helpers from here, never from another
test module."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tests.httpserver import TestServer
from tests.tmux import Tmux
from tests.ttrss import TtRss
from tests.ttrss import running as ttrss_running
from tests.ttrss import unavailable as ttrss_unavailable
from tests.xdist_groups import pytest_xdist_make_scheduler  # noqa: F401 (the suite's scheduler)
from tui_reader.config import Config
from tui_reader.document import Block, Document, Span
from tui_reader.extract import EXTRACTOR_VERSION
from tui_reader.models import Article, EntryData
from tui_reader.paths import Paths, get_paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store

if TYPE_CHECKING:
    from tui_reader.ui.screens.main import MainScreen

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TUI_READER_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """Every test gets its own XDG folders under tmp_path."""
    monkeypatch.delenv("TUI_READER_HOME", raising=False)
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DOCUMENTS_DIR", "documents"),
    ):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / sub))
    return get_paths()


@pytest.fixture
def paths(isolated_env: Paths) -> Paths:
    return isolated_env


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    paths.ensure()
    s = Store.open(paths.database)
    yield s
    s.close()


@pytest.fixture
def server() -> Iterator[TestServer]:
    srv = TestServer().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def no_workers_left() -> Iterator[None]:
    """Documents are read in worker processes (tui_reader.budget); the pool shared by a
    process lives until it exits. Each test stops it, so no test sees another's workers."""
    yield
    from tui_reader.budget import close_shared_workers

    close_shared_workers()


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = Tmux()
    try:
        yield session
    finally:
        subprocess.run(
            ["tmux", "-L", session.socket, "kill-server"], capture_output=True, timeout=20
        )


# -- the fixed data of the app's tests ------------------------------------------------------
# Dates are fixed; every article has a stored document made by the current extractor, so
# opening one never touches the network unless a test wants it to.

BASE_TIME = 1_700_000_000.0  # 14 Nov 2023, 22:13 UTC
HOSTILE_TITLE = "[bold red]x[/] [@click=app.quit]click[/] \x1b[31mred\x1b[0m"


def rich_document(n: int = 0) -> Document:
    """A document with every kind of block and span."""
    para = (
        f"Article {n} opens here. The first paragraph has emphasis, strong text and code."
        " It links to the project page and to an archive. Then it ends."
    )
    em = para.index("emphasis")
    strong = para.index("strong text")
    code = para.index("code.")
    link1 = para.index("the project page")
    link2 = para.index("an archive")
    return Document(
        title=f"Document title {n}",
        byline="Ada Writer",
        site_name="Daily News",
        published="2023-11-14",
        url=f"https://news.example/{n}",
        blocks=(
            Block(
                "paragraph",
                para,
                spans=(
                    Span(em, em + 8, "em"),
                    Span(strong, strong + 11, "strong"),
                    Span(code, code + 4, "code"),
                    Span(link1, link1 + 16, "link", "https://project.example/"),
                    Span(link2, link2 + 10, "link", "javascript:alert(1)"),
                ),
            ),
            Block("heading", "A section heading", level=2),
            Block(
                "paragraph",
                "Second paragraph. Mr. Smith said it twice! Did he? Yes. Dr. Jones agreed."
                " The needle word zanzibar appears here once.",
            ),
            Block("list_item", "First point of the list.", level=0),
            Block("list_item", "Second point, nested.", level=1),
            Block("list_item", "Step one.", ordered=True, number=1),
            Block("quote", "A quoted passage that should carry a bar at its left."),
            Block("code", "def f(x):\n\treturn x * 2"),
            Block("figure", "A caption for the picture", src="https://news.example/p.png"),
            Block(
                "table",
                "Name Value Alpha 1 Beta 2",
                rows=(("Name", "Value"), ("Alpha", "1"), ("Beta", "2")),
            ),
            Block("paragraph", "The last paragraph of the article. It is short."),
        ),
    )


def long_document(words: int, *, seed: int = 7) -> Document:
    """A long article (``words`` words) of styled paragraphs, headings, lists and quotes."""
    import random

    rnd = random.Random(seed)
    vocab = re.findall(
        r"\w+",
        "the reader of news and notes was in a quiet room where every sentence mattered more"
        " than speed because close reading takes time and attention to detail",
    )
    blocks: list[Block] = []
    count = 0
    k = 0
    while count < words:
        k += 1
        if k % 10 == 1:
            blocks.append(Block("heading", f"Part {k}", level=2))
            continue
        if k % 10 == 5:
            text = " ".join(rnd.choice(vocab) for _ in range(14)) + "."
            blocks.append(Block("list_item", text.capitalize()))
            count += 14
            continue
        if k % 10 == 8:
            text = " ".join(rnd.choice(vocab) for _ in range(30)) + "."
            blocks.append(Block("quote", text.capitalize(), level=1))
            count += 30
            continue
        sentences = []
        for _ in range(rnd.randint(3, 6)):
            ws = [rnd.choice(vocab) for _ in range(rnd.randint(8, 22))]
            sentences.append(" ".join(ws).capitalize() + ".")
        text = " ".join(sentences)
        count += len(text.split())
        spans = (
            Span(0, 3, "strong"),
            Span(10, 20, "em"),
            Span(25, 35, "link", f"https://example.com/{k}"),
        )
        blocks.append(Block("paragraph", text, spans=spans if len(text) > 40 else ()))
    return Document(title="A long article", byline="Long Writer", blocks=tuple(blocks))


def save_doc(store: Store, article_id: int, doc: Document) -> None:
    store.save_document(
        article_id,
        doc_json=doc.to_json(),
        text=doc.text,
        version=EXTRACTOR_VERSION,
        source="page",
    )


@dataclass
class Data:
    paths: Paths
    store: Store
    news: int
    tech: int
    broken: int
    hostile: int
    articles: dict[str, int] = field(default_factory=dict)  # name -> id

    def app(self, config: Config | None = None, **kw: object):  # type: ignore[no-untyped-def]
        from tui_reader.ui.app import ReaderApp

        return ReaderApp(self.paths, config or Config(), **kw)  # type: ignore[arg-type]


def fill_store(paths: Paths, store: Store) -> Data:
    from tui_reader.feeds.welcome import WELCOME_SETTING

    store.set_setting(WELCOME_SETTING, "1")  # no welcome feed: fixed data only
    news, _ = store.add_feed("https://news.example/feed.xml", title="Daily News", folder="News")
    tech, _ = store.add_feed("https://tech.example/feed.xml", title="Tech Notes")
    broken, _ = store.add_feed("https://broken.example/feed.xml", title="Broken Feed")
    store.record_fetch(broken.id, status="error", error="HTTP 500 Internal Server Error")
    hostile, _ = store.add_feed("https://hostile.example/feed.xml", title=HOSTILE_TITLE)
    data = Data(paths, store, news.id, tech.id, broken.id, hostile.id)
    store.upsert_entries(
        news,
        [
            EntryData(
                guid=f"news-{i}",
                url=f"https://news.example/{i}",
                title=f"News story {i}",
                author="Ada Writer",
                published=BASE_TIME - i * 3600,
                summary=f"<p>Summary of story {i}.</p>",
            )
            for i in range(5)
        ],
    )
    store.upsert_entries(
        tech,
        [
            EntryData(
                guid=f"tech-{i}",
                url=f"https://tech.example/{i}",
                title=f"Tech note {i}",
                published=BASE_TIME - 1800 - i * 7200,
                summary=f"<p>Tech summary {i}.</p>",
            )
            for i in range(3)
        ],
    )
    store.upsert_entries(
        hostile,
        [
            EntryData(
                guid="hostile-1",
                url="https://hostile.example/1",
                title=HOSTILE_TITLE,
                published=BASE_TIME - 100_000,
                summary="<p>[bold]not bold[/bold] [@click=app.quit]no click[/]</p>",
            )
        ],
    )
    for article in store.list_articles():
        name = article.title
        data.articles[name] = article.id
        if article.feed_id == hostile.id:
            doc = Document(
                title=HOSTILE_TITLE,
                blocks=(Block("paragraph", "[bold]not bold[/bold] [@click=app.quit]no click[/]"),),
            )
        else:
            n = int(name.rsplit(" ", 1)[1])
            doc = rich_document(n)
        save_doc(store, article.id, doc)
    return data


@pytest.fixture
def data(paths: Paths, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Data]:
    """The fixed data in the test's store."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield fill_store(paths, store)
    time.tzset()


def highlight_needle(data: Data) -> None:
    """One highlight on "News story 0": the sentence with the needle word."""
    text = rich_document(0).text
    quote = "The needle word zanzibar appears here once."
    start = text.index(quote)
    add_highlight(
        data.store, data.articles["News story 0"], text, start, start + len(quote), "key point"
    )


# -- the app under Pilot --------------------------------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up (workers may start more workers)."""
    for _ in range(4):
        with contextlib.suppress(WorkerCancelled):  # replaced by a newer one: fine
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot: Pilot[Any], check: Callable[[], bool], seconds: float = 10) -> bool:
    """Let the app run (no key pressed) until ``check()`` holds; False if it never does."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        await pilot.pause(0.1)
    return check()


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Send keys as a terminal does for a paste or a fast typist: all at once, without waiting
    for the app between them (``pilot.press`` waits until the app is idle after each key),
    then let the app catch up."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        char: str | None = key if len(key) == 1 else None
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def main(app: App[Any]) -> MainScreen:
    """The app's main screen (under any dialog)."""
    from tui_reader.ui.screens.main import MainScreen

    screens = [s for s in app.screen_stack if isinstance(s, MainScreen)]
    assert screens, app.screen_stack
    return screens[0]


def titles(app: App[Any]) -> list[str]:
    """The titles in the article list, in order."""
    return [a.title for a in main(app).articles.articles]


async def open_row(pilot: Pilot[Any], row: int | None = 0, *keys: str) -> MainScreen:
    """The app-opening sequence: let the first screen settle, put the article list's cursor on
    ``row`` (None: where it is), press enter (the article opens, the pane has the focus), then
    ``keys``, and settle again."""
    await settle(pilot)
    screen = main(pilot.app)
    if row is not None:
        screen.articles.move_cursor(row)
    await pilot.press("enter", *keys)
    await settle(pilot)
    return screen


def opened(row: int | None = 0, *keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """:func:`open_row` as a snapshot's ``run_before``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_row(pilot, row, *keys)

    return run_before


# -- highlights: one short article ----------------------------------------------------------

HIGHLIGHT_PARAS = (
    "The council met on Tuesday to discuss the bridge.",
    "Members argued for hours about the cost of the project, which has doubled since the first"
    " estimate.",
    "The bridge is now expected to open in May.",
)
HIGHLIGHT_DOC = Document(
    title="Bridge", blocks=tuple(Block("paragraph", p) for p in HIGHLIGHT_PARAS)
)
HIGHLIGHT_TEXT = HIGHLIGHT_DOC.text


def span(quote: str) -> tuple[int, int]:
    start = HIGHLIGHT_TEXT.index(quote)
    return start, start + len(quote)


def add_article(store: Store, doc: Document = HIGHLIGHT_DOC, guid: str = "a1") -> Article:
    feed, _ = store.add_feed("http://x/feed")
    store.upsert_entries(feed, [EntryData(guid=guid, url=f"http://x/{guid}", title="Bridge")])
    article = next(a for a in store.list_articles(feed_id=feed.id) if a.guid == guid)
    store.save_document(
        article.id, doc_json=doc.to_json(), text=doc.text, version="1", source="feed"
    )
    return article


# -- pages ----------------------------------------------------------------------------------

HUGE_PAGE_PARA = (
    "<p>Ordinary prose with a <a href='/x{i}'>link</a> and <em>emphasis</em>, to read.</p>"
)


def huge_page_html(paragraphs: int = 40_000) -> bytes:
    """A legal page of a few MB that takes far longer than the budget to extract."""
    body = "".join(HUGE_PAGE_PARA.format(i=i) for i in range(paragraphs))
    return f"<html><head><title>Huge</title></head><body><article>{body}</article>".encode()


@pytest.fixture(scope="session")
def ttrss_server() -> Iterator[TtRss]:
    """A real Tiny Tiny RSS (tests/ttrss.py), one per test session (each test makes its own
    user). Its tests are in one xdist group: port 80 (the feed server) is one per machine."""
    reason = ttrss_unavailable()
    if reason:
        pytest.skip(reason)
    with ttrss_running() as server:
        yield server


# -- the feed parsers' two paths, side by side ---------------------------------------------


def parse_both(data: bytes, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """feedparser's result (the yardstick) and the lxml fast path's, on the same bytes (a
    FeedError as its one-line text)."""
    import tui_reader.feeds.parse as parse_module

    results: list[object] = []
    for fast in (False, True):
        monkeypatch.setattr(parse_module, "FAST_PATH", fast)
        try:
            results.append(parse_module.parse_feed(data, url))
        except parse_module.FeedError as exc:
            results.append(f"FeedError: {exc}")
    return results[0], results[1]


def fast_path_takes(data: bytes) -> bool:
    """Whether the fast path reads this document (rather than declining)."""
    import tui_reader.feeds.parse as parse_module
    from tui_reader.feeds.fastxml import read_fast
    from tui_reader.feeds.xmlsafe import neutralize

    fixed, warning = parse_module._fix_encoding(data)
    fixed, _ = neutralize(fixed)
    return not warning and read_fast(fixed) is not None
