"""UI benchmark: the reading app in headless Textual, against a store of 100,000 articles.

Prints, each as a median of several runs:

- a 20,000-word article to first screen in the reading pane (target ≤ 80 ms);
- start-up to first screen (article list filled) with 100,000 articles in the store, against a
  bare Textual app measured in the same run (target ≤ 1.3 × the bare app): whole processes, the
  reader started through the ``tui-reader`` command's entry, as a person starts it;
- a 10,000-article feed's list to first paint (target ≤ 50 ms);
- a full-text search over 100,000 articles (target ≤ 50 ms).

Run: ``.venv/bin/python bench/ui_bench.py`` (the store is built once, about half a minute, and
kept in bench/results/). The machine is shared and noisy: compare the ratios, not the times.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 40)


class _AfterImport:
    """Calls ``then(module)`` right after ``name`` is first imported (a meta-path finder), so
    the child can adjust Textual without importing it earlier than the command would."""

    def __init__(self, name: str, then: Callable[[Any], None]) -> None:
        self.name = name
        self.then = then

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        from importlib.machinery import PathFinder

        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def run(module: Any) -> None:
            exec_module(module)
            self.then(module)

        spec.loader.exec_module = run  # type: ignore[method-assign]
        return spec


def _child(kind: str) -> int:
    """One start-up, in its own process, as a person starts it. The reader: the
    ``tui-reader`` command's own entry (``tui_reader.cli.main`` with no arguments: its config,
    store checks and first screen) on a home whose database is the benchmark's store. The
    reference: a bare Textual app with a label and a footer. Both run by ``App.run``, made
    headless at SIZE, and exit on the first frame that shows the screen (the reader's: its
    article list filled and drawn)."""
    import signal

    signal.alarm(30)  # never hang the benchmark

    def adjust(textual_app: Any) -> None:
        app_class = textual_app.App
        run = app_class.run
        display = app_class._display

        def headless_run(app: Any, **_: Any) -> Any:
            return run(app, headless=True, size=SIZE)

        def _display(app: Any, screen: Any, renderable: Any) -> None:
            display(app, screen, renderable)
            if not app._exit and _shown(app):
                app.exit()

        app_class.run = headless_run
        app_class._display = _display

    def _shown(app: Any) -> bool:
        if kind == "bare":
            return True
        from tui_reader.ui.screens.main import MainScreen  # imported by now

        screen = app.screen_stack[0] if app.screen_stack else None
        if not isinstance(screen, MainScreen) or not screen.articles.articles:
            return False
        return bool(screen.articles._strips)  # its rows were drawn

    sys.meta_path.insert(0, _AfterImport("textual.app", adjust))
    if kind == "bare":
        from textual.app import App
        from textual.widgets import Footer, Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("Hello")
                yield Footer()

        Bare().run()
        return 0
    from tui_reader.cli import main

    sys.argv = ["tui-reader"]
    return main()


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(_child(sys.argv[2]))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Footer, Static  # noqa: E402
from textual.worker import WorkerCancelled  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.conftest import long_document  # noqa: E402

from tui_reader.config import Config  # noqa: E402
from tui_reader.extract import EXTRACTOR_VERSION  # noqa: E402
from tui_reader.models import EntryData  # noqa: E402
from tui_reader.paths import get_paths  # noqa: E402
from tui_reader.store import Store  # noqa: E402
from tui_reader.ui.app import ReaderApp  # noqa: E402
from tui_reader.ui.screens.main import MainScreen  # noqa: E402
from tui_reader.ui.sources import ListSource, feed_source  # noqa: E402
from tui_reader.ui.widgets.article_list import ArticleList  # noqa: E402
from tui_reader.ui.widgets.reading_pane import ReadingPane  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STORE_VERSION = 2
ARTICLES = 100_000
BIG_FEED = 10_000
FEEDS = 20
RUNS = 7


def _vocabulary(rnd: random.Random, n: int = 6000) -> list[str]:
    syllables = re.findall(r"\w+", "ka lo mi ne ru ta so vi de pa gu ber lin tor mas qua zen fi ro")
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))))
    return sorted(words)


def build_store(path: Path) -> None:
    """100,000 articles in 20 feeds (one of 10,000), with Zipf-distributed words for search."""
    rnd = random.Random(42)
    vocab = _vocabulary(rnd)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    with Store.open(path) as store:
        from tui_reader.feeds.welcome import WELCOME_SETTING

        store.set_setting(WELCOME_SETTING, "1")
        feeds = [
            store.add_feed(f"https://feed{i}.example/rss", title=f"Feed {i}", folder=f"F{i % 4}")[0]
            for i in range(FEEDS)
        ]
        rest = (ARTICLES - BIG_FEED) // (FEEDS - 1)
        with store.transaction() as conn:
            for n, feed in enumerate(feeds):
                count = BIG_FEED if n == 0 else rest + (1 if n <= (ARTICLES - BIG_FEED) % 19 else 0)
                entries = []
                for j in range(count):
                    words = rnd.choices(vocab, weights, k=150)
                    text = " ".join(words)
                    entries.append(
                        EntryData(
                            guid=f"{n}-{j}",
                            url=f"https://feed{n}.example/{j}",
                            title=" ".join(rnd.choices(vocab, weights, k=7)).capitalize(),
                            published=1.7e9 - rnd.random() * 3e7,
                            summary=text[:300],
                            text=text,
                        )
                    )
                store.upsert_entries(feed, entries, conn=conn)


def store_path() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"ui_bench_v{STORE_VERSION}.sqlite3"
    if not path.exists():
        print(f"building {path.name} ({ARTICLES:,} articles)...", flush=True)
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        for old in tmp.parent.glob(tmp.name + "*"):
            old.unlink()
        build_store(tmp)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.rename(path)
        print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


class Bare(App[None]):
    """The reference: a bare Textual app with a label and a footer."""

    def compose(self) -> ComposeResult:
        yield Static("Hello")
        yield Footer()


class Frames:
    """When frames reach the (headless) terminal, and what they showed.

    ``wait(check)`` returns the time of the first frame output after ``check()`` became true
    while drawing: a measure of "on screen" that does not include Pilot's idle waits.
    ``first`` is the time of the first frame output after ``arm``, whatever it showed."""

    def __init__(self) -> None:
        self.ready = False
        self.needs_draw = False
        self.check: Callable[[], bool] = lambda: False
        self.shown: float | None = None
        self.first: float | None = None

    def install(self) -> None:
        frames = self
        display = App._display
        pane_line = ReadingPane.render_line
        list_line = ArticleList.render_line

        def _display(app: App[object], screen: Any, renderable: Any) -> None:
            display(app, screen, renderable)
            if frames.first is None:
                frames.first = time.perf_counter()
            done = frames.ready if frames.needs_draw else frames.check()
            if frames.shown is None and done:
                frames.shown = time.perf_counter()

        def watch(original: Any) -> Any:
            def render_line(widget: Any, y: int) -> Any:
                strip = original(widget, y)
                if not frames.ready and frames.check():
                    frames.ready = True
                return strip

            return render_line

        App._display = _display  # type: ignore[method-assign]
        ReadingPane.render_line = watch(pane_line)  # type: ignore[method-assign]
        ArticleList.render_line = watch(list_line)  # type: ignore[method-assign]

    def arm(self, check: Callable[[], bool], *, needs_draw: bool = True) -> None:
        """Wait for a frame drawn once ``check()`` holds (``needs_draw``: drawn by the reading
        pane or the article list), or for any frame once it holds."""
        self.needs_draw = needs_draw
        self.ready = False
        self.shown = None
        self.first = None
        self.check = check

    async def wait(self, limit: float = 10.0) -> float:
        end = time.perf_counter() + limit
        while self.shown is None:
            if time.perf_counter() > end:
                raise TimeoutError("the screen did not get there")
            await asyncio.sleep(0.0005)
        return self.shown


FRAMES = Frames()


async def _until(pilot: object, check: Callable[[], bool], limit: float = 10.0) -> None:
    end = time.perf_counter() + limit
    while not check():
        if time.perf_counter() > end:
            raise TimeoutError("the screen did not get there")
        await pilot.pause(0.001)  # type: ignore[attr-defined]


async def _settle(app: App[None]) -> None:
    with contextlib.suppress(WorkerCancelled):  # replaced by a newer one: fine
        await app.workers.wait_for_complete()


def _main(app: ReaderApp) -> MainScreen:
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise LookupError("no main screen")


def time_processes(db: Path) -> tuple[float, float]:
    """Whole processes, interleaved: (bare app, reader) from launch to first screen and exit.
    The reader's home (``TUI_READER_HOME``) gets the benchmark's store as its database."""
    import subprocess

    data = get_paths().data_dir
    data.mkdir(parents=True, exist_ok=True)
    get_paths().database.symlink_to(db.resolve())

    def once(kind: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", kind], check=True)
        return time.perf_counter() - t0

    once("bare")
    once("reader")
    bare, reader = [], []
    for _ in range(RUNS):
        bare.append(once("bare"))
        reader.append(once("reader"))
    return statistics.median(bare), statistics.median(reader)


async def time_bare() -> tuple[float, float]:
    """(first frame, start and exit)."""
    t0 = time.perf_counter()
    FRAMES.arm(lambda: True, needs_draw=False)
    app = Bare()
    async with app.run_test(size=SIZE):
        first = await FRAMES.wait() - t0
    return first, time.perf_counter() - t0


async def time_reader(paths_db: Path) -> tuple[float, float, float]:
    """(first frame, first frame with the article list filled, start and exit). Both frames
    are watched from the start: the first frame may already show the list."""
    t0 = time.perf_counter()
    app = ReaderApp(get_paths(), Config(), store_path=paths_db)
    FRAMES.arm(lambda: _rows(app) > 0)  # a frame the article list drew with its rows in
    async with app.run_test(size=SIZE):
        filled = await FRAMES.wait() - t0
        assert FRAMES.first is not None
        first = FRAMES.first - t0
    return first, filled, time.perf_counter() - t0


def _rows(app: ReaderApp) -> int:
    try:
        return len(_main(app).articles.articles)
    except LookupError:
        return 0


async def time_article(paths_db: Path, words: int) -> tuple[float, float, int]:
    """Open a stored 20,000-word article: (store → first screen, layout only, lines)."""
    doc = long_document(words)
    with Store.open(paths_db) as store:
        article = store.list_articles(limit=1)[0]
        store.save_document(
            article.id,
            doc_json=doc.to_json(),
            text=doc.text,
            version=EXTRACTOR_VERSION,
            source="page",
        )
    app = ReaderApp(get_paths(), Config(), store_path=paths_db)
    opened: list[float] = []
    layout: list[float] = []
    lines = 0
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: _rows(app) > 0)
        await _settle(app)
        screen = _main(app)
        pane = screen.pane
        for _ in range(RUNS):
            pane.clear()
            await pilot.pause()
            FRAMES.arm(lambda: pane.document is not None and pane.document.title == doc.title)
            t0 = time.perf_counter()
            screen.open_article(article)  # store read, JSON → Document, layout
            opened.append(await FRAMES.wait() - t0)
            rendered = pane.rendered
            assert rendered is not None and pane._strips, "nothing was drawn"
            lines = len(rendered.lines)
            t0 = time.perf_counter()
            pane._relayout()
            layout.append(time.perf_counter() - t0)
    return statistics.median(opened), statistics.median(layout), lines


async def time_feed_list(paths_db: Path) -> float:
    app = ReaderApp(get_paths(), Config(), store_path=paths_db)
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: _rows(app) > 0)
        await _settle(app)
        screen = _main(app)
        big = next(f for f in screen.feeds.feeds if f.total == BIG_FEED)
        other = next(f for f in screen.feeds.feeds if f.total != BIG_FEED)
        for _ in range(RUNS):
            screen.load_articles(feed_source(other.id, other.display_title))
            await _settle(app)
            await pilot.pause()
            source = feed_source(big.id, big.display_title)
            FRAMES.arm(partial(_showing, screen, source))
            t0 = time.perf_counter()
            screen.load_articles(source)
            times.append(await FRAMES.wait() - t0)
    return statistics.median(times)


def _showing(screen: MainScreen, source: ListSource) -> bool:
    return screen.articles.source == source and bool(screen.articles.articles)


def time_search(paths_db: Path) -> list[tuple[str, float, int]]:
    out = []
    with Store.open(paths_db) as store:
        sample = store.list_articles(limit=50)
        queries = [
            sample[3].title.split()[2],
            sample[7].title.split()[1],
            '"' + sample[9].title + '"',
        ]
        queries.append(" ".join(sample[11].title.split()[:2]))
        for query in queries:
            runs = []
            hits = 0
            for _ in range(RUNS):
                t0 = time.perf_counter()
                hits = len(store.search(query))
                runs.append(time.perf_counter() - t0)
            out.append((query, statistics.median(runs), hits))
    return out


async def main() -> None:
    FRAMES.install()
    db = store_path()
    with tempfile.TemporaryDirectory() as home:
        os.environ["TUI_READER_HOME"] = home  # nothing touches the user's data
        # Warm up imports and caches once.
        await time_bare()
        await time_reader(db)

        bare: list[tuple[float, float]] = []
        reader: list[tuple[float, float, float]] = []
        for _ in range(RUNS):  # interleaved, so both see the same machine load
            bare.append(await time_bare())
            reader.append(await time_reader(db))
        bf = statistics.median(b[0] for b in bare)
        bt = statistics.median(b[1] for b in bare)
        rf = statistics.median(r[0] for r in reader)
        rl = statistics.median(r[1] for r in reader)
        rt = statistics.median(r[2] for r in reader)

        opened, layout, lines = await time_article(db, 20_000)
        feed = await time_feed_list(db)
    searches = time_search(db)
    with tempfile.TemporaryDirectory() as home:
        os.environ["TUI_READER_HOME"] = home
        process_bare, process_reader = time_processes(db)

    ms = 1000
    print(f"UI benchmark (medians of {RUNS} runs, headless {SIZE[0]}x{SIZE[1]})")
    print(f"  20,000-word article, store to first screen:  {opened * ms:6.1f} ms  (target <= 80)")
    print(f"    of which laying out its {lines} lines:       {layout * ms:6.1f} ms")
    print("  start-up, whole process: launch, first screen, exit (as the issue measured):")
    print(f"    bare Textual app (label + footer)     {process_bare * ms:6.1f} ms")
    print(f"    tui-reader, {ARTICLES:,} articles, list shown {process_reader * ms:6.1f} ms")
    print(f"    ratio to the bare app: {process_reader / process_bare:5.2f} x  (target <= 1.3)")
    print("  in-process start-up (app object to frame on the terminal), bare app:")
    print(f"    first frame {bf * ms:6.1f} ms; start, first frame, exit {bt * ms:6.1f} ms")
    print(f"  start-up, the reader with {ARTICLES:,} articles:")
    print(f"    first frame {rf * ms:6.1f} ms; article list shown {rl * ms:6.1f} ms")
    print(f"    start, article list shown, exit {rt * ms:6.1f} ms")
    print(f"    ratios to the bare app: first frame {rf / bf:.2f} x; with exit {rt / bt:.2f} x")
    print(f"  {BIG_FEED:,}-article feed's list to first paint: {feed * ms:6.1f} ms  (target <= 50)")
    for query, seconds, hits in searches:
        print(f"  search {query!r:<40} {seconds * ms:6.1f} ms  {hits:>3} hits (target <= 50)")


if __name__ == "__main__":
    asyncio.run(main())
