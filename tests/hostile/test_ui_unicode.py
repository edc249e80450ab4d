"""Unicode in the app: bidi overrides and isolates (Trojan Source), zero-width and tag
characters, 500 combining marks, wide characters and emoji in feed names, titles and text.

Read back from the screen as Textual composed it: the list columns line up (every row is as
wide as its list; dates and unread counts end at the list's right edge), and nothing that
spoofs the text reaches the screen — even when the store holds it (filled directly, past the
cleaning a refresh does, as a damaged or older database could be).
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from tests.conftest import main, settle
from tests.hostile.conftest import FORBIDDEN, forbidden_in
from tests.hostile.ui_support import Cell, screen_cells, widget_text
from tui_reader.config import Config
from tui_reader.document import Block, Document
from tui_reader.extract import EXTRACTOR_VERSION
from tui_reader.feeds.welcome import WELCOME_SETTING
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.sanitize import MAX_MARKS, clean_line
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.render import render_document, safe
from tui_reader.ui.widgets.article_list import format_date

pytestmark = pytest.mark.hostile(category="unicode")

BASE_TIME = 1_700_000_000.0
TITLES = {
    "bidi-override": "Invoice \u202eexe.fdp\u202c paid",
    "bidi-isolates": "is_admin \u2066// check later\u2069 \u2067x\u2069 done",
    "bidi-marks": "left\u200e\u200f\u061cright",
    "zero-width": "pay\u200bpal\u2060.com\ufeff login",
    "tag-chars": "hidden \U000e0049\U000e0047\U000e004e\U000e004f\U000e0052\U000e0045 text",
    "combining-500": "Z" + "\u0301" * 500 + "algo",
    "combining-mixed": "e" + "\u0300\u0301\u0302\u0303\u0304\u0489\u20dd" * 80 + "nd",
    "wide": "全角の見出しと漢字のタイトルがとても長く続きます",
    "emoji": "Launch 🚀 👩‍💻 🇫🇷 🏳️‍🌈 family 👨‍👩‍👧‍👦 done",
    "mixed": "ｗｉｄｅ and narrow 한국어 العربية עברית mixed",
}
SPOOFS = ("bidi-override", "bidi-isolates", "bidi-marks", "zero-width", "tag-chars")


def fill(store: Store, *, raw: bool) -> list[int]:
    """One feed and one article per title; ``raw``: stored as they are (no cleaning), else
    cleaned the way a refresh cleans them. The first article's document carries every title
    as a paragraph, heading and list item."""
    store.set_setting(WELCOME_SETTING, "1")

    def text(value: str) -> str:
        return value if raw else clean_line(value)

    for i, (name, title) in enumerate(TITLES.items()):
        feed, _ = store.add_feed(f"https://u{i}.example/feed.xml", title=text(f"{name} {title}"))
        store.upsert_entries(
            feed,
            [
                EntryData(
                    guid=f"u{i}",
                    url=f"https://u{i}.example/a",
                    title=text(title),
                    author=text(title),
                    published=BASE_TIME - i * 86400 * 40,  # dates of different widths
                )
            ],
        )
    ids = [a.id for a in store.list_articles()]
    blocks = [Block("paragraph", text(t)) for t in TITLES.values()]
    blocks += [Block("heading", text(TITLES["bidi-override"]), level=2)]
    blocks += [Block("list_item", text(TITLES["emoji"]))]
    doc = Document(title=text(TITLES["bidi-override"]), blocks=tuple(blocks))
    store.save_document(
        ids[0],
        doc_json=doc.to_json(),
        text=doc.text,
        version=EXTRACTOR_VERSION,
        source="page",
    )
    return ids


def region_rows(app: ReaderApp, widget: object) -> list[list[Cell]]:
    region = widget.content_region  # type: ignore[attr-defined]
    return [row[region.x : region.right] for row in screen_cells(app)[region.y : region.bottom]]


def row_text(row: list[Cell]) -> str:
    return "".join(c.text for c in row)


def assert_columns_line_up(app: ReaderApp) -> None:
    screen = main(app)
    articles = screen.articles
    width = articles.content_region.width
    rows = region_rows(app, articles)
    shown = articles.articles
    assert len(rows) >= 2 * len(shown), "the list should show every article"
    for i, article in enumerate(shown):
        title, source = rows[2 * i], rows[2 * i + 1]
        for row in (title, source):
            assert sum(1 for c in row) == width
        date = format_date(article.published)
        line = row_text(source)
        assert line.rstrip().endswith(date), f"row {i}: the date is not at the right: {line!r}"
        assert len(line) - len(line.rstrip()) <= 0, f"row {i}: {line!r}"
    feeds = screen.feeds
    for i, row in enumerate(region_rows(app, feeds)[4 : 4 + len(TITLES)]):
        line = row_text(row)
        count = feeds.entries[4 + i].count
        assert line.endswith(str(count)), f"feed row {i}: the count is not at the right: {line!r}"
        assert len(row) == feeds.content_region.width


def longest_mark_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if unicodedata.category(ch).startswith("M") else 0
        longest = max(longest, run)
    return longest


async def test_list_columns_line_up_with_wide_text_emoji_and_marks(
    paths: Paths, store: Store
) -> None:
    fill(store, raw=False)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        assert_columns_line_up(app)
        await pilot.press("enter")
        await settle(pilot)
        shown = widget_text(app, main(app).pane)
        assert TITLES["wide"] in shown and "全角" in widget_text(app, main(app).articles)
        assert "🚀" in shown and "한국어" in shown
        assert longest_mark_run(shown) <= MAX_MARKS
        assert app.is_running


async def test_columns_line_up_when_the_store_holds_500_marks(paths: Paths, store: Store) -> None:
    fill(store, raw=True)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        assert_columns_line_up(app)


async def test_spoofing_characters_in_the_store_never_reach_the_screen(
    paths: Paths, store: Store
) -> None:
    fill(store, raw=True)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the article: every title in its text
        await settle(pilot)
        pane = main(app).pane.content_region
        screens = [screen_cells(app)]
        await pilot.press("ctrl+p", *"invoice")
        await settle(pilot)
        screens.append(screen_cells(app))
        for cells in screens:
            text = "\n".join(row_text(row) for row in cells)
            assert not forbidden_in(text), re.sub(r"\s+", " ", text)[:400]
            # Marks are capped everywhere but in the pane's text (also under the palette),
            # which keeps one character for each of the document's (its offsets are the
            # highlights'); documents are made by extraction, which caps them.
            stacked = [
                len(c.text)
                for y, row in enumerate(cells)
                for x, c in enumerate(row)
                if not pane.contains(x, y)
            ]
            assert max(stacked) <= 1 + MAX_MARKS
        assert app.is_running


# Every character the suite forbids (a code point of each range, and every one of the BMP).
EVERY_FORBIDDEN = "".join(
    ch for ch in map(chr, (*range(0x10000), *range(0xE0000, 0xE0080))) if FORBIDDEN.match(ch)
)


def test_no_forbidden_character_survives_the_ui_boundaries() -> None:
    """Both ways text enters a widget: ``safe`` (lists, titles, dialogs, notifications) and
    the reading pane's layout (one character for one), on every forbidden character."""
    assert len(EVERY_FORBIDDEN) > 2000
    assert not forbidden_in(safe(f"a{EVERY_FORBIDDEN}b"))
    chunks = [EVERY_FORBIDDEN[i : i + 40] for i in range(0, len(EVERY_FORBIDDEN), 40)]
    doc = Document(
        title="t",
        blocks=(
            Block("paragraph", " x ".join(chunks)),
            Block("code", "\n".join(chunks)),
            Block("table", "c", rows=((chunks[0],), (chunks[-1],))),
        ),
    )
    rendered = render_document(doc, 60)
    drawn = "".join(run.text for line in rendered.lines for run in line.runs)
    assert not forbidden_in(drawn.replace("\t", " ").replace("\n", " "))


def test_an_images_alt_text_shows_in_its_label_cleaned_and_wrapped() -> None:
    """A captionless image is "[image: alt]": the alt text is hostile page text like any other
    (escape sequences gone), wraps at the pane's width, and has no offsets in the text."""
    from tui_reader.document import Block, Document
    from tui_reader.ui.render import render_document

    alt = "A bridge \x1b[31mat\x1b[0m dusk " + "long " * 20
    doc = Document(
        blocks=(Block("paragraph", "Before."), Block("figure", "", src="https://x/a.jpg", alt=alt))
    )
    rendered = render_document(doc, 30)
    image_lines = [
        "".join(run.text for run in line.runs)
        for line in rendered.lines
        if any("[image" in run.text or "long" in run.text for run in line.runs)
    ]
    label = "".join(image_lines)
    assert label.startswith("[image: A bridge at dusk long")
    assert "\x1b" not in label and label.endswith("]")
    assert len(image_lines) > 1 and all(len(t) <= 30 for t in image_lines)
    assert all(
        run.offset == -1 for line in rendered.lines for run in line.runs if "long" in run.text
    )


def test_subdivision_flags_are_drawn_whole_and_hidden_tags_are_not() -> None:
    """The flags of Scotland and Wales are an emoji and its tag characters: drawn as they
    are (each tag character was drawn as U+FFFD). Tag characters anywhere else (text hidden
    after a black flag) are never drawn."""
    from tui_reader.document import Block, Document
    from tui_reader.ui.render import render_document, safe

    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    hidden = "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "run rm") + "\U000e007f"
    text = f"Go {scotland} team, {hidden} done"
    assert safe(text) == f"Go {scotland} team, \U0001f3f4 done"
    doc = Document(title="t", blocks=(Block("paragraph", text), Block("code", text)))
    drawn = "".join(run.text for line in render_document(doc, 60).lines for run in line.runs)
    assert drawn.count(scotland) == 2
    assert "\ufffd" in drawn  # (the layout keeps offsets: what is not a flag is replaced)
    assert not forbidden_in(drawn)
