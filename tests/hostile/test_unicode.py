"""Unicode that spoofs or floods: bidi overrides (Trojan Source), zero-width and tag
characters, towers of combining marks — and the text that must survive untouched: wide
characters, emoji sequences, scripts that stack a few marks."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import (
    assert_document_clean,
    assert_store_clean,
    item,
    refresh_one,
    rss_doc,
)
from tui_reader.extract import document_from_fragment, extract_html
from tui_reader.feeds.text import fast_clean, fast_line
from tui_reader.sanitize import MAX_MARKS, clean_line, clean_text
from tui_reader.store import Store

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="unicode")

SPOOFS = {
    # "access level: user" shown, "admin" stored: the classic Trojan Source reordering.
    "bidi-override": "user\u202e nimda\u202c",
    "bidi-isolates": "a\u2066b\u2067c\u2068d\u2069e",
    "bidi-marks": "x\u200e\u200f\u061cy",
    "bidi-embedding": "\u202a\u202b\u202c\u202d",
    "zero-width": "pay\u200bpal\u2060.com\ufeff",
    "invisible-operators": "a\u2061\u2062\u2063\u2064b",
    "tag-characters": "hello\U000e0001\U000e0069\U000e0067\U000e006e\U000e006f\U000e007f",
    "interlinear": "\ufff9ruby\ufffabase\ufffb",
    "noncharacters": "\ufdd0\ufffe\U0001fffe",
    # Text hidden in tag characters after a black flag: no subdivision's flag, so it goes.
    "tags-after-a-flag": "\U0001f3f4"
    + "".join(chr(0xE0000 + ord(c)) for c in "ignore all")
    + "\U000e007f",
}
SPOOF_CHARS = "".join(
    sorted({ch for s in SPOOFS.values() for ch in s if not ch.isalnum()} - {" ", ".", "\U0001f3f4"})
)

KEPT = {
    "cjk": "漢字かなカナ한국어",
    "emoji": "😀👍🏽",
    "zwj-family": "👨\u200d👩\u200d👧\u200d👦",
    "flag": "🇫🇷🇯🇵",
    "subdivision-flags": "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
    "keycap-vs16": "1\ufe0f\u20e3 ❤\ufe0f",
    "thai": "ไม่ได้ที่นี่",
    "hebrew-points": "בְּרֵאשִׁית",
    "devanagari": "क्षत्रिय",
    "arabic": "السلام عليكم",
    "vietnamese": "Tiếng Việt",
}

TOWERS = {
    "latin-acute": ("e" + "\u0301" * 500, 3),
    "cyrillic-enclosing": ("a" + "\u0489" * 500, MAX_MARKS),
    "thai-tone": ("\u0e01" + "\u0e49" * 500, MAX_MARKS),
    "hebrew-points": ("\u05d0" + "\u05b0" * 500, MAX_MARKS),
    "musical-astral": ("x" + "\U0001d167" * 500, MAX_MARKS),
    "mixed": ("o" + "\u0e49\U0001d167\u0489" * 200, MAX_MARKS),
}


def _longest_mark_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if unicodedata.category(ch).startswith("M") else 0
        longest = max(longest, run)
    return longest


@pytest.mark.parametrize("name", list(SPOOFS))
def test_spoofing_characters_are_removed(name: str) -> None:
    for clean in (clean_text, clean_line, fast_clean, fast_line):
        out = clean(SPOOFS[name])
        assert not any(ch in SPOOF_CHARS for ch in out), (clean.__name__, out)
    assert clean_text(SPOOFS["bidi-override"]) == "user nimda"


@pytest.mark.parametrize("name", list(TOWERS))
def test_combining_towers_are_capped(name: str) -> None:
    text, cap = TOWERS[name]
    for clean in (clean_text, fast_clean):
        out = clean(f"before {text} after")
        assert out.startswith("before ") and out.endswith(" after")
        assert 1 <= _longest_mark_run(out) <= cap, (clean.__name__, len(out))


@pytest.mark.parametrize("name", list(KEPT))
def test_wide_characters_emoji_and_real_scripts_are_kept(name: str) -> None:
    text = unicodedata.normalize("NFC", KEPT[name])
    for clean in (clean_text, clean_line, fast_clean, fast_line):
        assert clean(text) == text, clean.__name__


def _hostile_text() -> str:
    return " ".join([*SPOOFS.values(), *(t for t, _ in TOWERS.values()), *KEPT.values()])


def test_feed_text_is_stored_without_spoofing(server: TestServer, store: Store) -> None:
    text = _hostile_text()
    items = "".join(
        item(f"u{n}", title=f"T {text}", description=f"&lt;p&gt;{text}&lt;/p&gt;") for n in range(3)
    )
    url = server.route("/unicode.xml", rss_doc(items, channel=f"<title>F {text}</title>"))
    _summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok" and feed.total == 3
    assert_store_clean(store.path)
    for article in store.list_articles(feed_id=feed.id):
        assert _longest_mark_run(article.title) <= MAX_MARKS
        for kept in KEPT.values():
            assert unicodedata.normalize("NFC", kept) in article.title
        assert "user nimda" in article.title


def test_documents_hold_no_spoofing() -> None:
    text = _hostile_text()
    paragraphs = "".join(
        f"<p>{text} {n} " + "Words of the article. " * 40 + "</p>" for n in range(3)
    )
    page = f"<html><head><title>{text}</title></head><body><article>{paragraphs}</article>"
    for doc in (
        extract_html(page.encode(), "https://example.org/u"),
        document_from_fragment(paragraphs, title=text, byline=text),
    ):
        assert_document_clean(doc)
        assert _longest_mark_run(doc.text) <= MAX_MARKS
        assert all(unicodedata.normalize("NFC", k) in doc.text for k in KEPT.values())


@pytest.mark.parametrize("name", list(TOWERS))
def test_towers_are_capped_in_documents(name: str) -> None:
    """Alone in otherwise clean text (the extractor's fast path skips clean_text there)."""
    text, cap = TOWERS[name]
    words = "Words of the article. " * 40
    fragment = f"<p>{text} {words}</p>"
    page = f"<html><body><article>{fragment * 3}</article></body></html>".encode()
    for doc in (document_from_fragment(fragment), extract_html(page, "https://example.org/")):
        assert 1 <= _longest_mark_run(doc.text) <= cap
