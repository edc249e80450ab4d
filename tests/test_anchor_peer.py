"""Anchoring held to other projects' test cases: Hypothesis's ``match-quote-test.js`` and the
W3C selector's own rules (prefix and suffix are optional).

W3C's TextQuoteSelector makes ``prefix`` and ``suffix`` optional: Apache Annotator writes only
as much context as tells its copy of the quote apart (often one side, or none), Hypothesis
stores the page's layout whitespace as context. So an empty or blank side says nothing about
where the quote stands, least of all "at the very start (or end) of this text", which is not
the page the selector was made on. Before, it was read as exactly that: the copy at the text's
edge won against the one the other side of the context names.
"""

from __future__ import annotations

import re

import pytest

from tests.test_export import article
from tui_reader.anchor import place
from tui_reader.document import Block, Document
from tui_reader.export.webannotation import import_annotations
from tui_reader.placing import place as place_all
from tui_reader.store import Store

# Hypothesis's fixture (Dickens, public domain), whitespace folded as its test folds it.
TWO_CITIES = re.sub(
    r"\s+",
    " ",
    """It was the best of times, it was the worst of times,
    it was the age of wisdom, it was the age of foolishness, it was the epoch of belief,
    it was the epoch of incredulity, it was the season of Light, it was the
    season of Darkness, it was the spring of hope, it was the winter of despair, we had
    everything before us, we had nothing before us, we were all going direct to Heaven,
    we were all going direct the other way.""",
)


@pytest.mark.parametrize(
    ("quote", "prefix", "suffix", "expected"),
    [
        # Exact prefix matches.
        ("before us", "we had everything", "", "before us, we had nothing"),
        ("before us", "we had nothing", "", "before us, we were all going"),
        # An approximate prefix: "nout" is nearer "nothing" than "everything".
        ("before us", "we had nout", "", "before us, we were all going"),
        # Exact and approximate suffix matches.
        ("we had", "", "everything", "we had everything"),
        ("we had", "", "nothing", "we had nothing"),
        ("we had", "", "ever ting", "we had everything"),
        ("we had", "", "nutting", "we had nothing"),
        # A word written with a hyphen is the same word (context is compared in words too).
        ("before us", "we had every-thing", "", "before us, we had nothing"),
    ],
)
def test_hypothesis_context_picks_the_copy(
    quote: str, prefix: str, suffix: str, expected: str
) -> None:
    """Hypothesis's "finds match with best context match" cases: one side of context given."""
    found = place(TWO_CITIES, quote, prefix=prefix, suffix=suffix)
    assert found is not None
    assert TWO_CITIES[found.start : found.end] == quote
    assert found.start == TWO_CITIES.index(expected)


@pytest.mark.parametrize(
    ("text", "quote", "prefix", "suffix", "expected"),
    [
        # No prefix: not "at the start". The suffix names the second copy.
        (
            "The results were bad at first. Later, after many changes, the results were good.",
            "the results",
            "",
            " were good",
            "the results were good",
        ),
        # A prefix of page whitespace (as Hypothesis stores it) is no prefix either.
        (
            "The report found problems in the design. It was revised twice.\n\n"
            "The report found problems in the code.",
            "The report found problems",
            "\n\t\t\t\t\n\t\t\t",
            " in the code.",
            "The report found problems in the code",
        ),
        # (a blank prefix, and the suffix that names the first copy)
        (
            "At first we found problems with it. At last we found problems",
            "we found problems",
            " ",
            " with it",
            "we found problems with it",
        ),
        # No suffix: not "at the end". The prefix names the first copy.
        (
            "At first we found problems with it. At last we found problems",
            "we found problems",
            "At first ",
            "",
            "we found problems with it",
        ),
        (
            "At first we found problems with it. At last we found problems",
            "we found problems",
            "At first ",
            " ",
            "we found problems with it",
        ),
    ],
)
def test_a_missing_side_of_context_is_no_evidence_of_the_texts_edge(
    text: str, quote: str, prefix: str, suffix: str, expected: str
) -> None:
    found = place(text, quote, prefix=prefix, suffix=suffix)
    assert found is not None
    assert found.start == text.index(expected)


def test_no_context_at_all_still_chooses_no_copy() -> None:
    """Neither side known: no copy is preferred (the edge is no evidence either)."""
    text = "The results were bad at first. Later, the results were good."
    assert place(text, "the results", prefix="", suffix="") is None
    assert place(text, "the results", prefix=" ", suffix="\n") is None


def test_imported_selector_without_prefix_goes_where_its_suffix_says(store: Store) -> None:
    """End to end: a W3C annotation written the way Apache Annotator writes one (the
    shortest context that tells the copy apart: here only a suffix) lands on that copy, not
    on the copy that opens the article's text."""
    a = article(store)
    text = "The results were bad at first.\n\nLater, after many changes, the results were good."
    d = Document(blocks=(Block("paragraph", text.split("\n\n")[0]), Block("paragraph", text[32:])))
    store.save_document(a.id, doc_json=d.to_json(), text=d.text, version="2", source="page")
    anno = {
        "type": "Annotation",
        "id": "urn:x:results",
        "target": {
            "source": a.url,
            "selector": {"type": "TextQuoteSelector", "exact": "the results", "suffix": " were g"},
        },
    }
    result = import_annotations(store, [anno], placer=place_all)
    assert (result.added, result.placed) == (1, 1)
    [h] = store.list_highlights(a.id)
    assert h.start == d.text.index("the results were good")


@pytest.mark.parametrize(
    ("stored", "found", "backwards", "changes"),
    [
        # A word split or joined (a hyphen added or dropped, "on line" / "online") is no change,
        # on either side of the quote, read in either direction.
        (["thing", "every", "had"], ["everything", "had", "we"], True, 0),
        (["everything", "had"], ["thing", "every", "had"], True, 0),
        (["on", "line", "today"], ["online", "today"], False, 0),
        (["online", "today"], ["on", "line", "today"], False, 0),
        # Joined in the wrong order is not the same word; other changes count as before.
        (["every", "thing", "had"], ["everything", "had"], True, 2),
        (["thing", "every", "had"], ["nothing", "had"], True, 2),
        (["we", "had", "nothing"], ["we", "had", "everything"], False, 1),
    ],
)
def test_context_words_split_or_joined_are_the_same_words(
    stored: list[str], found: list[str], backwards: bool, changes: int
) -> None:
    from tui_reader.anchor import _side_changes

    assert _side_changes(stored, found, backwards=backwards) == changes
