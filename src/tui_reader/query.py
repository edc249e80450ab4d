"""Saved searches (newsboat's query feeds): a search kept as a list in the feed pane.

A query is words and filters, all of which an article must match:

- plain words and "quoted phrases": full-text, as ``/`` searches (titles and text);
- ``feed:NAME``: from a feed whose title or URL holds NAME (``feed:"Daily News"``; several
  ``feed:`` terms: any of them);
- ``tag:NAME``: with a highlight tagged NAME (several: all of them);
- ``unread``, ``starred``;
- ``since:DATE``, ``until:DATE``: published (or, without a date, stored) from DATE, before the
  end of DATE; a date is ``YYYY-MM-DD``, ``today``, ``yesterday`` or ``7d`` (days ago), read
  when the list is shown (``since:7d`` is always the last week).

Nothing in a query reaches SQL or FTS as syntax: words go through :func:`fts_query`, names are
arguments. Saved searches are kept in the settings table (one JSON value; no migration).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tui_reader.errors import ReaderError
from tui_reader.listview import SAVED_SEARCHES_SETTING
from tui_reader.sanitize import clean_line
from tui_reader.store import fts_query

SETTING = SAVED_SEARCHES_SETTING
MAX_SAVED = 200
MAX_QUERY = 500  # characters
_TOKEN = re.compile(r'(\w+):"([^"]*)"?|"([^"]*)"?|(\S+)')
_DAYS = re.compile(r"^(\d{1,5})d$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryError(ReaderError, ValueError):
    """A query that cannot be read (one line)."""


@dataclass(frozen=True)
class Query:
    words: str = ""  # for fts_query
    feeds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    unread: bool = False
    starred: bool = False
    since: str = ""
    until: str = ""

    def where(self, now: float | None = None) -> tuple[str, list[object]]:
        """The condition on ``articles a`` and its arguments."""
        where: list[str] = []
        args: list[object] = []
        match = fts_query(self.words + " ") if self.words else ""  # whole words: no prefix
        if match:
            where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            args.append(match)
        if self.feeds:
            where.append(
                "a.feed_id IN (SELECT id FROM feeds WHERE "
                + " OR ".join(["instr(lower(title), ?) OR instr(lower(url), ?)"] * len(self.feeds))
                + ")"
            )
            for name in self.feeds:
                args += [name.lower(), name.lower()]
        for tag in self.tags:
            where.append(
                "EXISTS (SELECT 1 FROM highlights h, json_each(h.tags) t WHERE"
                " h.article_id = a.id AND h.deleted IS NULL AND lower(t.value) = ?)"
            )
            args.append(tag.lower())
        if self.unread:
            where.append("a.read = 0")
        if self.starred:
            where.append("a.starred = 1")
        if self.since:
            where.append("COALESCE(a.published, a.added) >= ?")
            args.append(parse_day(self.since, now=now))
        if self.until:
            where.append("COALESCE(a.published, a.added) < ?")
            args.append(parse_day(self.until, end_of_day=True, now=now))
        return (" AND ".join(where) or "1"), args


def parse_query(text: str) -> Query:
    """Read a query (see the module's docstring); :class:`QueryError` when it cannot be."""
    text = clean_line(text)
    if len(text) > MAX_QUERY:
        raise QueryError(f"a query is at most {MAX_QUERY} characters")
    words: list[str] = []
    feeds: list[str] = []
    tags: list[str] = []
    flags = {"unread": False, "starred": False}
    dates = {"since": "", "until": ""}
    for m in _TOKEN.finditer(text):
        key, quoted_value, phrase, bare = m.groups()
        if phrase is not None:
            if phrase.strip():
                words.append(f'"{phrase}"')
            continue
        if key is None and bare is not None and ":" in bare:
            key, _, quoted_value = bare.partition(":")
        if key is not None:
            name, value = key.lower(), (quoted_value or "").strip()
            if name in ("feed", "tag", "since", "until") and not value:
                raise QueryError(f"{name}: needs a value ({name}:NAME)")
            if name == "feed":
                feeds.append(value)
            elif name == "tag":
                tags.append(value.lstrip("#"))
            elif name in dates:
                parse_day(value)  # read now, to say what is wrong
                dates[name] = value
            else:
                words.append(f"{key}:{quoted_value}")  # not a filter: words to search
            continue
        assert bare is not None
        if bare.lower() in flags:
            flags[bare.lower()] = True
        else:
            words.append(bare)
    query = Query(
        " ".join(words),
        tuple(feeds),
        tuple(tags),
        since=dates["since"],
        until=dates["until"],
        **flags,
    )
    if query == Query():
        raise QueryError("the query is empty (words, feed:, tag:, unread, starred, since:, until:)")
    return query


def parse_day(text: str, *, end_of_day: bool = False, now: float | None = None) -> float:
    """A time from ``YYYY-MM-DD`` (local midnight; with ``end_of_day`` the next one),
    ``today``, ``yesterday`` or ``7d``; :class:`QueryError` otherwise."""
    raw = text.strip().lower()
    midnight = datetime.fromtimestamp(time.time() if now is None else now).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    extra = timedelta(days=1) if end_of_day else timedelta(0)
    try:
        m = _DAYS.match(raw)
        if m:
            return (midnight - timedelta(days=int(m.group(1))) + extra).timestamp()
        if raw in ("today", "yesterday"):
            return (midnight - timedelta(days=raw == "yesterday") + extra).timestamp()
        if _DAY.match(raw):
            return (datetime.fromisoformat(raw) + extra).timestamp()
    except (ValueError, OverflowError, OSError):
        pass
    raise QueryError(f"cannot read {text[:40]!r} as a date (YYYY-MM-DD, today, yesterday, 7d)")


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    parsed: Query = field(compare=False, default=Query())


def load_saved(text: str) -> list[SavedSearch]:
    """The saved searches a setting holds; entries that cannot be read are skipped."""
    try:
        raw = json.loads(text) if text else []
    except (ValueError, RecursionError):
        return []
    if not isinstance(raw, list):
        return []
    out: list[SavedSearch] = []
    for item in raw[:MAX_SAVED]:
        if not isinstance(item, dict):
            continue
        name, query = item.get("name"), item.get("query")
        if not isinstance(name, str) or not isinstance(query, str) or not clean_line(name):
            continue
        try:
            parsed = parse_query(query)
        except QueryError:
            continue
        out.append(SavedSearch(clean_line(name)[:100], clean_line(query), parsed))
    return out


def dump_saved(searches: list[SavedSearch]) -> str:
    return json.dumps([{"name": s.name, "query": s.query} for s in searches[:MAX_SAVED]])


def add_saved(searches: list[SavedSearch], name: str, query: str) -> list[SavedSearch]:
    """``searches`` with ``name`` set to ``query`` (replacing one of that name);
    :class:`QueryError` for a bad query or name."""
    name = clean_line(name)[:100]
    if not name:
        raise QueryError("a saved search needs a name")
    parsed = parse_query(query)
    kept = [s for s in searches if s.name.casefold() != name.casefold()]
    if len(kept) >= MAX_SAVED:
        raise QueryError(f"at most {MAX_SAVED} saved searches")
    return [*kept, SavedSearch(name, clean_line(query), parsed)]
