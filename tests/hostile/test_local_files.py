"""Files named on the command line: read whole, but bounded, and read once.

``stat`` says 0 bytes for a device, a pipe or a /proc file, and each reads on past it:
`import-notes /dev/urandom`, `extract /dev/zero` and `import <(an endless OPML)` each took all the
memory they could and ended in a MemoryError traceback. And a pipe can be read only once:
`import <(curl ...)` and `cat subs.opml | tui-reader import /dev/stdin` said "the file is
empty", because telling what the file was had read it."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.config import load_config
from tui_reader.localfiles import FileTooLarge, read_capped
from tui_reader.paths import Paths
from tui_reader.store import Store

OPML = (
    b'<?xml version="1.0"?>\n<opml version="2.0"><body>'
    b'<outline text="Piped" xmlUrl="https://piped.example/feed.xml"/></body></opml>\n'
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@contextmanager
def _pipe(tmp_path: Path, head: bytes, endless: bool = False) -> Iterator[Path]:
    """A named pipe that gives ``head`` (then zeros without end, with ``endless``) to whoever
    opens it, once."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with fifo.open("wb") as f:
                f.write(head)
                while endless:
                    f.write(b"\0" * 65536)
        except OSError:  # the reader stopped reading: the end of an endless pipe
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield fifo
    finally:
        # A writer that nobody met is let go by a reader that comes and goes. Opened without
        # waiting for a writer: a plain open() waits for one, for ever when the writer (seen
        # alive a moment before) had just closed its end (a hang seen in the suite).
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(10)
        assert not writer.is_alive()


def test_read_capped(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.write_bytes(b"x" * 100)
    assert read_capped(small, 100) == b"x" * 100
    with pytest.raises(FileTooLarge) as caught:
        read_capped(small, 99)
    assert caught.value.size == 100  # refused by its size, unread
    with pytest.raises(FileTooLarge) as caught:
        read_capped(Path("/dev/zero"), 3_000_000)
    assert caught.value.size is None
    with pytest.raises(IsADirectoryError):
        read_capped(tmp_path, 10)
    with _pipe(tmp_path, b"y" * 10, endless=True) as fifo, pytest.raises(FileTooLarge):
        read_capped(fifo, 1_000_000)


def test_import_notes_of_an_endless_file(
    paths: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.export import webannotation

    monkeypatch.setattr(webannotation, "MAX_FILE_BYTES", 2 * 2**20)
    code, _out, err = _run(["import-notes", "/dev/zero"], capsys)
    assert code == 1 and "/dev/zero holds over 2.1 MB; at most 2.1 MB are imported" in err


def test_extract_of_an_endless_file(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(["extract", "/dev/zero"], capsys)
    assert code != 0 and "more than refresh.max_bytes" in err


def test_import_of_an_endless_opml(
    paths: Paths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui_reader.feeds import opml

    monkeypatch.setattr(opml, "MAX_OPML_BYTES", 2 * 2**20)
    with _pipe(tmp_path, OPML[:-20], endless=True) as fifo:
        code, _out, err = _run(["import", str(fifo)], capsys)
    assert code == 1 and "too large for OPML" in err


@pytest.mark.parametrize(
    ("content", "title"),
    [(OPML, "Piped"), (b'https://piped.example/rss "~From urls"\n', "From urls")],
)
def test_import_from_a_pipe_reads_it_once(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, title: str
) -> None:
    with _pipe(tmp_path, content) as fifo:
        code, out, err = _run(["import", str(fifo)], capsys)
    assert code == 0, err
    assert "Imported 1 new feed" in out
    with Store.open(paths.database) as store:
        assert title in {f.title for f in store.list_feeds()}


def test_a_config_file_that_never_ends(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.symlink_to("/dev/zero")
    loaded, problems = load_config(config)
    assert loaded.refresh.max_bytes == 20_000_000  # the defaults
    assert len(problems) == 1 and "not a config file; using defaults" in problems[0]
