"""Moving in from newsboat: its ``urls`` file (subscriptions, titles, tags) and its
``cache.db`` (which articles were read, which were flagged).

The ``urls`` file, read as newsboat reads it: one feed a line, the URL first and then its tags,
separated by blanks; a tag in double quotes may hold blanks (``\\"``, ``\\\\``, ``\\n``, ``\\t``
escaped inside); ``#`` at the start of a token starts a comment. A tag starting with ``~`` is
the feed's title, one starting with ``!`` hides the feed (it only shows in query feeds), the
first other tag becomes the folder. ``"query:Name:condition"`` lines are query feeds (newsboat's
saved searches) and ``exec:``/``filter:`` lines run programs: these are not imported, only
counted and named.

The cache is an SQLite file opened read-only (``mode=ro``, ``query_only``): it is never written.
An SQLite file can hold code as well as data, so only a plain table is read: an ``rss_item``
that is a view or a virtual table is refused, a generated column is read as absent, the
schema is not trusted (``trusted_schema``), and each step of SQLite's reading has a time
budget (a recursive view ran forever).
Its articles (table ``rss_item``: ``guid``, ``feedurl``, ``unread``, ``flags``, ``deleted``, and
the text) are matched to this reader's feeds by URL and to their articles by the same identity
rule a refresh uses (:mod:`tui_reader.store.identity`); an article the reader does not have yet
is added from the cache, so a refresh later finds it and keeps its state. Every value is
checked: a row with a wrong type, an impossible date or an oversized text is skipped or cut.
"""

from __future__ import annotations

import codecs
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tui_reader.errors import ReaderError
from tui_reader.feeds.enclosures import clean_enclosures
from tui_reader.feeds.opml import (
    MAX_OPML_BYTES,
    ImportResult,
    OpmlFeed,
    address_refused,
    subscribe,
)
from tui_reader.feeds.text import (
    clean_html,
    clean_link,
    clean_title,
    fast_line,
    html_to_text,
)
from tui_reader.feeds.welcome import WELCOME_URL
from tui_reader.localfiles import FileTooLarge, read_capped
from tui_reader.models import EntryData, Feed
from tui_reader.sanitize import clean_line, feed_address, shown_url
from tui_reader.store import Store
from tui_reader.store.carryover import carry_over
from tui_reader.store.feeds import feed_key
from tui_reader.units import human_seconds

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_URLS_LINES = 100_000
MAX_CACHE_ITEMS = 1_000_000
MAX_TEXT = 2_000_000  # characters of an article's content kept from the cache
MAX_FIELD = 4_000  # characters of a guid, URL, title or author
_LATEST = 4_102_444_800  # 2100-01-01: a later pubDate is not a date
# SQLite's time for one step of reading the cache (a statement's start, or one row): a
# real cache's is well under a millisecond.
STEP_SECONDS = 10.0
_PROGRESS_OPS = 10_000  # SQLite instructions between two looks at the clock

Format = Literal["opml", "newsboat-urls", "newsboat-cache", "unknown"]

_DELIMITERS = " \t\r\n"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_URLISH = re.compile(r"(?:https?|query|exec|filter|file)://|query:|exec:|filter:", re.IGNORECASE)


class NewsboatError(ReaderError):
    """The file cannot be used; ``str(error)`` is one line."""


def _urls_text(data: bytes) -> str:
    """A urls file's text: UTF-8, or UTF-16 after its byte-order mark; a file that is not
    UTF-8 (an older setup's Latin-1 or Windows-1252) as Windows-1252, as OPML files are."""
    return _urls_decoded(data)[0]


def _urls_decoded(data: bytes) -> tuple[str, str]:
    """(the text, the encoding it was read in when it is not UTF-8 as it should be, or "")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), ""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    from tui_reader.charsets import mostly_utf8

    if mostly_utf8(data):  # UTF-8 but for a few stray bytes: those are lost, not the rest
        return data.decode("utf-8", errors="replace"), ""
    return data.decode("cp1252", errors="replace"), "Windows-1252 (it is not UTF-8)"


def sniff(data: bytes) -> Format:
    """What a file to import is, judged by its content (never by its name)."""
    if data.startswith(SQLITE_MAGIC):
        return "newsboat-cache"
    head = data[:65536]
    if head.startswith(codecs.BOM_UTF8):
        return "opml" if b"<" in head[:4096] else "newsboat-urls"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # (A urls file saved as "Unicode" by a Windows editor is not OPML.)
        return "opml" if "<" in _urls_text(head)[:2048] else "newsboat-urls"
    stripped = head.lstrip()
    if stripped.startswith(b"<"):
        return "opml"
    if b"<opml" in head.lower() or b"<outline" in head.lower():
        # OPML after some junk (a server's warning), unless the file starts as a urls file
        # does (an address, a query): "<opml" in one of its comments makes it no OPML.
        lines = (t for line in head.splitlines() if (t := line.strip()))
        first = next((t for t in lines if not t.startswith(b"#")), b"")
        if not _URLISH.match(first.lstrip(b'"').decode("utf-8", "replace")):
            return "opml"
    if stripped[:2] in (b"\x00<", b"<\x00"):
        return "opml"  # UTF-16 without a BOM
    text = head.decode("utf-8", errors="replace")
    for line in text.splitlines():
        tokens = tokenize(line)
        if tokens and _URLISH.match(tokens[0]):
            return "newsboat-urls"
    return "unknown"


# -- the urls file -------------------------------------------------------------------------


def tokenize(line: str) -> list[str]:
    """A ``urls`` line's tokens, as newsboat splits them (quotes, escapes, comments)."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i] in _DELIMITERS:
            i += 1
        if i >= n or line[i] == "#":
            break
        if line[i] == '"':
            i += 1
            chars: list[str] = []
            while i < n:
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n:
                    chars.append(_ESCAPES.get(line[i + 1], line[i + 1]))
                    i += 2
                    continue
                chars.append(c)
                i += 1
            tokens.append("".join(chars))
        else:
            start = i
            while i < n and line[i] not in _DELIMITERS:
                i += 1
            tokens.append(line[start:i])
    return tokens


@dataclass
class UrlsRead:
    feeds: list[OpmlFeed] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)  # query feeds' names (not imported)
    hidden: list[str] = field(default_factory=list)  # feeds tagged "!" (imported too)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    encoding: str = ""  # what it was read as when not UTF-8


def read_urls(data: bytes) -> UrlsRead:
    """The feeds of a newsboat ``urls`` file, and what was left out."""
    if len(data) > MAX_OPML_BYTES:
        raise NewsboatError(f"the file is too large for a urls file ({len(data)} bytes)")
    text, encoding = _urls_decoded(data)
    found = UrlsRead(encoding=encoding)
    listed: dict[str, tuple[str, list[str]]] = {}  # each address once: (shown, its tags)
    for number, line in enumerate(text.splitlines(), 1):
        if number > MAX_URLS_LINES:
            found.skipped.append((f"line {number} and after", "too many lines"))
            break
        tokens = tokenize(line)
        if not tokens:
            continue
        url, tags = tokens[0].strip(), tokens[1:]
        shown = shown_url(clean_line(url))[:300]  # (a password in it as ***, in every line)
        low = url.lower()
        if low.startswith("query:"):
            found.queries.append(clean_line(url[6:].partition(":")[0]) or shown)
            continue
        if low.startswith("exec:"):
            found.skipped.append((shown, "runs a program (exec:); not imported"))
            continue
        if low.startswith("filter:"):
            found.skipped.append((shown, "goes through a filter program; not imported"))
            continue
        url = feed_address(url)
        if why := address_refused(url.strip(), clean_line(url)):
            found.skipped.append((shown, why))
            continue
        if url in listed:
            # newsboat keeps the address's first place and its last line's tags (a line
            # without tags leaves them as they were).
            if tags:
                listed[url] = (listed[url][0], tags)
            continue
        listed[url] = (shown, tags)
    for url, (shown, tags) in listed.items():
        if any(t.startswith("!") for t in tags):
            # Hidden from newsboat's list, still a subscription it fetches (its articles show
            # in query feeds, which are not imported): left out, it was lost in the move.
            found.hidden.append(shown)
        title = next((clean_line(t[1:]) for t in tags if t.startswith("~")), "")
        plain = [t for t in tags if t and not t.startswith(("~", "!"))]
        folder = _folder(plain[0]) if plain else ""
        found.feeds.append(OpmlFeed(url=clean_line(url), title=title, folder=folder))
    if not (found.feeds or found.queries or found.hidden or found.skipped):
        raise NewsboatError("not a newsboat urls file: no line starts with a feed's URL")
    return found


def import_urls(store: Store, path: Path, data: bytes | None = None) -> ImportResult:
    """Subscribe to every feed in newsboat's ``urls`` file at ``path`` (no fetching here);
    ``data``, when given, is what it holds, already read (a pipe can be read only once)."""
    try:
        if data is None:
            data = read_capped(path, MAX_OPML_BYTES)
    except FileTooLarge as exc:
        raise NewsboatError(f"{path} is too large for a urls file ({exc.held})") from None
    except OSError as exc:
        raise NewsboatError(f"cannot read {path}: {exc.strerror or exc}") from None
    found = read_urls(data)
    result = ImportResult(skipped=found.skipped)
    if found.encoding:
        result.notes.append(f"Read as {found.encoding}.")
    subscribe(store, found.feeds, result)
    if found.queries:
        names = ", ".join(found.queries[:5]) + (", …" if len(found.queries) > 5 else "")
        result.notes.append(
            f"Left out {len(found.queries)} query feed{'s' if len(found.queries) != 1 else ''}"
            f" (newsboat's saved searches: {names})."
        )
    if found.hidden:
        n = len(found.hidden)
        result.notes.append(
            f'{n} feed{"s" if n != 1 else ""} newsboat hides from its list (tagged "!")'
            f" {'are' if n != 1 else 'is'} subscribed like the others: "
            + ", ".join(found.hidden[:5])
            + (", …" if n > 5 else "")
        )
    return result


def _folder(tag: str) -> str:
    """A tag as a folder ("a/b" nests, as folders do here)."""
    return "/".join(p.strip() for p in clean_line(tag).split("/") if p.strip())


# -- the cache -----------------------------------------------------------------------------


@dataclass
class CacheResult:
    items: int = 0  # articles in the cache
    deleted: int = 0  # of those, deleted in newsboat (kept here as read)
    other_feeds: int = 0  # of those, in feeds not subscribed here
    matched: int = 0  # articles this reader had already
    added: int = 0  # articles added from the cache
    read: int = 0  # articles marked read
    starred: int = 0  # articles starred
    invalid: int = 0  # rows with values that cannot be right (skipped)
    feeds: int = 0  # subscribed feeds the cache has articles of


class _StepBudget:
    """SQLite's progress handler: stops a statement once the current step (see
    :meth:`restart`) has run ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()
        self.expired = False

    def restart(self) -> None:
        self.start = time.monotonic()

    def __call__(self) -> int:
        self.expired = time.monotonic() - self.start > self.seconds
        return int(self.expired)


def _ro_connect(path: Path, budget: _StepBudget) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=2.0, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.text_factory = lambda b: b.decode("utf-8", errors="replace")
    conn.set_progress_handler(budget, _PROGRESS_OPS)
    return conn


_NEEDED = {"guid", "feedurl", "unread"}
_OPTIONAL = (
    "flags",
    "deleted",
    "title",
    "url",
    "author",
    "pubDate",
    "content",
    "enclosure_url",
    "enclosure_type",
)


def import_cache(store: Store, path: Path, *, star_flags: str = "") -> CacheResult:
    """Carry read and flagged state over from newsboat's cache at ``path`` to the feeds
    subscribed here. An article newsboat flagged (with any flag, or with one of
    ``star_flags`` when given) is starred; one it read is marked read; nothing here is ever
    marked unread or unstarred."""
    try:
        with path.open("rb") as f:
            magic = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise NewsboatError(f"cannot read {path}: {exc.strerror or exc}") from None
    if magic != SQLITE_MAGIC:
        raise NewsboatError(f"{path} is not an SQLite database (newsboat's cache.db)")
    budget = _StepBudget(STEP_SECONDS)
    try:
        conn = _ro_connect(path, budget)
    except sqlite3.Error as exc:
        raise NewsboatError(f"cannot open {path}: {exc}") from None
    try:
        return _import_cache(store, conn, star_flags, budget)
    except sqlite3.Error as exc:
        if budget.expired:
            raise NewsboatError(
                f"{path}: reading it took longer than {human_seconds(STEP_SECONDS)} at one step;"
                " it is not a cache newsboat wrote"
            ) from None
        hint = " (is newsboat running? quit it and try again)" if "locked" in str(exc) else ""
        raise NewsboatError(f"cannot read {path}: {exc}{hint}") from None
    finally:
        conn.close()


def _plain_columns(conn: sqlite3.Connection) -> set[str]:
    """The stored columns of the cache's ``rss_item``, when it is a plain table; a generated
    column (computed as it is read, by code the file holds) counts as absent."""
    found = conn.execute(
        "SELECT type, sql FROM sqlite_master WHERE name = 'rss_item' COLLATE NOCASE"
    ).fetchone()
    if found is None:
        return set()
    kind, sql = found
    if kind != "table" or str(sql or "").lstrip()[:14].upper().startswith("CREATE VIRTUAL"):
        raise NewsboatError(f"not a newsboat cache: its rss_item is a {kind}, not a table")
    return {str(r[1]) for r in conn.execute("PRAGMA table_xinfo(rss_item)") if r[6] == 0}


def _rows(conn: sqlite3.Connection, budget: _StepBudget, sql: str) -> Iterator[tuple[object, ...]]:
    """The rows of ``sql``, each step of SQLite's under the budget."""
    budget.restart()
    cursor = conn.execute(sql)
    while True:
        budget.restart()
        row = cursor.fetchone()
        if row is None:
            return
        yield row


def _import_cache(
    store: Store, conn: sqlite3.Connection, star_flags: str, budget: _StepBudget
) -> CacheResult:
    budget.restart()
    columns = _plain_columns(conn)
    if not columns >= _NEEDED:
        raise NewsboatError("not a newsboat cache: it has no rss_item table with guid and feedurl")
    wanted = ["guid", "feedurl", "unread", *(c if c in columns else "NULL" for c in _OPTIONAL)]
    # newsboat files an article under the feed's address as its urls file writes it, kept
    # after a redirect: found here by the address's key and the addresses a feed moved from
    # (a feed moved by a refresh, written "%65" or with a capital host, lost every article).
    by_key = store.feeds_by_key()
    feeds: dict[str, Feed | None] = {}  # newsboat's address -> the feed here (each once)
    result = CacheResult()
    star_letters = set(star_flags)
    by_feed: dict[int, tuple[Feed, list[tuple[EntryData, bool, bool]]]] = {}
    rows = _rows(conn, budget, f"SELECT {', '.join(wanted)} FROM rss_item LIMIT {MAX_CACHE_ITEMS}")
    for row in rows:
        guid, feedurl, unread, flags, deleted, title, url, author, pub, content = row[:10]
        result.items += 1
        if deleted not in (None, 0, "0", 1, "1"):
            result.invalid += 1
            continue
        if deleted in (1, "1"):
            # Deleted in newsboat (hidden while its feed still lists it): tui-reader has no
            # such state, and skipped, it came back unread at the next refresh. Read here.
            result.deleted += 1
            unread, flags = 0, None  # (nor starred: resurfacing it under Starred)
        feed = None
        if isinstance(feedurl, str):
            if feedurl not in feeds:
                found = by_key.get(feed_key(feedurl)) if len(feedurl) <= MAX_FIELD else None
                feeds[feedurl] = found if found is None or found.url != WELCOME_URL else None
            feed = feeds[feedurl]
        if feed is None:
            result.other_feeds += 1
            continue
        item = _entry(feed, guid, title, url, author, pub, content, row[10], row[11])
        if item is None or unread not in (0, 1, "0", "1"):
            result.invalid += 1
            continue
        flagged = _flagged(flags, star_letters)
        by_feed.setdefault(feed.id, (feed, []))[1].append((item, unread in (0, "0"), flagged))
    for feed, items in by_feed.values():
        result.feeds += 1
        carried = carry_over(store, feed, items)
        result.matched += carried.matched
        result.added += carried.added
        result.read += carried.read
        result.starred += carried.starred
    return result


def _flagged(flags: object, letters: set[str]) -> bool:
    if not isinstance(flags, str) or len(flags) > 64:
        return False
    given = {c for c in flags if c.isascii() and c.isalpha()}
    return bool(given & letters) if letters else bool(given)


def _text(value: object, limit: int = MAX_FIELD) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return value[:limit] if isinstance(value, str) else ""


def _entry(
    feed: Feed,
    guid: object,
    title: object,
    url: object,
    author: object,
    pub: object,
    content: object,
    enclosure_url: object = None,
    enclosure_type: object = None,
) -> EntryData | None:
    """An entry from a cache row, as the feed's own parse would have given it; None when the
    row cannot identify an article."""
    guid_text = fast_line(_text(guid))
    link = clean_link(_text(url), feed.url)
    raw_url, raw_title = _text(url).strip(), _text(title).strip()
    if guid_text in (link, raw_url) or (not raw_url and guid_text == raw_title):
        # newsboat's stand-in for an entry without an id: its link, else its title.
        guid_text = ""
    elif raw_url and guid_text.startswith(raw_url) and len(guid_text) > len(raw_url):
        # ... or its link and its date as the feed wrote it ("https://x/pWed, 03 Jan 2024
        # 10:00:00 GMT"): no id either. Kept, no entry of the feed matched it, and the next
        # refresh stored that entry again, unread.
        guid_text = ""
    if not guid_text and not link and not raw_title:
        return None  # (nothing to know it by)
    published: float | None = None
    if isinstance(pub, int | float) and 0 < pub < _LATEST:
        published = float(pub)
    body = clean_html(_text(content, MAX_TEXT))
    return EntryData(
        guid=guid_text,
        url=link,
        title=clean_title(_text(title)),
        author=clean_title(_text(author)),
        published=published,
        updated=None,
        summary="",
        content=body,
        text=html_to_text(body),
        # (A podcast's episode the feed no longer lists has its audio only here.)
        enclosures=clean_enclosures(
            [(_text(enclosure_url), _text(enclosure_type), None)], link or feed.url
        )
        if enclosure_url
        else (),
    )
