"""The urls-file reader against newsboat itself: random lines, each read by :func:`read_urls`
and by newsboat (``newsboat -u urls -e`` writes the feeds it read as OPML, a ``~`` tag as the
title). The same feeds must come out, with the same URLs and titles.

What the reader treats on purpose otherwise is not compared: hidden feeds (a ``!`` tag; they are
subscribed here like the others), addresses that are not http(s) URLs, query, ``exec:`` and
``filter:`` lines, which newsboat subscribes to or runs. One deliberate difference is allowed:
the reader strips whitespace at the ends of a URL (``str.strip``: a no-break space too), which
newsboat keeps in it. Titles are compared with
their whitespace folded, as the reader stores them. Needs newsboat (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tui_reader.feeds.newsboat import NewsboatError, read_urls

LINES = 200
HEADS = [
    "http://a.example/x",
    "https://b.example/p?q=1",
    '"http://c.example/q"',
    '"http://e.example/a b"',
    " http://f.example/",
    "\thttp://g.example/",
]
PIECES = [
    *["http://a.example/x", "https://b.example/p?q=1&r=2", 'http://c.example/"q"', "#f"],
    *[" ", "  ", "\t", '"', "\\", '\\"', "\\\\", "\\n", "\\t", "\\x", "#", " #c", '""', "'"],
    *["~", "~T", " ~A B", '"~Q T"', ' "~Q\\"T"', "!", "!h", "tag", "a/b", '"two words"'],
    *[' "~A\\tB"', ' "~A\\nB"', ' "~A\\\\B"', ' "~A\\xB', ' "~A\\rB"'],  # escapes in a title
    *["\u00e9", "\u00a0", "x", ":", "query:", "exec:", "filter:"],
]


def _words(text: str) -> str:
    return " ".join(text.split())


def _newsboat_reads(line: str, tmp: Path) -> list[tuple[str, str]]:
    urls, cache = tmp / "urls", tmp / "cache.db"
    urls.write_text(line + "\n", encoding="utf-8")
    cache.unlink(missing_ok=True)
    env = {**os.environ, "HOME": str(tmp)}
    out = subprocess.run(
        ["newsboat", "-u", str(urls), "-c", str(cache), "-e"],
        capture_output=True,
        env=env,
        timeout=30,
        check=True,
    ).stdout
    return [
        ((o.get("xmlUrl") or "").strip(), _words(o.get("title") or ""))
        for o in etree.fromstring(out).iter("outline")
    ]


@pytest.mark.skipif(
    shutil.which("newsboat") is None, reason="newsboat is not installed (.ci/run installs it)"
)
def test_the_urls_file_is_read_as_newsboat_reads_it(tmp_path: Path) -> None:
    rng = random.Random(20261203)
    compared = 0
    differ = []
    for _ in range(LINES):
        line = rng.choice(HEADS) + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 7)))
        try:
            found = read_urls(line.encode())
        except NewsboatError:
            continue  # (nothing the reader takes: nothing to compare)
        if found.hidden or found.skipped or found.queries:
            continue
        compared += 1
        ours = [(f.url, _words(f.title)) for f in found.feeds]
        theirs = _newsboat_reads(line, tmp_path)
        if ours != theirs:
            differ.append((line, ours, theirs))
    assert differ[:5] == []
    assert compared >= LINES * 0.7
