"""The installed ``tui-reader`` in tmux, against a real HTTP server: subscribe, refresh, open
an article (fetched and extracted from its page), read it, star it, quit."""

from __future__ import annotations

import email.utils
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import httpserver
from tui_reader.paths import get_paths
from tui_reader.store import Store

pytestmark = pytest.mark.e2e

COMMAND = Path(sys.executable).parent / "tui-reader"
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


class Tmux:
    def __init__(self) -> None:
        self.socket = "tui-reader-e2e-" + uuid.uuid4().hex[:8]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "reader")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "reader", *keys)

    def wait_gone(self, timeout: float = 20.0) -> bool:
        """Wait for the app to end (its session, and so the tmux server, goes away)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.run("has-session", "-t", "reader")
            except subprocess.CalledProcessError:
                return True
            time.sleep(0.1)
        return False

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen was:\n{shown}")


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


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NO_PROXY": "127.0.0.1",
    }
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DOCUMENTS_DIR", "documents"),
    ):
        env[var] = str(tmp_path / "xdg" / sub)
    return env


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

    tmux.run(
        "new-session",
        "-d",
        "-s",
        "reader",
        "-x",
        "120",
        "-y",
        "40",
        "env",
        "-i",
        *[f"{key}={value}" for key, value in env.items()],
        str(COMMAND),
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
    tmux.run(
        "new-session",
        "-d",
        "-s",
        "reader",
        "-x",
        "100",
        "-y",
        "30",
        "env",
        "-i",
        *[f"{key}={value}" for key, value in env.items()],
        str(COMMAND),
        "read",
        target,
    )
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
    tmux.run(
        "new-session",
        "-d",
        "-s",
        "reader",
        "-x",
        "80",
        "-y",
        "24",
        "env",
        "-i",
        *[f"{key}={value}" for key, value in env.items()],
        str(COMMAND),
        "read",
        target,
    )
    screen = tmux.wait_for("forty-one ships")
    assert "Feeds" not in screen  # the list is not on show
    tmux.keys("Escape")
    tmux.wait_for("Feeds")
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
