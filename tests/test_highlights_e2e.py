"""The installed command in tmux: a highlight the screen shows as saved survives a kill -9."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.tmux import COMMAND, Tmux, environment
from tui_reader.paths import get_paths
from tui_reader.store import Store

pytestmark = pytest.mark.e2e

STILL_LOADING = "still loading"  # "The article's highlights are still loading."

PAGE = """<!doctype html><html><head><title>The bridge vote</title></head><body><article>
<h1>The bridge vote</h1>
<p>The council met on Tuesday to discuss the bridge. Members argued for hours about the cost
of the project, which has doubled since the first estimate.</p>
<p>The bridge is now expected to open in May. Critics say the date will slip again, as it has
twice before, and that the council has not explained why.</p>
<p>A final vote is planned for next month, after a public hearing at the town hall.</p>
</article></body></html>
"""


def test_kill_9_after_the_screen_says_saved_loses_nothing(tmux: Tmux, tmp_path: Path) -> None:
    assert COMMAND.exists(), f"the console script is not installed at {COMMAND}"
    page = tmp_path / "bridge.html"
    page.write_text(PAGE, encoding="utf-8")
    env = environment(tmp_path)
    tmux.start(
        env,
        "read",
        str(page),
    )
    tmux.wait_for("The council met on Tuesday")
    pid = int(tmux.run("list-panes", "-t", "reader", "-F", "#{pane_pid}").split()[0])
    # The reading pane has the focus: highlight the sentence at the cursor (once the
    # article's highlights are loaded: a key pressed before says so, and is pressed again).
    tmux.press_until("h", "Highlighted (key point) — saved.", not_yet=STILL_LOADING)
    os.kill(pid, signal.SIGKILL)

    with Store.open(get_paths().database) as store:
        rows = store.all_highlights()
        assert [r.quote for r in rows] == ["The council met on Tuesday to discuss the bridge."]
        assert rows[0].color == "key point"


NOTE = (
    "Check: were the executions independently verified? The report names two witnesses,"
    " both officials; ask the court for the logs."
)


def test_a_note_pasted_and_saved_at_once_is_stored_whole(tmux: Tmux, tmp_path: Path) -> None:
    """The note's text and ctrl+s reach the app in one burst (one send-keys): what is stored
    is the whole text, as the screen says."""
    page = tmp_path / "bridge.html"
    page.write_text(PAGE, encoding="utf-8")
    env = environment(tmp_path)
    tmux.start(
        env,
        "read",
        str(page),
    )
    tmux.wait_for("The council met on Tuesday")
    tmux.press_until("h", "Highlighted (key point) — saved.", not_yet=STILL_LOADING)
    tmux.keys("a")
    tmux.wait_for("Note on the highlight")
    tmux.keys(NOTE, "C-s")  # one send-keys: the text and the save, as fast as tmux sends
    tmux.wait_for("Note saved.")
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"

    with Store.open(get_paths().database) as store:
        rows = store.all_highlights()
        assert [r.note for r in rows] == [NOTE]
