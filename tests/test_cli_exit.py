"""How the ``tui-reader`` console script ends: after a refresh (which leaves nothing open) the
process ends at once, its output flushed; whenever something could still need the normal exit
(a thread it waits for, another command), it takes the normal exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.feeds.builders import rss
from tests.httpserver import TestServer
from tui_reader.cli import main
from tui_reader.feeds.parsers import POOL_AT_START
from tui_reader.paths import Paths
from tui_reader.store import Store

# Run as the console script runs it, with an atexit handler that tells whether the normal
# exit ran (it runs atexit handlers; ending at once does not).
SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
atexit.register(lambda: print("NORMAL EXIT", flush=True))
marker = Path(sys.argv[2])
if sys.argv[1] == "thread":
    def late() -> None:  # ends after the main thread (a normal exit waits for it)
        while threading.main_thread().is_alive():
            time.sleep(0.01)
        marker.write_text("done")
    threading.Thread(target=late).start()
sys.argv = ["tui-reader", *sys.argv[3:]]
from tui_reader.cli import run
run()
"""


def _add(paths: Paths, url: str) -> None:
    """The feed, as `add` stores it, not yet fetched."""
    store = Store.open(paths.database)
    try:
        store.add_feed(url)
    finally:
        store.close()


def run_script(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, timeout=60
    )


def test_a_refresh_ends_at_once_with_its_whole_output(
    server: TestServer, paths: Paths, tmp_path: Path
) -> None:
    url = server.route("/feed.xml", rss(3, title="Daily"))
    _add(paths, url)
    done = run_script("plain", str(tmp_path / "unused"), "refresh")
    assert done.returncode == 0, done.stderr
    # Every line the refresh printed came out (flushed before the process ended), and the
    # normal exit did not run.
    assert f"{url}: new 3\n" in done.stdout
    assert done.stdout.endswith("New articles: 3. Feeds: 1 fetched, 1 unchanged, 0 failed.\n")
    assert "NORMAL EXIT" not in done.stdout
    # What it stored is all there.
    assert main(["feeds"]) == 0


def test_a_first_refresh_of_many_feeds_takes_its_early_parsers_and_leaves_none(
    server: TestServer, paths: Paths, tmp_path: Path
) -> None:
    """Ten new feeds (no validators: a first refresh) take the parser processes forked before
    the command's imports (tui_reader/feeds/parsers.py); they are all stopped and reaped by
    the end: the process still ends at once, which it does only when no child is left, and
    no process of its (all run its command line) outlives it."""
    urls = [server.route(f"/f{i}.xml", rss(3, prefix=f"f{i}")) for i in range(10)]
    for url in urls:
        _add(paths, url)
    marker = tmp_path / f"early-{id(urls)}"
    done = run_script("plain", str(marker), "refresh")
    assert done.returncode == 0, done.stderr
    assert "New articles: 30. Feeds: 10 fetched, 1 unchanged, 0 failed." in done.stdout
    assert "NORMAL EXIT" not in done.stdout
    left = subprocess.run(["pgrep", "-f", str(marker)], capture_output=True, text=True)
    assert left.stdout == ""


def test_only_a_refresh_of_every_feed_forks_its_parsers_early(
    server: TestServer, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With FEEDs named, a refresh takes too few feeds to want a parser per core at once (it
    would stop the early ones unused); with -h it refreshes none."""
    import tui_reader.feeds.parsers as parsers_module

    called: list[Path] = []
    monkeypatch.setattr(parsers_module, "fork_early", called.append)
    urls = [server.route(f"/n{i}.xml", rss(1, prefix=f"n{i}")) for i in range(POOL_AT_START)]
    for url in urls:
        _add(paths, url)
    assert main(["refresh", urls[0]]) == 0
    assert main(["refresh", "-h"]) == 0
    assert called == []
    assert main(["refresh"]) == 0
    assert called == [paths.database]


def test_a_failed_refresh_ends_at_once_with_its_status(
    server: TestServer, paths: Paths, tmp_path: Path
) -> None:
    url = server.route("/feed.xml", b"<html><body>not a feed</body></html>")
    _add(paths, url)
    done = run_script("plain", str(tmp_path / "unused"), "refresh")
    assert done.returncode == 1
    assert "1 failed" in done.stdout
    assert "NORMAL EXIT" not in done.stdout


def test_a_thread_still_running_gets_the_normal_exit(
    server: TestServer, paths: Paths, tmp_path: Path
) -> None:
    url = server.route("/feed.xml", rss(1))
    _add(paths, url)
    marker = tmp_path / "thread-finished"
    done = run_script("thread", str(marker), "refresh")
    assert done.returncode == 0, done.stderr
    assert "NORMAL EXIT" in done.stdout
    assert marker.read_text() == "done"  # the exit waited for it


def test_other_commands_take_the_normal_exit(paths: Paths, tmp_path: Path) -> None:
    done = run_script("plain", str(tmp_path / "unused"), "feeds")
    assert done.returncode == 0, done.stderr
    assert "NORMAL EXIT" in done.stdout


# The reader with its app's run replaced (no terminal here), while a thread of the caller's
# (a fetch the app started, a test's server) still runs: it waits for ``release``.
READER = """
import atexit, sys, threading
atexit.register(lambda: print("NORMAL EXIT", flush=True))
release = threading.Event()
threading.Thread(target=release.wait, args=(60,)).start()
from tui_reader.cli import reading
from tui_reader.ui.app import ReaderApp
ReaderApp.run = lambda self, *args, **kwargs: None
reading._terminal = lambda: True
if sys.argv[1] == "console script":
    sys.argv = ["tui-reader"]
    from tui_reader.cli import run
    try:
        run()
    finally:
        release.set()
code = reading.start_app()
print("RETURNED", code, flush=True)
release.set()
"""


def _reader(how: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", READER, how],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_the_reader_returns_to_its_caller_with_a_thread_still_running(paths: Paths) -> None:
    """Only the console script ends the process at once after the reader. start_app itself
    had ended it (os._exit) whenever any thread still ran: in the test suite, the pytest
    worker that called it died ("node down: Not properly terminated"), now and then."""
    done = _reader("called")
    assert done.returncode == 0, done.stderr
    assert "RETURNED 0" in done.stdout
    assert "NORMAL EXIT" in done.stdout


def test_the_console_script_leaves_a_fetch_still_running_after_the_reader(paths: Paths) -> None:
    """The reader has quit; a thread still runs (a fetch whose result nobody wants now): the
    console script ends at once with the reader's status, as it did, and waits for nothing."""
    done = _reader("console script")
    assert done.returncode == 0, done.stderr
    assert "NORMAL EXIT" not in done.stdout
