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
from tui_reader.listview import SORTS, ListView  # noqa: E402
from tui_reader.query import parse_query  # noqa: E402
from tui_reader.reader import ListFilter, Reader  # noqa: E402
from tui_reader.store.listing import count_unread  # noqa: E402
from tui_reader.ui.appreader import AppReader  # noqa: E402
from tui_reader.ui.sources import ALL, FIRST_PAGE, ListSource, feed_source  # noqa: E402

RUNS = 5


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _first_page(reader: Reader, source: ListSource, view: ListView) -> object:
    return source.fetch(reader, FIRST_PAGE + 1, view=view)


def main() -> None:
    db = store_path()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copy(db, copy)
        with AppReader.at(copy) as reader:  # as the app reads its lists
            store = reader.store
            big = min(reader.feeds(), key=lambda f: -f.total)
            print(f"{store.article_count():,} articles; the big feed has {big.total:,}")
            print(f"{'list':<28}{'sort':<10}{'read':<8}{'ms (median of 5)':>18}")
            for label, source in (("All", ALL), ("feed (10,000)", feed_source(big.id, ""))):
                for sort in SORTS:
                    for show_read in (True, False):
                        view = ListView(sort, show_read)
                        ms = median_ms(partial(_first_page, reader, source, view))
                        shown = "shown" if show_read else "hidden"
                        print(f"{label:<28}{sort:<10}{shown:<8}{ms:>18.1f}")
            query = parse_query("feed:feed1 since:2023-01-01")
            ms = median_ms(lambda: reader.list_articles(ListFilter(query=query), limit=201))
            print(f"{'saved search, first page':<46}{ms:>18.1f}")
            ms = median_ms(lambda: count_unread(store.conn, ListFilter(query=query)))
            print(f"{'saved search, unread count':<46}{ms:>18.1f}")
            t0 = time.perf_counter()
            ids = reader.mark_list_read(ListFilter())
            marked = time.perf_counter() - t0
            t0 = time.perf_counter()
            reader.mark_unread(ids)
            undone = time.perf_counter() - t0
            print(f"{f'A on All ({len(ids):,} marked read)':<46}{marked * 1000:>18.1f}")
            print(f"{'u (all of them unread again)':<46}{undone * 1000:>18.1f}")


if __name__ == "__main__":
    main()
