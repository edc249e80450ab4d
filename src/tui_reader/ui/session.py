"""Reopening brings you back: the list you were in, the article you were reading and where.

The session is a small JSON file beside the database (``reader-session.json`` in the data
folder for ``reader.sqlite3``: each database has its own, so the ids in it are that
database's). It is written when you quit and, while the app runs, every few seconds when it
changed; it is read once at start. Everything in it is checked against the store before use:
a list whose feed or folder is gone falls back to All, an article that is gone is not opened,
a position past the end of the text is not used. A damaged file is ignored (and replaced at
the next save).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.errors import ReaderError
from tui_reader.ui.appreader import AppReader
from tui_reader.ui.sources import ALL, SPECIAL, ListSource

if TYPE_CHECKING:
    from tui_reader.ui.screens.main import MainScreen

SESSION_SUFFIX = "-session.json"
SAVE_EVERY = 3.0  # seconds: how often the running app writes the session when it changed
_MAX_BYTES = 64_000
_KINDS = {"all", "unread", "starred", "saved", "feed", "folder", "search", "query"}


@dataclass(frozen=True)
class Session:
    source: ListSource = ALL
    article: int | None = None  # the article in the reading pane
    highlighted: int | None = None  # the article under the list's cursor
    top: int | None = None  # text offset of the first text line in view
    gap: int = 0  # lines in view above that one (blank lines, a heading's rule)
    cursor: int | None = None  # text offset of the reading cursor
    reading: bool = False  # the reading pane had the focus

    def to_json(self) -> str:
        data = asdict(self)
        data["version"] = 1
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def session_path(store_path: Path) -> Path:
    """Where the session of the database at ``store_path`` is kept."""
    return store_path.with_name(store_path.stem + SESSION_SUFFIX)


def _int(value: object) -> int | None:
    """A non-negative integer SQLite can hold (a larger id crashed every start: OverflowError)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return None


def _str(value: object, limit: int = 2000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _source(value: object) -> ListSource:
    if not isinstance(value, dict) or value.get("kind") not in _KINDS:
        return ALL
    kind = value["kind"]
    for special in SPECIAL:
        if special.kind == kind:
            return special
    source = ListSource(
        kind,
        _str(value.get("label")),
        feed_id=_int(value.get("feed_id")),
        folder=_str(value.get("folder")) if value.get("folder") is not None else None,
        query=_str(value.get("query")),
    )
    if kind == "feed" and source.feed_id is None:
        return ALL
    if kind == "folder" and not source.folder:
        return ALL
    if kind in ("search", "query") and not source.query.strip():
        return ALL
    return source


def read_session(store_path: Path) -> Session | None:
    """The saved session as written (unchecked against the store); None if there is none or
    it cannot be read."""
    from tui_reader.localfiles import FileTooLarge, read_own_file

    path = session_path(store_path)
    try:
        data: Any = json.loads(read_own_file(path, _MAX_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError, FileTooLarge):
        return None
    if not isinstance(data, dict):
        return None
    return Session(
        source=_source(data.get("source")),
        article=_int(data.get("article")),
        highlighted=_int(data.get("highlighted")),
        top=_int(data.get("top")),
        gap=min(_int(data.get("gap")) or 0, 50),
        cursor=_int(data.get("cursor")),
        reading=data.get("reading") is True,
    )


def restore(reader: AppReader) -> Session | None:
    """The saved session, checked against the store: what is gone is left out. None when
    there is nothing to come back to (no file, or All with nothing open), or when the store
    cannot be read (the screen says so when it loads its lists)."""
    saved = read_session(reader.database)
    if saved is None:
        return None
    try:
        return _checked(saved, reader)
    except (sqlite3.Error, ReaderError):
        return None


def _checked(saved: Session, store: AppReader) -> Session | None:
    source = saved.source
    if source.kind == "feed" and source.feed_id is not None:
        if store.feed(source.feed_id) is None:
            source = ALL  # the feed was removed
    elif source.kind == "folder":
        folder = source.folder or ""
        if not store.folder_exists(folder):
            source = ALL  # no feed is in that folder any more
    elif source.kind == "query":
        kept = {(s.name, s.query) for s in store.saved_searches()}
        if (source.label, source.query) not in kept:
            source = ALL  # the saved search was removed or changed
    article = saved.article if saved.article and store.article(saved.article) else None
    highlighted = saved.highlighted
    if highlighted is not None and store.article(highlighted) is None:
        highlighted = None
    if source == ALL and article is None and highlighted is None:
        return None
    return Session(
        source=source,
        article=article,
        highlighted=highlighted,
        top=saved.top if article else None,
        gap=saved.gap,
        cursor=saved.cursor if article else None,
        reading=saved.reading and article is not None,
    )


def write_session(store_path: Path, session: Session) -> None:
    """Write the session atomically (a crash leaves the old file or the new, never half)."""
    path = session_path(store_path)
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(OSError):  # a read-only data folder: nothing to come back to
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(session.to_json(), encoding="utf-8")
        os.replace(tmp, path)


def capture(screen: MainScreen) -> Session:
    """Where the main screen is now."""
    pane = screen.pane
    current = screen.current
    highlighted = screen.articles.current
    top: int | None = None
    gap = 0
    cursor: int | None = None
    if current is not None and pane.article_id == current.id:
        rendered = pane.rendered
        if rendered is not None:
            first, last = pane.visible_lines()
            for i in range(max(last - first, 1)):
                line = rendered.line(first + i)  # (lays out no further than the view)
                if line is None:
                    break
                if line.start >= 0:
                    top, gap = line.start, i
                    break
        cursor_range = pane.cursor_range
        cursor = cursor_range[0] if cursor_range is not None else None
    source = screen.source
    return Session(
        source=source,
        article=current.id if current is not None else None,
        highlighted=highlighted.id if highlighted is not None else None,
        top=top,
        gap=gap,
        cursor=cursor,
        reading=screen.focused is pane,
    )
