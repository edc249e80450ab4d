"""Full-text search whose cost does not grow with how common the words are.

Hits come in tiers, newest first within each: the title holds every word, the text holds every
word, then (when the last word was still being typed) completions of the last word. Each tier
is an FTS5 walk in rowid order that stops at the limit, so a common word costs no more than a
rare one.

Completions are the costly part: FTS5 answers ``word*`` (with no prefix index) by merging the
posting list of every term that starts so, whole, before the first row: ~100 ms for ``th`` over
100,000 articles. So for a short start (up to 3 characters: the costly merges, and the starts
most articles hold) the newest articles holding the other words (all articles, for a query of
one word) are first looked at here, a bounded number of them, for a word starting so; only when
that finds too few is the FTS5 prefix query run. Both give the same rows in the same order, the
scan being a shortcut: it tokenizes as FTS5's ``unicode61 remove_diacritics 2`` does (letters
and digits, case and accents folded), up to rare scripts' edge cases.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator

from tui_reader.models import SearchHit
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row

# A short start (dense: "th" begins a word in nine articles of ten) is looked for in the newest
# SCAN_ROWS candidates first; a longer one is rare enough for FTS5 to merge its terms at once.
SCAN_PREFIX_CHARS = 3
SCAN_ROWS = 800
SCAN_BATCH = 100
SNIPPET_WORDS = 12

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def parse_query(text: str) -> tuple[list[str], str]:
    """What a user typed as FTS5 phrases (every word must appear; quoted phrases stay
    phrases; no FTS syntax from the input is interpreted), and the last word when it is still
    being typed (matched as a prefix), else ""."""
    parts: list[str] = []
    for i, chunk in enumerate(text.split('"')):
        words = _WORD.findall(chunk)
        if not words:
            continue
        if i % 2 == 1:
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(f'"{w}"' for w in words)
    prefix = ""
    if parts and not text.rstrip().endswith('"') and not text.endswith(" "):
        prefix = parts[-1][1:-1]
    return parts, prefix


def search_hits(
    conn: sqlite3.Connection, text: str, limit: int, *, scan: bool = True
) -> list[SearchHit]:
    """Up to ``limit`` hits for what a user typed, best tier first. ``scan=False``: no
    shortcut for completions (the same rows, found by FTS5 alone)."""
    parts, prefix = parse_query(text)
    if not parts:
        return []
    exact = " ".join(parts)
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for expression in (f"title : ({exact})", exact):
        _add(hits, seen, _fts_rows(conn, expression, limit), limit)
        if len(hits) >= limit:
            return hits
    if prefix:
        rest = " ".join(parts[:-1])
        found = None
        if scan and len(prefix) <= SCAN_PREFIX_CHARS:
            found = _scan_completions(conn, rest, prefix, limit - len(hits), seen)
        if found is None:  # too few among the newest: the index's own (costly) answer
            _add(hits, seen, _fts_rows(conn, f"{exact}*", limit), limit)
        else:
            _add(hits, seen, found, limit)
    return hits


def _add(hits: list[SearchHit], seen: set[int], found: list[SearchHit], limit: int) -> None:
    for hit in found:
        if len(hits) >= limit:
            return
        if hit.article.id not in seen:
            seen.add(hit.article.id)
            hits.append(hit)


def _fts_rows(conn: sqlite3.Connection, expression: str, limit: int) -> list[SearchHit]:
    rows = conn.execute(
        f"""WITH hits AS (
                SELECT rowid, snippet(articles_fts, -1, '', '', '…', {SNIPPET_WORDS}) AS snip
                FROM articles_fts WHERE articles_fts MATCH ?
                ORDER BY rowid DESC LIMIT ?)
            SELECT {ARTICLE_COLUMNS}, hits.snip AS snip
            FROM hits JOIN articles a ON a.id = hits.rowid ORDER BY hits.rowid DESC""",
        (expression, limit),
    ).fetchall()
    return [SearchHit(article_from_row(r), r["snip"] or "") for r in rows]


# Combining marks (the accents NFKD splits off), as one class: a regex pass, not a loop.
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """Case and accents folded, as the index's tokenizer does."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _candidates(conn: sqlite3.Connection, rest: str) -> Iterator[list[int]]:
    """Ids of the articles holding every other word (all articles when none), newest first
    (rowid order, as the index walks give), in batches."""
    if rest:
        cur = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC",
            (rest,),
        )
    else:
        cur = conn.execute("SELECT id FROM articles ORDER BY id DESC")
    while batch := cur.fetchmany(SCAN_BATCH):
        yield [r[0] for r in batch]


def _scan_completions(
    conn: sqlite3.Connection, rest: str, prefix: str, wanted: int, seen: set[int]
) -> list[SearchHit] | None:
    """The newest ``wanted`` articles (not in ``seen``) holding the other words and a word
    that starts with ``prefix``, looking at no more than SCAN_ROWS of them; None when that
    was not enough to know."""
    start = fold(prefix)
    found: list[SearchHit] = []
    looked = 0
    for ids in _candidates(conn, rest):
        marks = ",".join("?" * len(ids))
        rows = conn.execute(
            f"SELECT {ARTICLE_COLUMNS}, a.search_text AS body FROM articles a"
            f" WHERE a.id IN ({marks}) ORDER BY a.id DESC",
            ids,
        ).fetchall()
        for r in rows:
            if r["id"] in seen:
                continue
            for field in (r["title"], r["body"]):
                folded = fold(field)
                at = _word_start(folded, start)
                if at >= 0:
                    found.append(SearchHit(article_from_row(r), _snippet(field, folded, at)))
                    break
            if len(found) >= wanted:
                return found
        looked += len(ids)
        if looked >= SCAN_ROWS or len(found) * SCAN_ROWS < wanted * looked:
            return None  # looked far enough, or too few at this rate to get there in time
    return found


def _word_start(text: str, prefix: str) -> int:
    """Where a word of ``text`` starts with ``prefix`` (a token: letters and digits), or -1.
    str.find, not a regex: a look-behind tried at every offset costs ~100x more."""
    at = text.find(prefix)
    while at > 0 and (text[at - 1].isalnum() and text[at - 1] != "_"):
        at = text.find(prefix, at + 1)
    return at


def _snippet(text: str, folded: str, at: int) -> str:
    """About SNIPPET_WORDS words of ``text`` around offset ``at`` of ``folded`` (``text``
    folded: offsets agree when nothing was decomposed, else the start of the text is shown)."""
    at = at if len(folded) == len(text) else 0
    before = _TOKEN.findall(text[max(0, at - 200) : at])[-(SNIPPET_WORDS // 3) :]
    after = _TOKEN.findall(text[at : at + 400])[: SNIPPET_WORDS - len(before)]
    words = before + after
    if not words:
        return ""
    head = "…" if at > 0 and before else ""
    tail = "…" if len(after) + len(before) >= SNIPPET_WORDS else ""
    return head + " ".join(words) + tail
