"""Feeds in the store: subscribe, list, rename, move, remove, and record what a fetch found.

A refresh hands :meth:`FeedsMixin.store_fetches` a batch of decided outcomes
(:class:`~tui_reader.models.FeedUpdate`); all SQL for them is here, none in ``feeds/``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from tui_reader.models import Feed, FeedStored, FeedUpdate
from tui_reader.sanitize import cap_line, clean_line, shown_url, url_key
from tui_reader.store.base import StoreBase
from tui_reader.store.db import StoreError, explain_error
from tui_reader.store.rows import feed_from_row


def feed_key(url: str) -> str:
    """What the addresses of one feed have in common (:func:`~tui_reader.sanitize.url_key`),
    its login kept (two accounts' feeds behind one address are two feeds)."""
    login = url.partition("://")[2].partition("/")[0].rpartition("@")[0]
    return (login + "@" if login else "") + url_key(url)


class FeedsMixin(StoreBase):
    def add_feed(
        self, url: str, *, title: str = "", folder: str = "", site_url: str = ""
    ) -> tuple[Feed, bool]:
        """Subscribe; returns the feed and whether it was new (an existing one is unchanged)."""
        return self.add_feeds([(url, title, folder, site_url)])[0]

    def add_feeds(self, entries: Sequence[tuple[str, str, str, str]]) -> list[tuple[Feed, bool]]:
        """:meth:`add_feed` for each (url, title, folder, site_url), in one transaction: an
        import interrupted or failing half-way subscribes to none of them."""
        ids: list[tuple[int, bool]] = []
        with self.transaction() as c:
            # Every feed by its address's key (and by the addresses it moved from: a permanent
            # redirect), so that the same feed written otherwise (xn-- or Unicode, :443, http
            # or https, a trailing slash) is that feed, not a second subscription to it.
            known: dict[str, int] = {}
            for table, column in (("feed_moves", "feed_id"), ("feeds", "id")):
                for address, feed_id in c.execute(f"SELECT url, {column} FROM {table}"):
                    known[feed_key(address)] = int(feed_id)
            for url, title, folder, site_url in entries:
                found = known.get(feed_key(url))
                if found is not None:
                    ids.append((found, False))
                    continue
                cur = c.execute(
                    "INSERT INTO feeds(url, title, folder, site_url, added) VALUES (?, ?, ?, ?, ?)",
                    (url, cap_line(title), cap_line(folder), site_url, time.time()),
                )
                feed_id = int(cur.lastrowid or 0)
                known[feed_key(url)] = feed_id
                ids.append((feed_id, True))
        out = []
        for feed_id, created in ids:
            feed = self.get_feed(feed_id)
            assert feed is not None
            out.append((feed, created))
        return out

    def feeds_by_key(self) -> dict[str, Feed]:
        """Every feed by its address's key (:func:`feed_key`), also by the addresses it moved
        from: how an address written elsewhere (newsboat's cache files its articles under
        the urls file's spelling, kept after a redirect) names a feed here."""
        feeds = {f.id: f for f in self.list_feeds()}
        known: dict[str, Feed] = {}
        for url, feed_id in self.conn.execute("SELECT url, feed_id FROM feed_moves"):
            if int(feed_id) in feeds:
                known[feed_key(str(url))] = feeds[int(feed_id)]
        for feed in feeds.values():
            known[feed_key(feed.url)] = feed
        return known

    # The counts are kept by triggers (schema migration 6): no walk over the articles.
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
        """Feeds named by id, URL or title (case-insensitive); and the names that matched none.
        An id names its feed alone: a feed another was renamed "1" after took the id's
        commands away from feed 1 ("'1' names 2 feeds; use an id")."""
        feeds = self.list_feeds()
        by_id = {str(f.id): f for f in feeds}
        found: dict[int, Feed] = {}
        missing: list[str] = []
        for name in names:
            if name in by_id:
                found[by_id[name].id] = by_id[name]
                continue
            matches = [f for f in feeds if name == f.url or name.casefold() == f.title.casefold()]
            if matches:
                for f in matches:
                    found[f.id] = f
            else:
                missing.append(name)
        return list(found.values()), missing

    def rename_feed(self, feed_id: int, title: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE feeds SET title = ? WHERE id = ?", (cap_line(title), feed_id))

    def set_feed_folder(self, feed_id: int, folder: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE feeds SET folder = ? WHERE id = ?", (cap_line(folder), feed_id))

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
        """Store a fetch's outcome. Validators and metadata are only replaced when given (a
        304's new validators too: RFC 9111 4.3.4, the stored response is updated by them); a
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
        error = clean_line(error)  # (it may quote a server or a document: shown on screen)
        untitled = None
        if title:
            row = c.execute("SELECT title, url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            untitled = str(row[1]) if row is not None and row[0] == "" else None
        c.execute(
            """UPDATE feeds SET last_status = ?, last_error = ?, last_fetched = ?,
                   next_fetch = COALESCE(?, next_fetch),
                   etag = CASE WHEN ? = 'ok' THEN ?
                               WHEN ? = 'not-modified' THEN COALESCE(?, etag)
                               ELSE etag END,
                   last_modified = CASE WHEN ? = 'ok' THEN ?
                                        WHEN ? = 'not-modified' THEN COALESCE(?, last_modified)
                                        ELSE last_modified END,
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
                etag,
                status,
                last_modified,
                status,
                last_modified,
                title,
                title or "",
                site_url,
                feed_id,
            ),
        )
        if untitled is not None:
            # Articles stored before the feed had a title (from newsboat's cache, or under a
            # feed that first failed) name it by its address: they take its title now, the
            # name they keep when the feed is removed and show in exports.
            c.execute(
                "UPDATE articles SET source_title = ?"
                " WHERE feed_id = ? AND source_title IN ('', ?)",
                (title, feed_id, shown_url(untitled)),
            )
        if new_url:
            clash = c.execute(
                "SELECT id FROM feeds WHERE url = ? AND id != ?", (new_url, feed_id)
            ).fetchone()
            if not clash:
                old = c.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
                c.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))
                _moved_in(c, old[0] if old else "", new_url, feed_id)

    def record_move(self, old_url: str, feed_id: int) -> None:
        """Remember that the feed was at ``old_url`` before a permanent redirect (see
        :meth:`add_feeds`: that address names this feed)."""
        with self.transaction() as c:
            url = c.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if url is not None:
                _moved_in(c, old_url, str(url[0]), feed_id)

    def store_fetches(self, updates: Sequence[FeedUpdate]) -> list[FeedStored]:
        """Record a batch of refreshed feeds in one transaction, a savepoint per feed: one
        feed that cannot be stored is recorded as an error (its own changes rolled back) and
        the others are kept. Raises :class:`~tui_reader.store.db.StoreError` (one line,
        saying what to do) when the whole batch was rolled back — a full disk, a database
        gone read-only: then nothing of it is stored."""
        from tui_reader.store.articles import index_in

        results: list[FeedStored] = []
        # The new articles of the whole batch go into the full-text index at its end, once:
        # FTS5 writes its pending entries out at each savepoint's release, so indexing each
        # feed's in its savepoint made a segment per feed (and its merging), about half of
        # the batch's time.
        index: list[tuple[int, str, str]] = []
        keys: dict[str, tuple[int, str]] = {}  # (read when a feed has moved: see below)
        try:
            with self.transaction() as c:
                for u in updates:
                    c.execute("SAVEPOINT feed")
                    feed_index: list[tuple[int, str, str]] = []
                    try:
                        results.append(_store_fetch(self, c, u, feed_index, keys))
                    except sqlite3.Error as exc:
                        c.execute("ROLLBACK TO feed")
                        reason = f"could not store: {exc}"
                        self.record_fetch(u.feed.id, status="error", error=reason, conn=c)
                        results.append(FeedStored(error=reason))
                    else:
                        index += feed_index
                    c.execute("RELEASE feed")
                index_in(c, index)
        except sqlite3.Error as exc:
            raise StoreError(explain_error(self.path, exc)) from exc
        return results


def _moved_in(c: sqlite3.Connection, old_url: str, new_url: str, feed_id: int) -> None:
    """The feed moved from ``old_url`` to ``new_url`` (where it is now): the old address
    names it from now on, the new one is no move's."""
    if old_url and old_url != new_url:
        c.execute(
            "INSERT OR REPLACE INTO feed_moves(url, feed_id) VALUES (?, ?)", (old_url, feed_id)
        )
    c.execute("DELETE FROM feed_moves WHERE url = ?", (new_url,))


def _other_feed_at(
    c: sqlite3.Connection, url: str, feed_id: int, keys: dict[str, tuple[int, str]]
) -> str | None:
    """The name of another subscription at ``url`` (its address, written otherwise or not),
    if there is one. ``keys``: every feed's by its address's key, read on first use (once a
    batch: a site moving all its feeds asks for each)."""
    if not keys:
        for other_id, address, title in c.execute("SELECT id, url, title FROM feeds"):
            keys[feed_key(address)] = (int(other_id), title or shown_url(address))
    found = keys.get(feed_key(url))
    if found is None or found[0] == feed_id:
        return None
    return repr(clean_line(found[1])[:80])


def _redirect_clash(
    c: sqlite3.Connection, u: FeedUpdate, keys: dict[str, tuple[int, str]]
) -> str | None:
    """Why a fetch redirected onto a feed already subscribed is not stored under this one
    (its entries would all be there twice), or None. Moved for good (sites merging feeds, a
    move to a CDN), or sent on for now (a 302/307: a blog's "/?feed=rss2" to its "/feed/")."""
    if u.new_url and u.status in ("ok", "not-modified"):
        target, how = u.new_url, "moved permanently to"
        advice = "remove this one (its articles stay)"
    elif u.redirected_to and u.status == "ok":
        target, how = u.redirected_to, "redirected to"
        advice = "its articles are stored there, once; remove this one if it stays so"
    else:
        return None
    other = _other_feed_at(c, target, u.feed.id, keys)
    if other is None:
        return None
    return f"{how} {shown_url(target)}, which is already a subscription ({other}): {advice}"


def _store_fetch(
    store: FeedsMixin,
    c: sqlite3.Connection,
    u: FeedUpdate,
    index: list[tuple[int, str, str]],
    keys: dict[str, tuple[int, str]],
) -> FeedStored:
    from tui_reader.store.articles import upsert_entries_in

    new = updated = 0
    reason = _redirect_clash(c, u, keys)
    if reason is not None:
        store.record_fetch(u.feed.id, status="error", error=reason, next_fetch=u.next_fetch, conn=c)
        return FeedStored(error=reason)
    if u.status == "ok":
        new, updated = upsert_entries_in(c, u.feed, u.entries, index)
    store.record_fetch(
        u.feed.id,
        status=u.status,
        error=u.error,
        etag=u.etag,
        last_modified=u.last_modified,
        next_fetch=u.next_fetch,
        title=u.title,
        site_url=u.site_url,
        new_url=u.new_url,
        conn=c,
    )
    if u.new_url and keys:  # (the next feed of the batch moving there finds this one)
        keys[feed_key(u.new_url)] = (u.feed.id, u.feed.title or shown_url(u.new_url))
    return FeedStored(new, updated)
