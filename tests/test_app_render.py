"""The reading pane's layout: every drawn character maps back to Document.text."""

from __future__ import annotations

import random

import pytest

from tests.conftest import long_document, rich_document
from tui_reader.document import Block, Document, Span
from tui_reader.ui.render import (
    CODE,
    CODE_BLOCK,
    EM,
    LINK,
    LINK_NUMBER,
    STRONG,
    Rendered,
    _wrap_words,
    cells,
    render_document,
    wrap,
)
from tui_reader.ui.textunits import sentence_spans, split_sentences, unit_at


def mapped_text(rendered: Rendered, doc: Document) -> None:
    """Every mapped run shows exactly the document text at its offset."""
    for line in rendered.lines:
        for run in line.runs:
            if run.offset >= 0 and run.size == len(run.text):
                assert run.text == doc.text[run.offset : run.offset + run.size]


def shown(rendered: Rendered) -> list[str]:
    out = []
    for line in rendered.lines:
        text = ""
        for run in line.runs:
            text += " " * (run.col - cells(text)) + run.text
        out.append(text)
    return out


@pytest.mark.parametrize("width", [20, 37, 60, 80])
def test_every_run_maps_to_the_document_text(width: int) -> None:
    for doc in (rich_document(3), long_document(2000)):
        rendered = render_document(doc, width)
        mapped_text(rendered, doc)
        assert all(cells(line) <= width for line in shown(rendered))
        # Every character of every block is drawn exactly once (code tabs drawn as spaces).
        covered = sorted(
            (run.offset, run.offset + run.size)
            for line in rendered.lines
            for run in line.runs
            if run.offset >= 0
        )
        drawn = "".join(doc.text[a:b] for a, b in covered)
        expected = "".join("".join(b.text.split()) for b in doc.blocks)
        assert "".join(drawn.split()) == expected


def test_styles_links_and_numbers() -> None:
    doc = rich_document(1)
    rendered = render_document(doc, 80)
    runs = [run for line in rendered.lines for run in line.runs]
    by_text = {run.text: run for run in runs}
    assert by_text["emphasis"].flags & EM
    assert by_text["strong text"].flags & STRONG
    assert by_text["code"].flags & CODE
    assert by_text["the project page"].flags & LINK
    assert by_text["[1]"].flags & LINK_NUMBER and by_text["[1]"].offset == -1
    assert rendered.links == ("https://project.example/", "javascript:alert(1)")
    lines = shown(rendered)
    assert "Links" in lines
    assert "[1] https://project.example/" in lines
    assert any(line.startswith("• First point") for line in lines)
    assert any(line.startswith("  ◦ Second point") for line in lines)
    assert any(line.startswith("1. Step one.") for line in lines)
    assert any(line.startswith("│ A quoted passage") for line in lines)
    assert "[image: A caption for the picture]" in lines
    assert any("Name  │ Value" in line for line in lines)
    code_lines = [line for line in rendered.lines if line.fill & CODE_BLOCK]
    assert [shown(Rendered([line], 80))[0] for line in code_lines] == [
        "  def f(x):",
        "      return x * 2",
    ]


def test_offsets_lines_and_positions_agree() -> None:
    doc = rich_document(2)
    rendered = render_document(doc, 40)
    for offset in range(0, len(doc.text), 7):
        if doc.text[offset].isspace():
            continue
        line_index = rendered.line_of_offset(offset)
        line = rendered.lines[line_index]
        assert line.start <= offset < line.end or doc.blocks[doc.block_at(offset)].kind in (
            "code",
            "table",
        )
        for run in line.runs:
            if run.offset >= 0 and run.offset <= offset < run.offset + run.size:
                col = run.col + cells(run.text[: offset - run.offset])
                assert rendered.offset_at(line_index, col) == offset


def test_wide_characters_are_measured_in_cells() -> None:
    doc = Document(blocks=(Block("paragraph", "日本語のテキスト" * 10 + " end"),))
    rendered = render_document(doc, 20)
    mapped_text(rendered, doc)
    assert all(cells(line) <= 20 for line in shown(rendered))
    line = rendered.lines[rendered.line_of_offset(3)]
    run = next(r for r in line.runs if r.offset >= 0)
    assert rendered.offset_at(rendered.line_of_offset(3), run.col + 2 * (3 - run.offset)) == 3


def test_control_characters_never_reach_the_screen() -> None:
    doc = Document(title="T\x1b[31m", blocks=(Block("paragraph", "a\x1b[2Jb\x07c", spans=()),))
    rendered = render_document(doc, 40)
    text = "\n".join(shown(rendered))
    assert "\x1b" not in text and "\x07" not in text
    assert "a\ufffd[2Jb\ufffdc" in text


def test_chinese_and_japanese_sentences_end_at_their_full_width_stops() -> None:
    """They write no space after a stop: a whole paragraph was one sentence for the reading
    cursor and the sentence highlight."""
    text = "我喜欢读书。你呢？「好的！」他说。今日は晴れです｡ Then English. Next one."
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "我喜欢读书。",
        "你呢？",
        "「好的！」",
        "他说。",
        "今日は晴れです｡",
        "Then English.",
        "Next one.",
    ]


def test_wrap_cuts_long_words_and_keeps_markers_with_their_word() -> None:
    assert wrap("a " + "x" * 25, 10) == [(0, 1), (2, 12), (12, 22), (22, 27)]
    assert wrap("one two three", 8, {7: "[12]"}) == [(0, 3), (4, 7), (8, 13)]


def test_sentences() -> None:
    text = 'Mr. Smith left. "Why?" she asked. It cost 3.5 dollars. E.g. this. The U.S. Army won.'
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "Mr. Smith left.",
        '"Why?" she asked.',
        "It cost 3.5 dollars.",
        "E.g. this.",
        "The U.S. Army won.",
    ]
    doc = rich_document(0)
    spans = sentence_spans(doc)
    assert doc.text[slice(*spans[0])] == "Article 0 opens here."
    assert unit_at(spans, spans[3][0] + 1) == 3


def test_a_span_across_a_wrap_is_styled_on_both_lines() -> None:
    text = "word " * 10 + "emphasised words that wrap over the line end"
    start = text.index("emphasised")
    doc = Document(blocks=(Block("paragraph", text, spans=(Span(start, len(text), "em"),)),))
    rendered = render_document(doc, 60)
    em_runs = [r for line in rendered.lines for r in line.runs if r.flags & EM]
    assert len({rendered.line_of_offset(r.offset) for r in em_runs}) == 2
    assert "".join(r.text for r in em_runs).replace(" ", "") == text[start:].replace(" ", "")


def test_fast_wrapping_matches_word_by_word_wrapping() -> None:
    """The regular-expression path gives exactly the pieces the word-by-word path does."""
    rnd = random.Random(3)
    for _ in range(3000):
        words = ["x" * rnd.choice([1, 2, 3, 5, 8, 13, 30]) for _ in range(rnd.randint(0, 30))]
        text = " ".join(words)
        if rnd.random() < 0.3:
            text = text.replace(" ", "  ", 1)
        if rnd.random() < 0.2:
            text = " " + text + "  "
        markers = {}
        for _ in range(rnd.randint(0, 4)):
            if text.strip():
                p = rnd.randint(1, len(text))
                if not text[p - 1].isspace():
                    markers[p] = f"[{rnd.randint(1, 30)}]"
        width = rnd.randint(1, 40)
        assert wrap(text, width, markers) == _wrap_words(text, width, markers), (text, width)
