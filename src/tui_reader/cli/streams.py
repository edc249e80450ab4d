"""A command's standard streams: closed ones, and an output that stops taking what is written.

A descriptor closed when the command starts (``>&-``, ``<&-``: some daemons and cron wrappers)
is opened on /dev/null before anything else opens a file, so that no database or export is
given descriptor 1 or 2 and written by a print. Standard input closed reads as empty;
diagnostics with standard error closed go nowhere (never into standard output, where
``print(file=None)`` put them, inside the data a command writes there).

Standard output is guarded (:class:`GuardedOutput`): a write or flush that fails (a closed
pipe, a full disk, a closed descriptor) raises :class:`OutputError`, not the OSError a file's
handler would take for its own. A refresh keeps fetching when nobody reads its progress (it
stopped half way when ``| head`` closed the pipe, and exited 0). At the top, an output error
is one line and a non-zero status: 141 for a closed pipe (as a command killed by SIGPIPE, and
with no line: the reader left on purpose), 1 for the others; never a traceback, never the
interpreter's "Exception ignored" and status 120.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO, cast

PIPE_CLOSED_STATUS = 128 + 13  # SIGPIPE's


class OutputError(Exception):
    """Standard output took no more: why (its errno and text)."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(reason)
        self.errno = code
        self.reason = reason

    @property
    def pipe_closed(self) -> bool:
        return self.errno == errno.EPIPE


def failure(exc: OSError | ValueError) -> OutputError:
    """A stream's error as an OutputError (a ValueError: written after it was closed)."""
    if isinstance(exc, OSError):
        return OutputError(exc.errno, exc.strerror or str(exc))
    return OutputError(errno.EBADF, "standard output is closed")


class GuardedOutput:
    """``stream`` (None: closed), whose failures are :class:`OutputError`."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if self.stream is None:
            raise OutputError(errno.EBADF, "standard output is closed")
        try:
            return self.stream.write(text)
        except UnicodeError:
            raise  # (a character the encoding lacks: not the stream's failure)
        except (OSError, ValueError) as exc:
            raise failure(exc) from None

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            raise failure(exc) from None

    def isatty(self) -> bool:
        with contextlib.suppress(OSError, ValueError):
            return self.stream is not None and self.stream.isatty()
        return False

    def __getattr__(self, name: str) -> Any:
        if self.stream is None:
            raise AttributeError(name)
        return getattr(self.stream, name)


def copy_to_output(source: BinaryIO) -> None:
    """Copy ``source`` to standard output as bytes; its failures are OutputError, as a
    text write's are (an export to ``-`` on a full disk gave a traceback)."""
    import shutil

    sys.stdout.flush()
    stream = getattr(sys.stdout, "stream", sys.stdout)
    if stream is None:
        raise OutputError(errno.EBADF, "standard output is closed")
    try:
        shutil.copyfileobj(source, stream.buffer)
        stream.buffer.flush()
    except (OSError, ValueError) as exc:
        raise failure(exc) from None


def _open_missing_descriptors() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            # The lowest free descriptor: this one. (Left open for the process's life.)
            os.open(os.devnull, os.O_RDWR)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Standard streams made safe (the module's docstring) while a command runs."""
    _open_missing_descriptors()
    saved = (sys.stdin, sys.stdout, sys.stderr)
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (for the process's life)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stdout = cast(TextIO, GuardedOutput(sys.stdout))
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def report(exc: OutputError) -> int:
    """The line (none for a closed pipe) and status of a command whose output failed; what
    is left in standard output's buffer goes nowhere (it cannot be written), so that the
    interpreter's last flush does not fail again."""
    _discard_output()
    if exc.pipe_closed:
        return PIPE_CLOSED_STATUS
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"tui-reader: cannot write output: {exc.reason}", file=sys.stderr)
    return 1


def _discard_output() -> None:
    stream = sys.__stdout__
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def flush_output() -> int | None:
    """Flush standard output at the end of a command: None, or the status of its failure."""
    try:
        sys.stdout.flush()
    except OutputError as exc:
        return report(exc)
    except (OSError, ValueError) as exc:
        return report(failure(exc))
    return None
