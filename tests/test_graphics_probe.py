"""What the terminal draws pictures with is asked before the app starts, without importing
textual-image or Pillow (issue 17: they cost start-up time); textual-image is imported with
the first picture, given the cell size asked at start, without asking the terminal again."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.tmux import Tmux, environment

pytestmark = pytest.mark.e2e

SCRIPT = """
import json, sys
from tui_reader.ui import graphics
graphics.start("auto")
found = graphics.finish()
before = sorted(m for m in ("PIL", "textual_image", "textual_image.renderable",
                           "textual_image.widget") if m in sys.modules)
import textual_image._terminal as terminal
asking = terminal.capture_terminal_response
module = graphics.widgets()
preset = list(getattr(terminal.get_cell_size, "_result", ()))  # handed over: never asked
json.dump({
    "preset": preset,
    "asked": list(graphics.cell_size()),
    "kind": found,
    "before": before,
    "widgets": module.__name__,
    "restored": terminal.capture_terminal_response is asking,
    "cell": list(terminal.get_cell_size()),
}, open(sys.argv[1], "w"))
"""


def test_the_terminal_is_asked_without_pillow_and_not_again(tmp_path: Path, tmux: Tmux) -> None:
    script = tmp_path / "probe.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out.json"
    env = environment(tmp_path)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent / "src")
    tmux.run(
        "new-session", "-d", "-s", "reader", "-x", "80", "-y", "24",
        "env", "-i", *[f"{k}={v}" for k, v in env.items()], sys.executable, str(script), str(out),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not out.exists() or not out.read_text():
        assert time.monotonic() < deadline, tmux.screen()
        time.sleep(0.05)
    time.sleep(0.1)
    got = json.loads(out.read_text())
    # tmux answers the Sixel question (no Sixel unless built with it) and not Kitty's.
    assert got["kind"] in ("blocks", "sixel")
    # Neither Pillow nor any of textual-image at start-up (asked with our own questions).
    assert got["before"] == []
    assert got["widgets"] == "textual_image.widget" and got["restored"]
    assert all(n > 0 for n in got["cell"])
    assert got["preset"] == got["asked"] == got["cell"]  # the cell size found at start
