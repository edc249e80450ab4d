"""UI benchmark: the reading app against stores of 100,000 and 1,000,000 articles.

Prints, each as a median of several runs:

- a 20,000-word article with 50 highlights to first screen in the reading pane, headless
  (target ≤ 25 ms);
- start-up as a person waits for it: the ``tui-reader`` command launched in a real terminal
  (tmux) until its article list is on the screen, against a bare Textual app (a label and a
  footer) launched the same way, interleaved in the same run, with a 100,000-article and a
  1,000,000-article store derived from the corpus (bench/corpus_store.py; targets ≤ 1.2 × and
  ≤ 1.3 ×);
- a 10,000-article feed's list to first paint (target ≤ 50 ms);
- full-text searches over 100,000 articles, the worst of them (target ≤ 20 ms, every query):
  on the corpus store its two commonest words alone and together, a two-letter prefix, title
  words and a phrase; on the synthetic store (Zipf words) title words and a phrase.

Run: ``.venv/bin/python bench/ui_bench.py`` (the synthetic store is built once, about half a
minute, and kept in bench/results/; the corpus stores once, a few minutes, under the temp dir).
The machine is shared and noisy: compare the ratios, not the times.

``--startup-only`` measures only the start-up in a terminal (``--runs N`` launches of each,
medians; ``--stores 100000,1000000`` which corpus stores), for quick before/after figures;
``--versus COMMAND`` adds another build's ``tui-reader`` (e.g. a worktree of main's
``.venv/bin/tui-reader``), launched in turn with the others: an A/B in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
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

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Footer, Static  # noqa: E402
from textual.worker import WorkerCancelled  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.conftest import long_document  # noqa: E402

from tui_reader.cli.reading import _collect_again  # noqa: E402
from tui_reader.config import Config  # noqa: E402
from tui_reader.extract import EXTRACTOR_VERSION  # noqa: E402
from tui_reader.models import EntryData  # noqa: E402
from tui_reader.paths import get_paths  # noqa: E402
from tui_reader.reader import add_highlight  # noqa: E402
from tui_reader.store import Store  # noqa: E402
from tui_reader.ui.app import ReaderApp  # noqa: E402
from tui_reader.ui.screens.main import MainScreen  # noqa: E402
from tui_reader.ui.session import session_path  # noqa: E402
from tui_reader.ui.sources import ListSource, feed_source  # noqa: E402
from tui_reader.ui.widgets.article_list import ArticleList  # noqa: E402
from tui_reader.ui.widgets.reading_pane import ReadingPane  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STORE_VERSION = 2
ARTICLES = 100_000
BIG_FEED = 10_000
FEEDS = 20
RUNS = 7
HIGHLIGHTS = 50
TERMINAL_RUNS = 11  # launches are noisy on a shared machine: more of them
CORPUS_STORES = (100_000, 1_000_000)


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
    from bench.corpus_store import _upgrade

    _upgrade(path)  # the migrations it lacks, without the app's backup
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


def _launched(paths_db: Path) -> ReaderApp:
    """The reader as the command launches it (cli/reading.py's ``_run``, as stall_bench does):
    no collections during start-up, then what start-up made is frozen once the list is shown.
    Without it a generation-2 pass over every object of this process (40-150 ms measured)
    could land in the middle of an open, which the command never does."""
    gc.disable()
    db = _no_session(paths_db)
    return ReaderApp(get_paths(), Config(), store_path=db, on_shown=_collect_again)


def _no_session(paths_db: Path) -> Path:
    """The store, with no place saved from an earlier app (ui/session.py): an app of this
    benchmark that lived long enough wrote one (the open article, the reading view), and the
    next app came back to it, the article list hidden: the list timing never saw its frame."""
    session_path(paths_db).unlink(missing_ok=True)
    return paths_db


def _main(app: ReaderApp) -> MainScreen:
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise LookupError("no main screen")


def time_terminal(
    db: Path, runs: int = TERMINAL_RUNS, versus: str | None = None
) -> tuple[float, float, str]:
    """Launch to screen in a real terminal (a private tmux server, SIZE): the bare app until
    its label shows, and ``tui-reader`` (the installed command, its home's database the
    benchmark's store) until the newest article's title shows in its list; interleaved,
    each ended once seen. Returns the medians (bare, reader) and the title looked for.
    ``versus``: another ``tui-reader`` command (another build, e.g. main's) launched in
    turn with them, for an A/B in the same run; its median is printed here."""
    import shutil

    from tests.tmux import COMMAND, Tmux, environment

    if not shutil.which("tmux"):
        raise SystemExit("tmux is needed for the start-up figures")
    with Store.open(db) as store:
        newest = store.list_articles(limit=1)[0]
    marker = " ".join(newest.display_title.split())[:14]
    with tempfile.TemporaryDirectory(prefix="ui-bench-tmux-") as tmp:
        env = environment(Path(tmp))
        env["TUI_READER_HOME"] = str(Path(tmp) / "reader")
        data = Path(tmp) / "reader" / "data"
        data.mkdir(parents=True)
        (data / "reader.sqlite3").symlink_to(db.resolve())
        tmux = Tmux()
        tmux.run("new-session", "-d", "-s", "idle", "-x", "20", "-y", "5", "sleep", "600")
        cmds = {
            "bare": ([sys.executable, str(ROOT / "bench" / "bare_app.py")], "bare-app-ready"),
            "reader": ([str(COMMAND)], marker),
        }
        if versus:
            cmds["versus"] = ([versus], marker)

        def once(kind: str, linger: float = 0.0) -> float:
            argv, text = cmds[kind]
            t0 = time.perf_counter()
            tmux.run(
                "new-session", "-d", "-s", "reader", "-x", str(SIZE[0]), "-y", str(SIZE[1]),
                "env", "-i", *[f"{k}={v}" for k, v in env.items()], *argv,
            )  # fmt: skip
            end = t0 + 30
            while text not in tmux.screen():
                if time.perf_counter() > end:
                    raise TimeoutError(f"{kind}: {text!r} never showed:\n{tmux.screen()}")
            seen = time.perf_counter() - t0
            time.sleep(linger)
            tmux.run("kill-session", "-t", "reader")
            time.sleep(0.3)  # let it go before the next launch
            return seen

        try:
            # Warm-up launches, left running a moment: what a first run writes once its
            # first screen is drawn (.pyc files, ui/csscache.py's rules) is written.
            for kind in cmds:
                once(kind, 1.5)
            times: dict[str, list[float]] = {kind: [] for kind in cmds}
            for i in range(runs):
                # Each kind in turn, the order reversed every other round.
                for kind in list(cmds) if i % 2 == 0 else reversed(list(cmds)):
                    times[kind].append(once(kind))
        finally:
            with contextlib.suppress(Exception):
                tmux.run("kill-server")
    bare, reader = statistics.median(times["bare"]), statistics.median(times["reader"])
    if versus:
        other = statistics.median(times["versus"])
        print(
            f"    A/B, {db.name}: this build {reader * 1000:.0f} ms ({reader / bare:.2f} x),"
            f" {versus} {other * 1000:.0f} ms ({other / bare:.2f} x), bare {bare * 1000:.0f} ms;"
            f" load average {os.getloadavg()[0]:.1f}"
        )
    return bare, reader, marker


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
    app = ReaderApp(get_paths(), Config(), store_path=_no_session(paths_db))
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


async def time_article(paths_db: Path, words: int) -> tuple[float, float, float, int]:
    """Open a stored 20,000-word article with HIGHLIGHTS highlights: (store → first screen,
    laying out what is shown first, laying out the rest (done in idle steps), lines)."""
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
        for old in store.list_highlights(article.id):
            store.delete_highlight(old.id)
        store.purge_deleted_highlights()
        colors = [c.name for c in Config().colors]
        step = len(doc.text) // HIGHLIGHTS
        for i in range(HIGHLIGHTS):  # spread over the article, a sentence-sized span each
            start = i * step + step // 3
            add_highlight(store, article.id, doc.text, start, start + 80, colors[i % len(colors)])
    app = _launched(paths_db)
    opened: list[float] = []
    layout: list[float] = []
    rest: list[float] = []
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
            assert pane.rendered is not None and pane._strips, "nothing was drawn"
            t0 = time.perf_counter()
            pane._relayout()
            layout.append(time.perf_counter() - t0)
            rendered = pane.rendered
            assert rendered is not None
            t0 = time.perf_counter()
            rendered.finish()
            rest.append(time.perf_counter() - t0)
            lines = len(rendered.lines)
    return statistics.median(opened), statistics.median(layout), statistics.median(rest), lines


async def time_feed_list(paths_db: Path) -> float:
    app = _launched(paths_db)
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


def search_queries(db: Path, synthetic: bool) -> list[str]:
    """The benchmark's queries on a store: words and a phrase from titles; on the corpus store
    also its two commonest words, alone and together (each way round), and a two-letter start
    of a common word (the last word of a query is matched as a prefix while typing)."""
    with Store.open(db) as store:
        sample = store.list_articles(limit=500)
        titled = [a.title for a in sample if len(re.findall(r"\w+", a.title)) >= 4]
        words = [re.findall(r"\w+", t) for t in titled]
        queries = [
            words[3][2],
            words[7][1],
            '"' + " ".join(words[9]) + '"',
            " ".join(words[11][:2]),
        ]
        if not synthetic:
            counts: dict[str, int] = {}
            for (text,) in store.conn.execute("SELECT search_text FROM articles LIMIT 2000"):
                for word in re.findall(r"[a-z]+", text.lower()):
                    counts[word] = counts.get(word, 0) + 1
            first, second = sorted(counts, key=counts.__getitem__, reverse=True)[:2]
            queries += [first, f"{first} {second}", f"{second} {first}", first[:2]]
    return queries


def time_search(db: Path, queries: list[str]) -> list[tuple[str, float, int]]:
    """Each query as the search screen runs it (Store.search, SEARCH_LIMIT hits, snippets)."""
    out = []
    with Store.open(db) as store:
        for query in queries:
            runs = []
            hits = 0
            for _ in range(RUNS):
                t0 = time.perf_counter()
                hits = len(store.search(query, limit=200))
                runs.append(time.perf_counter() - t0)
            out.append((query, statistics.median(runs), hits))
    return out


def print_terminal(terminal: dict[int, tuple[float, float, str]]) -> None:
    ms = 1000
    print("  start-up in a terminal (tmux): launch to the article list on screen")
    for n, (tb, tr, marker) in terminal.items():
        target = 1.2 if n <= 100_000 else 1.3
        print(
            f"    {n:>9,} articles: tui-reader {tr * ms:6.0f} ms, bare Textual app"
            f" {tb * ms:6.0f} ms: {tr / tb:4.2f} x  (target <= {target})  [{marker!r}]"
        )


def startup_only(runs: int, stores: list[int], versus: str | None = None) -> None:
    """Only the start-up figures: quicker, for before/after comparisons."""
    from bench.corpus_store import store_path as corpus_store

    terminal = {n: time_terminal(corpus_store(n), runs, versus) for n in stores}
    print(
        f"UI start-up benchmark (medians of {runs} launches each, {SIZE[0]}x{SIZE[1]});"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print_terminal(terminal)


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The UI benchmark (see the module's text).")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up figures")
    parser.add_argument("--runs", type=int, default=TERMINAL_RUNS, help="launches of each app")
    parser.add_argument(
        "--stores",
        type=lambda text: [int(n) for n in text.split(",")],
        default=list(CORPUS_STORES),
        help="corpus store sizes, comma-separated (default 100000,1000000)",
    )
    parser.add_argument(
        "--versus",
        metavar="COMMAND",
        help="with --startup-only: another tui-reader command (another build's, e.g."
        " main's .venv/bin/tui-reader) launched in turn with this one, for an A/B",
    )
    return parser.parse_args(argv)


async def main(runs: int = TERMINAL_RUNS) -> None:
    from bench.corpus_store import store_path as corpus_store

    FRAMES.install()
    db = store_path()
    corpus = {n: corpus_store(n) for n in CORPUS_STORES}
    terminal = {n: time_terminal(path, runs) for n, path in corpus.items()}
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
        rl = statistics.median(r[1] for r in reader)

        opened, layout, rest, lines = await time_article(db, 20_000)
        feed = await time_feed_list(db)
    searches = time_search(corpus[100_000], search_queries(corpus[100_000], False))
    searches += time_search(db, search_queries(db, True))

    ms = 1000
    print(
        f"UI benchmark (medians of {RUNS} runs, {SIZE[0]}x{SIZE[1]});"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print_terminal(terminal)
    print(
        f"  in-process (headless), synthetic {ARTICLES:,}: bare first frame {bf * ms:6.1f} ms,"
        f" reader list shown {rl * ms:6.1f} ms ({rl / bf:.2f} x)"
    )
    print(
        f"  20,000-word article, {HIGHLIGHTS} highlights, store to first screen:"
        f" {opened * ms:6.1f} ms  (target <= 25)"
    )
    print(f"    of which laying out its first screens:    {layout * ms:6.1f} ms")
    print(f"    then the rest of its {lines} lines, in idle steps: {rest * ms:6.1f} ms")
    print(f"  {BIG_FEED:,}-article feed's list to first paint: {feed * ms:6.1f} ms  (target <= 50)")
    print("  full-text search, 100,000 articles (corpus store, then the synthetic one):")
    for query, seconds, hits in searches:
        print(f"    {query[:40]!r:<42} {seconds * ms:6.1f} ms  {hits:>3} hits")
    worst = max(searches, key=lambda s: s[1])
    print(f"    worst: {worst[0][:40]!r} {worst[1] * ms:.1f} ms  (target <= 20, every query)")


if __name__ == "__main__":
    ARGS = arguments(sys.argv[1:])
    if ARGS.startup_only:
        startup_only(ARGS.runs, ARGS.stores, ARGS.versus)
    else:
        asyncio.run(main(ARGS.runs))
