"""Reading OPML strictly and leniently, and carrying newsboat's cache over: speed by size.

Run: ``.venv/bin/python -m bench.opml_bench``. For 1,000 to 50,000 outlines it prints the
time of the strict reading of a well-formed file, of the lenient reading of the same file
broken the way the Plenary app breaks it (raw ``<a href>`` markup in two outlines of three,
bare ``&`` in URLs), and of a newsboat cache import (urls file, then a cache of ten articles a
feed, half read and a tenth flagged) into a fresh store. The rate should hold as the size
grows: every step is linear in its input.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from tui_reader.feeds.newsboat import import_cache, import_urls
from tui_reader.feeds.opml import read_opml_leniently
from tui_reader.store import Store

SIZES = (1_000, 10_000, 50_000)
CACHE_FEEDS = (100, 1_000)


def opml(n: int, *, broken: bool) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?><opml version="1.0"><body>']
    for i in range(n):
        amp = "&" if broken else "&amp;"
        url = f"https://site{i}.example/feed?a=1{amp}b={i}"
        if broken and i % 3:
            desc = f'See <a href="https://site{i}.example/">site {i}</a> <b>now</b>'
        else:
            desc = f"Site {i}, in plain words"
        lines.append(f'<outline text="Site {i}" description="{desc}" xmlUrl="{url}"/>')
    lines.append("</body></opml>")
    return "\n".join(lines).encode()


def best(func: object, *args: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        func(*args)  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def cache_import(feeds: int, folder: Path) -> tuple[float, float, int]:
    urls = folder / f"urls-{feeds}"
    urls.write_text("".join(f"https://f{i}.example/rss tag\n" for i in range(feeds)))
    cache = folder / f"cache-{feeds}.db"
    conn = sqlite3.connect(cache)
    conn.execute(
        "CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, title TEXT NOT NULL,"
        " author TEXT NOT NULL, url TEXT NOT NULL, feedurl TEXT NOT NULL, pubDate INTEGER NOT"
        " NULL, content TEXT NOT NULL, unread INTEGER NOT NULL, flags TEXT,"
        " deleted INTEGER NOT NULL DEFAULT 0)"
    )
    conn.executemany(
        "INSERT INTO rss_item(guid, title, author, url, feedurl, pubDate, content, unread, flags)"
        " VALUES (?, ?, '', ?, ?, ?, ?, ?, ?)",
        [
            (
                f"g{f}-{k}",
                f"Article {k} of feed {f}",
                f"https://f{f}.example/{k}",
                f"https://f{f}.example/rss",
                1_700_000_000 + k,
                f"<p>Body of article {k} of feed {f}.</p>" * 20,
                k % 2,
                "s" if k == 0 else "",
            )
            for f in range(feeds)
            for k in range(10)
        ],
    )
    conn.commit()
    conn.close()
    with Store.open(folder / f"reader-{feeds}.sqlite3") as store:
        t = time.perf_counter()
        import_urls(store, urls)
        t_urls = time.perf_counter() - t
        t = time.perf_counter()
        result = import_cache(store, cache)
        t_cache = time.perf_counter() - t
    return t_urls, t_cache, result.added


def main() -> None:
    print(f"{'outlines':>9}  {'strict':>9}  {'lenient':>9}  {'lenient/outline':>16}  repaired")
    for n in SIZES:
        good, bad = opml(n, broken=False), opml(n, broken=True)
        strict = best(read_opml_leniently, good)
        lenient = best(read_opml_leniently, bad)
        found = read_opml_leniently(bad)
        assert len(found.feeds) == n, (len(found.feeds), n)
        print(
            f"{n:>9}  {strict:>8.3f}s  {lenient:>8.3f}s  {lenient / n * 1e6:>13.1f} us"
            f"  {found.repaired}"
        )
    print()
    print(f"{'feeds':>6}  {'articles':>8}  {'urls file':>9}  {'cache.db':>9}  {'per article':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for feeds in CACHE_FEEDS:
            t_urls, t_cache, added = cache_import(feeds, Path(tmp))
            print(
                f"{feeds:>6}  {added:>8}  {t_urls:>8.3f}s  {t_cache:>8.3f}s"
                f"  {t_cache / max(added, 1) * 1e6:>9.1f} us"
            )


if __name__ == "__main__":
    main()
