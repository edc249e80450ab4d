"""A long document is laid out lazily (issue 17): the first screens when it is shown, the rest
when asked for or in idle steps; every line, offset and line count comes out as the whole
layout's."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.conftest import Data, long_document, main, save_doc, settle
from tui_reader.document import Block, Document
from tui_reader.ui.render import Header, render_document
from tui_reader.ui.textunits import first_sentence, sentence_spans
from tui_reader.ui.widgets.reading_pane import ReadingPane

WIDTH = 70


def test_lazy_layout_gives_the_whole_layouts_lines_and_offsets() -> None:
    doc = long_document(6000)
    header = Header("A title", "a byline")
    whole = render_document(doc, WIDTH, header)
    assert whole.complete
    lazy = render_document(doc, WIDTH, header, first=50)
    assert not lazy.complete
    assert 50 <= lazy.laid_out < len(whole.lines) // 2
    assert lazy.line(10) == whole.lines[10]
    # An offset near the end: laid out as far as its block, and mapped as the whole one does.
    end = len(doc.text) - 5
    assert lazy.line_of_offset(end) == whole.line_of_offset(end)
    assert lazy.offset_at(whole.line_of_offset(end), 3) == whole.offset_at(
        whole.line_of_offset(end), 3
    )
    while not lazy.lay_out_some(0.0):  # one block a step at the least
        pass
    assert lazy.complete and lazy.line_count == len(whole.lines)
    assert lazy.lines == whole.lines
    assert (lazy.starts, lazy.indexes, lazy.links) == (whole.starts, whole.indexes, whole.links)
    assert lazy.line(len(whole.lines)) is None


def test_the_estimate_is_near_the_real_count_and_exact_at_the_end() -> None:
    for seed in (1, 2):  # held-out texts: the estimate is not tuned to one
        doc = long_document(8000, seed=seed)
        real = len(render_document(doc, WIDTH).lines)
        lazy = render_document(doc, WIDTH, first=80)
        assert abs(lazy.line_count - real) <= real // 5, (lazy.line_count, real)
        lazy.finish()
        assert lazy.line_count == real


def test_a_short_document_is_laid_out_at_once() -> None:
    doc = Document(blocks=(Block("paragraph", "One short paragraph. " * 20),))
    assert render_document(doc, WIDTH, first=5).complete


def test_the_first_sentence_is_the_first_of_all() -> None:
    doc = long_document(500)
    assert first_sentence(doc) == sentence_spans(doc)[0]
    code_first = Document(blocks=(Block("paragraph", "  "), Block("code", "\n  x = 1\ny")))
    assert first_sentence(code_first) == sentence_spans(code_first)[0]
    assert first_sentence(Document()) is None


async def open_long(pilot: Pilot[Any], data: Data, doc: Document) -> ReadingPane:
    """Open ``doc``, stored as "News story 0", straight from the list (not waiting for it)."""
    article = data.articles["News story 0"]
    save_doc(data.store, article, doc)
    await settle(pilot)
    screen = main(pilot.app)
    row = next(a for a in screen.articles.articles if a.id == article)
    screen.open_article(row)
    return screen.pane


async def test_the_pane_shows_a_long_article_before_laying_it_all_out(data: Data) -> None:
    doc = long_document(20000)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_long(pilot, data, doc)
        rendered = pane.rendered
        assert rendered is not None and pane.document is not None
        assert not rendered.complete  # shown with its first screens laid out
        assert rendered.laid_out < rendered.line_count // 4
        assert pane.virtual_size.height == rendered.line_count
        # The idle steps lay out the rest; the scrollable height is then the real one.
        for _ in range(200):
            if rendered.complete:
                break
            await pilot.pause(0.02)
        assert rendered.complete
        await pilot.pause()
        assert pane.virtual_size.height == len(rendered.lines)
        assert pane.sentences == sentence_spans(pane.document)


async def test_jumping_far_into_a_long_article_lays_it_out_on_the_way(data: Data) -> None:
    doc = long_document(20000)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_long(pilot, data, doc)
        # The idle steps held back: the last sentence is gone to before they get there.
        timer = pane._layout_timer
        assert timer is not None
        timer.pause()
        pane.focus()
        await pilot.pause()
        last = sentence_spans(doc)[-1]
        assert pane.rendered is not None and not pane.rendered.complete
        pane.set_cursor(last[0])
        await pilot.pause()
        top, bottom = pane.visible_lines()
        assert top <= pane.line_of_offset(last[0]) < bottom
        shown = "".join(pane.render_line(y).text for y in range(bottom - top))
        assert doc.text[last[0] : last[1]].split()[-1] in shown
        assert pane.cursor_range == last
        timer.resume()
        await pilot.press("G")  # the end: exact, whatever the estimate said
        await pilot.pause()
        rendered = pane.rendered
        assert rendered is not None and rendered.complete
        assert pane.max_scroll_y == len(rendered.lines) - pane.scrollable_content_region.height


async def test_an_article_whose_first_sentence_is_taller_than_the_pane_opens_at_its_title(
    data: Data,
) -> None:
    """The cursor starts on the first sentence and the view follows it: one taller than the
    pane scrolled the title, byline and notice above the view."""
    doc = Document(
        title="Headerline Title",
        blocks=(Block("paragraph", " ".join(f"word{i}" for i in range(3000)) + ". End."),),
    )
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_long(pilot, data, doc)
        await settle(pilot)
        # Its full text replacing what the feed gave keeps the cursor where it was: on the
        # first sentence, which the view then followed.
        pane.show_document(doc, article_id=pane.article_id, keep_position=True)
        await settle(pilot)
        assert pane.cursor_range is not None and pane.cursor_range[0] == 0
        assert pane.scroll_offset.y == 0
        shown = "".join(pane.render_line(y).text for y in range(6))
        assert "Headerline Title" in shown
