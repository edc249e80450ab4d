"""The extraction yardstick itself (bench/shingles.py) on examples worked out by hand."""

from __future__ import annotations

import pytest
from bench.shingles import (
    aggregate,
    page_f1,
    shingle_match,
    shingles,
    snippet_rates,
    tokenize,
)

TEXT = "The quick brown fox jumps over the lazy dog"


def test_identical_text_scores_one() -> None:
    assert aggregate([shingle_match(TEXT, TEXT)]) == (1.0, 1.0, 1.0)


def test_layout_and_punctuation_do_not_count() -> None:
    reflowed = "The quick, brown fox —\n\n  jumps over the lazy dog."
    assert aggregate([shingle_match(TEXT, reflowed)]) == (1.0, 1.0, 1.0)


def test_disjoint_text_scores_zero() -> None:
    counts = shingle_match(TEXT, "Completely different words appear in this other long sentence")
    assert counts == (0.0, 0.5, 0.5)  # 6 shingles each side, none shared, normalised by 12
    assert aggregate([counts]) == (0.0, 0.0, 0.0)


def test_half_overlap_by_hand() -> None:
    # gold "a b c d e" has shingles (a b c d), (b c d e); the prediction "a b c d x" has
    # (a b c d), (b c d x): tp 1, fp 1, fn 1 -> P = R = 1/2, F1 = 1/2.
    counts = shingle_match("a b c d e", "a b c d x")
    assert counts == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert aggregate([counts]) == pytest.approx((0.5, 0.5, 0.5))


def test_extra_text_costs_precision_only() -> None:
    # gold "a b c d e" (2 shingles); prediction adds "f g": 4 shingles, 2 of them right.
    f1, precision, recall = aggregate([shingle_match("a b c d e", "a b c d e f g")])
    assert (precision, recall) == (0.5, 1.0)
    assert f1 == pytest.approx(2 / 3)


def test_shingles_count_repeats() -> None:
    # "a b c d" twice in the gold, once in the prediction: recall counts the missing copy.
    gold = "a b c d a b c d"  # shingles: abcd, bcda, cdab, dabc, abcd -> 5
    pred = "a b c d"  # abcd -> 1, all right
    assert shingles(gold)[("a", "b", "c", "d")] == 2
    _, precision, recall = aggregate([shingle_match(gold, pred)])
    assert (precision, recall) == (1.0, 0.2)


def test_macro_average_and_empty_extraction() -> None:
    # An empty extraction has no precision: the benchmark leaves it out of the precision mean
    # and counts recall 0. Pages: perfect; empty; half overlap.
    pages = [
        shingle_match(TEXT, TEXT),
        shingle_match(TEXT, ""),
        shingle_match("a b c d e", "a b c d x"),
    ]
    f1, precision, recall = aggregate(pages)
    assert precision == pytest.approx((1.0 + 0.5) / 2)
    assert recall == pytest.approx((1.0 + 0.0 + 0.5) / 3)
    assert f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)  # F1 of the means: 0.6
    assert page_f1(pages[1]) == 0.0
    # strict: the empty extraction counts precision 0 -> P = (1 + 0 + 0.5) / 3 = R = 0.5
    assert aggregate(pages, strict=True) == pytest.approx((0.5, 0.5, 0.5))
    # a page with no gold and no extraction counts nowhere, strict or not
    assert aggregate([*pages, shingle_match("", "")], strict=True) == pytest.approx((0.5,) * 3)


def test_short_texts_and_tokens() -> None:
    # Fewer than four tokens: one shingle of all of them. Case matters; Unicode words count.
    assert shingles("Hello world") == {("Hello", "world"): 1}
    assert shingles("") == {}
    assert aggregate([shingle_match("Hello world", "hello world")])[0] == 0.0
    assert tokenize("naïve café—déjà vu, 2026") == ["naïve", "café", "déjà", "vu", "2026"]


def test_snippet_rates() -> None:
    text = "Intro line.\n\nThe main   paragraph\nof the story.\nFooter"
    with_ = ["The main paragraph of the story.", "A sentence that is not there"]
    without = ["Footer", "Subscribe now", "Log in"]
    assert snippet_rates(text, with_, without) == (0.5, 2 / 3)
    assert snippet_rates("", with_, []) == (0.0, None)
