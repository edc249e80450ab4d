"""Extraction benchmark: our extractor against plain readability-lxml, in the same run.

Scores every page of ``shared/corpus/readability-pages`` against the text of its
``expected.html`` with the metric of the public article-extraction benchmark: word 4-gram
shingles, precision and recall per page, each averaged over pages, F1 of the two averages.
Both extractors' HTML and the expected HTML are turned into text the same way (block by block,
blank lines between blocks). Times are per page, measured in this run, interleaved.

Usage: .venv/bin/python bench/extract_bench.py [--worst N] [--pages NAME...] [--repeat N]

The gold text here goes through the reader's own converter, which flatters the reader: the
yardstick for issue 13 is bench/extract_eval.py (neutral gold, the CLI's text, trafilatura too).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import readability

from tui_reader.extract import ExtractionError, extract_html
from tui_reader.extract.blocks import blocks_from_html, text_of_blocks
from tui_reader.extract.parse import parse_html

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TUI_READER_SHARED", REPO.parent / "shared"))
PAGES = SHARED / "corpus" / "readability-pages"
URL = "http://fakehost/test/page.html"  # the URL the corpus pages were saved under
_TOKEN = re.compile(r"\w+")

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


def html_text(html: str) -> str:
    """HTML to text, block by block (the same conversion for every side)."""
    root = parse_html(html, fragment=True)
    body = root.find("body")
    return text_of_blocks(blocks_from_html(body if body is not None else root, URL))


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def precision_recall(true: str, pred: str) -> tuple[float, float]:
    """Per-page precision and recall over word 4-gram shingles (counts matter)."""
    t, p = shingles(true), shingles(pred)
    t.pop((), None)
    p.pop((), None)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def ours(source: bytes) -> str:
    try:
        return extract_html(source, URL).text
    except ExtractionError:
        return ""


def plain_readability(source: bytes) -> str:
    try:
        summary = readability.Document(source, url=URL).summary(html_partial=True)
    except readability.readability.Unparseable:
        return ""
    return html_text(summary)


def timed(func: Callable[[bytes], str], source: bytes, repeat: int) -> tuple[str, float]:
    best = float("inf")
    out = ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = func(source)
        best = min(best, time.perf_counter() - start)
    return out, best


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worst", type=int, default=12, help="list the N worst pages")
    parser.add_argument("--pages", nargs="*", help="only these pages")
    parser.add_argument("--repeat", type=int, default=1, help="time each page N times (best)")
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"no corpus at {PAGES}", file=sys.stderr)
        return 1
    dirs = sorted(p for p in PAGES.iterdir() if (p / "source.html").is_file())
    if args.pages:
        dirs = [d for d in dirs if d.name in args.pages]
    rows: list[tuple[str, float, float, float, float]] = []
    times: dict[str, list[float]] = {"ours": [], "readability": []}
    for page in dirs:
        source = (page / "source.html").read_bytes()
        expected = html_text((page / "expected.html").read_text(encoding="utf-8"))
        base_text, base_time = timed(plain_readability, source, args.repeat)
        our_text, our_time = timed(ours, source, args.repeat)
        times["readability"].append(base_time)
        times["ours"].append(our_time)
        bp, br = precision_recall(expected, base_text)
        op, orr = precision_recall(expected, our_text)
        rows.append((page.name, op, orr, bp, br))

    n = len(rows)
    print(f"{n} pages from {PAGES}")
    print(f"{'':12} {'precision':>9} {'recall':>7} {'F1':>6} {'median ms':>10} {'mean ms':>8}")
    results = {}
    for label, pi, ri in (("readability", 3, 4), ("ours", 1, 2)):
        p = statistics.mean(float(row[pi]) for row in rows)
        r = statistics.mean(float(row[ri]) for row in rows)
        t = times[label]
        results[label] = (f1(p, r), statistics.median(t))
        print(
            f"{label:12} {p:9.4f} {r:7.4f} {f1(p, r):6.4f}"
            f" {statistics.median(t) * 1000:10.1f} {statistics.mean(t) * 1000:8.1f}"
        )
    ratio = results["ours"][1] / results["readability"][1]
    print(
        f"F1 ours {results['ours'][0]:.4f} vs readability-lxml {results['readability'][0]:.4f}"
        f" (target >= 0.975); median time ratio ours/readability {ratio:.2f} (target <= 1.5)"
    )
    if args.worst:
        print(f"\nworst {args.worst} pages (ours P/R | readability P/R):")
        for name, op, orr, bp, br in sorted(rows, key=lambda r: f1(r[1], r[2]))[: args.worst]:
            print(f"  {f1(op, orr):.3f}  {op:.3f}/{orr:.3f} | {bp:.3f}/{br:.3f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
