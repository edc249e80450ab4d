"""The keyboard selection over a document's text: by character, word, sentence and paragraph."""

from __future__ import annotations

import random

from tui_reader.document import Block, Document
from tui_reader.ui.selection import (
    UNITS,
    TextSelection,
    TextUnits,
    extend,
    start_selection,
    trimmed,
)

DOC = Document(
    blocks=(
        Block("paragraph", "The council met on Tuesday. Members argued for hours. Critics left."),
        Block("heading", "What next", level=2),
        Block("paragraph", "The bridge opens in May. Or June."),
    )
)
TEXT = DOC.text


def units() -> TextUnits:
    return TextUnits.of(DOC)


def quote(sel: TextSelection | None) -> str:
    assert sel is not None
    return TEXT[sel.start : sel.end]


def at(word: str) -> int:
    return TEXT.index(word)


def test_starts_on_the_word_at_the_offset() -> None:
    u = units()
    assert quote(start_selection(u, at("council"))) == "council"
    assert quote(start_selection(u, at("council") + 3)) == "council"
    # On the blank line between blocks: the next word.
    assert quote(start_selection(u, at("Critics left.") + len("Critics left."))) == "What"
    assert start_selection(TextUnits.of(Document()), 0) is None


def test_word_forward_and_back() -> None:
    u = units()
    sel = start_selection(u, at("council"))
    assert sel is not None
    sel = extend(sel, u, "word", True)
    assert quote(sel) == "council met"
    sel = extend(sel, u, "word", True)
    assert quote(sel) == "council met on"
    sel = extend(sel, u, "word", False)
    assert quote(sel) == "council met"
    sel = extend(sel, u, "word", False)
    assert quote(sel) == "council"
    # Back past the start: the start moves left instead, never an empty selection.
    sel = extend(sel, u, "word", False)
    assert quote(sel) == "The council" and not sel.at_end
    assert extend(sel, u, "word", False) == sel  # the start of the text
    # Forward with the start active shrinks from the left, then grows at the end again.
    sel = extend(sel, u, "word", True)
    assert quote(sel) == "council"
    sel = extend(sel, u, "word", True)
    assert quote(sel) == "council met" and sel.at_end


def test_sentence_and_paragraph() -> None:
    u = units()
    sel = start_selection(u, at("met"))
    assert sel is not None
    sel = extend(sel, u, "sentence", True)
    assert quote(sel) == "met on Tuesday."
    sel = extend(sel, u, "sentence", True)
    assert quote(sel) == "met on Tuesday. Members argued for hours."
    sel = extend(sel.swapped(), u, "sentence", False)
    assert quote(sel) == "The council met on Tuesday. Members argued for hours."
    sel = extend(sel.swapped(), u, "paragraph", True)
    assert quote(sel).endswith("Critics left.")
    sel = extend(sel, u, "paragraph", True)
    assert quote(sel).endswith("Critics left.\n\nWhat next")
    sel = extend(sel, u, "paragraph", True)
    assert quote(sel).endswith("Or June.")
    assert extend(sel, u, "paragraph", True) == sel  # the end of the text


def test_character_steps() -> None:
    u = units()
    sel = start_selection(u, at("met"))
    assert sel is not None
    sel = extend(sel, u, "char", True)
    assert quote(sel) == "met "
    sel = extend(extend(sel, u, "char", False), u, "char", False)
    assert quote(sel) == "me"
    sel = extend(extend(sel, u, "char", False), u, "char", False)
    assert quote(sel) == " m" and not sel.at_end


def test_never_empty_and_always_in_the_text() -> None:
    u = units()
    rnd = random.Random(5)
    sel = start_selection(u, at("Members"))
    assert sel is not None
    for _ in range(2000):
        choice = rnd.random()
        if choice < 0.1:
            sel = sel.swapped()
        else:
            sel = extend(sel, u, rnd.choice(UNITS), rnd.random() < 0.5)
        assert 0 <= sel.start < sel.end <= len(TEXT)
        assert sel.head == (sel.end if sel.at_end else sel.start)


def test_trimmed_drops_white_space() -> None:
    assert trimmed(TEXT, (at("met") - 1, at("met") + 4)) == (at("met"), at("met") + 3)
    assert trimmed(TEXT, (at("What") - 2, at("What"))) is None
    assert trimmed("abc", (-5, 99)) == (0, 3)
