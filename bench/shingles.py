"""The yardstick of bench/extract_eval.py: word 4-gram shingle precision, recall and F1, and the
``with``/``without`` snippet checks. Standard library only, so tests import it without the
bench extras.

The shingle metric matches ``evaluate.py`` of the public article-extraction benchmark
(scrapinghub/article-extraction-benchmark) exactly:

- tokens are ``re.findall(r"\\w+", text)`` (Unicode word characters; case kept, punctuation and
  whitespace dropped, so the layout of the text does not matter);
- the shingles of a text are its word 4-grams counted with multiplicity; a text of fewer than
  four tokens (but at least one) is one shingle of all its tokens; no tokens, no shingles;
- per page, over the union of shingles: tp += min(true, pred), fp += max(0, pred - true),
  fn += max(0, true - pred); the three are then divided by their sum (which changes no ratio);
- page precision tp / (tp + fp), page recall tp / (tp + fn), both 1.0 when fp == fn == 0;
- precision is the mean over the pages with tp + fp > 0 (a page with an empty extraction does
  not count in precision, and counts 0 in recall), recall the mean over pages with tp + fn > 0,
  F1 the harmonic mean of those two means (not a mean of per-page F1s).

The snippet checks match trafilatura's own evaluation (``tests/eval_common.py``): a snippet is
found when, with every run of whitespace made one space and the ends stripped, it is a
substring of the extracted text so normalised.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

NGRAM = 4
TpFpFn = tuple[float, float, float]

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def shingle_match(true: str, pred: str, n: int = NGRAM) -> TpFpFn:
    """One page's (tp, fp, fn) over shingles, normalised to sum to 1 (all 0 if both empty)."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    if total:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def page_precision(tp: float, fp: float, fn: float) -> float | None:
    """The page's precision, or None where the benchmark leaves the page out (tp + fp == 0)."""
    if tp + fp <= 0:
        return None
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp)


def page_recall(tp: float, fp: float, fn: float) -> float | None:
    """The page's recall, or None where the benchmark leaves the page out (tp + fn == 0)."""
    if tp + fn <= 0:
        return None
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def page_f1(counts: TpFpFn) -> float:
    """One page's F1 for ranking pages (an empty extraction scores 0)."""
    p, r = page_precision(*counts), page_recall(*counts)
    return f1(p or 0.0, r or 0.0)


def aggregate(pages: Iterable[TpFpFn], strict: bool = False) -> tuple[float, float, float]:
    """(F1, precision, recall) over pages: macro P and R, F1 of the two means.

    ``strict`` is not the benchmark's rule: it counts an empty extraction of a page that has
    gold text as precision 0 instead of leaving it out, so giving up on a page is not cheaper
    than extracting it badly."""
    precisions: list[float] = []
    recalls: list[float] = []
    for counts in pages:
        p, r = page_precision(*counts), page_recall(*counts)
        if p is None and strict and r is not None:
            p = 0.0
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    return f1(precision, recall), precision, recall


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def snippet_rates(
    text: str, with_: Sequence[str], without: Sequence[str]
) -> tuple[float | None, float | None]:
    """(share of ``with`` snippets found, share of ``without`` snippets absent); None for a
    list that is empty."""
    flat = normalise_space(text)
    found = sum(1 for s in with_ if normalise_space(s) in flat)
    absent = sum(1 for s in without if normalise_space(s) not in flat)
    return (
        found / len(with_) if with_ else None,
        absent / len(without) if without else None,
    )
