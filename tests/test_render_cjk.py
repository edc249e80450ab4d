"""Chinese and Japanese text wraps between ideographs, with kinsoku: no line starts with
closing punctuation nor ends with opening punctuation; widths are terminal cells."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, Data, main, save_doc, settle
from tui_reader.config import Config
from tui_reader.document import Block, Document
from tui_reader.extract.guarded import extract_page
from tui_reader.ui.render import cells, render_document, wrap

CLOSING = set("，。、．・：；？！」』）】〕〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ”’…")
OPENING = set("「『（【〔〈《“‘")
PAGES = CORPUS / "readability-pages"
CJK_PAGES = ["gmw", "qq", "youth", "pixnet", "yahoo-4", "hukumusume"]


def lines_of(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in wrap(text, width)]


def is_ideograph(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"


def check(text: str, width: int) -> list[str]:
    pieces = wrap(text, width)
    lines = [text[a:b] for a, b in pieces]
    # Only where lines break changes: the pieces cover the text, in order, spaces aside.
    assert "".join("".join(line.split()) for line in lines) == "".join(text.split())
    for a, b in pieces:
        assert not text[a:b][:1].isspace() and not text[a:b][-1:].isspace()
    for n, line in enumerate(lines):
        assert cells(line) <= width or len(line) == 1, (width, line)
        if n:
            assert line[0] not in CLOSING, (width, lines[n - 1], line)
        if n < len(lines) - 1:
            assert line[-1] not in OPENING, (width, line, lines[n + 1])
            nxt = lines[n + 1]
            # Filled: the next line's first ideograph (and what must stay with it) did not fit.
            if is_ideograph(nxt[0]) and a_gap_free(text, pieces, n):
                keep = 1
                while keep < len(nxt) and nxt[keep] in CLOSING | set(".,:;!?)]}%"):
                    keep += 1
                assert cells(line) + cells(nxt[:keep]) > width, (width, line, nxt)
    return lines


def a_gap_free(text: str, pieces: list[tuple[int, int]], n: int) -> bool:
    return pieces[n][1] == pieces[n + 1][0]  # the lines were not broken at a space


MIXED = (
    "苹果公司今天在加利福尼亚州库比蒂诺发布了新的 iPhone 手机，"
    "售价为 999 美元。发布会上，首席执行官表示：「这是我们做过最好的产品。」"
    "分析人士认为，这款手机将在中国市场（尤其是一线城市）受到欢迎。"
)
JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。"
    "何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"
    "「ちょっと待って」と彼は言った。ジョン・スミスさんは、東京に行った。"
)


@pytest.mark.parametrize("width", range(10, 61))  # narrower, a unit may not fit: cut
def test_cjk_wraps_between_ideographs_with_kinsoku(width: int) -> None:
    for text in (MIXED, JAPANESE, MIXED.replace("，", "， "), "中" * 50 + "。" * 3):
        check(text, width)


def test_a_chinese_run_after_a_latin_word_fills_the_line() -> None:
    # Before: the whole run of ideographs was one "word" and went to the next line whole.
    lines = lines_of("Apple 公司今天发布了新手机，售价为九百九十九美元。", 20)
    assert lines[0].startswith("Apple 公司") and cells(lines[0]) >= 19


@pytest.mark.parametrize("name", CJK_PAGES)
def test_real_cjk_pages_wrap_cleanly(name: str) -> None:
    source = PAGES / name / "source.html"
    if not source.exists():
        pytest.skip(f"{source} is not in the corpus")
    doc = extract_page(source.read_bytes(), f"https://{name}.example/article", Config())
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph" and b.text]
    assert paragraphs
    for width in (30, 57, 80):
        for text in paragraphs:
            check(text, width)
        rendered = render_document(doc, width)
        for line in rendered.lines:  # the whole layout stays within the width, too
            assert sum(cells(r.text) for r in line.runs) <= width


async def test_the_reading_pane_wraps_japanese_at_the_measure(data: Data) -> None:
    article_id = data.articles["News story 0"]
    doc = Document(title="猫", blocks=(Block("paragraph", JAPANESE * 3),))
    save_doc(data.store, article_id, doc)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = main(app).pane
        rendered = pane.rendered
        assert rendered is not None
        texts = ["".join(r.text for r in line.runs if r.offset >= 0) for line in rendered.lines]
        body = [t for t in texts if t]
        assert len(body) > 5
        assert not any(t[0] in CLOSING for t in body[1:])
        assert body == check(doc.text, rendered.width)  # the pane wraps as checked above
        # The plain text, and so every highlight's offsets, are unchanged.
        assert pane.document is not None and pane.document.text == doc.text
