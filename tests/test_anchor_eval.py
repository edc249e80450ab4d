"""The anchoring benchmark scores honestly: a case has a second right answer only where the
very same changed text also comes from another edit of the same kind."""

from __future__ import annotations

from bench.anchor_eval import SEP, Highlight, apply, para_starts, same_text_truths, verdict

SAME = "The same paragraph, word for word, printed twice in a row by the site."
PARAS = ["An opening paragraph.", SAME, SAME, "A closing paragraph that differs."]


def _deleted(paras: list[str], i: int) -> tuple[str, str, list[int], int, int]:
    starts = para_starts(paras)
    text = SEP.join(paras)
    a, b = starts[i], starts[i + 1]
    return text, apply(text, [(a, b, "")])[0], starts, a, b


def test_deleting_one_of_two_identical_paragraphs_has_a_second_answer() -> None:
    text, new, starts, a, b = _deleted(PARAS, 2)
    h = Highlight("paragraph", a, a + len(SAME), 2)
    also = same_text_truths(text, new, h, starts, a, b, "")
    # Deleting the first copy instead gives the same text; the highlighted one then
    # moves up to where the first copy stood.
    assert also == [(starts[1], starts[1] + len(SAME))]
    assert new[starts[1] : starts[1] + len(SAME)] == SAME
    assert verdict(also[0], None, also) == "right"
    assert verdict(None, None, also) == "right"
    assert verdict((0, 5), None, also) == "wrong"


def test_deleting_a_paragraph_unlike_its_neighbours_has_one_answer() -> None:
    paras = ["An opening paragraph.", SAME, "Something else.", "A closing paragraph."]
    text, new, starts, a, b = _deleted(paras, 1)
    h = Highlight("paragraph", a, a + len(SAME), 1)
    assert same_text_truths(text, new, h, starts, a, b, "") == []
    assert verdict((starts[1], starts[1] + 5), None, []) == "wrong"


def test_copy_inserted_next_to_its_identical_original_has_a_second_answer() -> None:
    paras = ["An opening paragraph.", SAME, "A closing paragraph."]
    starts = para_starts(paras)
    text = SEP.join(paras)
    h = Highlight("sentence", starts[1], starts[1] + len(SAME), 1)
    at = starts[2]  # the copy goes right after the original
    new, mapped = apply(text, [(at, at, SAME + SEP)])
    true = (mapped(h.start, False), mapped(h.end, True))
    also = same_text_truths(text, new, h, starts, at, at, SAME + SEP)
    # Inserting it just before the original gives the same text: then the original is the
    # second of the two.
    assert true == (starts[1], starts[1] + len(SAME))
    assert also == [(starts[2], starts[2] + len(SAME))]
    # Far from any identical paragraph, the copy's place has one answer.
    at = starts[0]
    new = apply(text, [(at, at, SAME + SEP)])[0]
    assert same_text_truths(text, new, h, starts, at, at, SAME + SEP) == []
