"""Reading time and progress (issue 16): the estimate from the clean text, and the article
header and the pane's top row showing them."""

from __future__ import annotations

from tests.conftest import Data, long_document, main, save_doc, settle
from tui_reader.reading import percent_read, reading_minutes, reading_time


def test_minutes_from_words_and_from_cjk_characters() -> None:
    assert reading_minutes("") == 0 and reading_time("  \n") == ""
    assert reading_minutes("one") == 1
    assert reading_minutes(" ".join(["word"] * 230)) == 1
    assert reading_minutes(" ".join(["word"] * 231)) == 2
    assert reading_time(" ".join(["word"] * 2300)) == "10 min read"
    # No spaces between words: 500 characters a minute, not one giant "word".
    assert reading_minutes("读" * 1000) == 2
    assert reading_minutes("これは日本語の文です。" * 100) == 2  # 1000 kana and kanji
    assert reading_minutes("한국어" * 400 + " " + "word " * 230) == 4  # 1200 Hangul + 230 words


def test_linear_in_the_text() -> None:
    big = "a" * 2_000_000 + " " + "読" * 500_000
    assert reading_minutes(big) == 1 + 1000


def test_percent_read() -> None:
    assert percent_read(0, 10, 100) == 10
    assert percent_read(45, 10, 100) == 55
    assert percent_read(90, 10, 100) == 100
    assert percent_read(0, 50, 20) == 100  # all on screen
    assert percent_read(0, 10, 0) == 100


async def test_the_header_says_how_long_and_the_top_row_how_far(data: Data) -> None:
    article = data.articles["News story 0"]
    save_doc(data.store, article, long_document(2400))
    app = data.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        pane = screen.pane
        minutes = reading_minutes(pane.document.text)  # type: ignore[union-attr]
        assert minutes >= 10
        assert pane.header.meta.endswith(f" · {minutes} min read")
        top = pane.render_line(0).text
        rows = len(pane.rendered.lines)  # type: ignore[union-attr]
        height = pane.scrollable_content_region.height
        assert top.rstrip().endswith(f"{height * 100 // rows}%")
        await pilot.press("G")
        await settle(pilot)
        assert pane.render_line(0).text.rstrip().endswith("100%")
        # A short article shows no percentage.
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert "%" not in pane.render_line(0).text
        assert pane.header.meta.endswith("1 min read")
