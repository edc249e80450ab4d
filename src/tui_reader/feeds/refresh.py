"""Refresh feeds: fetch concurrently, parse on every core, store in batches.

:func:`refresh` blocks until done and may be called from any thread (it opens its own store
connection and runs its own event loop). Fetching is bounded in total and per server; requests
are conditional (ETag / Last-Modified); a permanent redirect updates the stored URL. Bodies are
parsed in worker processes, each feed under a time budget (``[limits] parse_seconds``): one
that takes longer is skipped with an error and its worker replaced. Results are written in
batches, one transaction each, while fetching goes on. A failing feed records its error and
never stops the others; a 429/503 with Retry-After postpones that feed's next fetch.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import dataclasses
import heapq
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_reader.budget import BudgetError, Sent, Workers, per_core, take_early
from tui_reader.config import Config
from tui_reader.feeds.parse_api import FeedError, parse_in_worker
from tui_reader.feeds.parsers import POOL_AT_START, WORKER_NICE
from tui_reader.feeds.welcome import WELCOME_URL, welcome_bytes, welcome_etag
from tui_reader.models import Feed, FeedStored, FeedUpdate
from tui_reader.net import (
    ACCEPT_FEED,
    FetchError,
    FetchLimits,
    FetchResult,
    Transport,
    fetch_async,
    make_transport,
    run_detached,
)
from tui_reader.store import Store, StoreError
from tui_reader.timestamps import format_local

if TYPE_CHECKING:
    from tui_reader.feeds.parse_api import ParsedFeed

    # A body waiting to be parsed: its bytes, its URL, its Content-Type, and where its refresh
    # waits for it.
    _Body = tuple[bytes, str, str, asyncio.Future[ParsedFeed]]

MIN_RETRY_AFTER = 60.0
MAX_RETRY_AFTER = 24 * 3600.0
WAIT_MARK = "server asked to wait"
# A feed its server says is gone for good (HTTP 410, RFC 9110 15.5.11: "likely to be
# permanent"): not fetched again for GONE_DAYS unless named (feedparser's advice too: stop
# polling it); its articles stay.
GONE_MARK = "the site removed this feed"
GONE_DAYS = 30
NOT_MODIFIED_UNASKED = (
    "HTTP 304 Not Modified to a request that sent no validators (no ETag, no Last-Modified):"
    " the server or a cache in front of it is misconfigured"
)
BATCH_SECONDS = 0.25  # results are stored at least this often...
BATCH_FEEDS = 64  # ...or once this many feeds are waiting
# Parsing always runs in worker processes, under the time budget (tui_reader.budget). Measured
# here: a feed takes ~12 ms to parse; two forked workers are ready in ~0.05 s, overlapping the
# fetches when started first; the forkserver, the safe choice once threads run, takes ~0.6 s to
# start (once per process), then ~0.05 s per worker:
POOL_AFTER_BODIES = 24  # otherwise one worker, and one per core from this many bodies on
# A server's feeds are fetched in lanes, one feed after another over a keep-alive connection
# (Refresher.run); one of its fetches taking longer than this opens another lane to it.
SLOW_FETCH = 1.0
# After this many of a server's feeds found it unreachable (no such host, nothing listening,
# no answer to connect), its other feeds are not tried in this refresh.
UNREACHABLE_AFTER = 2


@dataclass(frozen=True)
class RefreshProgress:
    done: int
    total: int
    feed: Feed
    outcome: str  # "new N" / "unchanged" / "error: ..." / "skipped: ..."
    warning: str = ""  # the feed was broken but usable


@dataclass
class RefreshSummary:
    new_articles: int = 0
    updated_articles: int = 0
    ok: list[Feed] = field(default_factory=list)  # fetched and stored
    unchanged: list[Feed] = field(default_factory=list)  # 304 Not Modified
    failed: list[tuple[Feed, str]] = field(default_factory=list)  # with a one-line reason
    skipped: list[tuple[Feed, str]] = field(default_factory=list)  # not due (Retry-After)
    warnings: list[tuple[Feed, str]] = field(default_factory=list)
    pruned: int = 0
    notes: list[str] = field(default_factory=list)  # problems of no one feed (a sync's errors)

    @property
    def total(self) -> int:
        return len(self.ok) + len(self.unchanged) + len(self.failed) + len(self.skipped)


@dataclass
class _Outcome:
    feed: Feed
    kind: str  # "ok", "not-modified", "error", "skipped"
    error: str = ""
    parsed: ParsedFeed | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_url: str | None = None
    redirected_to: str | None = None  # where a temporary redirect led (not stored)
    retry_after: float | None = None
    gone: bool = False  # HTTP 410


def refresh(
    store_path: Path,
    config: Config,
    feed_ids: Sequence[int] | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    *,
    only_due: bool = False,
) -> RefreshSummary:
    """Refresh the given feeds (all when ``feed_ids`` is None) and return what happened.

    ``progress`` is called once per feed, after its result is stored, on the thread running
    the refresh: the caller's own, or a helper thread when the caller runs an event loop (a
    Textual app should hand it over with ``call_from_thread``). With ``only_due``, feeds whose
    next fetch time has not come are skipped (for automatic refreshes). Feeds a server asked
    to wait (Retry-After) are skipped unless named."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _refresh_blocking(store_path, config, feed_ids, progress, only_due)
    # Called on a thread running an event loop: run on a fresh thread instead.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(
            _refresh_blocking, store_path, config, feed_ids, progress, only_due
        ).result()


def _refresh_blocking(
    store_path: Path,
    config: Config,
    feed_ids: Sequence[int] | None,
    progress: Callable[[RefreshProgress], None] | None,
    only_due: bool,
) -> RefreshSummary:
    store = Store.open(store_path)
    try:
        feeds = store.list_feeds()
        if feed_ids is not None:
            wanted = set(feed_ids)
            feeds = [f for f in feeds if f.id in wanted]
        summary = RefreshSummary()
        runner = _Refresher(store, config, progress, summary, len(feeds))
        now = time.time()
        todo: list[Feed] = []
        for feed in feeds:
            reason = _not_due(feed, now, only_due=only_due, named=feed_ids is not None)
            if reason:
                runner.skip(feed, reason)
            else:
                todo.append(feed)
        if todo:
            parsers = _Parsers(config.limits.parse_seconds)
            if threading.active_count() == 1:
                # Fork the parser processes now, while this is still the only thread (the
                # cheapest way). Feeds without validators will most likely send a body: on a
                # first refresh, start as many as the cores.
                unvalidated = sum(
                    1 for f in todo if f.url != WELCOME_URL and not (f.etag or f.last_modified)
                )
                # When every feed has validators (all may well answer 304), the one worker
                # is forked without importing the parsers (lxml, feedparser: ~0.1 s of CPU);
                # its first feed imports them.
                early = take_early()  # forked by the command before its imports, if it was
                if unvalidated >= POOL_AT_START and early is not None:
                    parsers.workers.adopt(early)
                elif unvalidated >= POOL_AT_START:
                    # The parsers are imported here, once, before the fork: each worker then
                    # starts with them. Imported in each worker, they cost every worker ~0.04 s
                    # of CPU on the cores the first parses are waiting for (measured: the
                    # workers were ready 0.07 s after their fork on 2 cores).
                    _warm_worker()
                    parsers.start(min(per_core(), unvalidated), warm=False)
                else:
                    if early is not None:
                        # Most feeds will answer 304: one cold worker is enough.
                        early.stop(now=True)
                    parsers.start(1, warm=unvalidated > 0)
            try:
                # The batches' commits never wait for a checkpoint's disk sync: it runs aside.
                with store.checkpoints_aside() as checkpointer:
                    runner.checkpoint = checkpointer.request
                    run_detached(runner.run(todo, parsers))
            finally:
                parsers.close()
        if config.reader.keep_days > 0:
            with contextlib.suppress(StoreError):  # pruning can wait for the next refresh
                summary.pruned = store.prune(time.time() - config.reader.keep_days * 86400)
        return summary
    finally:
        store.close()


def _not_due(feed: Feed, now: float, *, only_due: bool, named: bool) -> str:
    if feed.next_fetch is None or feed.next_fetch <= now:
        return ""
    if feed.last_status == "error" and WAIT_MARK in feed.last_error and not named:
        return f"{WAIT_MARK}; next try at {format_local(feed.next_fetch, '%H:%M', 'later')}"
    if feed.last_status == "error" and GONE_MARK in feed.last_error and not named:
        return f"{GONE_MARK} (HTTP 410 Gone); name it to fetch it again"
    if only_due:
        return "not due yet"
    return ""


def _host_key(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}"
    except ValueError:
        return url


def _by_host(feeds: list[Feed]) -> dict[str, collections.deque[Feed]]:
    """The feeds of each server, in their order."""
    by_host: dict[str, collections.deque[Feed]] = {}
    for feed in feeds:
        by_host.setdefault(_host_key(feed.url), collections.deque()).append(feed)
    return by_host


def _wait_text(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.3g} h"
    if seconds >= 60:
        return f"{seconds / 60:.3g} min"
    return f"{seconds:.0f} s"


class _Parsers:
    """Parses bodies in worker processes (tui_reader.budget), each under the time budget: a
    feed that takes longer is given up (its worker is stopped and replaced) and the others go
    on. One worker at first, as many as the cores once a few bodies have arrived (or at once
    on a first refresh, see _refresh_blocking).

    Bodies waiting for a worker are handed out largest first. They wait when the fetches
    outrun the parsing (a first refresh: every body is in long before the last is parsed);
    taking the largest first leaves small ones for the end, so the workers finish close
    together and the last batch to store is small (the longest-processing-time rule).

    Each of up to ``slots`` lanes (a thread) keeps its worker supplied and hands the answers
    to the event loop: the worker's next body does not wait for the loop (which stores,
    fetches and reports meanwhile) to take its turn. While more bodies wait than there are
    lanes, the lane queues the next one behind the body its worker is parsing
    (Workers.send_behind), so that the worker goes on to it at once: handing it over only
    after the answer had come made the worker wait for the lane to be woken and to get the
    interpreter lock, which a busy refresh holds for milliseconds at a time. Measured on
    alternated pairs of cold refreshes of the bench's 500 feeds: when the host was slow
    (contended) 2.96 s before, 2.66 s after (median), faster in 12 of 12; when it was fast,
    no difference (6 and 3 of 12); the same articles stored."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.workers = Workers(max_workers=1, warm=_warm_worker, nice=WORKER_NICE, queueing=True)
        self.slots = per_core()
        self.threads = concurrent.futures.ThreadPoolExecutor(
            max_workers=self.slots, thread_name_prefix="tui-reader-parse"
        )
        self.bodies = 0
        self.bodies_back = 0
        self.lock = threading.Lock()  # guards the three below, shared with the lanes
        self.lanes = 0
        self.closed = False
        self.waiting: list[tuple[int, int, bytes, str, str, asyncio.Future[ParsedFeed]]] = []

    def start(self, workers: int, *, warm: bool = True) -> None:
        """Start workers now (only while this is the only thread: they are forked)."""
        self.workers.grow(workers)
        self.workers.start(workers, warm=warm)

    async def parse(self, body: bytes, url: str, content_type: str = "") -> ParsedFeed:
        self.bodies += 1
        if self.bodies == POOL_AFTER_BODIES:
            self.workers.grow(per_core())
        loop = asyncio.get_running_loop()
        done: asyncio.Future[ParsedFeed] = loop.create_future()
        with self.lock:
            if self.closed:
                raise BudgetError("the parsers are closed")
            heapq.heappush(self.waiting, (-len(body), self.bodies, body, url, content_type, done))
            new_lane = self.lanes < self.slots
            if new_lane:
                self.lanes += 1
        if new_lane:
            self.threads.submit(self._lane, loop)
        return await done

    def _lane(self, loop: asyncio.AbstractEventLoop) -> None:
        """Parse waiting bodies, largest first, until none is left (runs on a thread). The
        next body is queued behind the one the worker parses (or, when none could be, given
        to it as soon as it has answered, before its answer is read). When the worker is
        stopped (its body took too long, or it died), the body queued behind goes back to
        wait for another: it is not that body's error."""
        current = self._take()
        sent = self._send(loop, current)
        ahead: tuple[_Body, Sent] | None = None  # the next body, queued behind on its worker
        while current is not None:
            if sent is not None and ahead is None:
                ahead = self._queue_behind(sent)
            raw: bytes | None = None
            error: Exception | None = None
            if sent is not None:
                try:
                    raw = self.workers.answer(sent, self.seconds, "the feed")
                except Exception as exc:  # the feed's error, for its refresh to record
                    error = exc
            following: _Body | None
            following_sent: Sent | None
            if ahead is not None and error is None:
                following, following_sent = ahead  # already running
            else:
                if ahead is not None:  # lost with its worker, stopped for the current one
                    self._put_back(ahead[0])
                following = self._take()
                following_sent = self._send(loop, following)
            ahead = None
            if sent is not None:  # (else its error was given already)
                result: ParsedFeed | None = None
                if raw is not None:
                    try:
                        result = Workers.decode(raw)
                    except Exception as exc:
                        error = exc
                *_, done = current
                if not _post(loop, done, result, error):
                    return
            current, sent = following, following_sent

    def _queue_behind(self, sent: Sent) -> tuple[_Body, Sent] | None:
        """The largest waiting body queued on the worker of ``sent``, when more bodies wait
        than there are lanes (near the end, one left queued behind a long parse could keep
        the other worker idle)."""
        with self.lock:
            if self.closed or len(self.waiting) <= self.slots:
                return None
            _, _, body, url, content_type, done = heapq.heappop(self.waiting)
        item = (body, url, content_type, done)
        queued = self.workers.send_behind(sent, parse_in_worker, body, url, content_type)
        if queued is None:
            self._put_back(item)
            return None
        return item, queued

    def _put_back(self, item: _Body) -> None:
        body, url, content_type, done = item
        with self.lock:
            self.bodies_back += 1
            heapq.heappush(
                self.waiting, (-len(body), -self.bodies_back, body, url, content_type, done)
            )

    def _take(self) -> _Body | None:
        """The largest waiting body; None (and this lane ends) when none is left."""
        with self.lock:
            while self.waiting and not self.closed:
                _, _, body, url, content_type, done = heapq.heappop(self.waiting)
                if not done.cancelled():  # (else its refresh gave up waiting)
                    return body, url, content_type, done
            self.lanes -= 1
            return None

    def _send(
        self,
        loop: asyncio.AbstractEventLoop,
        item: _Body | None,
    ) -> Sent | None:
        """The body given to a free worker; None when there is none (or it could not be given,
        and its error was given to its refresh)."""
        if item is None:
            return None
        body, url, content_type, done = item
        try:
            return self.workers.send("the feed", parse_in_worker, body, url, content_type)
        except Exception as exc:
            _post(loop, done, None, exc)
            return None

    def close(self) -> None:
        with self.lock:
            self.closed = True  # the lanes take no other body
            self.waiting.clear()
        self.workers.close()  # first: a parse still running ends at once
        self.threads.shutdown(wait=True, cancel_futures=True)


def _post(
    loop: asyncio.AbstractEventLoop,
    done: asyncio.Future[ParsedFeed],
    result: ParsedFeed | None,
    error: Exception | None,
) -> bool:
    """Give a parse's outcome to the event loop (from a lane); False when the loop is closed."""
    try:
        loop.call_soon_threadsafe(_settle, done, result, error)
    except RuntimeError:  # the loop is closed: nobody waits for it any more
        return False
    return True


def _settle(
    done: asyncio.Future[ParsedFeed], result: ParsedFeed | None, error: Exception | None
) -> None:
    if done.cancelled():
        return
    if error is not None:
        done.set_exception(error)
    else:
        assert result is not None
        done.set_result(result)


def _warm_worker() -> None:
    import tui_reader.feeds.parse as parse_module

    parse_module.warm_up()


class _Refresher:
    def __init__(
        self,
        store: Store,
        config: Config,
        progress: Callable[[RefreshProgress], None] | None,
        summary: RefreshSummary,
        total: int,
    ) -> None:
        self.store = store
        self.config = config
        self.progress = progress
        self.summary = summary
        self.total = total
        self.done = 0
        self.limits = FetchLimits.from_config(config.refresh)
        self.interval = max(60.0, config.refresh.interval_minutes * 60.0)
        self.checkpoint: Callable[[], None] = lambda: None  # asked for after each batch

    def _report(self, feed: Feed, outcome: str, warning: str = "") -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(RefreshProgress(self.done, self.total, feed, outcome, warning))

    def skip(self, feed: Feed, reason: str) -> None:
        self.summary.skipped.append((feed, reason))
        self._report(feed, f"skipped: {reason}")

    async def run(self, feeds: list[Feed], parsers: _Parsers) -> None:
        cfg = self.config.refresh
        total_limit = max(1, cfg.concurrency)
        self.per_host = max(1, min(cfg.per_host or total_limit, total_limit))
        self.gate = asyncio.Semaphore(total_limit)
        # One small connection pool per server: the per-host bound is its size.
        self.pools: dict[str, Transport] = {}
        self.parsers = parsers
        self.queue: asyncio.Queue[_Outcome | None] = asyncio.Queue()
        self.parsing: list[asyncio.Task[None]] = []
        self.db = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        # Each server's feeds are fetched in lanes, one feed after another, so that its next
        # feed goes over the keep-alive connection its previous one used. Fetching every feed
        # at once (each waiting for its server's place) opened a connection per feed
        # (measured: 497 connections for 500 feeds on 100 servers; 100 in lanes). A server
        # gets its fair part of the fetches at once in lanes (at least one, at most
        # per_host), and one more lane whenever one of its fetches is slow (SLOW_FETCH), so
        # a slow server's feeds do not wait for each other. The lanes take turns between
        # servers.
        self.waiting = _by_host(feeds)
        self.lanes: collections.Counter[str] = collections.Counter()
        # Fetches of each server that found it unreachable, and the first one's reason.
        self.unreachable: collections.Counter[str] = collections.Counter()
        self.unreachable_why: dict[str, str] = {}
        self.answered: set[str] = set()  # servers that answered a feed in this refresh
        self.lane_tasks: list[asyncio.Task[None]] = []
        share = max(1, min(self.per_host, -(-total_limit // max(1, len(self.waiting)))))
        for key, queue in self.waiting.items():
            for _ in range(min(share, len(queue))):
                self._open_lane(key)
        writer = asyncio.create_task(self._writer())
        try:
            while self.lane_tasks:  # (lanes opened meanwhile are waited for next)
                lanes, self.lane_tasks = self.lane_tasks, []
                await asyncio.gather(*lanes)
            await asyncio.gather(*self.parsing)
        finally:
            await self.queue.put(None)
            await writer
            self.db.shutdown(wait=True)
            # All at once: each waits for its connections' close (an event-loop turn at
            # least), one after another they took 100 turns for 100 servers.
            await asyncio.gather(*(transport.aclose() for transport in self.pools.values()))

    def _pool(self, url: str) -> Transport:
        key = _host_key(url)
        found = self.pools.get(key)
        if found is None:
            found = self.pools[key] = make_transport(max_connections=self.per_host)
        return found

    def _open_lane(self, key: str) -> None:
        self.lanes[key] += 1
        self.lane_tasks.append(asyncio.create_task(self._lane(key)))

    def _widen(self, key: str) -> None:
        """A fetch from this server is slow: another lane for its feeds still waiting."""
        if self.waiting[key] and self.lanes[key] < self.per_host:
            self._open_lane(key)

    async def _lane(self, key: str) -> None:
        """Fetch a server's waiting feeds one after another (over one keep-alive connection);
        each body is parsed while the lane goes on."""
        queue = self.waiting[key]
        while queue:
            feed = queue.popleft()
            if self.unreachable[key] >= UNREACHABLE_AFTER:
                # The server did not answer its feeds before this one: not tried again now
                # (a dead host's 60 feeds each waited their own timeout, minutes in all).
                reason = self.unreachable_why[key]
                await self.queue.put(_Outcome(feed, "error", error=f"{reason} (not tried)"))
                continue
            try:
                outcome = await self._fetch(feed, key)
            except Exception as exc:  # a bug must not stop the other feeds
                outcome = self._unexpected(feed, exc)
            if isinstance(outcome, _Outcome):
                await self.queue.put(outcome)
            else:
                self.parsing.append(asyncio.create_task(self._parse(feed, outcome)))

    @staticmethod
    def _unexpected(feed: Feed, exc: Exception) -> _Outcome:
        return _Outcome(feed, "error", error=f"unexpected {type(exc).__name__}: {exc}")

    async def _fetch(self, feed: Feed, key: str) -> _Outcome | FetchResult:
        """The feed's outcome, or its fetched body (to parse)."""
        if feed.url == WELCOME_URL:
            return self._welcome(feed)
        transport = self._pool(feed.url)
        async with self.gate:
            slow = asyncio.get_running_loop().call_later(SLOW_FETCH, self._widen, key)
            try:
                result = await fetch_async(
                    transport,
                    feed.url,
                    limits=self.limits,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    accept=ACCEPT_FEED,
                )
            except FetchError as exc:
                if exc.status is not None:
                    self.answered.add(key)
                elif exc.unreachable and key not in self.answered:
                    # (A server that answered another feed is up: a feed of its that timed
                    # out is a slow one, not a sign that the others will.)
                    self.unreachable[key] += 1
                    self.unreachable_why.setdefault(
                        key, f"the server did not answer its feeds before this one: {exc}"
                    )
                return _Outcome(
                    feed,
                    "error",
                    error=str(exc),
                    retry_after=exc.retry_after,
                    gone=exc.status == 410,
                )
            finally:
                slow.cancel()
        self.answered.add(key)
        if result.not_modified:
            if not (feed.etag or feed.last_modified):
                # RFC 9110 15.4.5: a 304 answers a conditional request only. To one that
                # sent no validators it says nothing: the feed would stay empty for ever,
                # "unchanged" at every refresh.
                return _Outcome(feed, "error", error=NOT_MODIFIED_UNASKED)
            return _Outcome(
                feed,
                "not-modified",
                etag=result.etag,
                last_modified=result.last_modified,
                new_url=result.permanent_url,
            )
        return result

    async def _parse(self, feed: Feed, result: FetchResult) -> None:
        try:
            try:
                parsed = await self.parsers.parse(result.body, result.url, result.content_type)
            except (FeedError, BudgetError) as exc:
                outcome = _Outcome(feed, "error", error=str(exc))
            else:
                outcome = _Outcome(
                    feed,
                    "ok",
                    parsed=parsed,
                    etag=result.etag,
                    last_modified=result.last_modified,
                    new_url=result.permanent_url,
                    redirected_to=result.url if result.url != feed.url else None,
                )
        except Exception as exc:  # a bug must not stop the other feeds
            outcome = self._unexpected(feed, exc)
        await self.queue.put(outcome)

    def _welcome(self, feed: Feed) -> _Outcome:
        data = welcome_bytes()
        etag = welcome_etag(data)
        if feed.etag == etag:
            return _Outcome(feed, "not-modified")
        # Only now: the parsers' module (lxml, feedparser) is ~0.1 s to import, and a refresh
        # whose feeds all answer 304 needs none of it in this process (they parse in workers).
        from tui_reader.feeds.parse import parse_feed

        return _Outcome(feed, "ok", parsed=parse_feed(data, WELCOME_URL), etag=etag)

    async def _writer(self) -> None:
        """Store outcomes in batches: one transaction per batch (each also flushes the
        full-text index once), gathered for up to BATCH_SECONDS or BATCH_FEEDS feeds."""
        loop = asyncio.get_running_loop()
        finished = False
        while not finished:
            first = await self.queue.get()
            if first is None:
                break
            batch = [first]
            deadline = loop.time() + BATCH_SECONDS
            while len(batch) < BATCH_FEEDS:
                if self.queue.empty():
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        item = await asyncio.wait_for(self.queue.get(), remaining)
                    except TimeoutError:
                        break
                else:
                    item = self.queue.get_nowait()
                if item is None:
                    finished = True
                    break
                batch.append(item)
            results = await loop.run_in_executor(self.db, self._write_batch, batch)
            for outcome, (text, warning) in zip(batch, results, strict=True):
                self._report(outcome.feed, text, warning)

    def _write_batch(self, batch: list[_Outcome]) -> list[tuple[str, str]]:
        """Store a batch of outcomes (one transaction; the store keeps the others when one
        feed fails to store) and count them in the summary. Runs on the database thread."""
        now = time.time()
        updates = [self._decide(o, now) for o in batch]
        try:
            stored = self.store.store_fetches(updates)
        except StoreError as exc:
            # The whole batch was rolled back: nothing of it is stored, nor counted.
            reason = f"could not store: {exc}"
            self.summary.failed += [(o.feed, reason) for o in batch]
            return [(f"error: {reason}", "") for _ in batch]
        self.checkpoint()
        return [self._count(o, u, r) for o, u, r in zip(batch, updates, stored, strict=True)]

    def _decide(self, o: _Outcome, now: float) -> FeedUpdate:
        """What the store records for one outcome (no database here): the next fetch time,
        a server's request to wait, the entries and the metadata to keep."""
        feed = o.feed
        next_fetch = now + self.interval
        if o.kind == "error":
            error = o.error
            if o.retry_after is not None:
                # Left alone as long as the server asked (at least a minute, at most a day),
                # not the refresh interval: a server asking for a pause of a second was left
                # alone for an hour, one giving no Retry-After not at all.
                wait = min(max(o.retry_after, MIN_RETRY_AFTER), MAX_RETRY_AFTER)
                asked = min(o.retry_after, MAX_RETRY_AFTER)
                error = f"{error} ({WAIT_MARK} {_wait_text(asked)})"
                next_fetch = now + wait
            elif o.gone:
                error = (
                    f"{error} ({GONE_MARK}: it is fetched again only when you name it, or in"
                    f" {GONE_DAYS} days; `tui-reader remove` removes it, its articles stay)"
                )
                next_fetch = now + GONE_DAYS * 86400
            return FeedUpdate(feed, "error", error=error, next_fetch=next_fetch)
        if o.kind == "not-modified":
            return FeedUpdate(
                feed,
                "not-modified",
                next_fetch=next_fetch,
                etag=o.etag,
                last_modified=o.last_modified,
                new_url=o.new_url,
            )
        parsed = o.parsed
        assert parsed is not None
        target = (
            feed
            if feed.title or not parsed.title
            else dataclasses.replace(feed, title=parsed.title)
        )
        return FeedUpdate(
            target,
            "ok",
            error=parsed.warning,
            next_fetch=next_fetch,
            etag=o.etag,
            last_modified=o.last_modified,
            title=parsed.title or None,
            site_url=parsed.site_url or None,
            new_url=o.new_url,
            redirected_to=o.redirected_to,
            entries=tuple(parsed.entries),
        )

    def _count(self, o: _Outcome, u: FeedUpdate, r: FeedStored) -> tuple[str, str]:
        """The outcome in the summary; the progress line's text and warning."""
        feed = o.feed
        if r.error:
            self.summary.failed.append((feed, r.error))
            return f"error: {r.error}", ""
        if u.status == "error":
            self.summary.failed.append((feed, u.error))
            return f"error: {u.error}", ""
        if u.status == "not-modified":
            self.summary.unchanged.append(feed)
            return "unchanged", ""
        self.summary.new_articles += r.new
        self.summary.updated_articles += r.updated
        self.summary.ok.append(feed)
        if u.error:
            self.summary.warnings.append((feed, u.error))
        text = f"new {r.new}" + (f", updated {r.updated}" if r.updated else "")
        return text, u.error
