"""Helpers for the hostile-input suite: what "clean" means, every text the store holds, a
refresh of one feed with small limits, and peak-memory measurement."""

from __future__ import annotations

import html
import re
import sqlite3
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from tui_reader.config import Config, RefreshConfig
from tui_reader.document import Document
from tui_reader.feeds.refresh import RefreshSummary, refresh
from tui_reader.models import Feed
from tui_reader.store import Store

T = TypeVar("T")

# Small limits keep every network case fast: 2 s per fetch, 300 kB per body.
FAST = Config(refresh=RefreshConfig(timeout=2.0, max_bytes=300_000, max_redirects=3, concurrency=8))

# Never stored, shown or exported: C0 controls but tab and newline, DEL, C1 controls, bidi
# embeddings/overrides/isolates and marks, zero-width space and joiners that hide text, the
# BOM, interlinear annotations, tag characters, surrogates and noncharacters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffc\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f"
    "\ud800-\udfff]"
)
# A numeric character reference that would decode to one of those controls (CR is harmless).
CONTROL_REF = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|12[7-9]|1[3-5][0-9])"
    r"|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]));"
)


# But a subdivision's flag (UTS #51 ED-14c: U+1F3F4, a region's and a subdivision's tag letters,
# CANCEL TAG; the flags of England, Scotland, Wales) is an emoji: its tag characters are kept.
SUBDIVISION_FLAG = re.compile(
    "\U0001f3f4[\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,3}"
    "\U000e007f"
)


def forbidden_in(text: str) -> list[str]:
    """The forbidden characters in ``text``, also after decoding HTML character references
    (stored HTML must not hold ``&#27;`` any more than ESC itself)."""
    found = FORBIDDEN.findall(SUBDIVISION_FLAG.sub("", text))
    if "&" in text:
        found += [f"ref:{m}" for m in CONTROL_REF.findall(text)]
    return [repr(c) for c in found]


def assert_clean(text: str, where: str = "") -> None:
    bad = forbidden_in(text)
    assert not bad, f"{where}: forbidden characters {bad[:8]} in {text[:200]!r}"


@dataclass(frozen=True)
class StoredText:
    table: str
    column: str
    row: int
    value: str


_TEXT_TABLES = ("feeds", "articles", "highlights", "article_notes", "settings")


def stored_texts(path: Path) -> Iterator[StoredText]:
    """Every TEXT value in the user's tables (read with a connection of its own)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table in _TEXT_TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for n, row in enumerate(conn.execute(f"SELECT * FROM {table}")):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str):
                        yield StoredText(table, column, n, value)
    finally:
        conn.close()


def assert_store_clean(path: Path) -> int:
    """Fail on any forbidden character in any stored text; returns how many were checked."""
    checked = 0
    for item in stored_texts(path):
        assert_clean(item.value, f"{item.table}.{item.column}[{item.row}]")
        checked += 1
    return checked


def store_contains(path: Path, needle: str) -> list[str]:
    """Where ``needle`` occurs in the store (also inside entity-decoded HTML)."""
    return [
        f"{t.table}.{t.column}"
        for t in stored_texts(path)
        if needle in t.value or needle in html.unescape(t.value)
    ]


def document_texts(doc: Document) -> Iterator[tuple[str, str]]:
    """Every string a Document holds that could be shown or opened."""
    for name in ("title", "byline", "published", "site_name", "url", "lead_image", "notice"):
        yield name, getattr(doc, name)
    for i, block in enumerate(doc.blocks):
        yield f"block {i} text", block.text
        yield f"block {i} src", block.src
        for span in block.spans:
            yield f"block {i} href", span.href
        for row in block.rows:
            for cell in row:
                yield f"block {i} cell", cell


def assert_document_clean(doc: Document) -> None:
    for where, text in document_texts(doc):
        assert_clean(text, where)


def refresh_one(store: Store, url: str, config: Config = FAST) -> tuple[RefreshSummary, Feed]:
    """Subscribe to ``url`` (if needed), refresh it, and return the summary and the feed."""
    feed, _ = store.add_feed(url)
    summary = refresh(store.path, config, [feed.id])
    again = store.get_feed(feed.id)
    assert again is not None
    return summary, again


def peak_memory(func: Callable[[], T]) -> tuple[T, int]:
    """Run ``func`` under tracemalloc; its result and the peak of Python allocations, in
    bytes, above what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - base


def rss_doc(
    items: str,
    *,
    doctype: str = "",
    channel: str = "<title>Hostile feed</title><link>https://example.org/</link>",
    declaration: str = '<?xml version="1.0" encoding="utf-8"?>\n',
    namespaces: str = "",
) -> bytes:
    """An RSS 2.0 document from raw XML pieces (nothing escaped: the pieces are the attack)."""
    return (
        f'{declaration}{doctype}<rss version="2.0"{namespaces}><channel>{channel}{items}'
        "</channel></rss>"
    ).encode()


def item(
    guid: str,
    *,
    title: str = "Title",
    description: str = "",
    link: str | None = None,
    extra: str = "",
) -> str:
    """One RSS item; its link defaults to a unique https URL (articles are matched by link
    too)."""
    link = f"https://example.org/{guid}" if link is None else link
    return (
        f"<item><guid>{guid}</guid><title>{title}</title><link>{link}</link>"
        f"<description>{description}</description>{extra}</item>"
    )


@pytest.fixture
def secret_file(tmp_path: Path) -> tuple[Path, str]:
    """A local file holding a secret that must never show up in anything stored."""
    secret = "TOPSECRET-7f3a9c"
    path = tmp_path / "secret.txt"
    path.write_text(f"{secret}\n", encoding="utf-8")
    return path, secret
