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


# -- another copy of the words is not the highlighted passage ---------------------------------

CITATIONS = [
    '^ "Cabinet decision making". Cabinet Manual. Department of the Prime Minister and Cabinet.'
    " 2008. Retrieved 1 December 2016.",
    "^ Smith, Jane (2011). The Westminster System in Practice. Oxford University Press. p. 41.",
    '^ "The electoral cycle". Cabinet Manual. Department of the Prime Minister and Cabinet.'
    " 2008. Retrieved 30 April 2017.",
    "^ Jones, Peter (2015). Governing Without a Majority. Victoria University Press. p. 112.",
]
DEPARTMENT = "Department of the Prime Minister and Cabinet."


def test_long_quote_left_only_in_another_citation_is_not_placed() -> None:
    """The highlighted reference goes; the same 45-character title stands in another one whose
    surroundings differ in several words on both sides: not the highlighted passage, however
    long the quote (an exact match of 40 characters used to be taken without its context)."""
    text = "\n\n".join(CITATIONS)
    args = _args(text, DEPARTMENT)
    assert locate("\n\n".join(CITATIONS[1:]), *args) is None


def test_long_quote_kept_when_a_word_changed_on_each_side() -> None:
    """The same copy with one word edited just before it and one just after: still placed."""
    text = "\n\n".join(CITATIONS)
    args = _args(text, DEPARTMENT)
    new = text.replace("Cabinet Manual. Department", "Cabinet Handbook. Department", 1)
    new = new.replace("Cabinet. 2008. Retrieved 1 December", "Cabinet. 2009. Retrieved 1 December")
    found = locate(new, *args)
    assert found is not None and found[0] == new.index(DEPARTMENT)


TRIPS = [
    "Alaska. Trip Details: A 10-day adventure featuring 15 meals and 9 nights of lodging.",
    "Arizona. Trip Details: A 7-day adventure featuring 11 meals and 6 nights of lodging.",
    "Utah. Trip Details: A 8-day adventure featuring 12 meals and 7 nights of lodging.",
    "Maine. Trip Details: A 6-day adventure featuring 10 meals and 5 nights of lodging.",
]


def test_word_repeated_down_a_list_is_not_placed_on_a_sibling_line() -> None:
    """A product list: the highlighted line goes, its neighbours read almost the same (a
    number differs on each side of the word). Close is not the same: no place is chosen."""
    text = "\n\n".join(TRIPS)
    start = text.index("featuring")
    s = make_selector(text, start, start + len("featuring"))
    new = "\n\n".join(TRIPS[1:])
    assert locate(new, s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash) is None


PROGRAMS = [
    "Web hybrid with live stream is for students who desire a distance learning experience. "
    "Students will meet many of the course objectives using Canvas or another distance-learning"
    " tool. Live sessions are streamed every week.",
    "Web hybrid is an option for students who need flexibility. Students will meet many of the"
    " course objectives using Canvas or another distance-learning tool. There are no live"
    " sessions.",
]
OBJECTIVES = "meet many of the course objectives using Canvas or another distance-learning tool"


def test_typo_fixed_in_the_highlighted_copy_wins_over_an_exact_look_alike() -> None:
    """The highlighted sentence gets a word fixed; its exact twin stands in the other
    paragraph, with other words around it. The fixed one, in its own context, is the place."""
    text = "\n\n".join(PROGRAMS)
    args = _args(text, OBJECTIVES)
    new = text.replace("using Canvas", "with Canvas", 1)
    found = locate(new, *args)
    assert found is not None
    assert new[found[0] : found[1]] == OBJECTIVES.replace("using", "with")
    assert found[0] < len(PROGRAMS[0])


def test_unique_words_whose_own_sentence_changed_around_them_are_not_placed() -> None:
    """A short quote left once in the text, its suffix intact but the start of its own
    sentence different: another sentence with the same words, not the highlighted one."""
    text = (
        "Return the car with the same amount of gas or you will be charged a fee.\n\n"
        "What are you doing this weekend? Our offices are open on Saturdays."
    )
    args = _args(text, "will be charged")
    new = (
        "There is no limit over which you will be charged a fee.\n\n"
        "What are you doing this weekend? Our offices are open on Saturdays."
    )
    assert locate(new, *args) is None
    # A sentence inserted before the quote's own sentence leaves it where it is.
    inserted = text.replace("Return the car", "Prices rose in May. Return the car")
    found = locate(inserted, *args)
    assert found is not None and inserted[found[0] : found[1]] == "will be charged"


def test_changed_context_is_counted_in_words() -> None:
    """One word edited beside the quote is one change; another passage's surroundings are
    several, even where the characters are about as alike."""
    from tui_reader.anchor import _context_word_changes, _fold_plain

    quote = "the quote"

    def changes(before: str, after: str, new_before: str, new_after: str) -> tuple[int, int]:
        folded = _fold_plain(new_before + quote + new_after)
        fs = len(_fold_plain(new_before))
        pre, suf = _fold_plain(before), _fold_plain(after)
        return _context_word_changes(folded, fs, fs + len(quote), pre, suf)

    assert changes("one two three ", " four five six", "one two three ", " four five six") == (
        0,
        0,
    )
    assert changes("one two three ", " four five six", "one twin three ", " four five six") == (
        1,
        0,
    )
    # Read from the quote outwards, the far end free: a longer text around costs nothing.
    assert changes("two three ", " four", "zero one two three ", " four five six") == (0, 0)
    # The outermost word of a stored context may have been cut: it is not counted.
    assert changes("one two three ", " four five six", "ten eleven twelve ", " four xx yy") == (
        2,
        1,
    )


def test_short_quote_kept_when_a_word_changed_on_each_side() -> None:
    """Two words, a word edited just before them and one just after (a typo fixed, a word
    replaced): within a word on both sides is the same passage, however short."""
    text = INTRO + BODY
    args = _args(text, "but encouraging")
    new = text.replace("results were mixed but", "results were astonishingly but").replace(
        "encouraging, which is", "encouraging, unsurprisingly is"
    )
    found = locate(new, *args)
    assert found is not None and new[found[0] : found[1]] == "but encouraging"


def test_a_sentence_stays_when_the_next_one_is_rewritten_or_an_ad_follows_it() -> None:
    """The quote ends its sentence: all its stored suffix is beyond that end. A news update
    rewriting the next sentence, or an ad put after it, left it unanchored (the previous
    sentence rewritten was fine); so was an article's first sentence, with no prefix."""
    text = (
        "His father was Kenyan and the president is expected to meet relatives in Nairobi.\n\n"
        "Mr Obama has faced criticism in the country after the US legalised gay marriage."
        " However, in his interview, the president said he would not fall silent on it."
    )
    for quote in (
        "Mr Obama has faced criticism in the country after the US legalised gay marriage.",
        "His father was Kenyan and the president is expected to meet relatives in Nairobi.",
    ):
        start = text.index(quote)
        sel = make_selector(text, start, start + len(quote))
        for new in (
            text.replace("However, in his interview", "Asked about it, he said he would go on"),
            text.replace("marriage. However", "marriage. Advertisement. Story continues. However"),
            text.replace("Nairobi.\n\n", "Nairobi.\n\nAdvertisement\n\nRead more: deals\n\n"),
        ):
            at = new.index(quote)
            got = locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash)
            assert got == (at, at + len(quote)), (quote[:20], new)
    # Not when the quote's own sentence goes on past it: what follows is its sentence.
    quote = "the president said he would not fall silent"
    start = text.index(quote)
    sel = make_selector(text, start, start + len(quote))
    new = text.replace(quote + " on it.", quote + ", whatever others told him about it.")
    new = new.replace("However, in his interview, ", "Talking to a reporter, ")
    got = locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash)
    assert got is None


def test_a_long_paragraph_found_once_stays_when_both_its_neighbours_change() -> None:
    """Ads put before and after a highlighted paragraph (or the paragraphs around it
    reordered) changed both sides of its context: a passage of 30 words found once, near
    where it was, was left unanchored."""
    para = (
        "The council approved the bridge plan on Tuesday after a long debate about its cost,"
        " its route across the river and the years of building work that residents must face."
    )
    text = f"Opening words of the story go here.\n\n{para}\n\nClosing words of the story go here."
    start = text.index(para)
    sel = make_selector(text, start, start + len(para))
    new = text.replace(f"\n\n{para}\n\n", f"\n\nAdvertisement\n\n{para}\n\nRead more: deals\n\n")
    at = new.index(para)
    got = locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash)
    assert got == (at, at + len(para))
    # The same words far from where the highlighted copy was (a repeated passage whose
    # highlighted copy went): not taken for it.
    far = "Other words of another story, told at length. " * 30
    new = f"Opening words changed entirely here.\n\n{far}\n\nA note.\n\n{para}\n\nThe end."
    got = locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash)
    assert got is None


# A passage repeated after each heading (a demo page, a FAQ's stock answer): the highlight is
# on the copy after "Single image", followed by the heading "Single figure".
_REPEATED = (
    "Every sample below is drawn with the same two sentences of filler text. "
    "The layout engine wraps them in whatever container the heading names."
)
_HEADINGS = ["Single image", "Single figure", "List of images", "List of figures"]


def test_a_repeated_passage_stays_on_its_copy_when_a_line_is_inserted_after_it() -> None:
    """The page extracted again: blank lines between blocks, and a figure's caption after
    the heading that follows the highlighted copy. The copy before it, followed by a heading
    one word different from the stored context, looked closer: the highlight moved there,
    230 characters from where it stood, while its own copy was 16 characters away."""
    quote = "The layout engine wraps them in whatever container the heading names."
    old = _REPEATED + "".join(f"\n{h}\n{_REPEATED}" for h in _HEADINGS)
    start = old.index(quote, old.index("Single image"))
    s = make_selector(old, start, start + len(quote))
    captioned = [h + ("\n\nCaption of the figure" if "figure" in h else "") for h in _HEADINGS]
    new = _REPEATED + "".join(f"\n\n{h}\n\n{_REPEATED}" for h in captioned)
    want = new.index(quote, new.index("Single image"))
    found = locate(new, s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash)
    assert found == (want, want + len(quote))


_PARAGRAPH = (
    "The council voted on Tuesday to close the old bridge for repairs. "
    "Engineers had warned for years that its steel was failing under heavy trucks. "
    "Traffic will be sent through the northern tunnel until the work ends next spring. "
    "Shop owners on both banks fear that customers will stay away for months."
)
_TEXT = "A short introduction comes first here.\n\n" + _PARAGRAPH + "\n\nA closing line follows."


def _paragraph_edited(old: str, new: str) -> tuple[int, int] | None:
    start = _TEXT.index(_PARAGRAPH)
    s = make_selector(_TEXT, start, start + len(_PARAGRAPH))
    return locate(_TEXT.replace(old, new), s.quote, s.prefix, s.suffix, s.start, s.end, "")


def test_a_highlighted_paragraph_with_one_sentence_replaced_is_left_unanchored() -> None:
    """A correction replaced one sentence of a highlighted paragraph: placed anyway, the
    highlight showed (and exported as its quote) a sentence never highlighted, or began in
    the middle of it (reanchor study C6, on four corpus articles)."""
    sentences = _PARAGRAPH.split(". ")
    for old in (sentences[0], sentences[-1]):
        new = "Officials declined to comment further on the matter on Wednesday"
        assert _paragraph_edited(old.rstrip("."), new) is None, old


def test_a_highlighted_paragraph_with_words_fixed_in_its_sentences_is_placed() -> None:
    start = _TEXT.index(_PARAGRAPH)
    for old, new in (("its steel", "the steel"), ("next spring", "next April")):
        found = _paragraph_edited(old, new)
        assert found == (start, start + len(_PARAGRAPH.replace(old, new))), old
