"""Hostile servers, through a real refresh into a real store: slow, endless and bomb bodies,
stacked encodings, absurd lengths and headers, redirect tricks, truncation, wrong types and
absurd Retry-After values. Each ends with the feed's error recorded in one line, nothing
partial stored, and the articles it had kept."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import FAST, item, peak_memory, refresh_one, rss_doc
from tests.httpserver import Response
from tui_reader.config import RefreshConfig
from tui_reader.feeds.refresh import MAX_RETRY_AFTER, MIN_RETRY_AFTER
from tui_reader.models import Feed
from tui_reader.net import FetchError, FetchLimits, fetch
from tui_reader.store import Store

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="network")

SLOW = replace(FAST, refresh=replace(FAST.refresh, timeout=1.0))
GOOD = rss_doc(item("kept-1") + item("kept-2"))

Handler = Callable[[BaseHTTPRequestHandler], None]


def _refresh_error(server: TestServer, store: Store, path: str, body: Handler | Response) -> Feed:
    """Serve a good feed first, then the hostile answer at the same URL: the refresh must
    record a one-line error and keep the two articles."""
    url = server.route(path, Response(GOOD))
    _summary, feed = refresh_one(store, url, SLOW)
    assert feed.total == 2
    server.route(path, body)
    summary, feed = refresh_one(store, url, SLOW)
    assert feed.last_status == "error", feed
    assert feed.last_error and "\n" not in feed.last_error
    assert "unexpected" not in feed.last_error
    assert [f.id for f, _ in summary.failed] == [feed.id]
    assert feed.total == 2  # nothing lost, nothing partial added
    assert feed.url == url
    return feed


def _trickle_body(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for byte in GOOD[:5]:  # one byte every two seconds
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(2)


def _trickle_headers(h: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX":
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(2)


@pytest.mark.parametrize("handler", [_trickle_body, _trickle_headers], ids=["body", "headers"])
def test_one_byte_every_two_seconds_hits_the_deadline(
    handler: Handler, server: TestServer, store: Store
) -> None:
    feed = _refresh_error(server, store, "/trickle.xml", handler)
    assert feed.last_error == "timed out after 1 s"


def _endless(chunked: bool) -> Handler:
    def serve(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        piece = b"<item>" + b"y" * 8000 + b"</item>"
        for _ in range(10_000):  # 80 MB at most; the reader stops far sooner
            h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)

    return serve


@pytest.mark.parametrize("chunked", [False, True], ids=["until-close", "chunked"])
def test_endless_body_is_cut(chunked: bool, server: TestServer, store: Store) -> None:
    feed = _refresh_error(server, store, "/endless.xml", _endless(chunked))
    assert feed.last_error == "response larger than 300 kB"


def _bomb(kind: str) -> bytes:
    data = b"<rss>" + b"\0" * 30_000_000
    if kind == "gzip":
        return gzip.compress(data, compresslevel=9)
    if kind == "deflate":
        return zlib.compress(data, 9)
    raw = zlib.compressobj(9, wbits=-15)
    return raw.compress(data) + raw.flush()


@pytest.mark.parametrize("kind", ["gzip", "deflate", "raw-deflate"])
def test_compression_bombs_are_capped(kind: str, server: TestServer, store: Store) -> None:
    bomb = _bomb(kind)
    assert len(bomb) < 100_000  # 30 MB when inflated
    encoding = "gzip" if kind == "gzip" else "deflate"
    response = Response(bomb, headers={"Content-Encoding": encoding})
    feed = _refresh_error(server, store, "/bomb.xml", response)
    assert feed.last_error == "response larger than 300 kB"
    url = server.route("/bomb-direct", response)
    limits = FetchLimits.from_config(FAST.refresh)

    def run() -> str:
        with pytest.raises(FetchError) as info:
            fetch(url, limits=limits)
        return str(info.value)

    message, peak = peak_memory(run)
    assert message == "response larger than 300 kB"
    assert peak < 20_000_000  # never more than the cap (and the compressed body) in memory


def test_many_gzip_members_are_capped(server: TestServer, store: Store) -> None:
    member = gzip.compress(b"\0" * 100_000)
    response = Response(member * 50, headers={"Content-Encoding": "gzip"})
    feed = _refresh_error(server, store, "/members.xml", response)
    assert feed.last_error == "response larger than 300 kB"


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("gzip, gzip", "stacked content encodings are not supported"),
        ("deflate, gzip", "stacked content encodings are not supported"),
        ("br", "unsupported content encoding 'br'"),
        ("x-evil", "unsupported content encoding 'x-evil'"),
    ],
)
def test_nested_and_unknown_encodings_are_refused(
    encoding: str, message: str, server: TestServer, store: Store
) -> None:
    body = gzip.compress(gzip.compress(GOOD))
    response = Response(body, headers={"Content-Encoding": encoding})
    feed = _refresh_error(server, store, "/nested.xml", response)
    assert feed.last_error == message


def _ten_gigabytes(encoding: str) -> Handler:
    def serve(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(10 * 1000**3))
        if encoding:
            h.send_header("Content-Encoding", encoding)
        h.end_headers()
        piece = gzip.compress(b"\0" * 10_000_000) if encoding else b"<rss>" + b"z" * 60_000
        h.wfile.write(piece)
        h.wfile.flush()
        time.sleep(3)  # then nothing more

    return serve


def test_ten_gigabyte_content_length_is_refused_before_reading(
    server: TestServer, store: Store
) -> None:
    feed = _refresh_error(server, store, "/10gb.xml", _ten_gigabytes(""))
    assert feed.last_error == "response larger than 300 kB"  # not "timed out": never read


def test_ten_gigabyte_compressed_body_is_capped(server: TestServer, store: Store) -> None:
    feed = _refresh_error(server, store, "/10gb-gz.xml", _ten_gigabytes("gzip"))
    assert feed.last_error == "response larger than 300 kB"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("file:///etc/passwd", "redirect to a non-http(s) URL refused"),
        ("javascript:alert(1)", "redirect to a non-http(s) URL refused"),
        ("data:application/rss+xml,<rss/>", "redirect to a non-http(s) URL refused"),
        ("ftp://127.0.0.1/feed", "redirect to a non-http(s) URL refused"),
        ("https:", "redirect to a non-http(s) URL refused"),
    ],
)
@pytest.mark.parametrize("status", [301, 302, 308])
def test_redirects_to_other_schemes(
    target: str, message: str, status: int, server: TestServer, store: Store
) -> None:
    response = Response("", status=status, headers={"Location": target})
    feed = _refresh_error(server, store, "/moved.xml", response)
    assert feed.last_error == message  # and a permanent one never changed the stored URL


def test_redirect_loops(server: TestServer, store: Store) -> None:
    server.route("/b.xml", Response("", status=301, headers={"Location": "/loop.xml"}))
    feed = _refresh_error(
        server, store, "/loop.xml", Response("", status=301, headers={"Location": "/b.xml"})
    )
    assert feed.last_error == "redirect loop"
    feed = _refresh_error(
        server, store, "/self.xml", Response("", status=302, headers={"Location": "/self.xml"})
    )
    assert feed.last_error == "redirect loop"
    for n in range(10):
        server.route(f"/chain{n}", Response("", status=302, headers={"Location": f"/chain{n + 1}"}))
    feed = _refresh_error(
        server, store, "/chain.xml", Response("", status=302, headers={"Location": "/chain0"})
    )
    assert feed.last_error == "too many redirects (more than 3)"


def _huge_header(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("X-Huge", "h" * 1_000_000)
    h.send_header("Content-Length", str(len(GOOD)))
    h.end_headers()
    h.wfile.write(GOOD)


def _many_headers(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    for n in range(50_000):
        h.send_header(f"X-{n}", "v")
    h.send_header("Content-Length", str(len(GOOD)))
    h.end_headers()
    h.wfile.write(GOOD)


@pytest.mark.parametrize("handler", [_huge_header, _many_headers], ids=["1-MB", "50k-headers"])
def test_huge_headers_are_refused(handler: Handler, server: TestServer, store: Store) -> None:
    feed = _refresh_error(server, store, "/header.xml", handler)
    assert "broke the HTTP protocol" in feed.last_error


def _truncated(compressed: bool) -> Handler:
    def serve(h: BaseHTTPRequestHandler) -> None:
        body = rss_doc("".join(item(f"new-{n}") for n in range(50)))
        if compressed:
            body = gzip.compress(body)
        cut = body[: len(body) // 2]
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        if compressed:
            h.send_header("Content-Encoding", "gzip")
            h.send_header("Content-Length", str(len(cut)))  # the length matches the cut body
        else:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(cut)
        h.wfile.flush()
        h.close_connection = True

    return serve


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_truncated_bodies_store_nothing(compressed: bool, server: TestServer, store: Store) -> None:
    feed = _refresh_error(server, store, "/cut.xml", _truncated(compressed))
    assert "cut off" in feed.last_error or "broke the HTTP protocol" in feed.last_error


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "application/rss+xml", "not a feed"),
        (b"<!DOCTYPE html><html><body><p>hi</p></body></html>", "application/rss+xml", "web page"),
        (b"\x00\x01\x02\x03" * 1000, "text/xml", "not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "text/html", "items"),
        (b"\xff\xfe<\x00r\x00", "application/xml", "not a feed"),
    ],
    ids=["png-as-rss", "html-as-rss", "binary-as-xml", "bad-json-as-html", "broken-utf16"],
)
def test_wrong_content_is_a_clear_error(
    body: bytes, content_type: str, message: str, server: TestServer, store: Store
) -> None:
    response = Response(body, content_type=content_type)
    feed = _refresh_error(server, store, "/wrong.xml", response)
    assert message in feed.last_error


def test_a_feed_served_with_a_wrong_type_still_reads(server: TestServer, store: Store) -> None:
    url = server.route("/typed.png", Response(GOOD, content_type="image/png"))
    _summary, feed = refresh_one(store, url)
    assert (feed.last_status, feed.total) == ("ok", 2)


@pytest.mark.parametrize(
    "retry_after",
    [
        "99999999999999999999999999",
        "9" * 400,  # float('9' * 400) is inf
        "-100",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "tomorrow, probably",
        "",
    ],
)
@pytest.mark.parametrize("status", [429, 503])
def test_absurd_retry_after_is_clamped(
    retry_after: str, status: int, server: TestServer, store: Store
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    before = time.time()
    feed = _refresh_error(server, store, "/busy.xml", Response("", status=status, headers=headers))
    assert feed.next_fetch is not None
    # As long as the server asked, clamped (at least a minute); with no usable value, the
    # refresh interval.
    interval = FAST.refresh.interval_minutes * 60
    least = MIN_RETRY_AFTER if "asked to wait" in feed.last_error else interval
    assert before + least - 1 <= feed.next_fetch <= time.time() + MAX_RETRY_AFTER + 1
    assert feed.last_error.startswith(f"HTTP {status}")


def test_config_limits_cannot_switch_the_limits_off(server: TestServer) -> None:
    """timeout = 0 and max_bytes = 0 in the config mean the defaults, never "no limit"."""
    limits = FetchLimits.from_config(RefreshConfig(timeout=0, max_bytes=0, max_redirects=0))
    assert limits.timeout == 20.0 and limits.max_bytes == 20_000_000
    url = server.route("/r", Response("", status=302, headers={"Location": "/x"}))
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(url, limits=limits)
