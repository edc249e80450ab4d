"""``tui-reader read`` with bad input: one clear line, no traceback, nothing stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui_reader.paths import Paths
from tui_reader.store import Store


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_read_a_missing_file_says_so(tmp_path: Path, paths: Paths) -> None:
    done = run("read", str(tmp_path / "nowhere.html"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"tui-reader: {tmp_path / 'nowhere.html'}: no such file"
    assert "Traceback" not in done.stderr


def test_read_refuses_links_that_are_not_web_links(paths: Paths) -> None:
    done = run("read", "ftp://example.com/file.html")
    assert done.returncode == 1
    assert "only http(s) URLs" in done.stderr and "Traceback" not in done.stderr


def test_read_a_folder_or_a_binary_file(tmp_path: Path, paths: Paths) -> None:
    done = run("read", str(tmp_path))
    assert done.returncode == 1 and "not a file" in done.stderr
    binary = tmp_path / "picture.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    done = run("read", str(binary))
    assert done.returncode == 1
    assert done.stderr.startswith(f"tui-reader: {binary}:") and "Traceback" not in done.stderr
    paths.ensure()
    with Store.open(paths.database) as store:
        assert store.list_articles(saved=True) == []
