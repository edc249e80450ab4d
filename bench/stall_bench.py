"""Event-loop stall while the app refreshes 500 feeds (target ≤ 16 ms, one frame).

The app (headless, 120x40) refreshes 500 feeds served on 127.0.0.1 (bench/refresh_bench.py's
derived corpus and server), cold and then with every feed answering 304. While it runs, a
timer on the app's event loop asks to be called every 2 ms and records how late each call is:
the largest lateness is the longest time the loop could not answer a key or draw a frame.

The app is launched as the CLI launches it (no collections during start-up, then what start-up
made is frozen: cli/reading.py). Each refresh also prints the event-loop thread's CPU time, a
steadier figure than the longest stall on a busy machine. ``--where``: the loop's stacks during
stalls, its callbacks over 8 ms (by task) and GC passes over 1 ms; ``--profile``: cProfile of
the loop's thread.

    .venv/bin/python -m bench.stall_bench [--feeds 500] [--runs 3] [--where | --profile]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import multiprocessing
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.refresh_bench import FeedServer, build_docs  # noqa: E402
from tui_reader.refresh_child import CHILD_NICE  # noqa: E402

TICK = 0.002


class Ticker:
    """Lateness of a 2 ms timer on the running loop. With ``where``, a thread samples the
    loop thread's stack whenever a tick is over 16 ms late (what held the loop)."""

    def __init__(self, where: bool = False) -> None:
        self.late: list[float] = []
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0
        self.where = where
        self.samples: Counter[str] = Counter()
        self.loop_samples: list[tuple[float, str]] = []
        self.worst: list[tuple[float, float]] = []
        self.t0 = time.perf_counter()
        self._stop = threading.Event()

    def start(self) -> None:
        self._schedule()
        if self.where:
            threading.Thread(target=self._sample, args=(threading.get_ident(),)).start()

    def _sample(self, ident: int) -> None:
        while not self._stop.wait(0.004):
            if time.perf_counter() - self._due > 0.016:
                for thread, frame in sys._current_frames().items():
                    if thread == threading.get_ident():
                        continue
                    stack = traceback.extract_stack(frame)[-8:]
                    key = " < ".join(
                        f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in reversed(stack)
                    )
                    self.samples[("LOOP " if thread == ident else "") + key] += 1
                    if thread == ident:
                        self.loop_samples.append((time.perf_counter() - self.t0, key))

    def _schedule(self) -> None:
        loop = asyncio.get_running_loop()
        self._due = time.perf_counter() + TICK
        self._handle = loop.call_later(TICK, self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.append(now - self._due)
        if now - self._due > 0.016:
            self.worst.append((now - self._due, now - self.t0))
        self._schedule()

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()


class Slow:
    """With ``--where``: every event-loop callback that ran longer than ``SLOW`` (what it
    was), and every garbage-collector pass longer than 1 ms (its generation), while on."""

    SLOW = 0.008

    def __init__(self) -> None:
        self.callbacks: list[tuple[float, str]] = []
        self.gcs: list[tuple[float, int]] = []
        self._gc_start = 0.0
        self.on = False
        run = asyncio.events.Handle._run
        slow = self

        def timed(handle: asyncio.events.Handle) -> None:
            if not slow.on:
                return run(handle)
            t = time.perf_counter()
            run(handle)
            took = time.perf_counter() - t
            if took > slow.SLOW:
                slow.callbacks.append((took, slow.describe(handle)))
            return None

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]
        gc.callbacks.append(self._gc)

    @staticmethod
    def describe(handle: asyncio.events.Handle) -> str:
        """The task a callback stepped (Textual names its message pumps' tasks after their
        node), else the callback."""
        callback = handle._callback  # type: ignore[attr-defined]
        task = getattr(callback, "__self__", None)
        if isinstance(task, asyncio.Task):
            return f"task {task.get_name()[:120]}"
        return repr(handle)[:160]

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if not self.on:
            return
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            took = time.perf_counter() - self._gc_start
            if took > 0.001:
                self.gcs.append((took, info["generation"]))

    def report(self) -> None:
        for took, what in sorted(self.callbacks, reverse=True)[:8]:
            print(f"  slow callback {took * 1000:5.1f} ms  {what}")
        for took, gen in sorted(self.gcs, reverse=True)[:5]:
            print(f"  gc pause {took * 1000:5.1f} ms  generation {gen}")
        print(
            f"  ({len(self.callbacks)} callbacks over {self.SLOW * 1000:.0f} ms,"
            f" {len(self.gcs)} gc passes over 1 ms)"
        )
        self.callbacks.clear()
        self.gcs.clear()


WHERE = "--where" in sys.argv
PROFILE = "--profile" in sys.argv
SLOW = Slow() if WHERE else None


async def one_run(urls: list[str], home: Path) -> tuple[list[float], list[float]]:
    """(cold lateness, all-304 lateness) of one fresh home."""
    os.environ["TUI_READER_HOME"] = str(home)
    from tui_reader.cli.reading import _collect_again
    from tui_reader.config import Config
    from tui_reader.feeds.welcome import WELCOME_SETTING
    from tui_reader.paths import get_paths
    from tui_reader.store import Store
    from tui_reader.ui.app import ReaderApp
    from tui_reader.ui.screens.main import MainScreen

    paths = get_paths()
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(paths.database) as store:
        store.set_setting(WELCOME_SETTING, "1")
        for url in urls:
            store.add_feed(url)
    # Launched as the CLI launches it (cli/reading.py's _run): no collections during start-up,
    # then what start-up made is frozen once the list is shown. Without it, a generation-2
    # pass over all of Textual's objects (~100 ms) landed in the middle of the refresh.
    gc.disable()
    app = ReaderApp(paths, Config(), on_shown=_collect_again)
    out: list[list[float]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen_stack[0]
        assert isinstance(screen, MainScreen)
        while len(screen.feeds.feeds) < len(urls):
            await pilot.pause(0.01)
        await asyncio.sleep(0.5)  # what the full list set off (its redraw, the watcher) is done
        # The machine's own noise: the same timer with the app idle, as long as a refresh.
        idle = Ticker()
        idle.start()
        await asyncio.sleep(2.0)
        idle.stop()
        print(f"  idle app: longest lateness {max(idle.late) * 1000:.1f} ms", flush=True)
        for kind in ("cold", "all-304"):
            await pilot.pause(0.2)
            ticker = Ticker(WHERE)
            ticker.start()
            if SLOW is not None:
                SLOW.on = True
            profile = cProfile.Profile() if PROFILE else None
            if profile is not None:
                profile.enable()  # the loop's thread only
            cpu, wall = time.thread_time(), time.perf_counter()
            screen.action_refresh()
            while screen.refreshing:
                await asyncio.sleep(0.01)
            during = len(ticker.late)  # ticks before the summary reached the screen
            if WHERE:
                print(f"  refresh done at {time.perf_counter() - ticker.t0:.2f} s")
            await pilot.pause(0.3)  # the list reloads after the refresh: part of it
            ticker.stop()
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            if profile is not None:
                profile.disable()
                stats = pstats.Stats(profile)
                stats.sort_stats("tottime").print_stats(14)
                stats.sort_stats("cumulative").print_stats(30)
                stats.print_stats("tui_reader", 15)  # the app's own code
            if SLOW is not None:
                SLOW.on = False
            out.append(ticker.late)
            after = ticker.late[during:] or [0.0]
            print(
                f"  {kind}: longest stall while refreshing"
                f" {max(ticker.late[:during] or [0.0]) * 1000:.1f} ms, in the reload after it"
                f" {max(after) * 1000:.1f} ms; event-loop thread CPU {cpu * 1000:.0f} ms"
                f" in {wall:.2f} s",
                flush=True,
            )
            if SLOW is not None:
                SLOW.report()
            for stack, n in ticker.samples.most_common(12):
                print(f"  {n:4d} x 4 ms  {stack}")
            for late, at in sorted(ticker.worst, reverse=True)[:4] if WHERE else []:
                print(f"  stall {late * 1000:.0f} ms ending at {at:.2f} s:")
                for when, stack in ticker.loop_samples:
                    if at - late - 0.01 <= when <= at:
                        print(f"     {when:.3f} {stack[:300]}")
    # The next run starts from a clean heap, as a new process would.
    gc.unfreeze()
    gc.enable()
    gc.collect()
    return out[0], out[1]


def _serve(feeds: int, ports: multiprocessing.Queue[list[int]], stop: Any) -> None:
    # At the refresh child's priority: the feeds' servers are elsewhere in real use, so they
    # must not take the CPU from the app's loop more than the refresh itself does.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(CHILD_NICE)
    server = FeedServer(build_docs(feeds), 100).start()
    ports.put(server.ports)
    stop.wait()
    server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--where", action="store_true", help="print what held the loop")
    ap.add_argument("--profile", action="store_true", help="profile the loop's thread")
    args = ap.parse_args()
    # The server runs in a process of its own: in the app's, its thread would take the GIL
    # from the loop being measured.
    ctx = multiprocessing.get_context("fork")
    ports: multiprocessing.Queue[list[int]] = ctx.Queue()
    stop = ctx.Event()
    server = ctx.Process(target=_serve, args=(args.feeds, ports, stop), daemon=True)
    server.start()
    port_list = ports.get(timeout=120)
    urls = [f"http://127.0.0.1:{port_list[i % 100]}/feed/{i}.xml" for i in range(args.feeds)]
    cold: list[float] = []
    warm: list[float] = []
    try:
        for run in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory(prefix="stall-bench-") as tmp:
                c, w = asyncio.run(one_run(urls, Path(tmp)))
            ms = 1000
            print(
                f"run {run}: cold: longest stall {max(c) * ms:6.1f} ms, 99th pct"
                f" {statistics.quantiles(c, n=100)[98] * ms:5.1f} ms, {len(c)} ticks;"
                f" all-304: longest {max(w) * ms:6.1f} ms, {len(w)} ticks",
                flush=True,
            )
            cold.append(max(c))
            warm.append(max(w))
    finally:
        stop.set()
        server.join(timeout=10)
    print(
        f"event-loop stall during a refresh of {args.feeds} feeds in the app (median of"
        f" {args.runs} runs' longest): cold {statistics.median(cold) * 1000:.1f} ms,"
        f" all-304 {statistics.median(warm) * 1000:.1f} ms  (target <= 16 ms)"
        f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
