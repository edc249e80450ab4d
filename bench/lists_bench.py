"""Issue 16's list work against the 100,000-article store of ``bench/ui_bench.py`` (built
once into bench/results/): the first page (201 rows) of All and of the 10,000-article feed in
each sort order, with read articles hidden, of a saved search, and marking All read and
undoing it (on a copy). Prints the median of RUNS runs; no goal is checked here.

    .venv/bin/python bench/lists_bench.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ui_bench import store_path  # noqa: E402
from tui_reader.listview import ListView  # noqa: E402
from tui_reader.query import parse_query  # noqa: E402
from tui_reader.store import Store  # noqa: E402
from tui_reader.store.listing import (  # noqa: E402
    SORTS,
    ListFilter,
    count_unread,
    list_articles,
    mark_list_read,
    mark_unread,
)
from tui_reader.ui.sources import ALL, FIRST_PAGE, feed_source  # noqa: E402

RUNS = 5


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    db = store_path()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copy(db, copy)
        with Store.open(copy) as store:
            big = min(store.list_feeds(), key=lambda f: -f.total)
            print(f"{store.article_count():,} articles; the big feed has {big.total:,}")
            print(f"{'list':<28}{'sort':<10}{'read':<8}{'ms (median of 5)':>18}")
            for label, source in (("All", ALL), ("feed (10,000)", feed_source(big.id, ""))):
                for sort in SORTS:
                    for show_read in (True, False):
                        view = ListView(sort, show_read)
                        ms = median_ms(partial(source.fetch, store, FIRST_PAGE + 1, view=view))
                        shown = "shown" if show_read else "hidden"
                        print(f"{label:<28}{sort:<10}{shown:<8}{ms:>18.1f}")
            query = parse_query("feed:feed1 since:2023-01-01")
            ms = median_ms(lambda: list_articles(store.conn, ListFilter(query=query), limit=201))
            print(f"{'saved search, first page':<46}{ms:>18.1f}")
            ms = median_ms(lambda: count_unread(store.conn, ListFilter(query=query)))
            print(f"{'saved search, unread count':<46}{ms:>18.1f}")
            t0 = time.perf_counter()
            ids = mark_list_read(store.conn, ListFilter())
            marked = time.perf_counter() - t0
            t0 = time.perf_counter()
            mark_unread(store.conn, ids)
            undone = time.perf_counter() - t0
            print(f"{f'A on All ({len(ids):,} marked read)':<46}{marked * 1000:>18.1f}")
            print(f"{'u (all of them unread again)':<46}{undone * 1000:>18.1f}")


if __name__ == "__main__":
    main()
