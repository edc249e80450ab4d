"""The installed ``tui-reader`` in tmux: a podcast feed added with the CLI from a real HTTP
server, its episode opened, the enclosure shown under the title and listed with P."""

from __future__ import annotations

import email.utils
import subprocess
import time
from pathlib import Path

import pytest

from tests import httpserver
from tests.tmux import COMMAND, Tmux, environment

pytestmark = pytest.mark.e2e


def podcast(media_url: str, page_url: str) -> str:
    now = email.utils.formatdate(time.time(), usegmt=True)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Talk</title><link>{page_url}</link>
<item><title>Episode 7: the lighthouse</title><link>{page_url}</link><guid>ep-7</guid>
<pubDate>{now}</pubDate><description>The keeper tells of forty-one ships.</description>
<enclosure url="{media_url}" length="24300000" type="audio/mpeg"/></item>
</channel></rss>"""


def test_installed_reader_shows_and_lists_enclosures(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    assert COMMAND.exists(), f"the console script is not installed at {COMMAND}"
    page = "<html><body><article><p>The keeper tells of forty-one ships.</p></article></body>"
    page_url = server.route("/ep7.html", page, content_type="text/html; charset=utf-8")
    media_url = server.url("/media/ep7.mp3")
    feed_url = server.route("/pod.xml", podcast(media_url, page_url))
    env = environment(tmp_path)
    added = subprocess.run(
        [str(COMMAND), "add", feed_url], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr

    tmux.start(env)
    tmux.wait_for("Episode 7")
    tmux.keys("g", "Enter")
    screen = tmux.wait_for("Enclosure: audio/mpeg")
    assert "24.3 MB" in screen and "ep7.mp3" in screen and "(P: open)" in screen
    tmux.keys("P")
    screen = tmux.wait_for("y: copy URL")
    assert media_url in screen
    tmux.keys("Escape")
    deadline = time.monotonic() + 20
    while "y: copy URL" in tmux.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "y: copy URL" not in tmux.screen(), "escape did not close the dialog"
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
