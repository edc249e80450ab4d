"""What the commands print: never a traceback for a character the terminal's encoding lacks,
never an escape sequence from a file's name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OPML = b'<opml><body><outline text="A" xmlUrl="https://a.example/feed"/></body></opml>'


def _import(tmp_path: Path, name: bytes) -> subprocess.CompletedProcess[bytes]:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(OPML)
    env = {
        **os.environ,
        "TUI_READER_HOME": str(tmp_path / "home"),
        "PYTHONIOENCODING": "utf-8",  # strict, as under an en_US.UTF-8 locale
    }
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", "import", name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )


def test_a_file_name_that_is_not_utf8_is_reported_not_a_traceback(tmp_path: Path) -> None:
    done = _import(tmp_path, b"feeds-\xff.opml")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"Imported 1 new feed from feeds-" in done.stdout


def test_a_file_name_holding_an_escape_sequence_is_shown_without_it(tmp_path: Path) -> None:
    done = _import(tmp_path, b"feeds-\x1b]0;owned\x07.opml")
    assert done.returncode == 0, done.stderr
    assert b"Imported 1 new feed from feeds-" in done.stdout
    assert b"\x1b" not in done.stdout + done.stderr and b"\x07" not in done.stdout


def test_a_refused_file_among_several_is_named_and_the_others_are_imported(
    tmp_path: Path,
) -> None:
    """The files after a refused one were never read, and nothing said so."""
    (tmp_path / "good.opml").write_bytes(OPML)
    (tmp_path / "bad.opml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><opml><body/></opml>'
    )
    (tmp_path / "after.opml").write_bytes(OPML.replace(b"https://", b"https://after."))
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "import", "good.opml", "bad.opml", "after.opml"],
        cwd=tmp_path,
        env={**os.environ, "TUI_READER_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "tui-reader: bad.opml: refused: the file declares XML entities, which OPML never needs",
        "tui-reader: 1 file of 3 not imported (nothing of it stored); the others were",
    ]
    assert done.stdout.count("Imported 1 new feed from") == 2


def test_an_empty_file_to_import_is_said_to_be_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.opml").write_bytes(b"  \n")
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "import", "empty.opml"],
        cwd=tmp_path,
        env={**os.environ, "TUI_READER_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "tui-reader: empty.opml: the file is empty"
