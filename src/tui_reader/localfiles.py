"""Reading a file named on the command line whole, with a bound on its size.

The size ``stat`` gives is no bound: a device (``/dev/zero``), a pipe (``import <(curl ...)``)
or a file under ``/proc`` says 0 and reads on without end, and a file may grow between the
look and the read. `import-notes /dev/zero` ended in a MemoryError after taking all the memory
it could. So the bound is kept by the reading itself: at most ``limit`` bytes, read in pieces,
and one byte more is the sign that the file is too large. A regular file whose size already
says so is refused unread. A pure module: the standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from tui_reader.errors import ReaderError

__all__ = ["FileTooLarge", "read_capped", "read_open"]

_PIECE = 1 << 20  # bytes read at a time


class FileTooLarge(ReaderError):
    """A file holds more than ``limit`` bytes (``size`` when its size is known, else None:
    it went on past the limit)."""

    def __init__(self, path: Path, limit: int, size: int | None) -> None:
        self.path = path
        self.limit = limit
        self.size = size
        super().__init__(f"{path} holds {self.held}; at most {limit:,} bytes are read")

    @property
    def held(self) -> str:
        """How much the file holds, as far as is known: "N bytes", or "over N bytes"."""
        return f"{self.size} bytes" if self.size is not None else f"over {self.limit} bytes"


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the file at ``path``, at most ``limit`` of them; FileTooLarge when it holds
    more, OSError when it cannot be read (IsADirectoryError for a folder)."""
    with path.open("rb") as f:
        return read_open(f, path, limit)


class NotAFile(OSError):
    """A path of the program's own (its config, its saved place) that is no regular file."""


def read_own_file(path: Path, limit: int) -> bytes:
    """:func:`read_capped` of a file the program keeps itself (config.toml, the saved
    session): only a regular file is read. Opening a FIFO waits for a writer: one put at
    such a path held every command, and the app on a blank screen, for good. (A file the
    user names, as ``import <(curl ...)``, may be a pipe: read_capped reads those.)"""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFile(f"{path} is not a regular file")
        os.set_blocking(fd, True)
        return read_open(f, path, limit)


def read_open(f: BinaryIO, path: Path, limit: int) -> bytes:
    """:func:`read_capped` of a file already open (``path`` names it in the error)."""
    info = os.fstat(f.fileno())
    if stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise FileTooLarge(path, limit, info.st_size)
    pieces: list[bytes] = []
    total = 0
    while True:
        piece = f.read(min(_PIECE, limit + 1 - total))
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)
        total += len(piece)
        if total > limit:
            raise FileTooLarge(path, limit, None)
