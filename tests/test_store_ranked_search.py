"""Search tiers (title, text, completions) and the completions shortcut: the scan of the newest
articles must find exactly the rows FTS5's own prefix query finds, in the same order."""

from __future__ import annotations

from tui_reader.models import EntryData
from tui_reader.store import Store
from tui_reader.store.ranked_search import SCAN_BATCH, parse_query, search_hits


def _add(store: Store, rows: list[tuple[str, str]]) -> None:
    feed, _ = store.add_feed("http://example.org/feed")
    store.upsert_entries(
        feed,
        [
            EntryData(guid=f"g{i}", url=f"http://example.org/{i}", title=t, text=b)
            for i, (t, b) in enumerate(rows)
        ],
    )


def _titles(store: Store, query: str, limit: int = 200, scan: bool = True) -> list[str]:
    return [h.article.title for h in search_hits(store.conn, query, limit, scan=scan)]


def test_query_words_phrases_and_the_word_being_typed() -> None:
    assert parse_query('tit "body 2"') == (['"tit"', '"body 2"'], "")
    assert parse_query("close rea") == (['"close"', '"rea"'], "rea")
    assert parse_query("close rea ") == (['"close"', '"rea"'], "")
    assert parse_query('AND OR "(*)" NEAR(') == (['"AND"', '"OR"', '"NEAR"'], "NEAR")
    assert parse_query('" :') == ([], "")


def test_title_then_text_then_completions_newest_first(store: Store) -> None:
    _add(
        store,
        [
            ("old title otter", "nothing"),
            ("completion only", "an otterhound"),
            ("text only", "an otter swims"),
            ("new title otter", "nothing"),
            ("another completion", "otters"),
        ],
    )
    assert _titles(store, "otter") == [
        "new title otter",
        "old title otter",
        "text only",
        "another completion",
        "completion only",
    ]
    assert _titles(store, "otter ") == ["new title otter", "old title otter", "text only"]
    assert _titles(store, "otter", limit=2) == ["new title otter", "old title otter"]


def test_the_scan_finds_what_the_index_finds(store: Store) -> None:
    # Accents and case folded, underscores and digits split words, as unicode61 does.
    rows = [
        ("Café au lait", "x"),
        ("plain", "the CAFÉ opened"),
        ("under", "snake_cafeteria here"),
        ("digits", "9caf is one token, caf9 starts with caf"),
        ("inside", "decaf does not start a word"),
        ("Ünïcode", "naïve ÇAFÉ"),
    ] * 3
    _add(store, rows)
    for query in ("caf", "CAF", "cafe", "ca", "c", "naiv", "9", "unic", "zz", "the ca"):
        assert _titles(store, query) == _titles(store, query, scan=False), query
    assert set(_titles(store, "caf")) == {"Café au lait", "plain", "under", "digits", "Ünïcode"}


def test_a_sparse_start_goes_to_the_index(store: Store) -> None:
    # Few of the newest rows hold the start: the scan gives up and FTS5 answers, the same.
    rows = [
        ("rare zebu", "y") if i % 40 == 0 else (f"row {i}", "common words")
        for i in range(8 * SCAN_BATCH)
    ]
    _add(store, rows)
    found = _titles(store, "ze", limit=50)
    assert found == _titles(store, "ze", limit=50, scan=False)
    assert len(found) == len(rows) // 40
    # A dense start is found by the scan alone, newest first.
    assert _titles(store, "co", limit=10) == _titles(store, "co", limit=10, scan=False)
