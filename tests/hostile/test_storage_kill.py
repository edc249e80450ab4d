"""kill -9 during a refresh, a highlight save and an export, many times over, and two
processes refreshing and annotating at once. Each child prints what it has saved (only after
the store committed it); after the kill the database opens, passes ``integrity_check``, and
holds everything that was printed. Export folders hold only complete files (and, at worst, the
exporter's own hidden temporary files, which the next export ignores)."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import rss_doc
from tui_reader.export import export_many
from tui_reader.export.files import index_folder
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="storage")

ITERATIONS = 12
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Child:
    proc: subprocess.Popen[str]
    lines: list[str]
    reader: threading.Thread

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(line.startswith(text) for line in self.lines):
                return
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.005)
        raise AssertionError(f"child never said {text!r}: {self.lines[-5:]} {self.stderr()}")

    def kill(self) -> bool:
        """SIGKILL the child's whole process group (it and its parser processes); whether
        it was still running."""
        running = self.proc.poll() is None
        if running:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        self.reader.join(timeout=20)
        return running

    def stderr(self) -> str:
        return self.proc.stderr.read() if self.proc.stderr and self.proc.poll() is not None else ""


def _spawn(args: list[str]) -> Child:
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes its workers too
        cwd=REPO,
        env=dict(os.environ),
    )
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return Child(proc, lines, reader)


def _python(code: str, *args: str) -> Child:
    return _spawn([sys.executable, "-c", textwrap.dedent(code), *args])


def _integrity(path: Path) -> None:
    store = Store.open(path)  # recovers the WAL, as the next start would
    try:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()


# -- refresh ------------------------------------------------------------------------------------

REFRESH_CHILD = """
    import sys
    from pathlib import Path
    from tui_reader.config import Config, RefreshConfig
    from tui_reader.feeds.refresh import refresh

    def progress(p):
        print(f"{p.feed.id} {p.outcome}", flush=True)  # called after the result is committed

    print("ready", flush=True)
    config = Config(refresh=RefreshConfig(timeout=10.0, concurrency=2, per_host=2))
    refresh(Path(sys.argv[1]), config, progress=progress)
    print("done", flush=True)
"""


def test_kill_during_refresh(server: TestServer, store: Store) -> None:
    feeds = 12
    per_feed = 30
    current = {"round": 0}

    def serve(h: BaseHTTPRequestHandler) -> None:
        n = h.path.strip("/").split(".")[0]
        items = "".join(
            f"<item><guid>{current['round']}-{n}-{i}</guid><title>Round {current['round']}"
            f" item {i}</title><link>https://example.org/{current['round']}/{n}/{i}</link>"
            f"<description>{'Some words of the article. ' * 30}</description></item>"
            for i in range(per_feed)
        )
        body = rss_doc(items)
        time.sleep(0.04 * (int(n) % 5))  # results arrive spread out, in several batches
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    ids = []
    for n in range(feeds):
        feed, _ = store.add_feed(server.route(f"/{n}.xml", serve))
        ids.append(feed.id)
    # A first refresh, left to finish, shows when results start to be stored and when it
    # ends; the kills are spread over that window (kill times, not a timing assertion).
    current["round"] = -1
    child = _python(REFRESH_CHILD, str(store.path))
    child.wait_for("ready")
    started = time.monotonic()
    first = None
    while child.proc.poll() is None:
        assert time.monotonic() < started + 120, "the refresh left to finish never ended"
        if first is None and any(" new " in line for line in child.lines):
            first = time.monotonic() - started
        time.sleep(0.002)
    child.kill()
    total = time.monotonic() - started
    first = first if first is not None else total / 2
    saved: dict[int, int] = {}  # feed id -> articles reported stored, over all rounds
    for line in child.lines:
        m = re.fullmatch(r"(\d+) new (\d+)", line)
        if m:
            saved[int(m.group(1))] = int(m.group(2))
    rng = random.Random(7)
    killed = partial = 0
    for k in range(ITERATIONS):
        current["round"] = k
        child = _python(REFRESH_CHILD, str(store.path))
        child.wait_for("ready")
        time.sleep(rng.uniform(first * 0.5, first + (total - first) * 0.9))
        was_running = child.kill()
        killed += was_running
        partial += was_running and any(" new " in line for line in child.lines)
        for line in child.lines:
            m = re.fullmatch(r"(\d+) new (\d+)", line)
            if m:
                assert int(m.group(2)) == per_feed
                saved[int(m.group(1))] = saved.get(int(m.group(1)), 0) + per_feed
        _integrity(store.path)
        for feed_id, count in saved.items():
            stored = store.conn.execute(
                "SELECT COUNT(*) FROM articles WHERE feed_id = ?", (feed_id,)
            ).fetchone()[0]
            assert stored >= count, (k, feed_id, stored, count)  # nothing reported is lost
        guids = store.conn.execute("SELECT COUNT(*), COUNT(DISTINCT guid) FROM articles")
        rows, distinct = guids.fetchone()
        assert rows == distinct  # no article stored twice
    assert killed >= ITERATIONS // 3, "the kills should land while refreshing"
    assert partial >= 1, "some kills should land between two stored batches"
    assert sum(saved.values()) > 0


# -- highlights ---------------------------------------------------------------------------------

HIGHLIGHT_CHILD = """
    import sys
    from pathlib import Path
    from tui_reader.reader import add_highlight
    from tui_reader.store import Store

    store = Store.open(Path(sys.argv[1]))
    article_id, text = int(sys.argv[2]), sys.argv[3]
    print("ready", flush=True)
    for i in range(100_000):
        start = (i * 7) % (len(text) - 20)
        h = add_highlight(store, article_id, text, start, start + 12, "key point",
                                tags=[f"t{i}"], note=f"note {i}")
        print(f"highlight {h.id} {i}", flush=True)  # add_highlight returns after COMMIT
        store.update_highlight(h.id, note=f"edited {i}")
        print(f"edited {h.id} {i}", flush=True)
        store.set_article_note(article_id, f"article note {i}")
        print(f"note {i}", flush=True)
"""


def _article(store: Store) -> int:
    feed, _ = store.add_feed("https://example.org/feed.xml")
    store.upsert_entries(feed, [EntryData(guid="a", url="https://example.org/a", title="A")])
    (article,) = store.list_articles(feed_id=feed.id)
    return article.id


def test_kill_during_highlight_saves(store: Store) -> None:
    text = " ".join(f"word{n}" for n in range(400))
    article_id = _article(store)
    rng = random.Random(11)
    promised: dict[str, str] = {}  # highlight id -> the note the screen showed as saved
    killed = 0
    for _ in range(ITERATIONS):
        child = _python(HIGHLIGHT_CHILD, str(store.path), str(article_id), text)
        child.wait_for("ready")
        time.sleep(rng.uniform(0.0, 0.3))
        killed += child.kill()
        last_note = None
        for line in child.lines:
            kind, *rest = line.split()
            if kind == "highlight":
                promised[rest[0]] = f"note {rest[1]}"
            elif kind == "edited":
                promised[rest[0]] = f"edited {rest[1]}"
            elif kind == "note":
                last_note = int(rest[0])
        _integrity(store.path)
        for hid, note in promised.items():
            h = store.get_highlight(hid)
            assert h is not None, hid
            # Saved as printed, or (killed between commit and print) one step further.
            assert h.note == note or (note.startswith("note") and h.note.startswith("edited"))
        if last_note is not None:
            assert store.get_article_note(article_id) in (
                f"article note {last_note}",
                f"article note {last_note + 1}",
            )
    assert killed == ITERATIONS
    assert len(promised) > ITERATIONS


# -- export -------------------------------------------------------------------------------------


def _annotated(store: Store, articles: int) -> list[int]:
    feed, _ = store.add_feed("https://example.org/export.xml")
    entries = [
        EntryData(guid=f"e{n}", url=f"https://example.org/e{n}", title=f"Exported article {n}")
        for n in range(articles)
    ]
    store.upsert_entries(feed, entries)
    ids = []
    text = "One sentence of the article. " * 40
    for article in store.list_articles(feed_id=feed.id):
        for start in (0, 30, 60):
            add_highlight(store, article.id, text, start, start + 20, "key point", note="n")
        store.set_article_note(article.id, f"Note of {article.title}")
        ids.append(article.id)
    return ids


_EXPORTED = re.compile(r"^exported: .*$", re.M)


def _md_files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*.md") if not p.name.startswith("."))


def test_kill_during_export(store: Store, tmp_path: Path) -> None:
    articles = 60
    _annotated(store, articles)
    reference = tmp_path / "reference"
    export_many(store, reference)
    expected = {
        aid: _EXPORTED.sub("", path.read_text(encoding="utf-8"))
        for aid, path in index_folder(reference).items()
    }
    assert len(expected) == articles
    # One export left to finish shows when files start to appear and when it ends; the
    # kills are spread over that window (kill times, not a timing assertion).
    probe = tmp_path / "probe"
    started = time.monotonic()
    child = _spawn([sys.executable, "-m", "tui_reader", "export", "--out", str(probe)])
    first = None
    while child.proc.poll() is None:
        assert time.monotonic() < started + 120, "the export left to finish never ended"
        if first is None and probe.exists() and any(_md_files(probe)):
            first = time.monotonic() - started
        time.sleep(0.002)
    child.kill()
    total = time.monotonic() - started
    first = first if first is not None else total / 2
    rng = random.Random(5)
    killed = partial = 0
    for k in range(ITERATIONS):
        out = tmp_path / f"export-{k}"
        child = _spawn([sys.executable, "-m", "tui_reader", "export", "--out", str(out)])
        time.sleep(rng.uniform(first * 0.8, first + (total - first) * 0.9))
        killed += child.kill()
        found = list(_md_files(out)) if out.exists() else []
        partial += 0 < len(found) < articles
        for path in found:  # every file there is whole: the old one or the new one
            text = _EXPORTED.sub("", path.read_text(encoding="utf-8"))
            assert text in expected.values(), f"half-written file {path}"
        leftovers = [p for p in out.rglob("*") if p.is_file() and p.suffix != ".md"]
        assert all(p.name.startswith(".tui-reader-") and p.suffix == ".tmp" for p in leftovers)
        if out.exists():  # the next export completes, ignoring its own leftovers
            export_many(store, out)
            assert len(list(_md_files(out))) == articles
            assert len(index_folder(out)) == articles
        _integrity(store.path)
    assert killed >= 1 and partial >= 1, (killed, partial)


# -- two processes at once ----------------------------------------------------------------------

BUSY_CHILD = """
    import sys
    from pathlib import Path
    from tui_reader.config import Config, RefreshConfig
    from tui_reader.feeds.refresh import refresh
    from tui_reader.reader import add_highlight
    from tui_reader.store import Store

    path, name = Path(sys.argv[1]), sys.argv[2]
    config = Config(refresh=RefreshConfig(timeout=10.0))
    store = Store.open(path)
    for round_ in range(3):
        summary = refresh(path, config)
        assert not summary.failed, summary.failed
        print(f"refreshed {round_} new {summary.new_articles}", flush=True)
        for article in store.list_articles()[:15]:
            text = "Shared text of the article, long enough to highlight. " * 3
            h = add_highlight(store, article.id, text, 0, 20, "key point", note=f"{name}")
            print(f"highlight {h.id}", flush=True)
        store.set_setting(f"last-{name}", str(round_))
    print("done", flush=True)
"""


def test_two_processes_refresh_and_annotate_at_once(server: TestServer, store: Store) -> None:
    for n in range(6):
        items = "".join(
            f"<item><guid>c{n}-{i}</guid><title>Item {i}</title>"
            f"<link>https://example.org/c{n}/{i}</link></item>"
            for i in range(40)
        )
        store.add_feed(server.route(f"/c{n}.xml", rss_doc(items)))
    children = [_python(BUSY_CHILD, str(store.path), name) for name in ("one", "two")]
    for child in children:
        assert child.proc.wait(timeout=120) == 0, child.stderr()
        child.reader.join(timeout=20)
        assert child.lines[-1] == "done"
        assert "Traceback" not in child.stderr() and "locked" not in child.stderr()
    _integrity(store.path)
    promised = [line.split()[1] for c in children for line in c.lines if line.startswith("high")]
    assert len(promised) == 2 * 3 * 15
    assert all(store.get_highlight(hid) is not None for hid in promised)
    total, distinct = store.conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT feed_id || ' ' || guid) FROM articles"
    ).fetchone()
    assert total == distinct == 6 * 40  # each entry stored once
    assert store.get_setting("last-one") == store.get_setting("last-two") == "2"


def test_store_survives_a_connection_left_open_by_a_killed_process(paths: Paths) -> None:
    """A process killed inside BEGIN IMMEDIATE leaves its lock behind only until the OS
    closes its file: the next writer waits, then gets on (no 'database is locked')."""
    paths.ensure()
    Store.open(paths.database).close()
    child = _python(
        """
        import sqlite3, sys, time
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE settings SET value = value")
        print("locked", flush=True)
        time.sleep(60)
        """,
        str(paths.database),
    )
    child.wait_for("locked")
    child.kill()
    store = Store.open(paths.database)
    try:
        store.set_setting("after-kill", "yes")
        assert store.get_setting("after-kill") == "yes"
    finally:
        store.close()
    conn = sqlite3.connect(paths.database)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
