"""Re-anchoring after the small edits the issue measured: a word fixed inside a short quote,
a line inserted beside it, typewriter dashes, and look-alike copies of a long quote."""

from __future__ import annotations

from tui_reader.anchor import locate, make_selector

INTRO = "The committee met on Tuesday to discuss the matter at length.\n\n"
BODY = (
    "Officials from the United Sattes said the results were mixed but encouraging, "
    "which is expected at this stage of the programme. Further trials begin in May.\n\n"
    "The second phase will cost more than the first, as more sites are involved."
)


def _args(text: str, quote: str) -> tuple[str, str, str, int, int, str]:
    start = text.index(quote)
    s = make_selector(text, start, start + len(quote))
    return s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash


def test_short_quote_with_a_typo_fixed_is_placed_between_its_contexts() -> None:
    text = INTRO + BODY
    args = _args(text, "United Sattes")
    new = text.replace("United Sattes", "United States")
    found = locate(new, *args)
    assert found is not None and new[found[0] : found[1]] == "United States"


def test_short_quote_with_a_word_replaced_is_placed() -> None:
    text = INTRO + BODY
    args = _args(text, "mixed but encouraging")
    new = text.replace("mixed but encouraging", "mixed but promising")
    found = locate(new, *args)
    assert found is not None and new[found[0] : found[1]] == "mixed but promising"


def test_unique_quote_kept_when_a_line_is_inserted_just_before_it() -> None:
    text = INTRO + "which is expected to change soon.\n\n" + BODY
    quote = "which is expected to"
    args = _args(text, quote)
    new = text.replace(INTRO, INTRO + "Advertisement\n\n").replace(
        "which is expected at this", "which is anticipated at this"
    )
    found = locate(new, *args)
    assert found is not None and new[found[0] : found[1]] == quote
    assert found[0] > text.index(quote)


def test_typewriter_dashes_and_dots_match_typeset_ones() -> None:
    text = "The team requested \u2014 larger rooms\u2026 and got none.\n\n" + BODY
    args = _args(text, "requested \u2014 larger")
    new = text.replace("\u2014", "--").replace("\u2026", "...")
    found = locate(new, *args)
    assert found is not None and new[found[0] : found[1]] == "requested -- larger"
    args = _args(text, "larger rooms\u2026")
    found = locate(new, *args)
    assert found is not None and new[found[0] : found[1]] == "larger rooms..."


def test_one_word_replaced_by_another_word_is_not_placed() -> None:
    text = INTRO + BODY
    args = _args(text, "encouraging")
    new = text.replace("encouraging", "promising")
    assert locate(new, *args) is None


def test_long_quote_left_only_in_look_alike_copies_is_not_placed() -> None:
    """FAQ answers: the highlighted copy's paragraph goes, two identical copies elsewhere
    remain, neither with the highlighted one's context: none is chosen, however long."""
    answer = "Refunds are processed within five working days of receiving the item."
    paras = [
        f"Q: Can I return a gift? A: Yes. {answer} Keep the receipt.",
        f"Q: What if it arrives broken? A: Write to us. {answer} We pay postage.",
        f"Q: Can I exchange a size? A: Of course. {answer} Exchanges are free.",
    ]
    text = "\n\n".join(paras)
    start = paras[0].index(answer)
    s = make_selector(text, start, start + len(answer))
    new = "\n\n".join(paras[1:])
    assert locate(new, s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash) is None
