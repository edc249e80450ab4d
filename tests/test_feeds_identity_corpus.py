"""Every real feed of the corpus stores exactly its distinct entries.

The yardstick is not the code under test: distinct identities are counted from feedparser's
own reading of each document (an entry is its id; without one, its link, title and date).
Each document is also stored a second time with every link pointed at one landing page (what
news sites and podcasts do): entries must then stay apart by id, or by title and date."""

from __future__ import annotations

import dataclasses
from typing import Any

import feedparser
import pytest

from tests.conftest import CORPUS
from tui_reader.feeds.parse import FeedError, parse_feed
from tui_reader.store import Store

FEEDS = CORPUS / "feeds"
LANDING = "https://landing.example/"

pytestmark = pytest.mark.skipif(not FEEDS.is_dir(), reason="shared corpus not available")


def _identities(doc: Any, *, one_link: bool) -> int:
    keys: set[tuple[object, ...]] = set()
    for e in doc.entries:
        entry_id = " ".join(str(e.get("id") or "").split())
        if entry_id:
            keys.add(("id", entry_id))
        else:
            date = e.get("published_parsed") or e.get("updated_parsed")
            link = "" if one_link else str(e.get("link") or "")
            title = " ".join(str(e.get("title") or "").split())
            keys.add(("entry", link, title, tuple(date or ())))
    return len(keys)


def test_every_corpus_feed_stores_its_distinct_entries(store: Store) -> None:
    files = sorted(p for p in FEEDS.iterdir() if p.suffix == ".xml")
    assert len(files) > 200
    wrong: list[str] = []
    total = 0
    for path in files:
        data = path.read_bytes()
        yardstick = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
        feed, _ = store.add_feed(f"https://corpus.example/{path.name}")
        landing, _ = store.add_feed(f"https://corpus.example/landing/{path.name}")
        try:
            entries = parse_feed(data, feed.url).entries
        except FeedError:
            entries = []  # a broken document with no entries: nothing stored
        as_landing = [dataclasses.replace(e, url=LANDING) for e in entries]
        store.upsert_entries(feed, entries)
        store.upsert_entries(landing, as_landing)
        for f, one_link in ((feed, False), (landing, True)):
            want = _identities(yardstick, one_link=one_link) if entries else 0
            got = len(store.list_articles(feed_id=f.id))
            total += got
            if got != want:
                wrong.append(f"{f.url}: stored {got}, distinct entries {want}")
        # Seen again, nothing is new and nothing changed.
        assert store.upsert_entries(feed, entries) == (0, 0), path.name
        assert store.upsert_entries(landing, as_landing) == (0, 0), path.name
    assert not wrong, "\n".join(wrong)
    assert total > 4000  # the corpus was read (two copies of each feed)
