"""Articles in the store: a feed's entries stored (new or changed, as ``store/identity.py``
decides), listed, opened (their bodies and documents), read and starred, pruned."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence

from tui_reader.document import Document, stored_document
from tui_reader.models import Article, ArticleBody, Enclosure, EntryData, Feed
from tui_reader.store.annotations import Placer, reanchor_in
from tui_reader.store.base import StoreBase
from tui_reader.store.listing import ListFilter
from tui_reader.store.listing import list_articles as list_of
from tui_reader.store.lookup import article_by_url, forget_saved_copy
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row
from tui_reader.store.sync import journal_feed_read_in as sync_journal_feed_read_in
from tui_reader.store.sync import journal_in as sync_journal_in

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


class ArticlesMixin(StoreBase):
    def upsert_entries(
        self, feed: Feed, entries: Iterable[EntryData], conn: sqlite3.Connection | None = None
    ) -> tuple[int, int]:
        """Store a feed's entries: new ones added, changed ones updated (read and starred state
        kept), as :func:`tui_reader.store.identity.plan_entries` decides. Returns (new,
        updated). With ``conn``, inside the caller's transaction."""
        if conn is None:
            with self.transaction() as c:
                return upsert_entries_in(c, feed, entries)
        return upsert_entries_in(conn, feed, entries)

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
        """Articles newest first: of a feed, a folder (and its subfolders), Saved, or all
        (the one filter and order of :mod:`tui_reader.store.listing`)."""
        which = ListFilter(
            feed_id=feed_id,
            folder=folder,
            saved=saved,
            unread_only=unread_only,
            starred_only=starred_only,
        )
        return list_of(self.conn, which, sort="newest", limit=limit, offset=offset)

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

    def enclosures(self, article_id: int) -> list[Enclosure]:
        """The article's enclosures, in the feed's order."""
        rows = self.conn.execute(
            "SELECT url, type, length FROM enclosures WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [Enclosure(r["url"], r["type"], r["length"]) for r in rows]

    def has_document(self, article_id: int) -> bool:
        """Whether a document is stored for the article (readable or not)."""
        row = self.conn.execute(
            "SELECT doc_json != '' FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return bool(row and row[0])

    def get_document(self, article_id: int) -> Document | None:
        """The article's stored document (current or not); None when there is none or it is
        damaged (the one policy: :func:`tui_reader.document.stored_document`)."""
        return document_in(self.conn, article_id)

    def save_document(
        self,
        article_id: int,
        *,
        doc_json: str,
        text: str,
        version: str,
        source: str,
        error: str = "",
        placer: Placer | None = None,
    ) -> None:
        """Store an extracted document and ``text``, its plain text (for search and for the
        highlights), or an error. With ``placer`` (the Reader's), the article's highlights
        are re-anchored to ``text`` in the same transaction."""
        with self.transaction() as c:
            if doc_json:
                c.execute(
                    """UPDATE articles SET doc_json = ?, search_text = ?, doc_version = ?,
                           doc_source = ?, doc_error = '', fetched_at = ? WHERE id = ?""",
                    (doc_json, text, version, source, time.time(), article_id),
                )
                if placer is not None:
                    reanchor_in(c, article_id, text, placer)
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
            sync_journal_in(c, article_ids, "read", str(int(read)))

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self.transaction() as c:
            c.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))
            sync_journal_in(c, [article_id], "starred", str(int(starred)))

    def mark_feed_read(self, feed_id: int) -> None:
        with self.transaction() as c:
            sync_journal_feed_read_in(c, feed_id)
            c.execute("UPDATE articles SET read = 1 WHERE feed_id = ? AND read = 0", (feed_id,))

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def unread_total(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles WHERE read = 0").fetchone()[0])

    def prune(self, older_than: float) -> int:
        """Delete read articles added before ``older_than`` — never starred ones, nor any with
        highlights or notes. Returns how many were deleted. StoreError (one line) when it
        cannot be done now (pruning can always wait)."""
        from tui_reader.store.db import StoreError, explain_error

        try:
            with self.transaction() as c:
                cur = c.execute(
                    """DELETE FROM articles WHERE read = 1 AND starred = 0 AND added < ?
                         AND feed_id IS NOT NULL
                         AND NOT EXISTS (SELECT 1 FROM highlights h
                                         WHERE h.article_id = articles.id)
                         AND NOT EXISTS (SELECT 1 FROM article_notes n
                                         WHERE n.article_id = articles.id)""",
                    (older_than,),
                )
        except sqlite3.Error as exc:
            raise StoreError(explain_error(self.path, exc)) from exc
        return int(cur.rowcount)


def document_in(c: sqlite3.Connection, article_id: int) -> Document | None:
    """:meth:`ArticlesMixin.get_document` on a connection (inside the caller's transaction)."""
    row = c.execute("SELECT doc_json FROM articles WHERE id = ?", (article_id,)).fetchone()
    return stored_document(row["doc_json"]) if row is not None else None


def upsert_entries_in(
    c: sqlite3.Connection,
    feed: Feed,
    entries: Iterable[EntryData],
    index: list[tuple[int, str, str]] | None = None,
) -> tuple[int, int]:
    """:meth:`ArticlesMixin.upsert_entries` inside the caller's transaction: the feed's
    articles read once (one index walk), the plan made without the database, then written.
    With ``index``, the new rows' full-text entries are added to it for the caller to write
    (:func:`index_in`, once for many feeds) instead of written here."""
    from tui_reader.store.identity import Known, plan_entries  # a refresh's: not at start-up

    known = [
        Known(r["id"], r["guid"], r["url"], r["title"], r["published"], r["entry_hash"])
        for r in c.execute(
            "SELECT id, guid, url, title, published, entry_hash FROM articles"
            " WHERE feed_id = ? ORDER BY id",
            (feed.id,),
        )
    ]
    plan = plan_entries(known, entries)
    now = time.time()
    source_title = feed.display_title
    indexed: list[tuple[int, str, str]] = []  # new rows, for the search index
    enclosed: list[tuple[int, tuple[Enclosure, ...]]] = []  # rows and their enclosures
    for new in plan.new:
        e = new.entry
        cur = c.execute(
            """INSERT INTO articles(uid, feed_id, guid, url, title, author, published, updated,
                   summary, content, search_text, entry_hash, source_title, added)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                _free_uid(c, feed, new.key),
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
                new.digest,
                source_title,
                now,
            ),
        )
        assert cur.lastrowid is not None
        indexed.append((cur.lastrowid, e.title, e.text))
        if e.enclosures:
            enclosed.append((cur.lastrowid, e.enclosures))
    # A feed's articles are indexed here, not by a trigger (see migration 3) — before any
    # update below, whose trigger takes the old text out of the index.
    if index is None:
        index_in(c, indexed)
    else:
        index += indexed
    c.executemany("UPDATE articles SET guid = ? WHERE id = ?", [(g, i) for i, g in plan.guids])
    for changed in plan.changed:
        e = changed.entry
        c.execute(
            """UPDATE articles SET url = ?, title = ?, author = ?, published = ?, updated = ?,
                   summary = ?, content = ?, entry_hash = ?,
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
                changed.digest,
                e.text,
                changed.article_id,
            ),
        )
        enclosed.append((changed.article_id, e.enclosures))
    if plan.changed:  # (a new row has none to replace)
        c.executemany(
            "DELETE FROM enclosures WHERE article_id = ?", [(ch.article_id,) for ch in plan.changed]
        )
    c.executemany(
        "INSERT INTO enclosures(article_id, position, url, type, length) VALUES (?, ?, ?, ?, ?)",
        [(i, n, x.url, x.type, x.length) for i, found in enclosed for n, x in enumerate(found)],
    )
    return len(plan.new), len(plan.changed)


def index_in(c: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
    """Add new articles (rowid, title, text) to the full-text index."""
    c.executemany("INSERT INTO articles_fts(rowid, title, search_text) VALUES (?, ?, ?)", rows)


def article_by_uid_in(c: sqlite3.Connection, uid: str) -> Article | None:
    """The article with this uid, on a connection (inside the caller's transaction)."""
    row = c.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.uid = ?", (uid,)).fetchone()
    return article_from_row(row) if row else None


def article_links_in(c: sqlite3.Connection) -> list[tuple[str, str]]:
    """(uid, link) of every article with a link: feeds' articles first, then Saved ones,
    newest first within each (the order the annotation importer indexes them in)."""
    rows = c.execute(
        "SELECT uid, url FROM articles WHERE url != '' ORDER BY feed_id IS NULL, id DESC"
    )
    return [(str(r["uid"]), str(r["url"])) for r in rows]
