"""One two-way sync with a feed server (Tiny Tiny RSS).

The steps, each committed on its own (a sync stopped anywhere — server down, kill -9 — loses
nothing, and the next one completes it; every step is idempotent):

1. **Subscriptions.** A feed unsubscribed here is unsubscribed there; one unsubscribed there
   is removed here (articles with a star, highlights or notes are kept under Saved, as
   ``remove`` does); a feed new on either side is added to the other (a folder here is the
   category there, when the server has one of that name — its API cannot create categories);
   a category changed there moves the feed here unless it was moved here since the last sync.
2. **New articles**, pulled as headlines with their content (oldest first, 200 a call) from
   the highest server id a complete pass reached; stored like any article. A headline of a
   feed here is matched to a local article by the SHA1 of its guid, then by link.
3. **Flags pulled.** The server's starred list, and the unread list of each feed whose unread
   count differs from the one at the last sync, are merged per flag (three-way, against the
   state both sides had at the last sync). tt-rss cannot say what changed since a time, so a
   feed whose unread count came out the same (one article read there, another marked unread)
   and a note changed there on an article not pulled otherwise wait for ``sync --full``,
   which reads every feed's flags and notes.
4. **The journal pushed**: the changes made here since the last sync (read, starred, the
   article note), the last value per article and flag, in the order made.

The conflict rule: **a change made here since the last sync wins** — the pull leaves a
journaled flag alone and the push then sets it there. Both sides then agree, so nothing flips
back and forth. A first sync of two sides that both had an article merges them: read or
starred on either side wins, a note here wins over the server's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_reader.sanitize import clean_line, clean_url, is_web_url
from tui_reader.store import sync as state
from tui_reader.sync.client import (
    ALL_ARTICLES,
    FIELD_NOTE,
    FIELD_STARRED,
    FIELD_UNREAD,
    STARRED,
    RemoteFeed,
    SyncError,
    TtRssClient,
)

if TYPE_CHECKING:
    from tui_reader.models import Feed
    from tui_reader.store import Store


@dataclass
class SyncSummary:
    feeds_added_here: list[str] = field(default_factory=list)
    feeds_removed_here: list[str] = field(default_factory=list)
    feeds_added_there: list[str] = field(default_factory=list)
    feeds_removed_there: list[str] = field(default_factory=list)
    articles_new: int = 0
    articles_matched: int = 0
    kept_in_saved: int = 0
    read_pushed: int = 0
    starred_pushed: int = 0
    notes_pushed: int = 0
    read_pulled: int = 0
    starred_pulled: int = 0
    notes_pulled: int = 0
    errors: list[str] = field(default_factory=list)
    failed_at_start: bool = False  # the login (or the server) failed before any step
    account_before: str = ""  # the [sync] account changed: the one whose links were forgotten
    relinked: int = 0  # linked feeds the server's list lacks, all of them: linked afresh

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[str], None]
_RESET_FEEDS = 2  # linked feeds all missing from the server's list that make it a reset account


def _folder(remote: RemoteFeed, categories: dict[int, str]) -> str:
    return clean_line(categories.get(remote.cat_id, "")) if remote.cat_id > 0 else ""


def _feed_key(url: str) -> str:
    """What a feed URL here and the server's copy of it have in common: tt-rss drops a port
    from a subscribed URL; http/https, the host's case, a trailing slash and tracking
    parameters do not count either."""
    try:
        parts = urlsplit(clean_url(url))
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return url
    if not host:
        return url
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return f"//{host}{parts.path.rstrip('/') or '/'}" + (f"?{query}" if query else "")


class Sync:
    def __init__(
        self,
        store: Store,
        client: TtRssClient,
        progress: Progress | None = None,
        *,
        full: bool = False,
    ):
        self.full = full  # every feed's flags and notes read again, not only changed counts
        self.store = store
        self.client = client
        self.progress = progress or (lambda _text: None)
        self.summary = SyncSummary()
        self._fresh: set[int] = set()  # server feeds linked by this sync: pulled whole
        self._remote: dict[int, RemoteFeed] = {}  # the server's feeds, as step 1 read them
        self._pulled = 0  # articles pulled by step 2

    def run(self, password: str) -> SyncSummary:
        """Log in, sync, log out. A failure stops the sync where it is (what was done stays
        done) and is the summary's error."""
        try:
            try:
                self.client.login(password)
            except SyncError:
                self.summary.failed_at_start = True
                raise
            try:
                before = state.begin_account(self.store, self.client.account)
                if before is not None:
                    self.summary.account_before = before
                self._feeds()
                self._articles()
                self._flags()
                self._push()
            finally:
                self.client.logout()
        except SyncError as exc:
            self.summary.errors.append(str(exc))
        finally:
            self.client.close()
        return self.summary

    # -- 1. subscriptions --------------------------------------------------------------------

    def _feeds(self) -> None:
        self.progress("subscriptions")
        s, store, client = self.summary, self.store, self.client
        categories = client.categories()
        remote = {f.id: f for f in client.feeds()}
        links = state.feed_links(store)
        if len(links) >= _RESET_FEEDS and not any(k.remote_id in remote for k in links.values()):
            # A server that lists none of several feeds linked to it here (none at all, or
            # others: the account reset or made anew, the server installed again with its
            # feeds imported under new ids): likelier than all of them unsubscribed there at
            # once (one feed unsubscribed there is just that). Rather than removing every
            # linked feed here, link afresh, by address, as a first sync does: those the
            # server lacks are subscribed there again.
            state.forget_links(store)
            s.relinked = len(links)
            links = {}
        local = {f.id: f for f in store.list_feeds()}
        # Unsubscribed here since the last sync.
        for feed_id, link in links.items():
            if feed_id in local:
                continue
            if link.remote_id in remote:
                client.unsubscribe(link.remote_id)
                s.feeds_removed_there.append(link.url)
                del remote[link.remote_id]
            state.unlink_feed(store, feed_id)
        # Unsubscribed there.
        for feed_id, link in list(links.items()):
            if feed_id in local and link.remote_id not in remote:
                feed = local.pop(feed_id)
                s.kept_in_saved += store.remove_feed(feed_id)
                state.unlink_feed(store, feed_id)
                s.feeds_removed_here.append(feed.url)
        links = state.feed_links(store)
        linked_remote = {link.remote_id for link in links.values()}
        by_url = {_feed_key(f.url): f for f in remote.values() if f.id not in linked_remote}
        # New here: link to the same URL there, or subscribe there.
        subscribed = False
        cat_by_title = {title.casefold(): cid for cid, title in categories.items() if cid > 0}
        for feed in local.values():
            if feed.id in links or not is_web_url(feed.url):
                continue
            match = by_url.pop(_feed_key(feed.url), None)
            if match is not None:
                folder = feed.folder or _folder(match, categories)
                if folder != feed.folder:
                    state.set_folder(store, feed.id, folder, local=True)
                state.link_feed(store, feed.id, match.id, match.url, folder)
                self._fresh.add(match.id)
                continue
            ok, reason = client.subscribe(feed.url, cat_by_title.get(feed.folder.casefold(), 0))
            if ok:
                subscribed = True
                s.feeds_added_there.append(feed.url)
            else:
                s.errors.append(f"{clean_line(feed.url)}: not subscribed there: {reason}")
        if subscribed:
            remote = {f.id: f for f in client.feeds()}
            by_url = {_feed_key(f.url): f for f in remote.values() if f.id not in linked_remote}
            for feed in local.values():
                match = by_url.pop(_feed_key(feed.url), None) if feed.id not in links else None
                if match is not None:
                    state.link_feed(store, feed.id, match.id, match.url, feed.folder)
                    self._fresh.add(match.id)
        # New there: subscribe here.
        links = state.feed_links(store)
        linked_remote = {link.remote_id for link in links.values()}
        new_there = [
            rf for rf in remote.values() if rf.id not in linked_remote and is_web_url(rf.url)
        ]
        added = store.add_feeds(  # (in one go: each call reads every feed's address)
            [(rf.url, clean_line(rf.title), _folder(rf, categories), "") for rf in new_there]
        )
        for rf, (feed, created) in zip(new_there, added, strict=True):
            state.link_feed(store, feed.id, rf.id, rf.url, feed.folder)
            self._fresh.add(rf.id)
            if created:
                s.feeds_added_here.append(rf.url)
        # Categories moved there (and not here since the last sync).
        local = {f.id: f for f in store.list_feeds()}
        for feed_id, link in state.feed_links(store).items():
            now_there = remote.get(link.remote_id)
            here = local.get(feed_id)
            if now_there is None or here is None:
                continue
            there = _folder(now_there, categories)
            if there != link.folder and here.folder == link.folder:
                state.set_folder(store, feed_id, there, local=True)
            elif here.folder != link.folder and there == here.folder:
                state.set_folder(store, feed_id, there, local=False)
        self._remote = remote

    def _feeds_by_remote(self) -> dict[int, Feed]:
        local = {f.id: f for f in self.store.list_feeds()}
        return {
            link.remote_id: local[feed_id]
            for feed_id, link in state.feed_links(self.store).items()
            if feed_id in local
        }

    # -- 2. new articles ---------------------------------------------------------------------

    def _articles(self) -> None:
        self.progress("articles")
        store = self.store
        cursor = int(store.get_setting(state.CURSOR, "0") or 0)
        by_remote = self._feeds_by_remote()
        matcher = state.Matcher()
        counts = state.PullCounts()
        top = cursor
        for page in self.client.headlines(ALL_ARTICLES, since_id=cursor):
            top = max(top, state.store_headlines(store, by_remote, page, matcher, counts))
            self.progress(f"articles: {counts.new} new")
        # A feed linked now may have older articles on the server (shared with another
        # account, or fetched before it was linked here): pulled whole, once.
        for remote_id in sorted(self._fresh) if cursor else ():
            if remote_id in by_remote:
                for page in self.client.headlines(remote_id):
                    state.store_headlines(store, by_remote, page, matcher, counts)
        if top > cursor:
            store.set_setting(state.CURSOR, str(top))
        self._add_counts(counts)
        self._pulled = counts.new + counts.matched
        self.summary.articles_new += counts.new
        self.summary.articles_matched += counts.matched

    def _add_counts(self, counts: state.PullCounts) -> None:
        self.summary.read_pulled += counts.read
        self.summary.starred_pulled += counts.starred
        self.summary.notes_pulled += counts.notes

    # -- 3. flags pulled ---------------------------------------------------------------------

    def _flags(self) -> None:
        self.progress("read and starred")
        store, client = self.store, self.client
        counts = state.PullCounts()
        starred: set[int] = set()
        matcher = state.Matcher()
        by_remote = self._feeds_by_remote()
        for page in client.headlines(STARRED, content=False):
            starred.update(h.id for h in page)
            # Notes ride on the headlines; unknown ones (older than any pass) are stored too.
            state.store_headlines(store, by_remote, page, matcher, counts)
        state.apply_flag_set(store, state.STARRED, starred, counts=counts)
        base = state.base_unread_by_feed(store)
        # The unread counts read at step 1 hold unless articles arrived since.
        remote = {f.id: f for f in client.feeds()} if self._pulled else self._remote
        for remote_id, feed in by_remote.items():
            counted = remote.get(remote_id)
            if counted is None or (not self.full and counted.unread == base.get(feed.id, 0)):
                continue
            unread: set[int] = set()
            mode = "all_articles" if self.full else "unread"
            for page in client.headlines(remote_id, view_mode=mode, content=False):
                unread.update(h.id for h in page if h.unread)
                state.store_headlines(store, by_remote, page, matcher, counts)
            state.apply_flag_set(store, state.READ, unread, feed_id=feed.id, counts=counts)
        self._add_counts(counts)

    # -- 4. the journal pushed ---------------------------------------------------------------

    def _push(self) -> None:
        changes, through = state.pending(self.store)
        if not changes and not through:
            return
        self.progress(f"pushing {len(changes)} changes")
        s = self.summary
        groups: dict[tuple[str, str], list[int]] = {}
        notes: list[state.Change] = []
        for ch in changes:
            if ch.field == state.NOTE:
                notes.append(ch)
            else:
                groups.setdefault((ch.field, ch.value), []).append(ch.remote_id)
        for (fld, value), ids in groups.items():
            if fld == state.READ:
                # tt-rss's flag is "unread": read=1 is unread mode 0.
                self.client.update_articles(ids, FIELD_UNREAD, 0 if value == "1" else 1)
                s.read_pushed += len(ids)
            else:
                self.client.update_articles(ids, FIELD_STARRED, int(value))
                s.starred_pushed += len(ids)
        for ch in notes:
            self.client.update_articles([ch.remote_id], FIELD_NOTE, 1, ch.value)
            s.notes_pushed += 1
        state.pushed(self.store, changes, through)


def sync_once(
    store: Store,
    client: TtRssClient,
    password: str,
    progress: Progress | None = None,
    *,
    full: bool = False,
) -> SyncSummary:
    return Sync(store, client, progress, full=full).run(password)
