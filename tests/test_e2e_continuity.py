"""The installed ``tui-reader`` in tmux: an import in another terminal shows in the running app
without a key press, and reopening the app brings back the article that was open."""

from __future__ import annotations

import email.utils
import subprocess
import time
from pathlib import Path

import pytest

from tests import httpserver
from tests.tmux import COMMAND, Tmux, environment

pytestmark = pytest.mark.e2e


def harbour_feed() -> str:
    """Two items dated now (newer than the welcome articles: the top of All)."""
    items = "".join(
        f"<item><title>Harbour item {i}</title><guid>harbour-{i}</guid>"
        f"<link>https://harbour.example/{i}</link>"
        f"<pubDate>{email.utils.formatdate(time.time() + 60 - i * 30, usegmt=True)}</pubDate>"
        f"<description>The tide table for day {i} of the harbour.</description></item>"
        for i in range(2)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour</title><link>https://harbour.example/</link>{items}</channel></rss>"
    )


def test_the_running_app_shows_an_import_and_reopens_where_it_was(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    assert COMMAND.exists(), f"the console script is not installed at {COMMAND}"
    feed_url = server.route("/harbour.xml", harbour_feed())
    env = environment(tmp_path)
    tmux.start(env)
    tmux.wait_for("Feeds")
    screen = tmux.wait_for("Welcome")
    assert "Harbour" not in screen

    # Another terminal: newsboat's urls file, then a refresh (as cron would run it).
    urls = tmp_path / "urls"
    urls.write_text(f'{feed_url} boats "~Harbour Notes"\n')
    for argv in (["import", str(urls)], ["refresh"]):
        done = subprocess.run(
            [str(COMMAND), *argv], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    # No key pressed: the app notices on its own.
    tmux.wait_for("Harbour Notes", timeout=20)
    tmux.wait_for("Harbour item 1", timeout=20)

    # Open the newest article (the second one), quit, start again: it is open again.
    tmux.keys("g", "j", "Enter")
    tmux.wait_for("tide table for day 1")
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
    tmux.start(env)
    screen = tmux.wait_for("tide table for day 1", timeout=30)
    assert "Harbour Notes" in screen
