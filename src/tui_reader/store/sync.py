"""The store's side of sync with a feed server (see :mod:`tui_reader.sync`): which server feed
and article each local one is, the state both sides agreed on at the last sync (the *base*),
and the journal of changes made here since.

The journal is written by the store's own flag and note writes (:func:`journal_in`), only for
articles the server knows. Sync applies what it pulls with its own SQL, never through those
methods, so nothing it pulls is journaled back. Every function that writes does so in one
transaction: a sync stopped anywhere leaves either a step done or not done.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from tui_reader.store.annotations import set_article_note_in
from tui_reader.store.base import set_setting_in

if TYPE_CHECKING:
    from tui_reader.models import Feed
    from tui_reader.store import Store

READ, STARRED, NOTE = "read", "starred", "note"
FIELDS = (READ, STARRED, NOTE)
CURSOR = "sync.cursor"  # the highest server article id pulled by a complete pass
ACCOUNT = "sync.account"  # the server and user the links, the base and the journal belong to


class HeadlineLike(Protocol):
    """A server article as the client reads it (tui_reader.sync.client.Headline)."""

    @property
    def id(self) -> int: ...

    @property
    def feed_id(self) -> int: ...

    @property
    def guid_hash(self) -> str: ...

    @property
    def link(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def author(self) -> str: ...

    @property
    def updated(self) -> float | None: ...

    @property
    def unread(self) -> bool: ...

    @property
    def marked(self) -> bool: ...

    @property
    def note(self) -> str: ...

    @property
    def content(self) -> str: ...


# -- the journal (called inside the store's own write transactions) --------------------------


def journal_in(c: sqlite3.Connection, article_ids: Sequence[int], field: str, value: str) -> None:
    """Record that ``field`` of these articles was set to ``value`` here (only articles the
    server knows: the others have nothing to push)."""
    now = time.time()
    c.executemany(
        "INSERT INTO sync_journal(article_id, field, value, created)"
        " SELECT article_id, ?, ?, ? FROM sync_articles WHERE article_id = ?",
        [(field, value, now, i) for i in article_ids],
    )


def journal_feed_read_in(c: sqlite3.Connection, feed_id: int) -> None:
    """Before a feed's unread articles are marked read: journal each of them."""
    c.execute(
        "INSERT INTO sync_journal(article_id, field, value, created)"
        " SELECT a.id, 'read', '1', ? FROM articles a JOIN sync_articles s ON s.article_id = a.id"
        " WHERE a.feed_id = ? AND a.read = 0",
        (time.time(), feed_id),
    )


# -- the account -------------------------------------------------------------------------------


def begin_account(store: Store, account: str) -> str | None:
    """Before a sync with ``account``: if the links, the base and the journal here belong to
    another one (the [sync] url or user changed), forget them, so that this sync links feeds
    and articles afresh, by address and guid, as a first sync does (nothing here is removed:
    read on the old account's ids, every feed would have been "unsubscribed there"). Returns
    the account forgotten, or None. Links made before accounts were recorded are taken to
    belong to this one."""
    with store.transaction() as c:
        row = c.execute("SELECT value FROM settings WHERE key = ?", (ACCOUNT,)).fetchone()
        before = str(row[0]) if row else None
        if before == account:
            return None
        set_setting_in(c, ACCOUNT, account)
        if before is None:
            return None
        _forget_in(c)
        return before


def forget_links(store: Store) -> None:
    """Every link to the server's feeds and articles, the base and the journal, forgotten in one
    transaction (the next steps link afresh, as a first sync does)."""
    with store.transaction() as c:
        _forget_in(c)


def _forget_in(c: sqlite3.Connection) -> None:
    c.execute("DELETE FROM sync_feeds")
    c.execute("DELETE FROM sync_articles")
    c.execute("DELETE FROM sync_journal")
    c.execute("DELETE FROM settings WHERE key = ?", (CURSOR,))


# -- feeds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    feed_id: int
    remote_id: int
    url: str
    folder: str  # the folder both sides agreed on at the last sync


def feed_links(store: Store) -> dict[int, FeedLink]:
    rows = store.conn.execute("SELECT feed_id, remote_id, url, folder FROM sync_feeds").fetchall()
    return {int(r[0]): FeedLink(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows}


def link_feed(store: Store, feed_id: int, remote_id: int, url: str, folder: str) -> None:
    with store.transaction() as c:
        c.execute(
            "DELETE FROM sync_feeds WHERE remote_id = ? AND feed_id != ?", (remote_id, feed_id)
        )
        c.execute(
            "INSERT INTO sync_feeds(feed_id, remote_id, url, folder) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(feed_id) DO UPDATE SET remote_id = excluded.remote_id,"
            " url = excluded.url, folder = excluded.folder",
            (feed_id, remote_id, url, folder),
        )


def set_next_fetch(store: Store, when: float) -> None:
    """After a sync: every feed is as fresh as the server has it (the app's automatic
    refresh, which syncs, looks at the feeds' next fetch times)."""
    with store.transaction() as c:
        c.execute("UPDATE feeds SET next_fetch = ?", (when,))


def unlink_feed(store: Store, feed_id: int) -> None:
    with store.transaction() as c:
        c.execute("DELETE FROM sync_feeds WHERE feed_id = ?", (feed_id,))


def set_folder(store: Store, feed_id: int, folder: str, *, local: bool) -> None:
    """The folder both sides now agree on (and, with ``local``, the feed's folder here too)."""
    with store.transaction() as c:
        if local:
            c.execute("UPDATE feeds SET folder = ? WHERE id = ?", (folder, feed_id))
        c.execute("UPDATE sync_feeds SET folder = ? WHERE feed_id = ?", (folder, feed_id))


# -- pushing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The last value set here for one flag of one article, and the journal rows it ends."""

    article_id: int
    remote_id: int
    field: str
    value: str


def pending(store: Store) -> tuple[list[Change], int]:
    """What to push: the last value per article and field, in the order last set; and the
    highest journal seq they cover (rows after it were written meanwhile, for the next push)."""
    rows = store.conn.execute(
        "SELECT j.seq, j.article_id, s.remote_id, j.field, j.value FROM sync_journal j"
        " JOIN sync_articles s ON s.article_id = j.article_id ORDER BY j.seq"
    ).fetchall()
    last: dict[tuple[int, str], Change] = {}
    top = 0
    for seq, article_id, remote_id, fld, value in rows:
        top = max(top, int(seq))
        key = (int(article_id), str(fld))
        last.pop(key, None)  # re-insert: keeps the order of the last change
        last[key] = Change(int(article_id), int(remote_id), str(fld), str(value))
    return list(last.values()), top


def pushed(store: Store, changes: Iterable[Change], through_seq: int) -> None:
    """The server has these values: they are the new base; the journal up to ``through_seq``
    is done (a row written after the push was read stays, and goes next time)."""
    with store.transaction() as c:
        for ch in changes:
            value: object = ch.value if ch.field == NOTE else int(ch.value)
            c.execute(
                f"UPDATE sync_articles SET {_column(ch.field)} = ? WHERE article_id = ?",
                (value, ch.article_id),
            )
        c.execute("DELETE FROM sync_journal WHERE seq <= ?", (through_seq,))


def _column(fld: str) -> str:
    if fld not in FIELDS:
        raise ValueError(f"unknown sync field {fld!r}")
    return fld


# -- pulling ---------------------------------------------------------------------------------


@dataclass
class PullCounts:
    new: int = 0
    matched: int = 0
    read: int = 0
    starred: int = 0
    notes: int = 0
    by_field: dict[str, int] = field(default_factory=dict)

    def add(self, fld: str) -> None:
        if fld == READ:
            self.read += 1
        elif fld == STARRED:
            self.starred += 1
        else:
            self.notes += 1


def _sha1(text: str) -> str:
    import hashlib  # here: loading OpenSSL costs the app's start-up

    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


class Matcher:
    """A feed's local articles that no server article is linked to yet, by the SHA1 of their
    guid (tt-rss's guid hash) and by link; read once per feed per sync. A guid that local
    articles with different links share (a feed writing one guid for every item, which the
    refresh keeps apart by link: store/identity.py) finds the one with the headline's link."""

    def __init__(self) -> None:
        self._feeds: dict[int, _FeedArticles] = {}

    def take(self, c: sqlite3.Connection, feed_id: int, h: HeadlineLike) -> int | None:
        feed = self._feeds.get(feed_id)
        if feed is None:
            feed = self._feeds[feed_id] = _FeedArticles(c, feed_id)
        links = [h.link] if h.link else []
        if h.link:
            from tui_reader.htmltext import clean_link

            # As the server has it, or as a refresh here stored it (tracking parameters gone).
            links.append(clean_link(h.link, h.link))
        found = None
        if h.guid_hash and h.guid_hash in feed.shared:
            found = _first(feed.by_hash_link.get((h.guid_hash, link)) for link in links)
        elif h.guid_hash:
            found = feed.by_hash.get(h.guid_hash)
        if found is None:
            found = _first(feed.by_link.get(link) for link in links)
        if found is not None:
            feed.forget(found)
        return found


def _first(found: Iterable[int | None]) -> int | None:
    return next((a for a in found if a is not None), None)


class _FeedArticles:
    """One feed's unlinked local articles, indexed (each taken at most once)."""

    def __init__(self, c: sqlite3.Connection, feed_id: int) -> None:
        self.by_hash: dict[str, int] = {}  # the oldest article with the guid
        self.by_link: dict[str, int] = {}  # the oldest article with the link
        self.by_hash_link: dict[tuple[str, str], int] = {}
        self.keys: dict[int, tuple[str, str]] = {}  # article -> (its guid's hash, its link)
        links_of_hash: dict[str, str] = {}
        self.shared: set[str] = set()  # hashes of guids articles with other links share
        for aid, guid, url in c.execute(
            "SELECT id, guid, url FROM articles WHERE feed_id = ? AND id NOT IN"
            " (SELECT article_id FROM sync_articles) ORDER BY id",
            (feed_id,),
        ):
            digest = _sha1(guid) if guid else ""
            self.keys[aid] = (digest, url)
            if digest:
                self.by_hash.setdefault(digest, aid)
                self.by_hash_link.setdefault((digest, url), aid)
                if links_of_hash.setdefault(digest, url) != url:
                    self.shared.add(digest)
            if url:
                self.by_link.setdefault(url, aid)

    def forget(self, aid: int) -> None:
        digest, url = self.keys.pop(aid, ("", ""))
        if self.by_hash.get(digest) == aid:
            del self.by_hash[digest]
        if self.by_link.get(url) == aid:
            del self.by_link[url]
        if self.by_hash_link.get((digest, url)) == aid:
            del self.by_hash_link[digest, url]


def _pending_fields(c: sqlite3.Connection, article_id: int) -> set[str]:
    return {
        str(r[0])
        for r in c.execute("SELECT field FROM sync_journal WHERE article_id = ?", (article_id,))
    }


def _note_of(c: sqlite3.Connection, article_id: int) -> str:
    row = c.execute("SELECT body FROM article_notes WHERE article_id = ?", (article_id,)).fetchone()
    return str(row[0]) if row else ""


def _set_local(c: sqlite3.Connection, article_id: int, fld: str, value: str) -> None:
    if fld == NOTE:
        set_article_note_in(c, article_id, value)
    else:
        c.execute(f"UPDATE articles SET {_column(fld)} = ? WHERE id = ?", (int(value), article_id))


def _apply(
    c: sqlite3.Connection,
    article_id: int,
    base: dict[str, str],
    server: dict[str, str],
    counts: PullCounts,
) -> None:
    """Three-way, per flag: the server changed it since the base and this side did not
    (nothing journaled) -> take the server's value. A flag changed here since the last sync
    keeps this side's value (pushed after the pull), so nothing flips back and forth."""
    busy: set[str] | None = None
    changed: dict[str, str] = {}
    for fld, value in server.items():
        if value == base[fld]:
            continue
        if busy is None:
            busy = _pending_fields(c, article_id)
        if fld in busy:
            continue
        _set_local(c, article_id, fld, value)
        changed[fld] = value
        counts.add(fld)
    for fld, value in changed.items():
        stored: object = value if fld == NOTE else int(value)
        c.execute(
            f"UPDATE sync_articles SET {_column(fld)} = ? WHERE article_id = ?",
            (stored, article_id),
        )


def _server_state(h: HeadlineLike) -> dict[str, str]:
    from tui_reader.sanitize import fast_clean

    return {
        READ: "0" if h.unread else "1",
        STARRED: "1" if h.marked else "0",
        NOTE: fast_clean(h.note).strip(),
    }


def _insert(c: sqlite3.Connection, feed: Feed, h: HeadlineLike) -> int:
    from tui_reader.htmltext import clean_link, clean_title, html_to_text
    from tui_reader.sanitize import cap_line, fast_clean, fast_line
    from tui_reader.store.articles import _free_uid

    content = fast_clean(h.content)
    text = html_to_text(content)
    title = clean_title(h.title, is_html=True) or fast_line(h.link)
    key = h.link or f"tt-rss:{h.guid_hash or h.id}"
    cur = c.execute(
        """INSERT INTO articles(uid, feed_id, guid, url, title, author, published, updated,
               summary, content, search_text, entry_hash, source_title, read, starred, added)
           VALUES (?, ?, '', ?, ?, ?, ?, ?, '', ?, ?, '', ?, ?, ?, ?)""",
        (
            _free_uid(c, feed, key),
            feed.id,
            clean_link(h.link, feed.url),  # http(s) only, as from any feed
            title,
            cap_line(fast_line(h.author)),
            h.updated,
            h.updated,
            content,
            text,
            feed.display_title,
            0 if h.unread else 1,
            1 if h.marked else 0,
            time.time(),
        ),
    )
    assert cur.lastrowid is not None
    c.execute(
        "INSERT INTO articles_fts(rowid, title, search_text) VALUES (?, ?, ?)",
        (cur.lastrowid, title, text),
    )
    return int(cur.lastrowid)


def store_headlines(
    store: Store,
    feeds_by_remote: dict[int, Feed],
    page: Sequence[HeadlineLike],
    matcher: Matcher,
    counts: PullCounts,
) -> int:
    """Store a page of server headlines in one transaction; returns the highest id seen.

    A headline already linked: its flags and note are merged (:func:`_apply`). One of a feed
    here that matches a local article (guid hash, then link): linked, and the two merged as a
    first sync does — read or starred on either side wins, a note here wins over the
    server's; what the server lacks is journaled, to be pushed. Else a new article."""
    top = 0
    with store.transaction() as c:
        for h in page:
            top = max(top, h.id)
            server = _server_state(h)
            row = c.execute(
                "SELECT article_id, read, starred, note FROM sync_articles WHERE remote_id = ?",
                (h.id,),
            ).fetchone()
            if row:
                base = {READ: str(row[1]), STARRED: str(row[2]), NOTE: str(row[3])}
                _apply(c, int(row[0]), base, server, counts)
                continue
            feed = feeds_by_remote.get(h.feed_id)
            if feed is None:
                continue
            aid = matcher.take(c, feed.id, h)
            to_push: dict[str, str] = {}
            if aid is None:
                aid = _insert(c, feed, h)
                if server[NOTE]:
                    set_article_note_in(c, aid, server[NOTE])
                counts.new += 1
            else:
                counts.matched += 1
                read, starred = c.execute(
                    "SELECT read, starred FROM articles WHERE id = ?", (aid,)
                ).fetchone()
                local = {READ: str(read), STARRED: str(starred), NOTE: _note_of(c, aid)}
                merged = {
                    READ: "1" if "1" in (local[READ], server[READ]) else "0",
                    STARRED: "1" if "1" in (local[STARRED], server[STARRED]) else "0",
                    NOTE: local[NOTE] or server[NOTE],
                }
                for fld in FIELDS:
                    if merged[fld] != local[fld]:
                        _set_local(c, aid, fld, merged[fld])
                        counts.add(fld)
                    if merged[fld] != server[fld]:
                        to_push[fld] = merged[fld]
            c.execute(
                "INSERT INTO sync_articles(article_id, remote_id, read, starred, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (aid, h.id, int(server[READ]), int(server[STARRED]), server[NOTE]),
            )
            for fld, value in to_push.items():
                journal_in(c, [aid], fld, value)
    return top


def apply_flag_set(
    store: Store,
    fld: str,
    true_ids: set[int],
    *,
    feed_id: int | None = None,
    counts: PullCounts,
) -> None:
    """The server's full list of articles with a flag set (its unread ones of one feed, or
    its starred ones): every linked article in scope gets that flag merged (see _apply).
    For READ, ``true_ids`` are the server's *unread* ids."""
    sql = "SELECT s.article_id, s.remote_id, s.read, s.starred, s.note FROM sync_articles s"
    args: tuple[object, ...] = ()
    if feed_id is not None:
        sql += " JOIN articles a ON a.id = s.article_id WHERE a.feed_id = ?"
        args = (feed_id,)
    with store.transaction() as c:
        for aid, rid, read, starred, note in c.execute(sql, args).fetchall():
            base = {READ: str(read), STARRED: str(starred), NOTE: str(note)}
            if fld == READ:
                value = "0" if rid in true_ids else "1"
            else:
                value = "1" if rid in true_ids else "0"
            if value != base[fld]:
                _apply(c, int(aid), base, {fld: value}, counts)


def base_unread_by_feed(store: Store) -> dict[int, int]:
    """Per local feed: how many linked articles were unread on the server at the last sync."""
    rows = store.conn.execute(
        "SELECT a.feed_id, COUNT(*) FROM sync_articles s JOIN articles a ON a.id = s.article_id"
        " WHERE s.read = 0 AND a.feed_id IS NOT NULL GROUP BY a.feed_id"
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


def linked_count(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM sync_articles").fetchone()[0])
