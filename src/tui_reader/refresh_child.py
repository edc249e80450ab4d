"""Run :meth:`Reader.refresh` in a child process (the app's refresh, issue 17).

In the app, a refresh run on a thread competes with Textual's event loop for the interpreter
lock (the fetch loop, parse results coming back from the parser processes, the store's
writes): the loop stalled ~100 ms at a time during a 500-feed refresh. Here the same refresh
runs in a fresh interpreter (``python -c``, so nothing of the app's ``__main__`` nor its
threads comes along), started by :func:`start` and reached through a :class:`RefreshJob`:

- the request (database paths, the :class:`~tui_reader.config.Config`, which feeds) is
  pickled to the child's stdin; the child opens the same database with a Reader of its own
  and inherits the environment (``TUI_READER_SYNC_PASSWORD`` for ``[sync]``);
- progress (:class:`RefreshProgress`, at most one every ``progress_every`` seconds, and the
  last) and then the :class:`RefreshSummary` or the exception come back pickled on a pipe of
  their own (stdout and stderr are not used: a library's print cannot break the stream);
- a child that dies, is killed or breaks the stream is :class:`RefreshFailed` (one line, with
  the last line it wrote to stderr); the store's writes are all-or-nothing per feed, so what
  was stored stays;
- :meth:`RefreshJob.cancel` (the app quits) ends the child's process group (the child and its
  parser processes): SIGTERM, then SIGKILL after a grace period.

The child is single-threaded, so its parser processes are forked (cheap) rather than coming
from a forkserver as they must in the app, which runs threads.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tui_reader.config import Config
from tui_reader.errors import ReaderError
from tui_reader.paths import Paths
from tui_reader.sanitize import clean_line

if TYPE_CHECKING:
    from tui_reader.feeds.refresh import RefreshProgress, RefreshSummary

GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL when a refresh is cancelled
POLL_SECONDS = 0.25  # how often a silent child is checked for being alive
# The child (and the parser processes it forks) runs at a lower priority: it is background
# work, and on a busy machine the kernel should run the app's event loop first when it wakes
# (without it, the loop of an app whose process no longer holds the refresh still waited up to
# ~100 ms for a core on 2 cores; the 99th percentile was already down from ~20 ms to ~4 ms).
CHILD_NICE = 10
_ENTRY = "from tui_reader.refresh_child import child_main; child_main()"


class RefreshFailed(ReaderError):
    """The refresh process stopped without an answer, or its error could not be carried."""


class RefreshCancelled(RefreshFailed):
    """The refresh was cancelled (:meth:`RefreshJob.cancel`); nothing to tell anyone."""


@dataclass(frozen=True)
class _Request:
    paths: Paths
    config: Config
    feed_ids: tuple[int, ...] | None
    only_due: bool
    progress_every: float


class RefreshJob:
    """A refresh running in a child process: :meth:`wait` for it (from a thread), or
    :meth:`cancel` it (from any thread)."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection, stderr: IO[bytes]):
        self.process = process
        self._conn = conn
        self._stderr = stderr
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self, progress: Callable[[RefreshProgress], None] | None = None) -> RefreshSummary:
        """Block until the child answers; ``progress`` is called on this thread. Raises the
        child's error (a ReaderError such as SyncError when it could be carried as it is),
        :class:`RefreshFailed` when the child died, :class:`RefreshCancelled` if cancelled."""
        try:
            while True:
                try:
                    # Not a plain recv(): the parser processes the child forked hold the
                    # pipe's other end too, so its death alone is no end of the stream.
                    if not self._conn.poll(POLL_SECONDS):
                        if self._exited() and not self._conn.poll(0):
                            break
                        continue
                    kind, value = self._conn.recv()
                except (EOFError, OSError, pickle.UnpicklingError, AttributeError, ImportError):
                    break  # died, killed, or the stream broke
                if kind == "progress":
                    if progress is not None and not self._cancelled.is_set():
                        progress(value)
                elif kind == "done":
                    self._end(GRACE_SECONDS)
                    return value  # type: ignore[no-any-return]
                elif kind == "error":
                    self._end(GRACE_SECONDS)
                    if self._cancelled.is_set():
                        break
                    raise value
            self._end(GRACE_SECONDS)
            if self._cancelled.is_set():
                raise RefreshCancelled("the refresh was cancelled")
            raise RefreshFailed(self._death())
        finally:
            self._close()

    def cancel(self, grace: float = GRACE_SECONDS) -> None:
        """End the child and its parser processes: SIGTERM, SIGKILL after ``grace``."""
        self._cancelled.set()
        if not self._exited():
            self._signal(signal.SIGTERM)
        self._end(grace)

    def _exited(self) -> bool:
        """Whether the child has ended (without reaping it: its pid, and so its process
        group's id, stays taken until :meth:`_end` has signalled the group)."""
        if self.process.returncode is not None:
            return True
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def _end(self, grace: float) -> None:
        """Give the child ``grace`` seconds to end, then kill what is left of its process
        group (the child, and parser processes it left behind), and reap it."""
        with self._lock:
            if self.process.returncode is not None:
                return
            deadline = time.monotonic() + grace
            while not self._exited() and time.monotonic() < deadline:
                time.sleep(0.02)
            self._signal(signal.SIGKILL)
            self.process.wait()

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)  # its own group (process_group=0)

    def _death(self) -> str:
        code = self.process.returncode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit status {code}"
        last = ""
        try:
            self._stderr.seek(0)
            lines = [clean_line(x.decode("utf-8", "replace")) for x in self._stderr.readlines()]
            last = next((x for x in reversed(lines) if x.strip()), "")
        except (OSError, ValueError):
            pass
        reason = f"the refresh process stopped ({how})"
        return f"{reason}: {last[:200]}" if last else reason

    def _close(self) -> None:
        self._conn.close()
        self._stderr.close()
        if self.process.stdin is not None:
            self.process.stdin.close()


def start(
    paths: Paths,
    config: Config,
    feed_ids: Sequence[int] | None = None,
    *,
    only_due: bool = False,
    progress_every: float = 0.1,
) -> RefreshJob:
    """Start a child process that runs ``Reader(paths, config).refresh(...)``."""
    request = _Request(
        paths,
        config,
        tuple(feed_ids) if feed_ids is not None else None,
        only_due,
        progress_every,
    )
    read_fd, write_fd = os.pipe()
    stderr = tempfile.TemporaryFile(prefix="tui-reader-refresh-")  # noqa: SIM115 (the job's)
    env = dict(os.environ)
    # The same tui_reader as this process's, wherever it was imported from.
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (package_root, env.get("PYTHONPATH", "")) if x)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _ENTRY, str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            pass_fds=(write_fd,),
            env=env,
            # Its own process group, so that cancel ends its parser processes too; in this
            # session, not a new one: the kernel's autogroup scheduling gives each session an
            # equal share of the CPU whatever its nice value, and a refresh in a session of its
            # own kept the app's event loop waiting for a core for 20 to 45 ms at a time.
            process_group=0,
        )
    except OSError as exc:
        os.close(read_fd)
        stderr.close()
        raise RefreshFailed(f"the refresh process could not start: {exc}") from None
    finally:
        os.close(write_fd)
    job = RefreshJob(process, Connection(read_fd, writable=False), stderr)
    assert process.stdin is not None
    try:
        process.stdin.write(pickle.dumps(request))
        process.stdin.close()
    except OSError:
        pass  # the child died at once: wait() tells
    return job


# -- the child's side ------------------------------------------------------------------------


def child_main() -> None:
    """The child: read the request from stdin, refresh, send progress and the answer."""
    conn = Connection(int(sys.argv[1]), readable=False)
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice
        os.nice(CHILD_NICE)
    request: _Request = pickle.load(sys.stdin.buffer)
    from tui_reader.reader import Reader

    shown = 0.0

    def progress(p: RefreshProgress) -> None:
        nonlocal shown
        now = time.monotonic()
        if now - shown < request.progress_every and p.done < p.total:
            return
        shown = now
        _send(conn, ("progress", p))

    reader = Reader(request.paths, request.config)
    try:
        summary = reader.refresh(request.feed_ids, progress, only_due=request.only_due)
    except Exception as exc:
        _send(conn, ("error", _carried(exc)))
    else:
        _send(conn, ("done", summary))
    finally:
        reader.close()
    conn.close()


def _send(conn: Connection, message: tuple[str, Any]) -> None:
    try:
        conn.send(message)
    except (BrokenPipeError, ConnectionResetError):
        os._exit(1)  # the app is gone: nobody to tell


def _carried(exc: Exception) -> Exception:
    """``exc`` if it comes back whole from pickling (its type and fields), else a
    :class:`RefreshFailed` with its one line."""
    try:
        back = pickle.loads(pickle.dumps(exc))
    except Exception:
        back = None
    if isinstance(back, Exception) and type(back) is type(exc) and str(back) == str(exc):
        return exc
    return RefreshFailed(str(exc) or type(exc).__name__)
