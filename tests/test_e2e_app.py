"""The installed ``tui-reader`` in tmux, against a real HTTP server: subscribe, refresh, open
an article (fetched and extracted from its page), read it, star it, quit."""

from __future__ import annotations

import email.utils
import subprocess
import time
from pathlib import Path

import pytest

from tests import httpserver
from tests.tmux import COMMAND, Tmux, environment
from tui_reader.paths import get_paths
from tui_reader.store import Store

pytestmark = pytest.mark.e2e

NEEDLE = "The lighthouse keeper counted forty-one ships before dawn."
PAGE = f"""<!doctype html><html><head><title>The lighthouse log</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>The lighthouse log</h1>
<p>{NEEDLE} It was the busiest night of the year, and the fog came in twice.</p>
<p>Each ship was written down with its flag, its course and the hour it passed the point,
as the log has recorded for a hundred and twelve years without a gap.</p>
<p>By morning the fog had lifted. The keeper climbed down, made tea, and slept until noon,
when the first ferry sounded its horn in the harbour below.</p>
</article><footer>Copyright</footer></body></html>
"""


def feed(page_url: str) -> str:
    now = email.utils.formatdate(time.time(), usegmt=True)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Coast Chronicle</title><link>{page_url}</link>
<item><title>The lighthouse log</title><link>{page_url}</link><guid>lighthouse-1</guid>
<pubDate>{now}</pubDate><description>A night at the point.</description></item>
</channel></rss>"""


def test_installed_reader_refreshes_and_opens_an_article(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    assert COMMAND.exists(), f"the console script is not installed at {COMMAND}"
    page_url = server.route("/lighthouse.html", PAGE, content_type="text/html; charset=utf-8")
    feed_url = server.route("/coast.xml", feed(page_url))
    env = environment(tmp_path)
    added = subprocess.run(
        [str(COMMAND), "add", feed_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr

    tmux.start(
        env,
    )
    tmux.wait_for("Feeds")
    tmux.wait_for("Coast Chronicle")

    tmux.keys("r")  # refresh everything in the background
    tmux.wait_for("The lighthouse log")

    # The new article is the newest: top of "All". Open it; its page is fetched and extracted.
    tmux.keys("g", "Enter")
    screen = tmux.wait_for("forty-one ships")
    assert "made tea" in screen and "twelve years" in screen
    assert "Copyright" not in screen  # the page's furniture was left out

    # Read on, star it, and the store has it.
    tmux.keys("space", "s")
    tmux.wait_for("Starred.")
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"

    # The same XDG folders as the app's (the autouse fixture points them into tmp_path).
    with Store.open(get_paths().database) as store:
        article = next(a for a in store.list_articles() if a.title == "The lighthouse log")
        assert article.read and article.starred
        assert NEEDLE in store.get_body(article.id).doc_json


@pytest.mark.parametrize("kind", ["url", "file"])
def test_read_opens_one_page_straight_in_the_reading_pane(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux, kind: str
) -> None:
    if kind == "url":
        target = server.route("/page.html", PAGE, content_type="text/html; charset=utf-8")
    else:
        page = tmp_path / "saved page.html"
        page.write_text(PAGE, encoding="utf-8")
        target = str(page)
    env = environment(tmp_path)
    tmux.start(env, "read", target, size=(100, 30))
    screen = tmux.wait_for("forty-one ships")
    assert "The lighthouse log" in screen
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
    with Store.open(get_paths().database) as store:
        saved = store.list_articles(saved=True)
        assert [a.title for a in saved] == ["The lighthouse log"]
        assert saved[0].read
        assert NEEDLE in store.get_body(saved[0].id).doc_json


def test_read_on_a_narrow_terminal_shows_the_page_with_the_focus(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    """At 80x24 one pane shows at a time: ``read`` shows the page (the pane has the focus),
    not the list, and ``escape`` goes back to the list."""
    target = server.route("/narrow.html", PAGE, content_type="text/html; charset=utf-8")
    env = environment(tmp_path)
    tmux.start(
        env,
        "read",
        target,
        size=(80, 24),
    )
    screen = tmux.wait_for("forty-one ships")
    assert "Feeds" not in screen  # the list is not on show
    tmux.keys("Escape")
    tmux.wait_for("Feeds")
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"


def test_sigterm_quits_the_reader_and_gives_the_terminal_back(tmp_path: Path, tmux: Tmux) -> None:
    """``kill PID`` (timeout, a session manager) ended the app with the terminal left in its
    modes: the alternate screen, mouse reports on, the cursor hidden. It now quits as `q`
    does, with SIGTERM's status."""
    env = environment(tmp_path)
    assignments = " ".join(f"{k}='{v}'" for k, v in env.items())
    tmux.run(
        "new-session", "-d", "-s", "reader", "-x", "120", "-y", "40",
        f"env -i {assignments} {COMMAND}; echo EXIT=$?; sleep 30",
    )  # fmt: skip
    tmux.wait_for("Welcome to tui-reader")
    shell = tmux.run("display", "-p", "-t", "reader", "#{pane_pid}").strip()
    found = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True)
    [pid] = found.stdout.split()
    subprocess.run(["kill", "-TERM", pid], check=True)
    screen = tmux.wait_for("EXIT=")
    assert "EXIT=143" in screen
    flags = tmux.run("display", "-p", "-t", "reader", "#{alternate_on} #{mouse_any_flag}")
    assert flags.split() == ["0", "0"]


def test_q_during_a_fetch_ends_the_process_at_once(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    """The loop's end waited for the fetch's thread: the screen gone, no prompt, the
    process alive until the fetch's timeout (about 20 s)."""
    import threading

    release = threading.Event()
    url = server.route("/slow.html", PAGE, content_type="text/html", wait=lambda: release.wait(30))
    try:
        env = environment(tmp_path)
        tmux.start(env, "read", url, size=(100, 30))
        tmux.wait_for("Palette")  # (the app is up; its fetch of the page waits)
        time.sleep(1.0)
        started = time.monotonic()
        tmux.keys("q")
        assert tmux.wait_gone(timeout=8), "q did not end the process"
        assert time.monotonic() - started < 8
    finally:
        release.set()
