"""Anchoring: selectors, the edit-distance core, and the rules that prefer "unanchored" over a
confident wrong place."""

from __future__ import annotations

import random

import pytest

from tui_reader.anchor import (
    _myers,
    locate,
    make_selector,
    place,
    text_hash,
)

TEXT = (
    "The council met on Tuesday to discuss the bridge. Members argued for hours about the cost "
    "of the project, which has doubled since the first estimate.\n\n"
    '"We are confident the schedule will hold," the mayor said after the vote. Critics '
    "disagreed, pointing to a string of delays on earlier projects in the city.\n\n"
    "The bridge is now expected to open in May, two years later than planned."
)


def _naive(pattern: str, text: str, anchored: bool) -> list[int]:
    prev = list(range(len(pattern) + 1))
    out = []
    for j, c in enumerate(text):
        cur = [j + 1 if anchored else 0]
        for i in range(1, len(pattern) + 1):
            cur.append(min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (pattern[i - 1] != c)))
        out.append(cur[-1])
        prev = cur
    return out


def test_bit_parallel_edit_distance_matches_dynamic_programming() -> None:
    rnd = random.Random(5)
    for _ in range(400):
        p = "".join(rnd.choice("abc ") for _ in range(rnd.randint(1, 90)))
        t = "".join(rnd.choice("abcd ") for _ in range(rnd.randint(1, 60)))
        for anchored in (False, True):
            assert _myers(p, t, anchored=anchored) == _naive(p, t, anchored)


def test_selector_keeps_quote_context_offsets_and_hash() -> None:
    start = TEXT.index("Critics")
    end = start + len("Critics disagreed")
    sel = make_selector(TEXT, start, end)
    assert sel.quote == "Critics disagreed"
    assert TEXT.endswith(sel.suffix, 0, end + 32) and len(sel.prefix) == 32 == len(sel.suffix)
    assert sel.prefix == TEXT[start - 32 : start]
    assert sel.text_hash == text_hash(TEXT) and len(sel.text_hash) == 16
    assert make_selector(TEXT, 0, 3).prefix == ""
    for bad in ((5, 5), (-1, 3), (3, len(TEXT) + 1), (9, 4)):
        with pytest.raises(ValueError):
            make_selector(TEXT, *bad)


def _args(text: str, start: int, end: int) -> tuple[str, str, str, int, int, str]:
    s = make_selector(text, start, end)
    return s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash


def test_unchanged_text_keeps_offsets_by_hash() -> None:
    start = TEXT.index("the mayor")
    found = place(TEXT, *_args(TEXT, start, start + 9))
    assert found is not None and found.method == "hash"
    assert (found.start, found.end) == (start, start + 9)


def test_unchanged_passage_keeps_offsets_when_text_changed_elsewhere() -> None:
    start = TEXT.index("Critics")
    args = _args(TEXT, start, start + 17)
    new = TEXT.replace("two years later", "three years later")
    found = place(new, *args)
    assert found is not None and found.method == "offsets"
    assert new[found.start : found.end] == "Critics disagreed"


def test_inserted_text_moves_the_highlight() -> None:
    start = TEXT.index('"We are confident')
    end = TEXT.index("the vote.") + len("the vote.")
    args = _args(TEXT, start, end)
    new = "A new first paragraph was added.\n\n" + TEXT
    assert locate(new, *args) == (start + 34, end + 34)


def test_reflowed_whitespace_and_typography_still_match() -> None:
    start = TEXT.index('"We are confident')
    end = TEXT.index("the vote.") + len("the vote.")
    quote, *rest = _args(TEXT, start, end)
    reflowed = TEXT.replace('"We are confident', "\u201cWe are confident")
    reflowed = reflowed.replace('hold,"', "hold,\u201d").replace("schedule will", "schedule\n will")
    reflowed = reflowed.replace(" ", "  ")
    found = locate(reflowed, quote, *rest)  # type: ignore[arg-type]
    assert found is not None
    got = " ".join(reflowed[found[0] : found[1]].split())
    assert (
        got == "\u201cWe are confident the schedule will hold,\u201d the mayor said after the vote."
    )


def test_short_quote_that_disappears_is_unanchored() -> None:
    start = TEXT.index("Critics")
    args = _args(TEXT, start, start + len("Critics disagreed"))
    gone = TEXT.replace(
        "Critics disagreed, pointing to a string of delays on earlier projects in the city.", ""
    )
    # Elsewhere the same words appear, in another context: still not placed.
    gone += "\n\nCritics disagreed about many things that year."
    assert locate(gone, *args) is None


def test_single_word_is_never_placed_by_chance() -> None:
    start = TEXT.index("bridge")  # first of two "bridge"s
    args = _args(TEXT, start, start + 6)
    new = TEXT.replace("to discuss the bridge.", "to discuss the budget.")
    assert locate(new, *args) is None


def test_context_decides_between_two_exact_matches() -> None:
    first = TEXT.index("bridge")  # "discuss the bridge. Members argued"
    args = _args(TEXT, first, first + 6)
    # Move the last paragraph to the front: nearness now favours the other "bridge".
    paras = TEXT.split("\n\n")
    new = "\n\n".join([paras[2], paras[0], paras[1]])
    found = locate(new, *args)
    assert found is not None
    assert new[found[0] - 12 : found[1] + 9] == "discuss the bridge. Members"


def test_equally_likely_places_are_refused() -> None:
    text = "alpha beta gamma. The end of it. delta epsilon. The end of it. zeta eta."
    start = text.index("The end")
    args = _args(text, start, start + len("The end of it."))
    new = "omega psi chi. The end of it. phi upsilon. The end of it. tau sigma."
    assert locate(new, *args) is None


def test_fuzzy_finds_a_lightly_reworded_long_quote() -> None:
    start = TEXT.index("Members argued")
    end = TEXT.index("first estimate.") + len("first estimate.")
    args = _args(TEXT, start, end)
    new = ("Preface sentence. " * 5) + TEXT.replace("argued for hours", "argued for three hours")
    new = new.replace("has doubled", "has more than doubled")
    found = place(new, *args)
    assert found is not None and found.method == "fuzzy"
    got = new[found.start : found.end]
    assert got.startswith("Members argued for three hours") and got.endswith("first estimate.")
    assert 0.75 <= found.quote_score < 1.0


def test_fuzzy_refuses_a_rewritten_quote() -> None:
    start = TEXT.index("Members argued")
    end = TEXT.index("first estimate.") + len("first estimate.")
    args = _args(TEXT, start, end)
    new = TEXT.replace(
        "Members argued for hours about the cost of the project, which has doubled since the"
        " first estimate.",
        "Nobody mentioned what the project costs, though its estimate changed twice.",
    )
    assert locate(new, *args) is None


def test_empty_and_degenerate_inputs() -> None:
    assert locate("", "x", "", "", 0, 1, "") is None
    assert locate("some text", "", "", "", None, None, "") is None
    assert locate("some text", "   ", "", "", None, None, "") is None
    # Offsets out of range of a shorter text fall back to searching.
    assert locate("a quote here", "quote", "a ", " here", 40, 45, "stale") == (2, 7)
    # A quote that was the whole text needs no context.
    assert locate("  whole  ", "whole", "", "", 0, 5, "x") == (2, 7)


def test_folding_keeps_a_map_to_original_offsets() -> None:
    from tui_reader.anchor import _fold_plain, _prepare

    rnd = random.Random(11)
    alphabet = ["a", "B", " ", "\n", "\t", "\u00a0", "\u2019", "\u201c", "\u2014", "\u03a3", "x"]
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        prep = _prepare(text)
        assert prep.folded == _fold_plain(text)
        assert len(prep.index) == len(prep.folded)
        assert list(prep.index) == sorted(set(prep.index))
        for i, orig in enumerate(prep.index):
            if prep.folded[i] == " ":
                assert text[orig].isspace()
            else:
                assert _fold_plain(text[orig]) == prep.folded[i]


def _prose(words: int, seed: int) -> str:
    rng = random.Random(seed)
    vocab = [f"{a}{b}" for a in ("ba", "ke", "lo", "mi", "nu", "ro", "si", "tu") for b in "aeiou"]
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        n = rng.randint(8, 20)
        sentences.append(" ".join(rng.choice(vocab) for _ in range(n)).capitalize() + ".")
    return " ".join(sentences)


@pytest.mark.parametrize("length", [5_000, 60_000])
@pytest.mark.parametrize("where", ["start", "middle", "end", "three places"])
def test_a_long_quote_with_edits_is_placed_by_its_ends(length: int, where: str) -> None:
    """A whole article highlighted, then edited: the quote is matched by its ends (linear
    time; whole, the edit distance took half a minute at 80,000 characters) and placed
    exactly where the edited passage now stands."""
    text = _prose(length // 3, seed=length)
    start = text.index(" ", 300) + 1  # (a quote from word to word)
    end = text.rindex(" ", 0, start + length)
    length = end - start
    text = text[: end + 300]
    args = _args(text, start, end)
    spots = {"start": [40], "middle": [length // 2], "end": [length - 40]}.get(
        where, [length // 4, length // 2, 3 * length // 4]
    )
    new = text
    for spot in sorted(spots, reverse=True):
        at = start + spot
        new = new[:at] + "EDITED WORDS" + new[at + 5 :]
    new = "An update at the top. " + new
    found = place(new, *args)
    assert found is not None and found.method == "fuzzy"
    moved = len("An update at the top. ")
    assert (found.start, found.end) == (start + moved, end + moved + 7 * len(spots))


def test_a_long_quote_is_not_placed_in_another_text_or_a_rewritten_one() -> None:
    text = _prose(5_000, seed=1)
    args = _args(text, 100, 20_100)
    assert locate(_prose(5_000, seed=2), *args) is None
    half = text[:100] + _prose(2_500, seed=3)[:10_000] + text[10_100:]  # half rewritten
    assert locate(half, *args) is None


@pytest.mark.parametrize(
    ("old_text", "quote", "edit", "allowed"),
    [
        (
            "No, you literally did not tear apart your house, because it is still standing"
            " after all these years of people saying so.",
            "tear apart your house",
            ("did not tear apart", "did not quintessential apart"),
            {"quintessential apart your house", "apart your house"},
        ),
        (
            "The agency said it had interviewed a man who works for the city water department"
            " about the leak.\n\nHe declined to comment on Tuesday.",
            "who works for the",
            ("works for the city", "works for terrorist city"),
            {"who works for terrorist", "who works for"},
        ),
    ],
)
def test_a_fuzzy_placement_ends_at_word_edges(
    old_text: str, quote: str, edit: tuple[str, str], allowed: set[str]
) -> None:
    """The quote's first or last word replaced: the edit distance alone cut the span inside
    a word ("tial apart your house", "who works for te"). It ends at a word's edge."""
    start = old_text.index(quote)
    new = old_text.replace(*edit)
    found = place(new, *_args(old_text, start, start + len(quote)))
    assert found is not None
    assert new[found.start : found.end] in allowed
