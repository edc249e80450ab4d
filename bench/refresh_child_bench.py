"""What a refresh in a child process (Reader.refresh_in_child, the app's way) costs to start.

A refresh of a store with no feed does nothing but start: in this process (Reader.refresh, the
CLI's way, its modules already imported after the first) and in a child process (a fresh
interpreter importing the core each time). The difference is what each app refresh pays before
its first fetch. Printed with the load average (2 cores shared: figures vary with it).

    .venv/bin/python -m bench.refresh_child_bench [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="child-bench-") as tmp:
        os.environ["TUI_READER_HOME"] = tmp
        from tui_reader.config import Config
        from tui_reader.paths import get_paths
        from tui_reader.reader import Reader

        paths = get_paths()
        paths.database.parent.mkdir(parents=True, exist_ok=True)
        inproc: list[float] = []
        child: list[float] = []
        with Reader.open(paths, Config()) as reader:
            reader.refresh()  # imports the refresh's modules once, as the app would have
            for _ in range(args.runs):
                t = time.perf_counter()
                reader.refresh()
                inproc.append(time.perf_counter() - t)
                t = time.perf_counter()
                reader.refresh_in_child().wait()
                child.append(time.perf_counter() - t)
    ms = 1000
    print(
        f"refresh of 0 feeds, median of {args.runs}: in this process"
        f" {statistics.median(inproc) * ms:.1f} ms, in a child process"
        f" {statistics.median(child) * ms:.1f} ms (min {min(child) * ms:.1f},"
        f" max {max(child) * ms:.1f}): the child's start costs"
        f" {(statistics.median(child) - statistics.median(inproc)) * ms:.0f} ms"
        f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
