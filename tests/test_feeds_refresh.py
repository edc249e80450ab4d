"""Refreshing feeds against a real HTTP server into a real store."""

from __future__ import annotations

import asyncio
import gzip
import multiprocessing
import subprocess
import sys
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.fixtures.feeds.builders import HTML_PAGE, atom, json_feed, rss
from tests.httpserver import Handler, Response, TestServer
from tui_reader.config import Config, RefreshConfig
from tui_reader.feeds.refresh import POOL_AT_START, RefreshProgress, _Parsers, refresh
from tui_reader.feeds.welcome import WELCOME_URL, ensure_welcome
from tui_reader.models import Feed
from tui_reader.paths import Paths
from tui_reader.store import Store

FAST = Config(refresh=RefreshConfig(timeout=1.0, max_bytes=300_000, max_redirects=3))


def _feed(store: Store, url: str) -> Feed:
    feed = store.feed_by_url(url)
    assert feed is not None
    return feed


def test_refresh_stores_articles_and_reports_progress(server: TestServer, store: Store) -> None:
    a = server.route("/a.xml", rss(3, title="Feed A"))
    b = server.route("/b.xml", atom(2))
    store.add_feed(a)
    store.add_feed(b, title="My own name")
    seen: list[RefreshProgress] = []
    workers: list[int] = []

    def progress(p: RefreshProgress) -> None:
        seen.append(p)
        workers.append(len(multiprocessing.active_children()))

    summary = refresh(store.path, FAST, progress=progress)
    assert workers == [1, 1]  # two feeds: parsed in one worker process
    assert multiprocessing.active_children() == []  # stopped when the refresh ends
    assert summary.new_articles == 5
    assert {f.url for f in summary.ok} == {a, b}
    assert not summary.failed and not summary.unchanged
    assert [p.done for p in seen] == [1, 2] and all(p.total == 2 for p in seen)
    assert sorted(p.outcome for p in seen) == ["new 2", "new 3"]
    fa, fb = _feed(store, a), _feed(store, b)
    assert (fa.title, fa.total, fa.unread, fa.last_status) == ("Feed A", 3, 3, "ok")
    assert fb.title == "My own name"  # a title the user chose is never overwritten
    assert fa.next_fetch is not None and fa.next_fetch > time.time() + 3000
    titles = {a.title for a in store.list_articles(feed_id=fa.id)}
    assert titles == {"Article 0", "Article 1", "Article 2"}
    assert store.search("Article 1")  # the full-text index is filled


def validated(body: bytes) -> Handler:
    """A feed served with ETag "v1" and a Last-Modified, answering 304 to a request sending
    that ETag back."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("ETag", '"v1"')
        h.send_header("Last-Modified", "Mon, 06 Jan 2025 10:00:00 GMT")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handler


def test_conditional_get_on_second_refresh(server: TestServer, store: Store) -> None:
    url = server.route("/c.xml", validated(rss(2)))
    store.add_feed(url)
    first = refresh(store.path, FAST)
    assert first.new_articles == 2 and _feed(store, url).etag == '"v1"'
    second = refresh(store.path, FAST)
    assert [f.url for f in second.unchanged] == [url] and second.new_articles == 0
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 06 Jan 2025 10:00:00 GMT"
    feed = _feed(store, url)
    assert feed.last_status == "not-modified" and feed.total == 2


def test_gzip_feed(server: TestServer, store: Store) -> None:
    url = server.route(
        "/gz.xml", Response(gzip.compress(rss(4)), headers={"Content-Encoding": "gzip"})
    )
    store.add_feed(url)
    assert refresh(store.path, FAST).new_articles == 4


def test_the_servers_charset_reads_a_feed_that_declares_none(
    server: TestServer, store: Store
) -> None:
    """A feed in windows-1251 with no XML declaration, its charset named only by the server's
    Content-Type, was read as windows-1252 (mojibake): the header never reached the parser."""
    from tui_reader.feeds.discover import discover

    title = "Новости дня"
    doc = rss([("1", "Привет, мир")], title=title).split(b"?>", 1)[1].decode("utf-8")
    url = server.route(
        "/ru.xml", doc.encode("windows-1251"), content_type="text/xml; charset=windows-1251"
    )
    assert discover(url).parsed.title == title  # adding the feed
    store.add_feed(url)
    summary = refresh(store.path, FAST)
    assert summary.new_articles == 1 and not summary.failed
    assert _feed(store, url).title == title
    assert [a.title for a in store.list_articles(feed_id=_feed(store, url).id)] == ["Привет, мир"]


def test_json_feed_refresh(server: TestServer, store: Store) -> None:
    url = server.route("/feed.json", json_feed(3), content_type="application/feed+json")
    store.add_feed(url)
    summary = refresh(store.path, FAST)
    assert summary.new_articles == 3
    assert _feed(store, url).title == "JSON feed"


def test_permanent_redirect_updates_the_url(server: TestServer, store: Store) -> None:
    new = server.route("/new.xml", rss(1))
    old = server.route("/old.xml", "", status=301, headers={"Location": "/new.xml"})
    temp_target = server.route("/t-target.xml", rss(1, prefix="t"))
    temp = server.route("/temp.xml", "", status=302, headers={"Location": "/t-target.xml"})
    store.add_feed(old)
    store.add_feed(temp)
    summary = refresh(store.path, FAST)
    assert not summary.failed
    assert store.feed_by_url(old) is None and store.feed_by_url(new) is not None
    assert store.feed_by_url(temp) is not None and store.feed_by_url(temp_target) is None


def test_a_feed_named_by_the_address_it_moved_from_is_that_feed(
    server: TestServer, store: Store, tmp_path: Path
) -> None:
    """A list of subscriptions imported again (or an `add`) after a feed's permanent redirect
    named it by its old address: a second subscription to it, every article stored twice."""
    from tui_reader.feeds.opml import import_opml

    new = server.route("/new.xml", rss(2))
    old = server.route("/old.xml", "", status=301, headers={"Location": "/new.xml"})
    feed, _ = store.add_feed(old, folder="News")
    refresh(store.path, FAST)
    assert store.add_feed(old) == (store.get_feed(feed.id), False)
    opml = tmp_path / "list.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="Moved" xmlUrl="{old}"/></body></opml>'
    )
    import_opml(store, opml)
    refresh(store.path, FAST)
    assert [f.url for f in store.list_feeds()] == [new]
    assert len(store.list_articles(feed_id=feed.id)) == 2
    # Unsubscribed, its old address is an address like any other again.
    store.remove_feed(feed.id)
    assert store.add_feed(old)[1] is True


def test_read_and_starred_state_survive_refresh(server: TestServer, store: Store) -> None:
    url = server.route("/s.xml", rss([("g1", "First"), ("g2", "Second")]))
    store.add_feed(url)
    refresh(store.path, FAST)
    feed = _feed(store, url)
    arts = {a.guid: a for a in store.list_articles(feed_id=feed.id)}
    store.set_read([arts["g1"].id])
    store.set_starred(arts["g2"].id, True)
    server.route("/s.xml", rss([("g1", "First, edited"), ("g2", "Second"), ("g3", "Third")]))
    summary = refresh(store.path, FAST)
    assert (summary.new_articles, summary.updated_articles) == (1, 1)
    after = {a.guid: a for a in store.list_articles(feed_id=feed.id)}
    assert after["g1"].title == "First, edited" and after["g1"].read
    assert after["g1"].id == arts["g1"].id and after["g1"].uid == arts["g1"].uid
    assert after["g2"].starred and not after["g3"].read


def test_a_broken_feed_never_stops_the_others(server: TestServer, store: Store) -> None:
    good = [server.route(f"/g{i}.xml", rss(2, prefix=f"g{i}")) for i in range(8)]
    broken = server.route("/broken.xml", b"<rss><channel><title>oops")
    failing = server.route("/fails.xml", rss(2, prefix="f"))
    for url in [*good, broken, failing]:
        store.add_feed(url)
    workers: list[int] = []
    first = refresh(  # ten feeds never fetched: parsed in a process pool
        store.path, FAST, progress=lambda p: workers.append(len(multiprocessing.active_children()))
    )
    assert first.new_articles == 18
    assert max(workers) >= 1
    assert [f.url for f, _ in first.failed] == [broken]
    server.route("/fails.xml", "down for maintenance", status=500, content_type="text/plain")
    server.route("/g0.xml", rss(3, prefix="g0"))
    second = refresh(store.path, FAST)
    reasons = {f.url: r for f, r in second.failed}
    assert reasons[failing] == "HTTP 500 Internal Server Error"
    assert "not well-formed XML" in reasons[broken]
    assert second.new_articles == 1
    fails = _feed(store, failing)
    assert fails.last_status == "error" and fails.last_error == "HTTP 500 Internal Server Error"
    assert fails.total == 2  # its earlier articles stay


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "HTTP 404 Not Found"),
        (
            410,
            "HTTP 410 Gone (the site removed this feed: it is fetched again only when you name"
            " it, or in 30 days; `tui-reader remove` removes it, its articles stay)",
        ),
        (500, "HTTP 500 Internal Server Error"),
    ],
)
def test_http_errors_are_recorded(
    server: TestServer, store: Store, status: int, reason: str
) -> None:
    url = server.route("/e.xml", "nope", status=status, content_type="text/plain")
    store.add_feed(url)
    summary = refresh(store.path, FAST)
    assert [(f.url, r) for f, r in summary.failed] == [(url, reason)]
    assert _feed(store, url).last_error == reason


def test_429_retry_after_postpones_the_feed(server: TestServer, store: Store) -> None:
    url = server.route("/busy.xml", "slow down", status=429, headers={"Retry-After": "7200"})
    store.add_feed(url)
    before = time.time()
    summary = refresh(store.path, FAST)
    (reason,) = [r for _, r in summary.failed]
    assert reason == "HTTP 429 Too Many Requests (server asked to wait 2 h)"
    feed = _feed(store, url)
    assert feed.next_fetch is not None and feed.next_fetch >= before + 7200
    server.route("/busy.xml", rss(1))
    again = refresh(store.path, FAST)  # not due: skipped, no request made
    assert [f.url for f, _ in again.skipped] == [url] and not again.failed
    assert "server asked to wait" in again.skipped[0][1]
    named = refresh(store.path, FAST, feed_ids=[feed.id])  # asked for by name: fetched
    assert named.new_articles == 1


def test_huge_retry_after_is_capped(server: TestServer, store: Store) -> None:
    url = server.route("/b.xml", "no", status=503, headers={"Retry-After": "99999999"})
    store.add_feed(url)
    refresh(store.path, FAST)
    feed = _feed(store, url)
    assert feed.next_fetch is not None and feed.next_fetch <= time.time() + 24 * 3600 + 5


def test_timeout_is_recorded(server: TestServer, store: Store) -> None:
    def silent(h: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)

    url = server.route("/slow.xml", silent)
    store.add_feed(url)
    config = replace(FAST, refresh=replace(FAST.refresh, timeout=0.4))
    summary = refresh(store.path, config)
    assert [r for _, r in summary.failed] == ["timed out after 0.4 s"]


def test_redirect_loop_is_recorded(server: TestServer, store: Store) -> None:
    server.route("/l1.xml", "", status=302, headers={"Location": "/l2.xml"})
    url = server.route("/l2.xml", "", status=302, headers={"Location": "/l1.xml"})
    store.add_feed(url)
    assert [r for _, r in refresh(store.path, FAST).failed] == ["redirect loop"]


def test_endless_and_huge_bodies_are_cut(server: TestServer, store: Store) -> None:
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.end_headers()
        h.wfile.write(b"<rss><channel>")
        while True:
            h.wfile.write(b"<item><title>more</title></item>" * 100)

    endless_url = server.route("/endless.xml", endless)
    huge_url = server.route("/huge.xml", rss(20) + b" " * 400_000)
    ok_url = server.route("/ok.xml", rss(1))
    for url in (endless_url, huge_url, ok_url):
        store.add_feed(url)
    summary = refresh(store.path, FAST)
    reasons = dict((f.url, r) for f, r in summary.failed)
    assert reasons == {
        endless_url: "response larger than 300 kB",
        huge_url: "response larger than 300 kB",
    }
    assert summary.new_articles == 1


def test_html_page_given_as_a_feed(server: TestServer, store: Store) -> None:
    url = server.route("/page.html", HTML_PAGE, content_type="text/html")
    store.add_feed(url)
    (reason,) = [r for _, r in refresh(store.path, FAST).failed]
    assert reason == "this is a web page (HTML), not a feed"


def test_five_thousand_entries(server: TestServer, store: Store) -> None:
    url = server.route("/big.xml", rss(5000))
    store.add_feed(url)
    big = replace(FAST, refresh=replace(FAST.refresh, max_bytes=5_000_000, timeout=20.0))
    assert refresh(store.path, big).new_articles == 5000
    assert _feed(store, url).total == 5000


def test_welcome_feed_refreshes_from_the_package(store: Store) -> None:
    assert ensure_welcome(store)
    feed = _feed(store, WELCOME_URL)
    summary = refresh(store.path, FAST)
    assert [f.url for f in summary.unchanged] == [WELCOME_URL]
    store.record_fetch(feed.id, status="ok", etag="stale")  # as if the bundled file changed
    summary = refresh(store.path, FAST)
    assert [f.url for f in summary.ok] == [WELCOME_URL] and summary.new_articles == 0


async def test_refresh_from_a_thread_running_an_event_loop(
    server: TestServer, store: Store
) -> None:
    url = server.route("/a.xml", rss(2))
    store.add_feed(url)
    assert refresh(store.path, FAST).new_articles == 2


def test_only_named_feeds_are_refreshed(server: TestServer, store: Store) -> None:
    a = server.route("/a.xml", rss(1, prefix="a"))
    b = server.route("/b.xml", rss(1, prefix="b"))
    fa, _ = store.add_feed(a)
    store.add_feed(b)
    summary = refresh(store.path, FAST, feed_ids=[fa.id])
    assert [f.url for f in summary.ok] == [a]
    assert all(r.path != "/b.xml" for r in server.requests)


def test_fetches_take_turns_between_servers_and_reuse_their_connections(
    store: Store,
) -> None:
    """Three feeds on each of two servers, two fetches at a time: taking turns between the
    servers, each server's feeds come one after another over one keep-alive connection (in
    the stored order, both of a server's first two feeds were fetched at once, on two)."""
    servers = [TestServer().start(), TestServer().start()]
    ports: dict[int, list[int]] = {0: [], 1: []}
    try:
        for n, srv in enumerate(servers):
            for i in range(3):
                body = rss(1, prefix=f"s{n}f{i}")

                def handler(h: BaseHTTPRequestHandler, body: bytes = body, n: int = n) -> None:
                    ports[n].append(h.client_address[1])
                    h.send_response(200)
                    h.send_header("Content-Length", str(len(body)))
                    h.end_headers()
                    h.wfile.write(body)

                store.add_feed(srv.route(f"/{i}.xml", handler))
        config = replace(FAST, refresh=replace(FAST.refresh, concurrency=2, per_host=2))
        summary = refresh(store.path, config)
    finally:
        for srv in servers:
            srv.stop()
    assert len(summary.ok) == 6
    assert [len(ports[0]), len(ports[1])] == [3, 3]
    assert [len(set(ports[0])), len(set(ports[1]))] == [1, 1]


# Run in a process of its own, whose only thread is the refresh's (as `tui-reader refresh`):
# the test process runs the server's threads, and there workers come from the forkserver.
_ALONE = """
import sys
from multiprocessing import resource_tracker
from pathlib import Path

import tui_reader.feeds.refresh as refresh_module
from tui_reader.paths import get_paths
from tui_reader.reader import Reader


def warm() -> None:
    with Path(sys.argv[1]).open("a") as marks:
        marks.write("warm\\n")


refresh_module._warm_worker = warm
with Reader.open(get_paths()) as reader:
    summary = reader.refresh()
print(len(summary.ok), len(summary.unchanged), resource_tracker._resource_tracker._pid)
"""


def test_a_refresh_whose_feeds_have_validators_forks_a_worker_without_the_parsers(
    server: TestServer, isolated_env: Paths, tmp_path: Path
) -> None:
    """Feeds with validators will most likely answer 304: the refresh's one worker is forked
    without importing the parsers (its first feed imports them), and a single-threaded
    refresh starts no resource tracker (its workers are forked, they need none)."""
    isolated_env.ensure()
    with Store.open(isolated_env.database) as store:
        store.add_feed(server.route("/v.xml", validated(rss(2))))
    marks = tmp_path / "warmed"

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", _ALONE, str(marks)], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert run() == "1 0 None"  # no validators yet: a body is likely, the worker warms up
    assert marks.read_text() == "warm\n"
    assert run() == "0 1 None"
    assert marks.read_text() == "warm\n"  # forked cold: nothing to parse, nothing imported


def test_a_slow_server_gets_another_lane(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server's feeds are fetched one after another, but not behind a slow fetch: once one
    takes longer than SLOW_FETCH, another lane fetches the server's next feed meanwhile."""
    import threading

    import tui_reader.feeds.refresh as refresh_module

    monkeypatch.setattr(refresh_module, "SLOW_FETCH", 0.2)
    slow, fast = TestServer().start(), TestServer().start()
    lock = threading.Lock()
    now = [0]
    most = [0]
    try:

        def handler(h: BaseHTTPRequestHandler) -> None:
            with lock:
                now[0] += 1
                most[0] = max(most[0], now[0])
            time.sleep(1.0)
            with lock:
                now[0] -= 1
            body = rss(1, prefix=h.path.strip("/"))
            h.send_response(200)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        for i in range(3):
            store.add_feed(slow.route(f"/s{i}.xml", handler))
        store.add_feed(fast.route("/f.xml", rss(1, prefix="fast")))
        config = replace(
            FAST, refresh=replace(FAST.refresh, timeout=5.0, concurrency=2, per_host=3)
        )
        summary = refresh(store.path, config)
    finally:
        slow.stop()
        fast.stop()
    assert len(summary.ok) == 4
    assert most[0] == 2  # (at most two fetches at once in all)


_ALONE_COLD = """
import os
import sys
from pathlib import Path

import tui_reader.feeds.refresh as refresh_module
from tui_reader.paths import get_paths
from tui_reader.reader import Reader


def warm() -> None:
    with Path(sys.argv[1]).open("a") as marks:
        marks.write(f"{os.getpid()}\\n")


refresh_module._warm_worker = warm
with Reader.open(get_paths()) as reader:
    summary = reader.refresh()
print(len(summary.ok), os.getpid())
"""


def test_a_first_refresh_imports_the_parsers_once_before_forking_its_workers(
    server: TestServer, isolated_env: Paths, tmp_path: Path
) -> None:
    """Many feeds without validators (a first refresh): the parsers are imported by the
    refresh's own process, once, and every worker forked from it starts with them (instead
    of each worker importing them again on the cores the first parses wait for)."""
    isolated_env.ensure()
    feeds = POOL_AT_START
    with Store.open(isolated_env.database) as store:
        for i in range(feeds):
            store.add_feed(server.route(f"/cold-{i}.xml", rss(2, prefix=f"c{i}")))
    marks = tmp_path / "warmed"
    done = subprocess.run(
        [sys.executable, "-c", _ALONE_COLD, str(marks)], capture_output=True, text=True, check=True
    )
    ok, pid = done.stdout.split()
    assert ok == str(feeds)
    assert marks.read_text().split() == [pid]  # once, in the refresh's process


async def test_bodies_waiting_for_a_worker_are_parsed_largest_first() -> None:
    """When bodies arrive faster than they are parsed, the largest waiting one goes next: the
    small ones are left for the end, so the workers finish together and little is left to
    store after the last parse."""
    parsers = _Parsers(30.0)
    parsers.slots = 1  # one parse at a time: the rest wait
    parsed: list[int] = []

    async def parse(items: int) -> None:
        feed = await parsers.parse(rss(items), "https://example.org/feed.xml")
        parsed.append(len(feed.entries))

    try:
        await asyncio.gather(*(parse(n) for n in (1, 3, 9, 2, 5)))
    finally:
        parsers.close()
    # The first may go before the others wait (its lane starts at once): then the largest.
    assert sorted(parsed) == [1, 2, 3, 5, 9]
    assert parsed[1:] == sorted(parsed[1:], reverse=True)


async def test_the_workers_go_on_while_the_event_loop_is_busy() -> None:
    """A worker that has answered takes the next waiting body at once, even while the event
    loop is busy (storing a batch, fetching): the loop is not needed to hand it out."""
    parsers = _Parsers(30.0)
    parsers.slots = 1
    try:
        tasks = [
            asyncio.ensure_future(parsers.parse(rss(2, prefix=f"f{i}"), "https://example.org/f"))
            for i in range(4)
        ]
        await asyncio.sleep(0)  # each call has queued its body
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # the event loop is held here, as by a long store
            with parsers.lock:
                if not parsers.waiting:
                    break
            time.sleep(0.01)
        with parsers.lock:
            assert not parsers.waiting  # every body was taken while the loop was held
        feeds = await asyncio.gather(*tasks)
    finally:
        parsers.close()
    assert [len(f.entries) for f in feeds] == [2, 2, 2, 2]


@pytest.mark.parametrize(
    ("first", "then", "cut_in", "new"),
    [
        # RSS: a new item on top, the document cut inside the (stored) last one's text.
        (
            rss(3),
            rss([("new", "New"), *[(f"item-{i}", f"Article {i}") for i in range(3)]]),
            b"Text of",
            1,
        ),
        # Atom: cut inside the last entry's content.
        (atom(3), atom(3), b"Body", 0),
    ],
)
def test_a_document_that_ends_early_never_cuts_a_stored_articles_text(
    server: TestServer, store: Store, first: bytes, then: bytes, cut_in: bytes, new: int
) -> None:
    """A feed cut off inside its last entry (a generator rewriting the file, a script dying
    mid-output, a connection closed early with no length): that entry's text was stored cut,
    over the whole one. The entries before it are whole, and a new one among them arrives."""
    url = server.route("/f.xml", first, content_type="application/xml")
    store.add_feed(url)
    refresh(store.path, FAST)
    feed = _feed(store, url)
    before = {a.guid: store.get_body(a.id) for a in store.list_articles(feed_id=feed.id)}
    server.route("/f.xml", then[: then.rindex(cut_in) + 4], content_type="application/xml")
    summary = refresh(store.path, FAST)
    after = {a.guid: store.get_body(a.id) for a in store.list_articles(feed_id=feed.id)}
    assert (summary.new_articles, summary.updated_articles) == (new, 0)
    assert len(after) == len(before) + new
    assert all(after[guid] == body for guid, body in before.items())
    assert "ends early" in (_feed(store, url).last_error or "")


def test_a_document_that_never_closes_its_root_keeps_its_last_whole_entry(
    server: TestServer, store: Store
) -> None:
    """Only an entry the document ends inside waits: a generator that closes every item but
    never the channel and the root lost its last (oldest) item at every refresh."""
    unclosed = rss(3).replace(b"</channel></rss>", b"")
    url = server.route("/f.xml", unclosed, content_type="application/xml")
    store.add_feed(url)
    assert refresh(store.path, FAST).new_articles == 3


def test_a_whole_document_that_is_not_well_formed_still_updates_its_last_entry(
    server: TestServer, store: Store
) -> None:
    url = server.route("/f.xml", rss(2), content_type="application/xml")
    store.add_feed(url)
    refresh(store.path, FAST)
    broken = rss(2).replace(b"Text of Article 1", b"New text of Article 1 & more")  # a bare &
    server.route("/f.xml", broken, content_type="application/xml")
    summary = refresh(store.path, FAST)
    assert summary.updated_articles == 1
