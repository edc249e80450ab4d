"""The reader's SQLite store: feeds, articles, the full-text index, highlights and notes.

One :class:`Store` wraps one connection. Threads other than the one that opened it should open
their own (``Store.open(path)`` is cheap once the schema exists).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tui_reader.models import Article, ArticleBody, EntryData, Feed, SearchHit
from tui_reader.store.annotations import AnnotationsMixin, reanchor_document
from tui_reader.store.db import StoreError, connect, write_transaction
from tui_reader.store.identity import Known, match_entries
from tui_reader.store.lookup import article_by_url, forget_saved_copy
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row, feed_from_row

__all__ = ["Store", "StoreError", "article_uid"]

SAVED = "saved"  # pseudo-feed key for pages opened with `tui-reader read`


def article_uid(scope: str, key: str) -> str:
    """A stable id for an article: a hash of where it came from and its guid (or link)."""
    import hashlib  # here, not at import: loading OpenSSL costs the app's start-up ~3 ms

    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()[:16]


def _free_uid(c: sqlite3.Connection, feed: Feed, key: str) -> str:
    """A uid for a new article of ``feed`` that no row holds yet: the same guid in another
    feed (or in a feed that once had this URL) is another article."""
    scope = feed.url
    n = 0
    while True:
        uid = article_uid(scope, key)
        if not c.execute("SELECT 1 FROM articles WHERE uid = ?", (uid,)).fetchone():
            return uid
        n += 1
        scope = f"{feed.id}:{feed.url}" + (f":{n}" if n > 1 else "")


def _entry_hash(e: EntryData) -> str:
    import hashlib

    h = hashlib.sha1(usedforsecurity=False)
    for part in (
        e.title,
        e.url,
        e.author,
        e.summary,
        e.content,
        repr(e.published),
        repr(e.updated),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Store(AnnotationsMixin):
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        return cls(connect(path), path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with write_transaction(self.conn) as conn:
            yield conn

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- feeds ------------------------------------------------------------------------------

    def add_feed(
        self, url: str, *, title: str = "", folder: str = "", site_url: str = ""
    ) -> tuple[Feed, bool]:
        """Subscribe; returns the feed and whether it was new (an existing one is unchanged)."""
        with self.transaction() as c:
            row = c.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if row:
                created = False
                feed_id = int(row[0])
            else:
                cur = c.execute(
                    "INSERT INTO feeds(url, title, folder, site_url, added) VALUES (?, ?, ?, ?, ?)",
                    (url, title, folder, site_url, time.time()),
                )
                created = True
                feed_id = int(cur.lastrowid or 0)
        feed = self.get_feed(feed_id)
        assert feed is not None
        return feed, created

    # The counts are kept by triggers (schema migration 5): no walk over the articles.
    _FEED_LIST = """
        SELECT f.*, COALESCE(c.unread, 0) AS unread, COALESCE(c.total, 0) AS total
        FROM feeds f LEFT JOIN feed_counts c ON c.feed_id = f.id
    """

    def get_feed(self, feed_id: int) -> Feed | None:
        row = self.conn.execute(self._FEED_LIST + " WHERE f.id = ?", (feed_id,)).fetchone()
        return feed_from_row(row) if row else None

    def feed_by_url(self, url: str) -> Feed | None:
        row = self.conn.execute(self._FEED_LIST + " WHERE f.url = ?", (url,)).fetchone()
        return feed_from_row(row) if row else None

    def list_feeds(self) -> list[Feed]:
        rows = self.conn.execute(
            self._FEED_LIST + " ORDER BY f.folder COLLATE NOCASE,"
            " CASE f.title WHEN '' THEN f.url ELSE f.title END COLLATE NOCASE"
        ).fetchall()
        return [feed_from_row(r) for r in rows]

    def find_feeds(self, names: Sequence[str]) -> tuple[list[Feed], list[str]]:
        """Feeds named by id, URL or title (case-insensitive); and the names that matched none."""
        feeds = self.list_feeds()
        found: dict[int, Feed] = {}
        missing: list[str] = []
        for name in names:
            matches = [
                f
                for f in feeds
                if name == str(f.id) or name == f.url or name.casefold() == f.title.casefold()
            ]
            if matches:
                for f in matches:
                    found[f.id] = f
            else:
                missing.append(name)
        return list(found.values()), missing

    def rename_feed(self, feed_id: int, title: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE feeds SET title = ? WHERE id = ?", (title, feed_id))

    def set_feed_folder(self, feed_id: int, folder: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE feeds SET folder = ? WHERE id = ?", (folder, feed_id))

    def annotated_article_count(self, feed_id: int) -> int:
        row = self.conn.execute(
            """SELECT COUNT(*) FROM articles a WHERE a.feed_id = ? AND (a.starred = 1
                 OR EXISTS (SELECT 1 FROM highlights h WHERE h.article_id = a.id)
                 OR EXISTS (SELECT 1 FROM article_notes n WHERE n.article_id = a.id))""",
            (feed_id,),
        ).fetchone()
        return int(row[0])

    def remove_feed(self, feed_id: int) -> int:
        """Unsubscribe. Articles with highlights, notes or a star are kept (moved to Saved);
        the rest are deleted. Returns how many articles were kept."""
        with self.transaction() as c:
            kept = c.execute(
                """UPDATE articles SET feed_id = NULL WHERE feed_id = ? AND (starred = 1
                     OR EXISTS (SELECT 1 FROM highlights h WHERE h.article_id = articles.id)
                     OR EXISTS (SELECT 1 FROM article_notes n WHERE n.article_id = articles.id))""",
                (feed_id,),
            ).rowcount
            c.execute("DELETE FROM articles WHERE feed_id = ?", (feed_id,))
            c.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return int(kept)

    def record_fetch(
        self,
        feed_id: int,
        *,
        status: str,
        error: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
        next_fetch: float | None = None,
        title: str | None = None,
        site_url: str | None = None,
        new_url: str | None = None,
        conn: sqlite3.Connection | None = None,
    ) -> None:
        """Store a fetch's outcome. Validators and metadata are only replaced when given; a
        feed's title is only set from the feed when the user has not named it. With ``conn``,
        runs inside the caller's transaction (a refresh writes a batch of feeds in one)."""
        if conn is None:
            with self.transaction() as c:
                self.record_fetch(
                    feed_id,
                    status=status,
                    error=error,
                    etag=etag,
                    last_modified=last_modified,
                    next_fetch=next_fetch,
                    title=title,
                    site_url=site_url,
                    new_url=new_url,
                    conn=c,
                )
            return
        c = conn
        c.execute(
            """UPDATE feeds SET last_status = ?, last_error = ?, last_fetched = ?,
                   next_fetch = COALESCE(?, next_fetch),
                   etag = CASE WHEN ? = 'ok' THEN ? ELSE etag END,
                   last_modified = CASE WHEN ? = 'ok' THEN ? ELSE last_modified END,
                   title = CASE WHEN title = '' AND ? IS NOT NULL THEN ? ELSE title END,
                   site_url = COALESCE(?, site_url)
               WHERE id = ?""",
            (
                status,
                error,
                time.time(),
                next_fetch,
                status,
                etag,
                status,
                last_modified,
                title,
                title or "",
                site_url,
                feed_id,
            ),
        )
        if new_url:
            clash = c.execute(
                "SELECT id FROM feeds WHERE url = ? AND id != ?", (new_url, feed_id)
            ).fetchone()
            if not clash:
                c.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))

    # -- articles ---------------------------------------------------------------------------

    def upsert_entries(
        self, feed: Feed, entries: Iterable[EntryData], conn: sqlite3.Connection | None = None
    ) -> tuple[int, int]:
        """Store a feed's entries: new ones added, changed ones updated (read and starred state
        kept). Which stored article an entry is follows the identity rule of
        :mod:`tui_reader.store.identity`. Returns (new, updated)."""
        new = updated = 0
        now = time.time()
        source_title = feed.display_title

        def run(c: sqlite3.Connection) -> None:
            nonlocal new, updated
            indexed: list[tuple[int, str, str]] = []  # new rows, for the search index

            def flush_index() -> None:
                # A feed's articles are indexed here, not by a trigger (see migration 3).
                c.executemany(
                    "INSERT INTO articles_fts(rowid, title, search_text) VALUES (?, ?, ?)",
                    indexed,
                )
                indexed.clear()

            # The feed's articles, read once (one index walk) rather than looked up per entry.
            known: list[Known] = []
            stored: dict[int, tuple[str, str]] = {}  # id -> (guid, entry_hash)
            for r in c.execute(
                "SELECT id, guid, url, title, published, entry_hash FROM articles"
                " WHERE feed_id = ? ORDER BY id",
                (feed.id,),
            ):
                known.append(Known(r["id"], r["guid"], r["url"], r["title"], r["published"]))
                stored[r["id"]] = (r["guid"], r["entry_hash"])
            for match in match_entries(known, entries):
                e = match.entry
                digest = _entry_hash(e)
                if match.article_id is None:
                    cur = c.execute(
                        """INSERT INTO articles(uid, feed_id, guid, url, title, author,
                               published, updated, summary, content, search_text, entry_hash,
                               source_title, added)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (
                            _free_uid(c, feed, e.guid or match.key),
                            feed.id,
                            e.guid,
                            e.url,
                            e.title,
                            e.author,
                            e.published,
                            e.updated,
                            e.summary,
                            e.content,
                            e.text,
                            digest,
                            source_title,
                            now,
                        ),
                    )
                    assert cur.lastrowid is not None
                    indexed.append((cur.lastrowid, e.title, e.text))
                    new += 1
                    continue
                old_guid, old_digest = stored[match.article_id]
                if old_guid != e.guid:
                    # A row stored under the old rule (guid = link or a hash) takes the
                    # entry's own guid, and is matched by the rule from now on.
                    c.execute(
                        "UPDATE articles SET guid = ? WHERE id = ?", (e.guid, match.article_id)
                    )
                if old_digest != digest:
                    # The update trigger takes the old text out of the search index: rows
                    # added above must be in it first.
                    flush_index()
                    c.execute(
                        """UPDATE articles SET url = ?, title = ?, author = ?, published = ?,
                               updated = ?, summary = ?, content = ?, entry_hash = ?,
                               search_text = CASE WHEN doc_json = '' THEN ? ELSE search_text END,
                               doc_json = CASE WHEN doc_source = 'feed' THEN '' ELSE doc_json END
                           WHERE id = ?""",
                        (
                            e.url,
                            e.title,
                            e.author,
                            e.published,
                            e.updated,
                            e.summary,
                            e.content,
                            digest,
                            e.text,
                            match.article_id,
                        ),
                    )
                    updated += 1
            flush_index()

        if conn is not None:
            run(conn)
        else:
            with self.transaction() as c:
                run(c)
        return new, updated

    def list_articles(
        self,
        *,
        feed_id: int | None = None,
        folder: str | None = None,
        saved: bool = False,
        unread_only: bool = False,
        starred_only: bool = False,
        limit: int = 100_000,
        offset: int = 0,
    ) -> list[Article]:
        where: list[str] = []
        args: list[object] = []
        if saved:
            where.append("a.feed_id IS NULL")
        elif feed_id is not None:
            where.append("a.feed_id = ?")
            args.append(feed_id)
        elif folder is not None:
            # The folder and its subfolders ("Tech" holds "Tech/Old").
            where.append(
                "a.feed_id IN (SELECT id FROM feeds WHERE folder = ? OR substr(folder, 1, ?) = ?)"
            )
            args += [folder, len(folder) + 1, folder + "/"]
        if unread_only:
            where.append("a.read = 0")
        if starred_only:
            where.append("a.starred = 1")
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY COALESCE(a.published, a.added) DESC, a.id DESC LIMIT ? OFFSET ?"
        args += [limit, offset]
        return [article_from_row(r) for r in self.conn.execute(sql, args)]

    def get_article(self, article_id: int) -> Article | None:
        row = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)
        ).fetchone()
        return article_from_row(row) if row else None

    def article_by_uid(self, uid: str) -> Article | None:
        row = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.uid = ?", (uid,)
        ).fetchone()
        return article_from_row(row) if row else None

    def article_by_url(self, url: str, *, exclude: int | None = None) -> Article | None:
        """The article already stored for this page (its link, normalised), if any."""
        return article_by_url(self.conn, url, exclude=exclude)

    def forget_saved_copy(self, article_id: int) -> bool:
        """Delete a Saved article that has no star, highlight or note; True if it went."""
        with self.transaction() as c:
            return forget_saved_copy(c, article_id)

    def get_body(self, article_id: int) -> ArticleBody:
        row = self.conn.execute(
            "SELECT summary, content, doc_json, doc_version, doc_source, doc_error, fetched_at"
            " FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return ArticleBody()
        return ArticleBody(**dict(row))

    def save_document(
        self,
        article_id: int,
        *,
        doc_json: str,
        text: str,
        version: str,
        source: str,
        error: str = "",
    ) -> None:
        """Store an extracted document (and its plain text for search), or an error. The
        article's highlights are re-anchored to the new text in the same transaction."""
        with self.transaction() as c:
            if doc_json:
                c.execute(
                    """UPDATE articles SET doc_json = ?, search_text = ?, doc_version = ?,
                           doc_source = ?, doc_error = '', fetched_at = ? WHERE id = ?""",
                    (doc_json, text, version, source, time.time(), article_id),
                )
                reanchor_document(c, article_id, doc_json)
            else:
                c.execute(
                    "UPDATE articles SET doc_error = ?, fetched_at = ? WHERE id = ?",
                    (error, time.time(), article_id),
                )

    def add_saved_page(self, url: str, *, title: str = "", site: str = "") -> Article:
        """An article for a page opened directly (``tui-reader read``); kept under Saved."""
        uid = article_uid(SAVED, url)
        with self.transaction() as c:
            c.execute(
                """INSERT INTO articles(uid, feed_id, guid, url, title, source_title, added)
                   VALUES (?, NULL, ?, ?, ?, ?, ?)
                   ON CONFLICT(uid) DO UPDATE SET
                       title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END""",
                (uid, url, url, title, site, time.time()),
            )
        article = self.article_by_uid(uid)
        assert article is not None
        return article

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        with self.transaction() as c:
            c.executemany(
                "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in article_ids]
            )

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self.transaction() as c:
            c.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def mark_feed_read(self, feed_id: int) -> None:
        with self.transaction() as c:
            c.execute("UPDATE articles SET read = 1 WHERE feed_id = ? AND read = 0", (feed_id,))

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def unread_total(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles WHERE read = 0").fetchone()[0])

    def prune(self, older_than: float) -> int:
        """Delete read articles added before ``older_than`` — never starred ones, nor any with
        highlights or notes. Returns how many were deleted."""
        with self.transaction() as c:
            cur = c.execute(
                """DELETE FROM articles WHERE read = 1 AND starred = 0 AND added < ?
                     AND feed_id IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM highlights h WHERE h.article_id = articles.id)
                     AND NOT EXISTS (SELECT 1 FROM article_notes n
                                     WHERE n.article_id = articles.id)""",
                (older_than,),
            )
        return int(cur.rowcount)

    # -- search -----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Full-text search over titles and bodies: articles whose title holds every word
        first, then those whose text does, then completions of a last word still being typed;
        newest first within each. Each walk stops at ``limit``, so a common word costs no more
        than a rare one (see :mod:`tui_reader.store.ranked_search`)."""
        from tui_reader.store.ranked_search import search_hits

        return search_hits(self.conn, query, limit)


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must appear (the last may be a
    prefix); quoted phrases stay phrases. No FTS syntax from the input is ever interpreted."""
    parts: list[str] = []
    for i, chunk in enumerate(text.split('"')):
        words = _WORD.findall(chunk)
        if not words:
            continue
        if i % 2 == 1:
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(f'"{w}"' for w in words)
    if parts and not text.rstrip().endswith('"') and not text.endswith(" "):
        parts[-1] = parts[-1] + "*"
    return " ".join(parts)
