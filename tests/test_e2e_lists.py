"""Issue 16's keys in the installed ``tui-reader`` in tmux, a real terminal: S sorts the list,
A marks it read and u brings it back, and a [[commands]] key hands the article to a program
(the test's own Python, writing what it was given)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import httpserver
from tests.fixtures.feeds.builders import rss
from tests.tmux import COMMAND, Tmux, environment
from tui_reader.paths import get_paths
from tui_reader.store import Store
from tui_reader.store.listing import ListFilter, list_articles

pytestmark = pytest.mark.e2e


def test_sort_mark_read_undo_and_a_command_in_a_real_terminal(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    assert COMMAND.exists(), f"the console script is not installed at {COMMAND}"
    feed_url = server.route("/f.xml", rss(3, title="Harbour News"))
    env = environment(tmp_path)
    added = subprocess.run(
        [str(COMMAND), "add", feed_url], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr
    with Store.open(get_paths().database) as store:  # the welcome feed has no web links
        for f in store.list_feeds():
            if f.url != feed_url:
                store.remove_feed(f.id)
    out = tmp_path / "handed.json"
    script = tmp_path / "hand.py"
    script.write_text(
        "import json, sys, pathlib\n"
        f"pathlib.Path({str(out)!r}).write_text(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    config = Path(env["XDG_CONFIG_HOME"]) / "tui-reader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    argv = json.dumps([sys.executable, str(script), "{url}", "{title}"])
    config.write_text(
        f'[[commands]]\nname = "Hand over"\nkey = "X"\nargv = {argv}\n', encoding="utf-8"
    )

    tmux.start(env)
    tmux.wait_for("Harbour News")
    with Store.open(get_paths().database) as store:
        newest = list_articles(store.conn, ListFilter(), sort="newest")[0].title
        oldest = list_articles(store.conn, ListFilter(), sort="oldest")[0].title
    assert newest != oldest
    first, last = oldest, newest
    oldest, newest = oldest[:25], newest[:25]  # as the list shows them (long ones are cut)
    tmux.keys("S")  # All: oldest first
    tmux.wait_for("oldest first")
    for _ in range(100):  # the title changes first, then the rows come
        screen = tmux.screen()
        if oldest in screen and (
            newest not in screen or screen.index(oldest) < screen.index(newest)
        ):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"not sorted oldest first:\n{screen}")

    tmux.keys("g", "X")  # hand the top article (the oldest) to the program
    said = tmux.wait_for_any("Hand over: done", "Hand over: not run", "Hand over: failed")
    assert "Hand over: done (exit status 0)" in said, said
    handed = json.loads(out.read_text(encoding="utf-8"))
    assert handed[1] == first and handed[0].startswith("http")
    assert last != first

    tmux.keys("A")  # on All: asks first, as C
    tmux.wait_for("Mark every article read?")
    tmux.keys("y")
    tmux.wait_for("Marked 3 articles read")
    with Store.open(get_paths().database) as store:
        assert store.unread_total() == 0
    tmux.keys("u")
    tmux.wait_for("unread again")
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
    with Store.open(get_paths().database) as store:
        assert store.unread_total() == 3
