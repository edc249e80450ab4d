"""Quick loop for tuning the extractor: the reader alone on one half of the development sets,
scored as bench/extract_eval.py scores it (same gold, same metric), per page type, and compared
page by page with an earlier run saved with --save. Not a replacement for extract_eval.py
(no other extractor, no timing beside readability-lxml): use that for figures to report.

Usage: .venv/bin/python bench/extract_quick.py [--set modern|mozilla|all] [--half even|odd|both]
       [--types article ...] [--save OUT.json] [--against OLD.json] [--diff N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extract_eval import modern_pages, mozilla_gold, mozilla_pages, read_page
from bench.shingles import aggregate, page_f1, shingle_match


def _ours(data: bytes) -> str:
    from tui_reader.extract import ExtractionError, extract_html

    try:
        return extract_html(data, "", content_type="").text
    except ExtractionError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("modern", "mozilla", "all"), default="all")
    parser.add_argument("--half", choices=("even", "odd", "both"), default="even")
    parser.add_argument("--types", nargs="*", help="only these modern page types")
    parser.add_argument("--save", type=Path, help="write per-page F1 here")
    parser.add_argument("--against", type=Path, help="compare with a run saved with --save")
    parser.add_argument("--diff", type=int, default=15, help="list the N biggest changes")
    args = parser.parse_args(argv)
    pages = []
    if args.set in ("modern", "all"):
        pages += [p for p in modern_pages() if not args.types or p.page_type in args.types]
    if args.set in ("mozilla", "all"):
        pages += mozilla_pages()
    if args.half != "both":
        pages = [p for p in pages if p.half == args.half]
    scores: dict[str, tuple[float, float, float]] = {}
    groups: dict[str, list[tuple[float, float, float]]] = {}
    members: dict[str, list[str]] = {}
    empty: dict[str, int] = {}
    start = time.perf_counter()
    for page in pages:
        gold = page.gold if page.set == "modern" else mozilla_gold(page)
        text = _ours(read_page(page.path))
        counts = shingle_match(gold, text)
        k = f"{page.set}/{page.id}"
        scores[k] = counts
        for g in (f"{page.set} all", f"{page.set} {page.page_type}" if page.page_type else ""):
            if g:
                groups.setdefault(g, []).append(counts)
                members.setdefault(g, []).append(k)
                empty[g] = empty.get(g, 0) + (not text)
    old = json.loads(args.against.read_text()) if args.against else {}
    print(f"{len(pages)} pages, {time.perf_counter() - start:.0f} s, half {args.half}")
    for g, rows in groups.items():
        f1, p, r = aggregate(rows)
        line = f"{g:<24} n {len(rows):4}  F1 {f1:.3f}  P {p:.3f}  R {r:.3f}  empty {empty[g]}"
        if old:
            same = [k for k in members[g] if k in old]
            line += f"   was {aggregate(tuple(old[k]) for k in same)[0]:.3f} on {len(same)}"
        print(line)
    if old:
        deltas = sorted(
            (page_f1(scores[k]) - page_f1(tuple(old[k])), k) for k in scores if k in old
        )
        print("worse:", " ".join(f"{k}:{d:+.2f}" for d, k in deltas[: args.diff] if d < -0.005))
        print(
            "better:",
            " ".join(f"{k}:{d:+.2f}" for d, k in deltas[::-1][: args.diff] if d > 0.005),
        )
    if args.save:
        args.save.write_text(json.dumps(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
