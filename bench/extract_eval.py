"""Extraction yardstick: tui-reader against readability-lxml and trafilatura, in one run, with gold
text that no part of the reader made.

Data sets (``../shared/corpus``, see its README):

- ``modern``: ``modern-pages``, 999 pages of 2026; gold is ground-truth ``articleBody`` as is;
  also the ``with``/``without`` snippets and the ``page_type`` of each page.
- ``mozilla``: ``readability-pages``, 130 pages; gold is ``html_text.extract_text(expected.html)``
  (lxml ``text_content()`` only if html-text is missing; the header says which).

Extractors, each given the page as the public benchmark's tooling gives it:

- ``tui-reader``: ``extract_html(page_bytes, "", content_type="").text``, exactly what
  ``tui-reader extract --format json FILE`` prints as ``text`` for a local HTML file (the CLI's
  ``extract_source``); an ExtractionError is an empty text (the CLI prints none), and listed.
- ``readability-lxml``: ``Document(html).summary(html_partial=True)`` made text by the neutral
  tool (html_text), as the public benchmark's ``run_readability.py`` does.
- ``trafilatura`` (if installed, ``pip install -e '.[bench]'``):
  ``trafilatura.extract(html, include_comments=False)``, other options at their defaults
  (favor_precision off, tables in), as the benchmark's ``run_trafilatura.py`` does.

``html`` for the last two is the page decoded as UTF-8 (as the public tooling reads it); the
reader gets the bytes, as the CLI does.

Metric: bench/shingles.py, identical to the public article-extraction benchmark's
``evaluate.py`` (word 4-gram shingles; macro P and R, empty extractions left out of P; F1 of the
two means). The ``strict`` column is the same F1 with an empty extraction counted as precision
0 (not the benchmark's rule; it keeps "give up on hard pages" from looking like a gain).
Snippet rates: per page the share of ``with`` snippets found and of ``without`` snippets absent
(whitespace-normalised substring, as trafilatura's evaluation), averaged over pages.

Halves: pages are numbered (modern-pages by their id, 0001..3060 with gaps; readability-pages
1..130 in name order) and split into fixed ``even`` and ``odd`` halves. Tune on one half,
check on the other.

Timing: every extraction runs in one worker process, timed there around the extractor call
alone: reading and gunzipping the file is not timed, nor html_text on readability-lxml's summary
(so its time is readability-lxml alone, decoding and ``summary()``; the reader's time includes
making its text). The extractors take turns on each page (the order rotates page by page) so
machine load falls on all of them alike. An extraction that takes more than ``--timeout``
seconds is stopped (the worker is replaced), counted as an empty extraction at the timeout's
time, and listed; so are errors and extractions over 2 s. Times are medians per page; ``x rdb``
is the median over the same pages divided by readability-lxml's.

Usage: .venv/bin/python bench/extract_eval.py [--set modern|mozilla|all] [--half even|odd|both]
       [--limit N] [--pages ID...] [--worst N] [--json OUT] [--timeout S] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.metadata
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, cast

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.shingles import (
    TpFpFn,
    aggregate,
    page_f1,
    page_precision,
    page_recall,
    shingle_match,
    snippet_rates,
)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TUI_READER_SHARED", REPO.parent / "shared"))
MODERN = SHARED / "corpus" / "modern-pages"
MOZILLA = SHARED / "corpus" / "readability-pages"

OURS, RDB, TRAF = "tui-reader", "readability-lxml", "trafilatura"
SET_NAMES = {"modern": "modern-pages", "mozilla": "readability-pages"}
TARGETS = {  # issue 13: (set, page_type or None) -> F1 target for tui-reader
    ("modern", "article"): 0.95,
    ("modern", None): 0.80,
    ("mozilla", None): 0.98,
}
TIME_TARGET = 1.5
SLOW_SECONDS = 2.0

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


# --- the neutral HTML-to-text tool -------------------------------------------------------------


def _neutral_tool() -> tuple[str, Callable[[str], str]]:
    try:
        import html_text
    except ImportError:
        return "lxml text_content() (html-text is not installed: pip install -e '.[bench]')", (
            _lxml_text
        )
    version = importlib.metadata.version("html-text")
    return f"html_text.extract_text (html-text {version})", html_text.extract_text


def _lxml_text(html: str) -> str:
    import lxml.html
    from lxml.etree import ParserError

    try:
        if not html.strip():
            return ""
        return str(cast("lxml.html.HtmlElement", lxml.html.fromstring(html)).text_content())
    except ParserError:
        return ""


NEUTRAL_NAME, neutral_text = _neutral_tool()


# --- the extractors (run in the worker) ----------------------------------------------------------


def run_ours(data: bytes) -> str:
    """The CLI's text; an ExtractionError (the CLI prints no text) is listed as an empty text."""
    from tui_reader.extract import extract_html

    return extract_html(data, "", content_type="").text


def run_readability(data: bytes) -> str:
    """readability-lxml alone: its summary HTML (made text by FINISH, outside the timing)."""
    import readability

    html = data.decode("utf-8", errors="replace")
    try:
        return str(readability.Document(html).summary(html_partial=True))
    except readability.readability.Unparseable:
        return ""


def run_trafilatura(data: bytes) -> str:
    import trafilatura

    html = data.decode("utf-8", errors="replace")
    return trafilatura.extract(html, include_comments=False) or ""


# What turns an extractor's output into text, after its time is taken.
FINISH: dict[str, Callable[[str], str]] = {RDB: neutral_text}


def available_extractors() -> tuple[dict[str, Callable[[bytes], str]], list[str]]:
    extractors: dict[str, Callable[[bytes], str]] = {OURS: run_ours, RDB: run_readability}
    notes = []
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        notes.append("trafilatura is not installed (pip install -e '.[bench]'): left out")
    else:
        version = version_of("trafilatura")
        extractors[TRAF] = run_trafilatura
        if not version.startswith("2.3."):
            notes.append(f"trafilatura {version}: the corpus figures are for 2.3.1")
    return extractors, notes


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


WARM_UP = (
    b"<html><head><title>Warm up</title></head><body><nav>Home | About</nav><article>"
    + b"<h1>Warm up</h1>"
    + b"<p>A paragraph of words that looks enough like an article to be kept by all.</p>" * 8
    + b"</article><footer>Footer</footer></body></html>"
)


def _worker(conn: multiprocessing.connection.Connection, names: Sequence[str]) -> None:
    """Answer (extractor, path, repeat) with (text, seconds, error) until told to stop."""
    extractors, _ = available_extractors()
    for name in names:  # imports and first-call costs are not any page's time
        with contextlib.suppress(Exception):
            extractors[name](WARM_UP)
    cached: tuple[str, bytes] = ("", b"")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        name, path, repeat = request
        if cached[0] != path:
            cached = (path, read_page(Path(path)))
        text, best, error = "", float("inf"), ""
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                text = extractors[name](cached[1])
            except Exception as exc:
                text, error = "", f"{type(exc).__name__}: {str(exc)[:120]}"
            best = min(best, time.perf_counter() - start)
        if text and name in FINISH:
            try:
                text = FINISH[name](text)
            except Exception as exc:
                text, error = "", f"{type(exc).__name__}: {str(exc)[:120]}"
        conn.send((text, best, error))


class Worker:
    """One extraction at a time in a child process, stopped and replaced on a timeout."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.ctx = multiprocessing.get_context("fork")
        self.proc: BaseProcess | None = None
        self.conn: multiprocessing.connection.Connection | None = None
        self.start()

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.names), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        self.fresh = True  # its first answer also waits for its warm-up

    def stop(self, kill: bool = False) -> None:
        if self.proc is None or self.conn is None:
            return
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        self.proc = self.conn = None

    def run(self, name: str, path: Path, repeat: int, timeout: float) -> tuple[str, float, str]:
        assert self.conn is not None
        self.conn.send((name, str(path), repeat))
        wait = timeout * repeat + (60 if self.fresh else 0)
        self.fresh = False
        try:
            if self.conn.poll(wait):
                text, seconds, error = self.conn.recv()
                return str(text), float(seconds), str(error)
        except EOFError:
            self.stop(kill=True)
            self.start()
            return "", float("nan"), "the worker died"
        self.stop(kill=True)
        self.start()
        return "", timeout, f"timeout: stopped after {timeout:g} s"


# --- pages ---------------------------------------------------------------------------------------


@dataclass
class Page:
    set: str  # "modern" or "mozilla"
    id: str
    number: int
    path: Path
    gold: str
    page_type: str | None = None
    url: str = ""
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)

    @property
    def half(self) -> str:
        return "even" if self.number % 2 == 0 else "odd"


@dataclass
class Outcome:
    counts: TpFpFn
    seconds: float
    chars: int
    error: str
    with_rate: float | None
    without_rate: float | None


def modern_pages() -> list[Page]:
    truth = json.loads((MODERN / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        item = truth[key]
        pages.append(
            Page(
                "modern",
                key,
                int(key),
                MODERN / "html" / f"{key}.html.gz",
                item.get("articleBody") or "",
                item.get("page_type") or "unknown",
                item.get("url") or "",
                list(item.get("with") or []),
                list(item.get("without") or []),
            )
        )
    return pages


def mozilla_pages() -> list[Page]:
    dirs = sorted(p for p in MOZILLA.iterdir() if (p / "source.html").is_file())
    return [
        Page("mozilla", d.name, number, d / "source.html", "", None, d.name)
        for number, d in enumerate(dirs, start=1)
    ]


def mozilla_gold(page: Page) -> str:
    return neutral_text((page.path.parent / "expected.html").read_text(encoding="utf-8"))


# --- summaries -----------------------------------------------------------------------------------


Results = dict[str, dict[str, Outcome]]  # page key -> extractor -> outcome


def key(page: Page) -> str:
    return f"{page.set}/{page.id}"


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _median_ms(values: Iterable[float]) -> float:
    present = [v for v in values if v == v]  # drop NaN (a worker that died)
    return statistics.median(present) * 1000 if present else float("nan")


def summarise(pages: Sequence[Page], results: Results, names: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"pages": len(pages)}
    base = _median_ms(results[key(p)][RDB].seconds for p in pages)
    for name in names:
        rows = [results[key(p)][name] for p in pages]
        f1, precision, recall = aggregate(r.counts for r in rows)
        ms = _median_ms(r.seconds for r in rows)
        out[name] = {
            "f1": f1,
            "strict": aggregate((r.counts for r in rows), strict=True)[0],
            "precision": precision,
            "recall": recall,
            "with": _mean(r.with_rate for r in rows),
            "without": _mean(r.without_rate for r in rows),
            "empty": sum(1 for r in rows if r.chars == 0),
            "median_ms": ms,
            "ratio": ms / base if base else float("nan"),
        }
    return out


def _fmt(value: float | None, width: int = 6) -> str:
    return f"{value:{width}.3f}" if value is not None else f"{'-':>{width}}"


HEADER = (
    f"{'pages':<22} {'extractor':<16} {'n':>4} {'F1':>6} {'strict':>6} {'P':>6} {'R':>6}"
    f" {'with':>6} {'w/out':>6} {'empty':>5} {'med ms':>7} {'x rdb':>6}"
)


def print_group(label: str, summary: dict[str, Any], names: Sequence[str]) -> None:
    for i, name in enumerate(names):
        s = summary[name]
        print(
            f"{label if i == 0 else '':<22} {name:<16} {summary['pages'] if i == 0 else '':>4}"
            f" {s['f1']:6.3f} {s['strict']:6.3f} {s['precision']:6.3f} {s['recall']:6.3f}"
            f" {_fmt(s['with'])} {_fmt(s['without'])} {s['empty']:>5}"
            f" {s['median_ms']:7.1f} {s['ratio']:6.2f}"
        )


def groups(pages: Sequence[Page], halves: Sequence[str]) -> list[tuple[str, list[Page]]]:
    """(label, pages) for the whole set and each page type, each split into the halves."""
    out = []
    types = sorted(
        {p.page_type for p in pages if p.page_type},
        key=lambda t: (-sum(1 for p in pages if p.page_type == t), t),
    )
    for kind in [None, *types]:
        chosen = [p for p in pages if kind is None or p.page_type == kind]
        base = kind or "all"
        if len(halves) > 1:
            out.append((f"{base} (both)", chosen))
        for half in halves:
            part = [p for p in chosen if p.half == half]
            if part:
                out.append((f"{base} {half}", part))
    return out


# --- the run -------------------------------------------------------------------------------------


def select_pages(args: argparse.Namespace) -> list[Page]:
    pages: list[Page] = []
    if args.set in ("modern", "all"):
        pages += _limit(modern_pages(), args)
    if args.set in ("mozilla", "all"):
        chosen = _limit(mozilla_pages(), args)
        for page in chosen:
            page.gold = mozilla_gold(page)
        pages += chosen
    return pages


def _limit(pages: list[Page], args: argparse.Namespace) -> list[Page]:
    if args.half != "both":
        pages = [p for p in pages if p.half == args.half]
    if args.pages:
        pages = [p for p in pages if p.id in args.pages]
    return pages[: args.limit] if args.limit else pages


def evaluate(
    pages: Sequence[Page], names: Sequence[str], args: argparse.Namespace
) -> tuple[Results, list[str]]:
    results: Results = {}
    problems: list[str] = []
    worker = Worker(names)
    started = time.monotonic()
    try:
        for index, page in enumerate(pages):
            order = [names[(index + k) % len(names)] for k in range(len(names))]
            outcomes: dict[str, Outcome] = {}
            for name in order:
                text, seconds, error = worker.run(name, page.path, args.repeat, args.timeout)
                if error:
                    problems.append(f"{SET_NAMES[page.set]} {page.id}: {name}: {error}")
                elif seconds > SLOW_SECONDS:
                    problems.append(f"{SET_NAMES[page.set]} {page.id}: {name}: {seconds:.1f} s")
                found, absent = snippet_rates(text, page.with_, page.without)
                outcomes[name] = Outcome(
                    shingle_match(page.gold, text), seconds, len(text), error, found, absent
                )
            results[key(page)] = outcomes
            if (index + 1) % 50 == 0 or index + 1 == len(pages):
                elapsed = time.monotonic() - started
                print(f"  {index + 1}/{len(pages)} pages, {elapsed:.0f} s", file=sys.stderr)
    finally:
        worker.stop()
    return results, problems


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def print_targets(
    pages: Sequence[Page], results: Results, names: Sequence[str], halves: Sequence[str]
) -> None:
    print("\nIssue 13 targets for tui-reader (F1; trafilatura and readability-lxml beside it):")
    for (set_name, kind), target in TARGETS.items():
        in_set = [p for p in pages if p.set == set_name and (kind is None or p.page_type == kind)]
        if not in_set:
            continue
        parts = []
        for half in [*halves, "both"] if len(halves) > 1 else halves:
            chosen = in_set if half == "both" else [p for p in in_set if p.half == half]
            s = summarise(chosen, results, names)
            ours = s[OURS]["f1"]
            others = "  ".join(f"{n} {s[n]['f1']:.3f}" for n in names if n != OURS)
            verdict = "met" if ours >= target else "NOT met"
            parts.append(
                f"    {half:<5} {ours:.3f} {verdict:<7} strict {s[OURS]['strict']:.3f}  ({others})"
            )
        label = f"{SET_NAMES[set_name]} {kind or 'all pages'}"
        print(f"  {label}: F1 >= {target}")
        print("\n".join(parts))
    for set_name in SET_NAMES:
        in_set = [p for p in pages if p.set == set_name]
        if in_set:
            ratio = summarise(in_set, results, names)[OURS]["ratio"]
            verdict = "met" if ratio <= TIME_TARGET else "NOT met"
            print(
                f"  {SET_NAMES[set_name]} median time per page <= {TIME_TARGET} x"
                f" readability-lxml: {ratio:.2f} {verdict}"
            )


def print_worst(pages: Sequence[Page], results: Results, names: Sequence[str], n: int) -> None:
    halves = sorted({p.half for p in pages})
    print(f"\nWorst {n} pages for tui-reader (half: {', '.join(halves)}); F1 (P/R) of each:")
    if len(halves) > 1:
        print("  (look at one half only, e.g. --half even, and keep the other to check on)")
    ranked = sorted(pages, key=lambda p: (page_f1(results[key(p)][OURS].counts), key(p)))[:n]
    width = max(len(f"{p.set} {p.id}") for p in ranked)
    print((f"  {'page':<{width}} {'type':<13} " + "  ".join(f"{n:<19}" for n in names)).rstrip())
    for page in ranked:
        cells = []
        for name in names:
            counts = results[key(page)][name].counts
            p, r = page_precision(*counts), page_recall(*counts)
            cells.append(f"{page_f1(counts):.3f} ({_fmt(p, 4)}/{_fmt(r, 4)})".ljust(19))
        label = f"{page.set} {page.id}"
        print((f"  {label:<{width}} {page.page_type or '-':<13} " + "  ".join(cells)).rstrip())


def dump_json(
    path: Path, pages: Sequence[Page], results: Results, meta: dict[str, Any], names: Sequence[str]
) -> None:
    rows = []
    for page in pages:
        per = {}
        for name in names:
            o = results[key(page)][name]
            per[name] = {
                "f1": page_f1(o.counts),
                "precision": page_precision(*o.counts),
                "recall": page_recall(*o.counts),
                "tp_fp_fn": o.counts,
                "with": o.with_rate,
                "without": o.without_rate,
                "ms": o.seconds * 1000,
                "chars": o.chars,
                "error": o.error,
            }
        rows.append(
            {
                "set": SET_NAMES[page.set],
                "id": page.id,
                "half": page.half,
                "page_type": page.page_type,
                "url": page.url,
                "extractors": per,
            }
        )
    path.write_text(json.dumps({"meta": meta, "pages": rows}, indent=1), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--set", choices=("modern", "mozilla", "all"), default="all")
    parser.add_argument("--half", choices=("even", "odd", "both"), default="both")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each set")
    parser.add_argument("--pages", nargs="*", help="only these page ids / names")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages for us")
    parser.add_argument("--json", type=Path, help="write per-page scores to this file")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per extraction")
    parser.add_argument("--repeat", type=int, default=1, help="time each page N times (best)")
    args = parser.parse_args(argv)

    wanted = {"modern": [MODERN], "mozilla": [MOZILLA], "all": [MODERN, MOZILLA]}[args.set]
    missing = [str(d) for d in wanted if not d.is_dir()]
    if missing:
        print(f"no corpus at {', '.join(missing)} (set TUI_READER_SHARED)", file=sys.stderr)
        return 1
    extractors, notes = available_extractors()
    names = list(extractors)
    halves = ["even", "odd"] if args.half == "both" else [args.half]
    pages = select_pages(args)
    if not pages:
        print("no pages chosen", file=sys.stderr)
        return 1

    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "tui-reader": version_of("tui-reader"),
        "readability-lxml": version_of("readability-lxml"),
        "trafilatura": version_of("trafilatura"),
        "html-text": version_of("html-text"),
        "neutral": NEUTRAL_NAME,
        "args": " ".join(sys.argv[1:] if argv is None else argv),
    }
    print(f"extract_eval {meta['date']}  args: {meta['args'] or '(none)'}")
    print(
        f"python {meta['python']}, tui-reader {meta['tui-reader']}, readability-lxml"
        f" {meta['readability-lxml']}, trafilatura {meta['trafilatura']},"
        f" html-text {meta['html-text']}"
    )
    print(f"gold of readability-pages and readability-lxml's text: {NEUTRAL_NAME}")
    for note in notes:
        print(f"note: {note}")
    print(
        f"one worker process, extractors interleaved per page, timeout {args.timeout:g} s"
        f" per extraction, best of {args.repeat}"
    )
    print(
        "F1/P/R: the public benchmark's rule (an empty extraction is left out of P);"
        " strict: F1 with an\nempty extraction counted as P 0; with/w-out: share of 'with'"
        " snippets found / 'without'\nsnippets absent; empty: pages with no text;"
        " x rdb: median time per page / readability-lxml's"
    )

    results, problems = evaluate(pages, names, args)

    for set_name in SET_NAMES:
        in_set = [p for p in pages if p.set == set_name]
        if not in_set:
            continue
        counts = ", ".join(f"{sum(1 for p in in_set if p.half == h)} {h}" for h in halves)
        print(f"\n{SET_NAMES[set_name]}: {len(in_set)} pages ({counts})")
        print(HEADER)
        for label, chosen in groups(in_set, halves):
            print_group(label, summarise(chosen, results, names), names)
    print_targets(pages, results, names, halves)
    if problems:
        print(f"\nTimeouts, errors and pages over {SLOW_SECONDS:g} s ({len(problems)}):")
        for line in problems:
            print(f"  {line}")
    if args.worst:
        print_worst(pages, results, names, args.worst)
    if args.json:
        dump_json(args.json, pages, results, meta, names)
        print(f"\nper-page scores written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
