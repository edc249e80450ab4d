"""Read documents under a time budget, in worker processes that can be stopped.

Parsing a feed or extracting a page runs in a child process: a pathological document (a
regular expression gone quadratic, a parser stuck in C code) then never holds this process's
interpreter lock, and when it takes longer than its budget the worker is killed, replaced on the
next call, and the caller gets :class:`DocumentTimeout`; the other workers go on.

Workers live as long as their :class:`Workers` pool, so a 500-feed refresh starts two or four
of them, not 500. New workers are forked while this process runs a single thread (cheapest);
once other threads run, forking is unsafe (it copies locks held by them), so they come from the
``forkserver``, itself started once per process with the parsers already imported. A command
that knows it will need them (``tui-reader refresh``) can have a :class:`Forker` fork them first
of all, from a process that imports the parsers while the command imports its own modules.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from tui_reader.errors import ReaderError
from tui_reader.units import human_seconds

R = TypeVar("R")

# Imported by the forkserver once, so that every worker forked from it starts warm.
PRELOAD = ("tui_reader.feeds.parse", "tui_reader.extract.pipeline")
START_SECONDS = 120.0  # a new worker that is not ready by then is taken for broken


class BudgetError(ReaderError):
    """A document could not be read in a worker; ``str(error)`` is one line."""


class DocumentTimeout(BudgetError):
    """The document took longer than its budget: its worker was stopped."""

    def __init__(self, what: str, seconds: float) -> None:
        self.what = what
        self.seconds = seconds
        super().__init__(f"{what} took longer than {human_seconds(seconds)} to read; skipped")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.what, self.seconds))


class WorkerFailed(BudgetError):
    """The worker reading a document stopped without an answer (killed, out of memory)."""


# The pools' own ends of their workers' pipes, in this process. A process forked from it closes
# every one it inherited (its own pipe's other end, and its siblings'): else it held them open,
# and the pool's process ending (killed, or leaving at once with nobody to tell) was no end of
# the pipe for its workers, which waited for tasks for ever, the database still open.
_POOL_ENDS: weakref.WeakSet[multiprocessing.connection.Connection] = weakref.WeakSet()


def _close_pool_ends() -> None:
    """First thing in a new worker or forker: close the pools' ends it inherited (a forked
    process has this process's :data:`_POOL_ENDS`; a spawned one, none)."""
    for end in list(_POOL_ENDS):
        end.close()


def _serve(
    conn: multiprocessing.connection.Connection,
    warm: Callable[[], None] | None,
    nice: int = 0,
    queueing: bool = False,
) -> None:
    """A worker's life: run each task received, send back its result or its exception. With
    ``queueing`` (a pool whose tasks may be queued behind one another, Workers.send_behind)
    a thread reads the tasks as they come, so that the pool's process, writing the next one
    while this one runs, never waits for it to end: it would wait forever once this worker
    in turn waited to write an answer the pool had not read yet."""
    _close_pool_ends()
    _quiet(nice)
    if warm is not None:
        warm()
    conn.send(("ready", os.getpid()))
    receive: Callable[[], Any] = conn.recv
    if queueing:
        receive = _reader(conn)
    while True:
        try:
            task = receive()
        except (EOFError, OSError):
            return
        if task is None:
            return
        func, args = task
        try:
            reply: tuple[str, Any] = ("ok", func(*args))
        except Exception as exc:
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # the result or error could not be pickled
            conn.send(("error", BudgetError(f"{type(exc).__name__}: {exc}")))


def _quiet(nice: int) -> None:
    """A reading process's start: ctrl+c left to the parent, niced by ``nice``, and nothing it
    prints reaching the terminal (the app draws on it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _reader(conn: multiprocessing.connection.Connection) -> Callable[[], Any]:
    """A thread receiving every task as it comes; the returned call takes the next one (or
    raises what receiving it raised)."""
    import queue

    tasks: queue.SimpleQueue[tuple[Any, BaseException | None]] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                task = conn.recv()
            except BaseException as exc:  # EOF, a closed pipe: the worker's end
                tasks.put((None, exc))
                return
            tasks.put((task, None))
            if task is None:
                return

    threading.Thread(target=read, daemon=True, name="tui-reader-tasks").start()

    def take() -> Any:
        task, error = tasks.get()
        if error is not None:
            raise error
        return task

    return take


def preload() -> None:
    """Import the parsers (a new worker does this before its first task)."""
    for name in PRELOAD:
        importlib.import_module(name)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


class _Forked:
    """A worker forked by a :class:`Forker` (not by this process), as much of a
    ``multiprocessing`` process as the pool uses. Its pid comes with its "ready", and a pidfd
    is opened on it at once: killing through it reaches that process or none, even if its
    forker died and the pid went to another process meanwhile."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.exitcode: int | None = None  # (not ours to wait for)
        self._handle: int | None = None

    def found(self, pid: int) -> None:
        self.pid = pid
        with contextlib.suppress(OSError):  # (gone already: nothing to kill)
            self._handle = os.pidfd_open(pid)

    def is_alive(self) -> bool:
        return self._handle is not None

    def kill(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(handle, signal.SIGKILL)
            os.close(handle)

    def join(self, timeout: float | None = None) -> None:
        return None  # its forker waits for it


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess | _Forked
    conn: multiprocessing.connection.Connection
    ready: bool = False
    tasks: int = 0  # sent to it and not yet answered (two when one is queued behind another)

    def stop(self) -> None:
        self.kill()
        self.process.join(5)

    def kill(self) -> None:
        """Stop it without waiting for its end (:meth:`stop` waits)."""
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()


@dataclass(eq=False)
class Workers:
    """A pool of up to ``max_workers`` worker processes, started as needed (or with
    :meth:`start`). :meth:`run` blocks its thread (not the interpreter) until the answer
    comes or the budget is spent; it may be called from many threads at once."""

    max_workers: int = 1
    warm: Callable[[], None] | None = None  # run by each new worker before its first task
    # Added to each worker's niceness: for a pool whose caller has CPU work of its own on what
    # the workers send back (a refresh storing their feeds), so that it never falls behind.
    nice: int = 0
    # Whether tasks may be queued on a busy worker (send_behind): its tasks are then read by a
    # thread of its own (_serve).
    queueing: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _idle: list[_Worker] = field(default_factory=list)
    _all: set[_Worker] = field(default_factory=set)
    _starting: int = 0  # places taken by workers being started
    _closed: bool = False
    _forker: Forker | None = None

    def adopt(self, forker: Forker) -> None:
        """Take the workers of ``forker`` (forked warm, early) as this pool's; the pool
        stops the forker when it closes."""
        with self._cond:
            self._forker = forker
            for conn in forker.take_ends():
                worker = _Worker(_Forked(), conn)
                self._all.add(worker)
                self._idle.append(worker)
            self.max_workers = max(self.max_workers, len(self._all))
            self._cond.notify_all()

    def grow(self, count: int) -> None:
        """Allow up to ``count`` workers (started when needed)."""
        with self._cond:
            self.max_workers = max(self.max_workers, count)
            self._cond.notify_all()

    def start(self, count: int, *, warm: bool = True) -> None:
        """Start workers now (up to ``count`` in all), e.g. while only one thread runs. With
        ``warm=False`` they skip :attr:`warm` (a task then imports what it needs itself)."""
        while True:
            with self._cond:
                if self._closed or len(self._all) + self._starting >= min(count, self.max_workers):
                    return
                self._starting += 1
            self._checkin(self._spawn_reserved(warm=warm))

    def run(self, seconds: float, what: str, func: Callable[..., R], *args: Any) -> R:
        """``func(*args)`` in a worker: its result, or the exception it raised. Raises
        :class:`DocumentTimeout` naming ``what`` if it takes longer than ``seconds`` (the
        worker is killed), :class:`WorkerFailed` if the worker dies. ``func``, the arguments
        and the result must be picklable."""
        result: R = self.decode(self.answer(self.send(what, func, *args), seconds, what))
        return result

    def send(self, what: str, func: Callable[..., Any], *args: Any) -> Sent:
        """The first half of :meth:`run`: ``func(*args)`` sent to a free worker (one is started
        when the pool has room, else this waits for one), for :meth:`answer` to wait for."""
        worker = self._checkout()
        sent = False
        try:
            if not worker.ready:
                if not worker.conn.poll(START_SECONDS):
                    raise WorkerFailed(f"{what}: the reading process did not start")
                _, pid = worker.conn.recv()
                if isinstance(worker.process, _Forked) and isinstance(pid, int):
                    worker.process.found(pid)
                worker.ready = True
            worker.conn.send((func, args))
            sent = True
        except (EOFError, OSError) as exc:
            raise _stopped(worker, what) from exc
        finally:
            if not sent:
                self._discard(worker)
        worker.tasks = 1
        return Sent(worker)

    def send_behind(self, sent: Sent, func: Callable[..., Any], *args: Any) -> Sent | None:
        """``func(*args)`` queued on the worker of ``sent``, which runs it as soon as that task
        ends, without waiting for this process to hand it over (the thread that would, may wait
        for the interpreter lock). Its answers come in order: :meth:`answer` the first before
        the second (the second's budget starts then, when it starts running). When the first
        fails, the worker is stopped and the queued one is lost: its answer raises
        :class:`WorkerFailed`. None when nothing could be queued (the pool is closed, the
        worker gone)."""
        worker = sent.worker
        with self._cond:
            if self._closed or worker not in self._all or not self.queueing:
                return None
        try:
            worker.conn.send((func, args))
        except (EOFError, OSError, ValueError):
            return None
        worker.tasks += 1
        return Sent(worker)

    def answer(self, sent: Sent, seconds: float, what: str) -> bytes:
        """The second half of :meth:`run`: the worker's answer as it came, once it has come
        (:meth:`decode` reads it). The worker is free again as soon as it has answered: the
        caller can give it its next task before reading this answer."""
        worker = sent.worker
        answered = False
        try:
            if not worker.conn.poll(seconds):
                raise DocumentTimeout(what, seconds)
            raw = worker.conn.recv_bytes()
            answered = True
        except (EOFError, OSError) as exc:
            raise _stopped(worker, what) from exc
        finally:
            if not answered:
                self._discard(worker)
            else:
                worker.tasks -= 1
                if worker.tasks <= 0:
                    self._checkin(worker)
        return raw

    @staticmethod
    def decode(raw: bytes) -> Any:
        """What the task returned, from :meth:`answer`'s bytes; or the exception it raised."""
        kind, value = ForkingPickler.loads(raw)
        if kind == "error":
            assert isinstance(value, BaseException)
            raise value
        return value

    def close(self) -> None:
        """Stop every worker. A busy one is killed, and its caller (which gets WorkerFailed at
        once) closes its pipe: closing it here, under a thread waiting on it, could not wake
        that thread."""
        with self._cond:
            self._closed = True
            idle = list(self._idle)
            busy = [w for w in self._all if w not in idle]
            self._all.clear()
            self._idle.clear()
            self._cond.notify_all()
        # Every idle one is killed before any is waited for: their ends overlap (a worker
        # that has parsed a refresh's feeds takes ~5 ms to be torn down).
        for worker in idle:
            worker.kill()
        for worker in busy:
            worker.process.kill()
        for worker in idle:
            worker.process.join(5)
        if self._forker is not None:
            self._forker.stop()  # reaps the workers it forked

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the pool's bookkeeping ----------------------------------------------------------------

    def _spawn_reserved(self, *, warm: bool = True) -> _Worker:
        """Start a worker in a place taken (``_starting``) under the lock."""
        worker: _Worker | None = None
        try:
            ctx = _context()
            parent_end, child_end = ctx.Pipe()
            _POOL_ENDS.add(parent_end)
            process = ctx.Process(  # type: ignore[attr-defined]
                target=_serve,
                args=(child_end, self.warm if warm else None, self.nice, self.queueing),
                daemon=True,
                name="tui-reader-worker",
            )
            try:
                process.start()
            finally:
                child_end.close()
            worker = _Worker(process, parent_end)
        finally:
            with self._cond:
                self._starting -= 1
                closed = self._closed
                if worker is not None and not closed:
                    self._all.add(worker)
                self._cond.notify()
        assert worker is not None
        if closed:
            worker.stop()
            raise BudgetError("the worker pool is closed")
        return worker

    def _checkout(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise BudgetError("the worker pool is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) + self._starting < self.max_workers:
                    self._starting += 1  # the place is taken while the worker starts
                    break
                self._cond.wait()
        return self._spawn_reserved()

    def _checkin(self, worker: _Worker) -> None:
        with self._cond:
            if worker in self._all:
                self._idle.append(worker)
                self._cond.notify()
                return
        worker.stop()  # the pool was closed meanwhile

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._cond:
            self._all.discard(worker)
            self._cond.notify()


@dataclass(frozen=True, eq=False)
class Sent:
    """A task given to a worker (:meth:`Workers.send`), for :meth:`Workers.answer`."""

    worker: _Worker


def _stopped(worker: _Worker, what: str) -> WorkerFailed:
    worker.process.join(1)
    return WorkerFailed(
        f"{what} could not be read: the reading process stopped"
        + (f" (exit code {worker.process.exitcode})" if worker.process.exitcode is not None else "")
    )


def _fork_workers(
    control: multiprocessing.connection.Connection,
    ends: list[multiprocessing.connection.Connection],
    warm: str,
    nice: int,
    queueing: bool,
) -> None:
    """A forker's life: import what ``warm`` names ("module:function") and run it, fork a
    worker for each end, wait until the pool closes ``control``, then stop and reap them.
    The pools' own ends inherited with the fork are closed first, so that the pool closing its
    ends is seen here and by the workers (else each held them open)."""
    _close_pool_ends()
    _quiet(nice)
    module, _, name = warm.partition(":")
    getattr(importlib.import_module(module), name)()
    pids: list[int] = []
    try:
        for end in ends:
            pid = os.fork()
            if pid == 0:  # the worker (this process runs no other thread: forking is safe)
                code = 0
                try:
                    control.close()
                    for other in ends:
                        if other is not end:
                            other.close()
                    _serve(end, None, 0, queueing)  # (niced already, as its forker)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            pids.append(pid)
            end.close()
        with contextlib.suppress(EOFError, OSError):
            control.recv()  # until the pool closes its end (or ends)
    finally:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


class Forker:
    """A process forked at once (while this process runs a single thread) that imports the
    parsers and forks ``count`` workers from itself, while this process goes on with its own
    start-up: a refresh's first fetches then wait neither for the parsers' import (~0.05 s)
    nor for the forks, which run on a core that is idle at that point. Its workers are taken
    by a pool (:meth:`Workers.adopt`), which stops it when it closes; :meth:`stop` otherwise."""

    def __init__(self, count: int, warm: str, *, nice: int = 0, queueing: bool = False) -> None:
        ctx = multiprocessing.get_context("fork")
        pairs = [ctx.Pipe() for _ in range(count)]
        self._control, control_end = ctx.Pipe()
        self._ends = [ours for ours, _ in pairs]
        for end in (self._control, *self._ends):
            _POOL_ENDS.add(end)
        self.process = ctx.Process(
            target=_fork_workers,
            args=(
                control_end,
                [theirs for _, theirs in pairs],
                warm,
                nice,
                queueing,
            ),
            daemon=True,
            name="tui-reader-forker",
        )
        try:
            self.process.start()
        finally:
            control_end.close()
            for _, theirs in pairs:
                theirs.close()

    def take_ends(self) -> list[multiprocessing.connection.Connection]:
        ends, self._ends = self._ends, []
        return ends

    def stop(self, *, now: bool = False) -> None:
        """Stop it and the workers it forked. A pool that took them has killed them: the
        forker reaps them and ends. ``now``, when nobody took them: the forker is killed
        where it stands (it may be importing still); workers it had forked see their pipes
        closed and end, and the system reaps them."""
        for end in self.take_ends():
            end.close()
        self._control.close()
        if now:
            self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


_EARLY: list[Forker] = []


def fork_early(count: int, warm: str, *, nice: int = 0, queueing: bool = False) -> None:
    """Start a :class:`Forker` now, for the command about to run to take (:func:`take_early`);
    nothing when this process already runs other threads or cannot fork."""
    if _EARLY or threading.active_count() != 1:
        return
    if "fork" not in multiprocessing.get_all_start_methods() or not hasattr(os, "pidfd_open"):
        return  # (its workers are killed through pidfds: Linux only)
    _EARLY.append(Forker(count, warm, nice=nice, queueing=queueing))


def take_early() -> Forker | None:
    """The forker started by :func:`fork_early`, now the caller's to adopt or stop."""
    return _EARLY.pop() if _EARLY else None


def stop_early() -> None:
    """Stop a forker nobody took (the command did not need it)."""
    forker = take_early()
    if forker is not None:
        forker.stop(now=True)


def per_core() -> int:
    """How many workers a pool runs at most: one per core, up to four."""
    return max(1, min(os.cpu_count() or 1, 4))


_SHARED: Workers | None = None
_SHARED_LOCK = threading.Lock()
_AT_EXIT: list[bool] = []


def shared_workers() -> Workers:
    """The process's pool for documents read one at a time (articles opened in the app, pages
    given to ``tui-reader extract``): started on first use, stopped at exit."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Workers(max_workers=per_core(), warm=preload)
            if not _AT_EXIT:
                atexit.register(close_shared_workers)
                _AT_EXIT.append(True)
        return _SHARED


def close_shared_workers() -> None:
    global _SHARED
    with _SHARED_LOCK:
        workers, _SHARED = _SHARED, None
    if workers is not None:
        workers.close()
