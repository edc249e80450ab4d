"""The app's refresh runs in a child process (Reader.refresh_in_child, issue 17): progress
comes back, a child that dies mid-refresh is one error line and the app goes on, quitting
mid-refresh ends the child. Real parts: a feed server on 127.0.0.1, a SQLite file, the app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import ProgressBar

from tests.conftest import main, settle, titles, wait_for
from tests.httpserver import Response, TestServer
from tests.processes import group_members
from tui_reader.config import Config
from tui_reader.errors import ReaderError
from tui_reader.feeds.refresh import RefreshProgress
from tui_reader.feeds.welcome import WELCOME_SETTING
from tui_reader.models import Feed
from tui_reader.paths import Paths
from tui_reader.reader import Reader, RefreshFailed, RefreshSummary
from tui_reader.store import Store, StoreError
from tui_reader.ui import watch
from tui_reader.ui.app import ReaderApp

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>
<item><title>{title}</title><link>https://example.org/{guid}</link><guid>{guid}</guid>
</item></channel></rss>"""


@dataclass
class Held:
    """Two feeds: "Fast" answers at once; "Slow" says it was ``asked``, then answers only once
    ``release`` is set (a refresh waits for it meanwhile). Released when the test ends."""

    app: ReaderApp
    release: threading.Event
    asked: threading.Event


@pytest.fixture
def held(paths: Paths, store: Store, server: TestServer) -> Iterator[Held]:
    release, asked = threading.Event(), threading.Event()

    def hold() -> None:
        asked.set()
        release.wait(30)

    store.set_setting(WELCOME_SETTING, "1")
    fast = server.route("/fast.xml", FEED.format(name="Fast", title="Fast story", guid="fast-1"))
    store.add_feed(fast, title="Fast")
    slow = FEED.format(name="Slow", title="Slow story", guid="slow-1")
    store.add_feed(server.route("/slow.xml", Response(slow, wait=hold)), title="Slow")
    try:
        yield Held(ReaderApp(paths, Config()), release, asked)
    finally:
        release.set()


def _group_gone(pgid: int, seconds: float = 10.0) -> bool:
    """Whether process group ``pgid`` is empty (killed members are reaped by init: soon)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


async def test_a_refresh_child_killed_mid_refresh_is_one_error_line_and_the_app_goes_on(
    held: Held,
) -> None:
    app, release, asked = held.app, held.release, held.asked
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("r")
        bar = screen.query_one("#refresh-progress", ProgressBar)
        # Progress comes back from the child: the fast feed is stored and counted while
        # the slow one still waits.
        assert await wait_for(pilot, lambda: asked.is_set() and (bar.progress or 0) >= 1, 30)
        assert screen.refreshing
        job = screen._refresh_job
        assert job is not None and job.pid != os.getpid()
        os.kill(job.pid, signal.SIGKILL)
        assert await wait_for(pilot, lambda: not screen.refreshing, 30)
        await settle(pilot)
        assert _group_gone(job.pid)  # the parser processes it forked went with it
        failed = [n.message for n in app._notifications if n.severity == "error"]
        assert failed == ["Refresh failed: the refresh process stopped (killed by SIGKILL)"]
        assert not screen.query_one("#refresh-bar").display
        assert "Fast story" in titles(app)  # stored before the child died: kept
        # The app goes on: the next refresh works.
        release.set()
        await pilot.press("r")
        assert await wait_for(pilot, lambda: not screen.refreshing, 30)
        await settle(pilot)
        assert "Slow story" in titles(app)
        assert any(n.message == "1 new article." for n in app._notifications)


async def test_the_refresh_line_shows_and_goes_without_restyling_the_screen(held: Held) -> None:
    # A class on the screen restyles every widget in it (~40 ms, more than a frame), at both
    # ends of every refresh: the line is shown by a class of its own.
    app, release, asked = held.app, held.release, held.asked
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        classes = set(screen.classes)
        for _ in range(2):  # the first refresh mounts the line, the second finds it
            asked.clear()
            await pilot.press("r")
            assert await wait_for(pilot, asked.is_set, 30)
            line = screen.query_one("#refresh-bar")
            assert await wait_for(pilot, lambda w=line: w.region.height == 1, 5)  # on screen
            assert set(screen.classes) == classes
            release.set()
            assert await wait_for(pilot, lambda: not screen.refreshing, 30)
            await settle(pilot)
            assert not line.display and line.region.height == 0
            assert set(screen.classes) == classes
            release.clear()


async def test_refresh_progress_repaints_its_line_without_a_layout(
    held: Held, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The line has a fixed size: a layout of the whole screen at each update (10 a second)
    # was the refresh's most frequent loop stall.
    app, release, asked = held.app, held.release, held.asked
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("r")
        assert await wait_for(pilot, asked.is_set, 30)
        line = screen.query_one("#refresh-bar")
        assert await wait_for(pilot, lambda: line.region.height == 1, 5)
        await pilot.pause()
        label = screen.query_one("#refresh-label")
        layouts: list[bool] = []
        monkeypatch.setattr(screen, "_refresh_layout", lambda *a, **k: layouts.append(True))
        for done, feed in enumerate(screen.feeds.feeds, 1):
            screen._refresh_progress(RefreshProgress(done, 2, feed, "unchanged"))
            await pilot.pause()
            drawn = label.render_line(0).text  # as painted in the last frame
            assert drawn.startswith(f"Refreshing {done}/2  {feed.display_title}")
        assert layouts == []
        monkeypatch.undo()
        release.set()
        assert await wait_for(pilot, lambda: not screen.refreshing, 30)


async def test_the_store_watcher_reads_nothing_during_the_apps_own_refresh(
    held: Held, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The refresh commits all along: each poll read every feed and its counts on the
    # watcher's thread (the interpreter lock taken from the loop) for a screen that ignores
    # them until the refresh's own reload.
    monkeypatch.setattr(watch, "POLL_SECONDS", 0.1)
    reads: list[bool] = []  # one per feed read on the watcher's thread: while refreshing?
    feeds = Reader.feeds

    def counted(reader: Reader) -> list[Feed]:
        if threading.current_thread().name == "tui-reader-watch":
            reads.append(screen.refreshing)
        return feeds(reader)

    monkeypatch.setattr(Reader, "feeds", counted)
    app, release, asked = held.app, held.release, held.asked
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("r")
        assert await wait_for(pilot, asked.is_set, 30)
        await pilot.pause(1.0)  # ten polls, with the fast feed committed meanwhile
        assert screen.refreshing
        assert "Fast story" not in titles(app)  # not reloaded before the refresh ends
        release.set()
        assert await wait_for(pilot, lambda: not screen.refreshing, 30)
        await settle(pilot)
        assert "Fast story" in titles(app) and "Slow story" in titles(app)
        assert await wait_for(pilot, lambda: len(reads) > 0, 5)  # it looks again after
        assert not any(reads)


async def test_quitting_mid_refresh_ends_the_child_and_its_group(held: Held) -> None:
    app, asked = held.app, held.asked
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("r")
        assert await wait_for(pilot, asked.is_set, 30)
        job = screen._refresh_job
        assert job is not None
        started = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - started < 10  # the quit did not wait for the slow feed
    assert job.process.returncode == -signal.SIGTERM
    assert _group_gone(job.pid)  # nothing of its group is left (its parser processes)
    assert not [n for n in app._notifications if n.severity == "error"]


def test_refresh_in_child_returns_the_typed_summary_and_progress(
    paths: Paths, store: Store, server: TestServer
) -> None:
    store.set_setting(WELCOME_SETTING, "1")
    url = server.route("/a.xml", FEED.format(name="A", title="A story", guid="a-1"))
    feed, _ = store.add_feed(url, title="A")
    seen: list[int] = []
    with Reader(paths, Config()) as reader:
        summary = reader.refresh_in_child(progress_every=0).wait(lambda p: seen.append(p.done))
    assert isinstance(summary, RefreshSummary)
    assert summary.new_articles == 1
    assert [f.id for f in summary.ok] == [feed.id]
    assert seen == [1]
    assert [a.title for a in store.list_articles()] == ["A story"]


def test_the_refresh_child_is_a_process_group_of_its_own_in_the_apps_session(
    paths: Paths, held: Held
) -> None:
    """Its own group: cancel ends its parser processes with it. The app's session: Linux's
    autogroup scheduling shares the CPU equally between sessions whatever their nice value,
    so a child in a session of its own took a core from the app's event loop for 20 to 45
    ms at a time (bench/stall_bench.py); in the app's session its nice value holds."""
    with Reader(paths, Config()) as reader:
        job = reader.refresh_in_child(progress_every=0)
        try:
            assert held.asked.wait(30)  # it runs (the slow feed was asked for)
            assert os.getpgid(job.pid) == job.pid
            assert os.getsid(job.pid) == os.getsid(0)
            assert os.getpriority(os.PRIO_PROCESS, job.pid) > os.getpriority(os.PRIO_PROCESS, 0)
        finally:
            held.release.set()
        summary = job.wait()
    assert isinstance(summary, RefreshSummary) and summary.new_articles == 2


def test_an_error_in_the_child_comes_back_as_its_type_in_one_line(paths: Paths) -> None:
    paths.ensure()
    paths.database.write_bytes(b"not a database, " * 512)
    with pytest.raises(ReaderError) as raised:
        Reader(paths, Config()).refresh_in_child().wait()
    assert isinstance(raised.value, StoreError | RefreshFailed)
    assert type(raised.value) is StoreError  # carried whole, not as a string
    assert "\n" not in str(raised.value) and str(raised.value)


# An app that ends without cancelling its refresh (killed, crashed, its terminal closed).
_APP_GONE = """
import sys, time
from tui_reader.config import Config
from tui_reader.paths import get_paths
from tui_reader.reader import Reader
job = Reader(get_paths(), Config()).refresh_in_child(progress_every=0)
print(job.pid, flush=True)
time.sleep(60)
"""


def test_an_app_gone_without_cancelling_leaves_no_process_of_its_refresh(held: Held) -> None:
    """The child finds the app gone when it next reports (and ends at once): its parser
    processes end with it. They had held their own pipe's other end (inherited when forked),
    so they never saw the child go, and lived on, holding the database open."""
    app = subprocess.Popen([sys.executable, "-c", _APP_GONE], stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout is not None
        child = int(app.stdout.readline())
        assert held.asked.wait(30)  # the refresh runs, its parsers started
    finally:
        app.kill()
        app.wait(10)
    held.release.set()  # the slow feed answers: the child reports, to nobody
    assert _group_gone(child, 20), [
        Path(f"/proc/{pid}/cmdline").read_bytes() for pid in group_members(child)
    ]
