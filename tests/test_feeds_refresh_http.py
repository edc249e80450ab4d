"""What real servers and CDNs answer, against a refresh into a real store: a 304 to a request
that asked nothing, new validators on a 304, a feed gone for good, a short Retry-After, a
move onto a feed already subscribed, redirects that end elsewhere, a bot check."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fixtures.feeds.builders import rss
from tests.httpserver import Response, TestServer
from tui_reader.config import Config, RefreshConfig
from tui_reader.feeds.refresh import refresh
from tui_reader.models import Feed
from tui_reader.net import FetchError, fetch, parse_retry_after
from tui_reader.paths import Paths
from tui_reader.reader import Reader
from tui_reader.sanitize import url_key
from tui_reader.store import Store

FAST = Config(refresh=RefreshConfig(timeout=1.0, max_bytes=300_000, max_redirects=5))


def _feed(store: Store, url: str) -> Feed:
    feed = store.feed_by_url(url)
    assert feed is not None
    return feed


def test_a_304_to_a_request_without_validators_is_an_error(
    server: TestServer, store: Store
) -> None:
    """A broken cache answering 304 to a first fetch: the feed stayed empty for ever, shown
    as "unchanged", and the refresh succeeded."""
    url = server.route("/first304.xml", "", status=304)
    store.add_feed(url)
    summary = refresh(store.path, FAST)
    assert not summary.unchanged
    [(_, reason)] = [(f.url, r) for f, r in summary.failed]
    assert reason.startswith("HTTP 304 Not Modified to a request that sent no validators")
    assert "if-none-match" not in server.requests[-1].headers


def test_new_validators_on_a_304_are_the_ones_sent_next(server: TestServer, store: Store) -> None:
    url = server.route("/v.xml", Response(rss(1), headers={"ETag": '"v1"'}))
    store.add_feed(url)
    refresh(store.path, FAST)
    server.route(
        "/v.xml",
        Response(
            "",
            status=304,
            headers={"ETag": '"v2"', "Last-Modified": "Tue, 07 Jan 2025 10:00:00 GMT"},
        ),
    )
    assert [f.url for f in refresh(store.path, FAST).unchanged] == [url]
    feed = _feed(store, url)
    assert (feed.etag, feed.last_modified) == ('"v2"', "Tue, 07 Jan 2025 10:00:00 GMT")
    refresh(store.path, FAST)
    assert server.requests[-1].headers["if-none-match"] == '"v2"'


def test_a_feed_gone_for_good_is_not_fetched_again_unless_named(
    server: TestServer, store: Store
) -> None:
    url = server.route("/gone.xml", rss(2))
    feed, _ = store.add_feed(url)
    refresh(store.path, FAST)
    server.route("/gone.xml", "gone", status=410, content_type="text/plain")
    [(_, reason)] = [(f.url, r) for f, r in refresh(store.path, FAST).failed]
    assert reason.startswith("HTTP 410 Gone (the site removed this feed: it is fetched again")
    asked = len(server.requests)
    again = refresh(store.path, FAST)
    assert len(server.requests) == asked and not again.failed
    assert (
        again.skipped[0][1]
        == "the site removed this feed (HTTP 410 Gone); name it to fetch it again"
    )
    assert len(store.list_articles(feed_id=feed.id)) == 2  # (its articles stay)
    server.route("/gone.xml", rss(3))
    assert refresh(store.path, FAST, feed_ids=[feed.id]).new_articles == 1


def test_a_short_retry_after_is_waited_as_asked_not_for_the_interval(
    server: TestServer, store: Store
) -> None:
    """ "Retry-After: 90" left the feed alone for the refresh interval (an hour), longer than
    a server giving no Retry-After at all (fetched at the next refresh)."""
    url = server.route("/busy.xml", "slow down", status=503, headers={"Retry-After": "90"})
    store.add_feed(url)
    before = time.time()
    [(_, reason)] = [(f.url, r) for f, r in refresh(store.path, FAST).failed]
    assert reason == "HTTP 503 Service Unavailable (server asked to wait 1.5 min)"
    feed = _feed(store, url)
    assert feed.next_fetch is not None and before + 90 <= feed.next_fetch <= time.time() + 91


def test_retry_after_is_read_in_ascii_digits_only() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("\u00b2") is None  # ("²": str.isdigit says yes, float says no)
    assert parse_retry_after("\u0661\u0662") is None  # (Arabic-Indic 12)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0) == 0.0


def test_a_move_onto_a_feed_already_subscribed_stores_nothing_twice(
    server: TestServer, store: Store
) -> None:
    new = server.route("/new.xml", rss(3))
    old = server.route("/old.xml", rss(3))
    store.add_feed(new)
    old_feed, _ = store.add_feed(old)
    refresh(store.path, FAST, feed_ids=[_feed(store, new).id])
    server.route("/old.xml", "", status=301, headers={"Location": "/new.xml"})
    summary = refresh(store.path, FAST)
    [(failed, reason)] = summary.failed
    assert failed.id == old_feed.id
    assert reason.startswith(f"moved permanently to {new}, which is already a subscription")
    assert len(store.list_articles(feed_id=_feed(store, new).id)) == 3
    assert store.list_articles(feed_id=old_feed.id) == []


def test_a_temporary_redirect_onto_a_feed_already_subscribed_stores_nothing_twice(
    server: TestServer, store: Store, paths: Paths
) -> None:
    """A blog's "/?feed=rss2" answering 302 with its "/feed/": `add` made a second
    subscription of a feed already there, and a subscription that started to 302 onto
    another one stored all of that one's articles again."""
    feed = server.route("/feed/", rss(3))
    store.add_feed(feed)
    refresh(store.path, FAST)
    via = server.route("/blog/feed/", "", status=302, headers={"Location": "/feed/"})
    reader = Reader.open(paths)
    try:
        added = reader.subscribe(via)
        assert not added.created and added.feed.url == feed
    finally:
        reader.close()
    assert [f.url for f in store.list_feeds()] == [feed]
    other = server.route("/other.xml", rss(2, prefix="o"))
    other_feed, _ = store.add_feed(other)
    refresh(store.path, FAST)
    assert len(store.list_articles(feed_id=other_feed.id)) == 2
    server.route("/other.xml", "", status=307, headers={"Location": "/feed/"})
    [(failed, reason)] = refresh(store.path, FAST).failed
    assert failed.id == other_feed.id
    assert reason.startswith(f"redirected to {feed}, which is already a subscription")
    assert len(store.list_articles(feed_id=other_feed.id)) == 2  # its own, kept
    assert len(store.list_articles(feed_id=_feed(store, feed).id)) == 3
    # A temporary redirect to a feed not subscribed is followed, as ever.
    server.route("/third.xml", "", status=302, headers={"Location": "/fourth.xml"})
    server.route("/fourth.xml", rss(1, prefix="t"))
    third, _ = store.add_feed(server.url("/third.xml"))
    assert refresh(store.path, FAST, feed_ids=[third.id]).new_articles == 1


def test_adding_a_subscribed_feed_written_otherwise_says_so_and_stores_nothing(
    server: TestServer, store: Store, paths: Paths
) -> None:
    """An address pasted from a browser with a trailing "?" or a "#fragment" said
    "Subscribed to ...: 0 articles stored" though no subscription was made."""
    feed = server.route("/feed/", rss(3))
    reader = Reader.open(paths)
    try:
        assert reader.subscribe(feed).created
        for respelled in (feed + "?", feed + "#comments"):
            again = reader.subscribe(respelled)
            assert not again.created and again.feed.url == feed, respelled
    finally:
        reader.close()
    assert [f.url for f in store.list_feeds()] == [feed]


def test_a_feed_that_moved_when_added_is_found_by_its_old_address(
    server: TestServer, store: Store, paths: Paths, tmp_path: Path
) -> None:
    """`add A` followed A's permanent redirect to B and subscribed B, but forgot A: a list
    naming A (an older export) subscribed it a second time."""
    from tui_reader.feeds.opml import import_opml

    new = server.route("/new.xml", rss(2))
    old = server.route("/old.xml", "", status=308, headers={"Location": "/new.xml"})
    reader = Reader.open(paths)
    try:
        added = reader.subscribe(old)
        assert added.created and added.feed.url == new
    finally:
        reader.close()
    opml = tmp_path / "list.opml"
    opml.write_text(f'<opml version="2.0"><body><outline xmlUrl="{old}"/></body></opml>')
    import_opml(store, opml)
    assert [f.url for f in store.list_feeds()] == [new]


def test_a_permanent_move_then_a_temporary_one_stores_the_permanent_target(
    server: TestServer, store: Store
) -> None:
    server.route("/c.xml", rss(1))
    b = server.route("/b.xml", "", status=302, headers={"Location": "/c.xml"})
    a = server.route("/a.xml", "", status=301, headers={"Location": "/b.xml"})
    store.add_feed(a)
    assert refresh(store.path, FAST).new_articles == 1
    assert [f.url for f in store.list_feeds()] == [b]


def test_an_error_after_a_redirect_names_the_server_that_failed(server: TestServer) -> None:
    url = server.route(
        "/moved.xml", "", status=301, headers={"Location": "http://feeds.invalid/rss"}
    )
    try:
        fetch(url)
    except FetchError as exc:
        message = str(exc)
    assert message == "host not found: feeds.invalid (redirected to http://feeds.invalid/rss)"


def test_a_bot_check_is_named(server: TestServer) -> None:
    url = server.route(
        "/bot.xml",
        Response(
            "<title>Just a moment...</title>",
            status=403,
            headers={"cf-mitigated": "challenge"},
            content_type="text/html",
        ),
    )
    try:
        fetch(url)
    except FetchError as exc:
        message = str(exc)
    assert message == (
        "HTTP 403 Forbidden: the site puts a bot check in front of it, which a feed reader"
        " cannot pass (the site can exempt its feed)"
    )


@pytest.mark.parametrize(
    "header", [("cf-mitigated", "challenge"), ("x-amzn-waf-action", "captcha")]
)
def test_a_challenge_page_sent_as_200_is_no_page(
    server: TestServer, header: tuple[str, str]
) -> None:
    """Cloudflare and AWS WAF send their challenge page with these headers, whatever the
    status; sent as 200, the page was shown, and stored, as the article ("Just a moment...").
    DataDome's header is on every answer of a site it guards: no sign by itself."""
    challenge = Response(
        "<title>Just a moment...</title><p>Checking your browser before accessing.</p>",
        headers=dict([header]),
        content_type="text/html",
    )
    try:
        fetch(server.route("/challenge.html", challenge))
    except FetchError as exc:
        message = str(exc)
    assert message == (
        "HTTP 200 OK: the site puts a bot check in front of it, which a feed reader"
        " cannot pass (the site can exempt its feed)"
    )
    guarded = Response("<p>The article.</p>", headers={"x-datadome": "protected"})
    assert fetch(server.route("/guarded.html", guarded)).body == b"<p>The article.</p>"


def test_a_redirect_with_a_space_is_stored_as_requested(server: TestServer, store: Store) -> None:
    server.route("/new%20feed.xml", rss(1))
    old = server.route("/old.xml", "", status=301, headers={"Location": "/new feed.xml"})
    store.add_feed(old)
    assert refresh(store.path, FAST).new_articles == 1
    [feed] = store.list_feeds()
    assert feed.url.endswith("/new%20feed.xml")


def test_percent_escapes_of_plain_letters_name_the_same_address() -> None:
    assert url_key("https://h.example/%66eed.xml") == url_key("https://h.example/feed.xml")
    assert url_key("https://h.example/a%2fb") == url_key("https://h.example/a%2Fb")
    assert url_key("https://h.example/a%2Fb") != url_key("https://h.example/a/b")


def test_a_server_that_answers_nothing_is_not_waited_for_feed_after_feed(
    server: TestServer, store: Store
) -> None:
    """Each feed of a hung server (it takes connections and says nothing) waited its own
    timeout, one after another: minutes for a server with many feeds. After two, its other
    feeds are not tried in this refresh, and say why."""
    from dataclasses import replace

    def silent(h: object) -> None:
        time.sleep(3)

    urls = [server.route(f"/hung{i}.xml", silent) for i in range(6)]
    for url in urls:
        store.add_feed(url)
    config = replace(FAST, refresh=replace(FAST.refresh, timeout=0.5, per_host=1))
    summary = refresh(store.path, config)
    reasons = [r for _, r in summary.failed]
    assert len(reasons) == 6 and reasons.count("timed out after 0.5 s") == 2
    assert all(
        r == "the server did not answer its feeds before this one: timed out after 0.5 s"
        " (not tried)"
        for r in reasons
        if r != "timed out after 0.5 s"
    )
    assert len(server.requests) == 2  # (four feeds were not asked for)


def test_a_server_that_answered_a_feed_is_tried_for_all_its_feeds(
    server: TestServer, store: Store
) -> None:
    """A server up but slow on some of its feeds (a heavy one timing out) still serves the
    others: two timeouts after it answered are no reason to skip the rest."""
    from dataclasses import replace

    def silent(h: object) -> None:
        time.sleep(3)

    paths = ["/a-fast.xml", "/b-slow.xml", "/c-slow.xml", "/d-fast.xml"]
    for path in paths:
        url = server.route(path, silent if "slow" in path else rss(1, prefix=path[1:7]))
        store.add_feed(url)
    config = replace(FAST, refresh=replace(FAST.refresh, timeout=0.5, per_host=1))
    summary = refresh(store.path, config)
    assert summary.new_articles == 2
    assert [r for _, r in summary.failed] == ["timed out after 0.5 s"] * 2


def test_an_error_quoting_a_huge_address_is_one_line_of_bounded_length(
    server: TestServer, store: Store
) -> None:
    """A redirect to a 60 kB address (unreachable) made a 60 kB error line, stored and shown."""
    from tui_reader.errors import MAX_MESSAGE_CHARS

    url = server.route(
        "/moved.xml", "", status=302, headers={"Location": "http://feeds.invalid/" + "a" * 60_000}
    )
    store.add_feed(url)
    [(_, reason)] = refresh(store.path, FAST).failed
    assert "redirected to http://feeds.invalid/aaa" in reason
    assert len(reason) <= MAX_MESSAGE_CHARS and "\n" not in reason
    assert len(_feed(store, url).last_error) <= MAX_MESSAGE_CHARS
