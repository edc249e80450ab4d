"""Highlights and article notes in the store.

Every write is one ``BEGIN IMMEDIATE`` transaction, committed before the method returns: a
highlight the screen shows as saved survives a kill -9, and two running instances wait for each
other instead of losing writes. Nothing here deletes a highlight except
:meth:`AnnotationsMixin.purge_deleted_highlights`, and only those already deleted by the user;
re-anchoring marks what it cannot place as unanchored (offsets NULL) and keeps the rest.

All text is cleaned with :func:`tui_reader.sanitize.clean_text` before it is stored.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence

from tui_reader.models import Article, Highlight
from tui_reader.sanitize import clean_line, clean_text
from tui_reader.store.base import StoreBase
from tui_reader.store.db import write_transaction
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row
from tui_reader.timestamps import sane_timestamp

MAX_TAG = 64

# Where highlights go in a new text: handed in (tui_reader.placing.place), never decided here.
Placer = Callable[[Sequence[Highlight], str], list[Highlight]]

_HIGHLIGHT_COLUMNS = (
    "h.id, h.article_id, h.quote, h.prefix, h.suffix, h.start, h.end_, h.text_hash, h.color,"
    " h.tags, h.note, h.created, h.updated, h.deleted, h.pos_start, h.pos_end"
)
_DOCUMENT_ORDER = "ORDER BY h.start IS NULL, h.start, h.end_, h.created, h.id"


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as a notes app can use them: no ``#``, no spaces (runs become ``-``), no
    duplicates (case-insensitive, first spelling kept), none empty."""
    out: dict[str, str] = {}
    for tag in tags:
        t = "-".join(clean_line(str(tag)).lstrip("#").split())[:MAX_TAG].strip("-")
        if t and t.casefold() not in out:
            out[t.casefold()] = t
    return tuple(out.values())


def clean_note(note: str) -> str:
    return clean_text(note).strip()


def highlight_from_row(row: sqlite3.Row) -> Highlight:
    try:
        raw = json.loads(row["tags"] or "[]")
        tags = tuple(str(t) for t in raw) if isinstance(raw, list) else ()
    except (ValueError, RecursionError):  # a damaged row: no tags rather than no list
        tags = ()
    return Highlight(
        id=row["id"],
        article_id=row["article_id"],
        quote=row["quote"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        start=row["start"],
        end=row["end_"],
        text_hash=row["text_hash"],
        color=row["color"],
        tags=tags,
        note=row["note"],
        created=row["created"],
        updated=row["updated"],
        position=(
            (int(row["pos_start"]), int(row["pos_end"]))
            if row["pos_start"] is not None and row["pos_end"] is not None
            else None
        ),
    )


def _position(h: Highlight) -> tuple[int, int] | tuple[None, None]:
    """The range of a highlight known only by its position (no quote: see
    Highlight.position) when usable; else (None, None), nothing to keep."""
    if not h.quote.strip() and h.position is not None and 0 <= h.position[0] < h.position[1]:
        return h.position
    return None, None


def _tags_json(tags: Iterable[str]) -> str:
    return json.dumps(list(clean_tags(tags)), ensure_ascii=False)


class AnnotationsMixin(StoreBase):
    # -- highlights -------------------------------------------------------------------------

    def insert_highlight(self, h: Highlight, *, deleted: float | None = None) -> bool:
        """Store a complete highlight as given (id and times kept), its text cleaned. Returns
        False, changing nothing, when a highlight with that id exists (even a deleted one);
        ValueError for an empty quote or a missing article."""
        with write_transaction(self.conn) as c:
            return insert_highlight_in(c, h, deleted=deleted)

    def get_highlight(self, highlight_id: str, *, include_deleted: bool = True) -> Highlight | None:
        sql = f"SELECT {_HIGHLIGHT_COLUMNS} FROM highlights h WHERE h.id = ?"
        if not include_deleted:
            sql += " AND h.deleted IS NULL"
        row = self.conn.execute(sql, (highlight_id,)).fetchone()
        return highlight_from_row(row) if row else None

    def is_highlight_deleted(self, highlight_id: str) -> bool:
        row = self.conn.execute(
            "SELECT deleted FROM highlights WHERE id = ?", (highlight_id,)
        ).fetchone()
        return bool(row and row["deleted"] is not None)

    def list_highlights(self, article_id: int, *, include_deleted: bool = False) -> list[Highlight]:
        """An article's highlights in document order; unanchored ones last (oldest first)."""
        sql = f"SELECT {_HIGHLIGHT_COLUMNS} FROM highlights h WHERE h.article_id = ?"
        if not include_deleted:
            sql += " AND h.deleted IS NULL"
        rows = self.conn.execute(f"{sql} {_DOCUMENT_ORDER}", (article_id,)).fetchall()
        return [highlight_from_row(r) for r in rows]

    def update_highlight(
        self,
        highlight_id: str,
        *,
        color: str | None = None,
        tags: Iterable[str] | None = None,
        note: str | None = None,
    ) -> Highlight:
        """Change a highlight's colour, tags and/or note (None: unchanged); KeyError if there
        is no such highlight."""
        sets: list[str] = []
        args: list[object] = []
        if color is not None:
            sets.append("color = ?")
            args.append(clean_line(color))
        if tags is not None:
            sets.append("tags = ?")
            args.append(_tags_json(tags))
        if note is not None:
            sets.append("note = ?")
            args.append(clean_note(note))
        with write_transaction(self.conn) as c:
            if sets:
                cur = c.execute(
                    f"UPDATE highlights SET {', '.join(sets)}, updated = ? WHERE id = ?",
                    (*args, time.time(), highlight_id),
                )
                if cur.rowcount == 0:
                    raise KeyError(f"no highlight {highlight_id}")
        h = self.get_highlight(highlight_id)
        if h is None:
            raise KeyError(f"no highlight {highlight_id}")
        return h

    def delete_highlight(self, highlight_id: str) -> bool:
        """Soft delete: hidden from every list until restored (or purged). True if it was
        visible before."""
        with write_transaction(self.conn) as c:
            cur = c.execute(
                "UPDATE highlights SET deleted = ? WHERE id = ? AND deleted IS NULL",
                (time.time(), highlight_id),
            )
        return cur.rowcount == 1

    def restore_highlight(self, highlight_id: str) -> bool:
        """Undo :meth:`delete_highlight`. True if it was deleted before."""
        with write_transaction(self.conn) as c:
            cur = c.execute(
                "UPDATE highlights SET deleted = NULL WHERE id = ? AND deleted IS NOT NULL",
                (highlight_id,),
            )
        return cur.rowcount == 1

    def purge_deleted_highlights(self, *, older_than: float | None = None) -> int:
        """Really delete highlights the user deleted (before ``older_than``, if given). Only
        ever called on an explicit request. Returns how many were removed."""
        sql = "DELETE FROM highlights WHERE deleted IS NOT NULL"
        args: tuple[object, ...] = ()
        if older_than is not None:
            sql += " AND deleted < ?"
            args = (older_than,)
        with write_transaction(self.conn) as c:
            cur = c.execute(sql, args)
        return int(cur.rowcount)

    def all_highlights(
        self,
        query: str = "",
        tag: str | None = None,
        color: str | None = None,
        feed_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        *,
        limit: int = 100_000,
    ) -> list[Highlight]:
        """Every live highlight of every article, newest first, filtered: ``query`` is a
        full-text search over quotes, notes and tags (any input is safe); ``tag`` and
        ``color`` match exactly (a tag case-insensitively, ``#`` optional); ``since`` and
        ``until`` bound the creation time (seconds since the epoch, until exclusive)."""
        from tui_reader.store import fts_query

        where = ["h.deleted IS NULL"]
        args: list[object] = []
        if query.strip():
            match = fts_query(query)
            if not match:
                return []
            where.append(
                "h.rowid IN (SELECT rowid FROM highlights_fts WHERE highlights_fts MATCH ?)"
            )
            args.append(match)
        if tag:
            wanted = clean_tags([tag])
            if not wanted:
                return []
            where.append(
                "EXISTS (SELECT 1 FROM json_each(h.tags) t WHERE lower(t.value) = lower(?))"
            )
            args.append(wanted[0])
        if color:
            where.append("h.color = ?")
            args.append(clean_line(color))
        if feed_id is not None:
            where.append("h.article_id IN (SELECT id FROM articles WHERE feed_id = ?)")
            args.append(feed_id)
        if since is not None:
            where.append("h.created >= ?")
            args.append(since)
        if until is not None:
            where.append("h.created < ?")
            args.append(until)
        rows = self.conn.execute(
            f"SELECT {_HIGHLIGHT_COLUMNS} FROM highlights h WHERE {' AND '.join(where)}"
            " ORDER BY h.created DESC, h.id LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [highlight_from_row(r) for r in rows]

    def highlight_tags(self) -> list[tuple[str, int]]:
        """Every tag in use on live highlights, with how many highlights carry it."""
        rows = self.conn.execute(
            """SELECT t.value AS tag, COUNT(*) AS n FROM highlights h, json_each(h.tags) t
               WHERE h.deleted IS NULL GROUP BY lower(t.value) ORDER BY lower(t.value)"""
        ).fetchall()
        return [(str(r["tag"]), int(r["n"])) for r in rows]

    def count_placed(self, highlight_ids: Iterable[str]) -> int:
        """How many of these highlights have a place in a stored document's text."""
        ids = list(highlight_ids)
        placed = 0
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            row = self.conn.execute(
                "SELECT count(*) AS n FROM highlights h JOIN articles a ON a.id = h.article_id"
                f" WHERE h.id IN ({marks}) AND h.start IS NOT NULL AND a.doc_json != ''",
                chunk,
            ).fetchone()
            placed += int(row["n"])
        return placed

    def highlight_count(self, article_id: int | None = None) -> int:
        sql = "SELECT COUNT(*) FROM highlights WHERE deleted IS NULL"
        args: tuple[object, ...] = ()
        if article_id is not None:
            sql += " AND article_id = ?"
            args = (article_id,)
        return int(self.conn.execute(sql, args).fetchone()[0])

    def annotated_articles(
        self, *, feed_id: int | None = None, since: float | None = None
    ) -> list[Article]:
        """Articles with a live highlight or a note (changed since ``since``, if given),
        newest annotation first."""
        h_since = "AND h.updated >= :since" if since is not None else ""
        n_since = "AND n.updated >= :since" if since is not None else ""
        feed = "AND a.feed_id = :feed" if feed_id is not None else ""
        rows = self.conn.execute(
            f"""SELECT {ARTICLE_COLUMNS}, MAX(COALESCE(
                       (SELECT MAX(h.updated) FROM highlights h
                        WHERE h.article_id = a.id AND h.deleted IS NULL {h_since}), 0),
                       COALESCE((SELECT n.updated FROM article_notes n
                                 WHERE n.article_id = a.id {n_since}), 0)) AS latest
                FROM articles a
                WHERE (EXISTS (SELECT 1 FROM highlights h
                               WHERE h.article_id = a.id AND h.deleted IS NULL {h_since})
                    OR EXISTS (SELECT 1 FROM article_notes n
                               WHERE n.article_id = a.id {n_since})) {feed}
                ORDER BY latest DESC, a.id""",
            {"since": since, "feed": feed_id},
        ).fetchall()
        return [article_from_row(r) for r in rows]

    # -- article notes ----------------------------------------------------------------------

    def get_article_note(self, article_id: int) -> str:
        row = self.conn.execute(
            "SELECT body FROM article_notes WHERE article_id = ?", (article_id,)
        ).fetchone()
        return str(row["body"]) if row else ""

    def article_note_updated(self, article_id: int) -> float | None:
        row = self.conn.execute(
            "SELECT updated FROM article_notes WHERE article_id = ?", (article_id,)
        ).fetchone()
        return float(row["updated"]) if row else None

    def set_article_note(self, article_id: int, body: str, *, updated: float | None = None) -> None:
        """Save the article's note; an empty (or blank) note deletes it."""
        from tui_reader.store.sync import journal_in

        with write_transaction(self.conn) as c:
            set_article_note_in(c, article_id, body, updated=updated)
            journal_in(c, [article_id], "note", clean_note(body))

    # -- articles for imported annotations ---------------------------------------------------

    def find_or_create_article(
        self,
        *,
        uid: str,
        url: str,
        title: str = "",
        author: str = "",
        site: str = "",
        published: float | None = None,
    ) -> tuple[Article, bool]:
        """The article with this uid (or, failing that, this URL); else a new Saved article
        keeping the given uid. Returns it and whether it was created."""
        with write_transaction(self.conn) as c:
            return find_or_create_article_in(
                c, uid=uid, url=url, title=title, author=author, site=site, published=published
            )

    # -- re-anchoring -----------------------------------------------------------------------

    def reanchor_article(self, article_id: int, new_text: str, placer: Placer) -> tuple[int, int]:
        """Place every highlight of the article (deleted ones too, so an undo lands right) in
        its new text, where ``placer`` (``tui_reader.placing.place``) says. Returns (placed,
        unanchored). Nothing is deleted: what cannot be placed keeps its quote, note and
        tags with NULL offsets."""
        with write_transaction(self.conn) as c:
            return reanchor_in(c, article_id, new_text, placer)


# -- writes inside the caller's transaction (an import writes a whole file in one) ------------


def insert_highlight_in(
    c: sqlite3.Connection, h: Highlight, *, deleted: float | None = None
) -> bool:
    """:meth:`AnnotationsMixin.insert_highlight` inside the caller's transaction. ValueError
    for an empty quote (unless it has only a position: Highlight.position), a missing article
    or a creation time that is not a usable timestamp (NaN would be stored as NULL and
    silently ignored)."""
    pos_start, pos_end = _position(h)
    if not h.quote.strip() and pos_start is None:
        raise ValueError("a highlight needs a quote")
    created = sane_timestamp(h.created)
    if created is None:
        raise ValueError(f"highlight {clean_line(h.id)[:80]}: unusable creation time")
    updated = sane_timestamp(h.updated) or created
    anchored = h.start is not None and h.end is not None
    if not c.execute("SELECT 1 FROM articles WHERE id = ?", (h.article_id,)).fetchone():
        raise ValueError(f"no article {h.article_id}")
    cur = c.execute(
        """INSERT OR IGNORE INTO highlights(id, article_id, quote, prefix, suffix, start,
               end_, text_hash, color, tags, note, created, updated, deleted, pos_start,
               pos_end)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            clean_line(h.id),
            h.article_id,
            clean_text(h.quote),
            clean_text(h.prefix),
            clean_text(h.suffix),
            h.start if anchored else None,
            h.end if anchored else None,
            h.text_hash,
            clean_line(h.color),
            _tags_json(h.tags),
            clean_note(h.note),
            created,
            updated,
            deleted,
            pos_start,
            pos_end,
        ),
    )
    return cur.rowcount == 1


def take_edit_in(
    c: sqlite3.Connection,
    highlight_id: str,
    *,
    note: str,
    tags: Iterable[str],
    color: str,
    updated: float,
) -> bool:
    """A highlight's note, tags and colour as edited elsewhere at ``updated``, taken only when
    that is later than its own last change and something differs (an import of a file
    edited since); a deleted one stays deleted. Whether anything was taken."""
    row = c.execute(
        "SELECT note, tags, color, updated, deleted FROM highlights WHERE id = ?",
        (highlight_id,),
    ).fetchone()
    if row is None or row["deleted"] is not None or updated <= row["updated"]:
        return False
    new = (clean_note(note), _tags_json(tags), clean_line(color))
    if new == (row["note"], row["tags"], row["color"]):
        return False
    c.execute(
        "UPDATE highlights SET note = ?, tags = ?, color = ?, updated = ? WHERE id = ?",
        (*new, updated, highlight_id),
    )
    return True


def highlight_quote_in(c: sqlite3.Connection, highlight_id: str) -> str | None:
    """The quote of the highlight with this id (even a deleted one); None if there is none."""
    row = c.execute("SELECT quote FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
    return str(row["quote"]) if row is not None else None


def has_article_note_in(c: sqlite3.Connection, article_id: int) -> bool:
    return (
        c.execute("SELECT 1 FROM article_notes WHERE article_id = ?", (article_id,)).fetchone()
        is not None
    )


def set_article_note_in(
    c: sqlite3.Connection, article_id: int, body: str, *, updated: float | None = None
) -> None:
    """:meth:`AnnotationsMixin.set_article_note` inside the caller's transaction."""
    body = clean_note(body)
    if not body:
        c.execute("DELETE FROM article_notes WHERE article_id = ?", (article_id,))
        return
    if not c.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
        raise ValueError(f"no article {article_id}")
    when = sane_timestamp(updated)
    c.execute(
        """INSERT INTO article_notes(article_id, body, updated) VALUES (?, ?, ?)
           ON CONFLICT(article_id) DO UPDATE SET body = excluded.body,
               updated = excluded.updated""",
        (article_id, body, when if when is not None else time.time()),
    )


def find_or_create_article_in(
    c: sqlite3.Connection,
    *,
    uid: str,
    url: str,
    title: str = "",
    author: str = "",
    site: str = "",
    published: float | None = None,
    by_url: bool = True,
) -> tuple[Article, bool]:
    """:meth:`AnnotationsMixin.find_or_create_article` inside the caller's transaction. A
    ``published`` time that is not a usable timestamp is stored as unknown (NULL).
    ``by_url=False``: the caller knows no article has this address (the lookup by address
    walks every article: there is no index by address, which would slow every refresh)."""
    uid = clean_line(uid)
    url = clean_line(url)
    row = None
    if uid:
        row = c.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.uid = ?", (uid,)
        ).fetchone()
    if row is None and url and by_url:
        row = c.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.url = ?"
            " ORDER BY a.feed_id IS NULL, a.id LIMIT 1",
            (url,),
        ).fetchone()
    if row is not None:
        return article_from_row(row), False
    if not uid:
        import uuid  # here: uuid loads OpenSSL and platform, not needed to start the app

        uid = "imported-" + uuid.uuid4().hex[:16]
    cur = c.execute(
        """INSERT INTO articles(uid, feed_id, guid, url, title, author, published,
               source_title, added) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?)""",
        (
            uid,
            url or uid,
            url,
            clean_line(title),
            clean_line(author),
            sane_timestamp(published),
            clean_line(site),
            time.time(),
        ),
    )
    row = c.execute(
        f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (cur.lastrowid,)
    ).fetchone()
    return article_from_row(row), True


def reanchor_in(
    c: sqlite3.Connection, article_id: int, new_text: str, placer: Placer
) -> tuple[int, int]:
    """:meth:`AnnotationsMixin.reanchor_article` inside the caller's transaction: the
    highlights read, ``placer`` decides, the offsets that changed written (and, for one
    that had only a position, the quote and context it now has)."""
    rows = c.execute(
        f"SELECT {_HIGHLIGHT_COLUMNS} FROM highlights h WHERE h.article_id = ? ORDER BY h.id",
        (article_id,),
    ).fetchall()
    if not rows:
        return 0, 0
    before = [highlight_from_row(r) for r in rows]
    after = placer(before, new_text)
    for old, new in zip(before, after, strict=True):
        if (old.start, old.end, old.text_hash) != (new.start, new.end, new.text_hash):
            c.execute(
                "UPDATE highlights SET start = ?, end_ = ?, text_hash = ? WHERE id = ?",
                (new.start, new.end, new.text_hash, old.id),
            )
        if old.position_only and new.quote.strip():  # placed: the quote is now known
            c.execute(
                "UPDATE highlights SET quote = ?, prefix = ?, suffix = ?, pos_start = NULL,"
                " pos_end = NULL WHERE id = ?",
                (clean_text(new.quote), clean_text(new.prefix), clean_text(new.suffix), old.id),
            )
    placed = sum(1 for h in after if h.anchored)
    return placed, len(after) - placed
