"""The keyboard selection over a document's text: by character, word, sentence and paragraph."""

from __future__ import annotations

import random

from tui_reader.document import Block, Document
from tui_reader.ui.render import render_document
from tui_reader.ui.selection import (
    UNITS,
    TextSelection,
    TextUnits,
    column_of,
    extend,
    line_target,
    move_to,
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


def test_move_to_never_empties() -> None:
    sel = TextSelection(10, 20)
    assert move_to(sel, 30) == TextSelection(10, 30)
    assert move_to(sel, 5) == TextSelection(5, 20, at_end=False)
    assert move_to(sel, 10) == sel
    back = TextSelection(10, 20, at_end=False)
    assert move_to(back, 15) == TextSelection(15, 20, at_end=False)
    assert move_to(back, 25) == TextSelection(10, 25)


def test_line_targets_keep_the_column() -> None:
    doc = Document(
        blocks=(
            Block("paragraph", "one two three four five six seven eight nine ten eleven"),
            Block("heading", "Head", level=2),
            Block("paragraph", "alpha beta gamma delta"),
        )
    )
    rendered = render_document(doc, 20)
    text = doc.text
    start = text.index("three")
    line, col = column_of(rendered, start)
    below = line_target(rendered, start, 1)
    assert below is not None
    assert column_of(rendered, below) == (rendered.line_of_offset(below), col)
    assert rendered.line_of_offset(below) > line
    assert line_target(rendered, below, -1) == start
    # Lines without text (blank lines, the title) are skipped; the ends give None.
    last = text.index("gamma")
    up = line_target(rendered, last, -1)
    assert up == text.index("Head") + len("Head")  # the end of the (shorter) heading line
    assert line_target(rendered, text.index("delta"), 1) is None
    assert line_target(rendered, 0, -1) is None
