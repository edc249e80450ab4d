"""tui_reader.net against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import ssl
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.httpserver import Response, TestServer
from tui_reader.config import RefreshConfig
from tui_reader.net import (
    FetchError,
    FetchLimits,
    FetchResult,
    fetch,
    parse_retry_after,
)
from tui_reader.units import human_seconds, human_size

SMALL = FetchLimits(timeout=1.0, max_bytes=50_000, max_redirects=3)


def self_signed_certificate(tmp_path: Path, name: str = "127.0.0.1") -> tuple[Path, Path]:
    """A key and a self-signed certificate for ``name``, an address or a host name (the test
    skips without openssl)."""
    import ipaddress
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    try:
        alt = f"IP:{ipaddress.ip_address(name)}"
    except ValueError:
        alt = f"DNS:{name}"
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={name}", "-addext", f"subjectAltName={alt}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


def tls_contexts(tmp_path: Path, name: str = "127.0.0.1") -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server's TLS context with a self-signed certificate for ``name``, and a client's
    that trusts that certificate alone."""
    key, cert = self_signed_certificate(tmp_path, name)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.load_verify_locations(cert)
    return server_context, client_context


def test_plain_fetch_returns_body_and_headers(server: TestServer) -> None:
    url = server.route("/a", "hello", headers={"ETag": '"v1"'}, content_type="text/plain")
    result = fetch(url)
    assert result.status == 200
    assert result.body == b"hello"
    assert result.etag == '"v1"'
    assert result.url == url
    assert result.permanent_url is None
    assert not result.not_modified
    sent = server.requests[-1].headers
    assert sent["user-agent"].startswith("tui-reader/")
    assert "gzip" in sent["accept-encoding"]


@pytest.mark.parametrize(
    ("etag", "modified"),
    [
        ('"caf\xe9-1"', "Tue, 01 Dec 2026 10:00:00 GMT"),  # latin-1 bytes: not UTF-8
        ('"caf\xc3\xa9-2"', "Tue, 01 Dec 2026 10:00:00 GMT"),  # UTF-8 bytes (é)
        ('"v3"', "Di, 01 Dez 2026 10:00:00 GMT \xe9"),  # a Last-Modified out of RFC
    ],
)
def test_validators_go_back_byte_for_byte(server: TestServer, etag: str, modified: str) -> None:
    """An ETag or Last-Modified with bytes beyond ASCII (obs-text) is sent back as the very
    bytes received: one that was not UTF-8 was read as latin-1 and sent back as UTF-8, so it
    never matched and the feed was sent whole at every refresh. (http.server reads and writes
    header lines as latin-1: these strings are the bytes on the wire.)"""

    def handler(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag or h.headers.get("If-Modified-Since") == modified:
            h.send_response(304)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", modified)
        h.send_header("Content-Length", "4")
        h.end_headers()
        h.wfile.write(b"full")

    url = server.route("/v", handler)
    first = fetch(url)
    assert first.body == b"full"
    assert first.etag is not None and first.last_modified is not None
    again = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified
    assert server.requests[-1].headers["if-none-match"] == etag
    assert server.requests[-1].headers["if-modified-since"] == modified


def test_limits_from_config() -> None:
    limits = FetchLimits.from_config(RefreshConfig(timeout=3.5, max_bytes=1234, max_redirects=2))
    assert limits == FetchLimits(timeout=3.5, max_bytes=1234, max_redirects=2)


def test_conditional_get_sends_validators_and_reports_304(server: TestServer) -> None:
    def handler(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.send_header("ETag", '"v1"')
            h.end_headers()
        else:
            body = b"full"
            h.send_response(200)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

    url = server.route("/c", handler)
    result = fetch(url, etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    assert result.not_modified and result.status == 304 and result.body == b""
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert fetch(url).body == b"full"


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_errors_are_one_line(server: TestServer, status: int) -> None:
    url = server.route("/e", "nope", status=status, content_type="text/plain")
    with pytest.raises(FetchError) as info:
        fetch(url)
    assert str(info.value).startswith(f"HTTP {status} ")
    assert info.value.status == status
    assert "\n" not in str(info.value)


def test_429_carries_retry_after(server: TestServer) -> None:
    url = server.route("/slow-down", "wait", status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as info:
        fetch(url)
    assert str(info.value) == "HTTP 429 Too Many Requests"
    assert info.value.retry_after == 120.0


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40.0) == 60.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed", "javascript:alert(1)", "feed.xml"]
)
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        fetch(url)


def test_redirect_loop_is_refused(server: TestServer) -> None:
    server.route("/loop-a", "", status=302, headers={"Location": "/loop-b"})
    url = server.route("/loop-b", "", status=302, headers={"Location": "/loop-a"})
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(url, limits=SMALL)


def test_too_many_redirects(server: TestServer) -> None:
    for i in range(5):
        server.route(f"/r{i}", "", status=301, headers={"Location": f"/r{i + 1}"})
    server.route("/r5", "end")
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(server.url("/r0"), limits=SMALL)
    # Within the limit, the chain is followed.
    result = fetch(server.url("/r3"), limits=SMALL)
    assert result.body == b"end"


def test_redirect_to_other_scheme_refused(server: TestServer) -> None:
    url = server.route("/to-file", "", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="redirect to a non-http"):
        fetch(url)


def test_permanent_url_is_where_the_permanent_redirects_lead(server: TestServer) -> None:
    # Every hop permanent: the last address; a permanent hop then a temporary one: the
    # permanent one's target (RFC 9110 15.4.2); a temporary one first: none.
    server.route("/new", "moved here")
    server.route("/old", "", status=301, headers={"Location": "/mid"})
    server.route("/mid", "", status=308, headers={"Location": "/new"})
    server.route("/temp", "", status=302, headers={"Location": "/new"})
    server.route("/mixed", "", status=301, headers={"Location": "/temp"})
    assert fetch(server.url("/old")).permanent_url == server.url("/new")
    assert fetch(server.url("/temp")).permanent_url is None
    result = fetch(server.url("/mixed"))
    assert result.permanent_url == server.url("/temp") and result.url == server.url("/new")
    server.route("/temp-first", "", status=302, headers={"Location": "/old"})
    assert fetch(server.url("/temp-first")).permanent_url is None


def test_gzip_and_deflate_are_decoded(server: TestServer) -> None:
    text = b"<rss>" + b"x" * 1000 + b"</rss>"
    gz = server.route("/gz", Response(gzip.compress(text), headers={"Content-Encoding": "gzip"}))
    zl = server.route("/zl", Response(zlib.compress(text), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(wbits=-15)
    raw_deflate = raw.compress(text) + raw.flush()
    rd = server.route("/rd", Response(raw_deflate, headers={"Content-Encoding": "deflate"}))
    assert fetch(gz).body == text
    assert fetch(zl).body == text
    assert fetch(rd).body == text


def test_a_body_is_read_as_what_its_bytes_are_whatever_the_header_says(
    server: TestServer,
) -> None:
    """Servers get Content-Encoding wrong both ways: "gzip" on a plain body (was "corrupt
    gzip data"), a feed.xml.gz sent without the header, or a body compressed twice (both
    were "not well-formed XML" further on). Bytes that only start like gzip stay as they are,
    and a bomb inside the second layer is still capped."""
    text = b"<rss>" + b"x" * 1000 + b"</rss>"
    gz = {"Content-Encoding": "gzip"}
    cases = {
        "/plain-labelled-gzip": (text, gz),
        "/gzip-unlabelled": (gzip.compress(text), {}),
        "/gzip-twice": (gzip.compress(gzip.compress(text)), gz),
    }
    for path, (body, headers) in cases.items():
        assert fetch(server.route(path, Response(body, headers=headers))).body == text, path
    odd = b"\x1f\x8b but no gzip at all"
    assert fetch(server.route("/odd", Response(odd))).body == odd
    bomb = gzip.compress(gzip.compress(b"\0" * 2_000_000))
    with pytest.raises(FetchError, match=r"response larger than 50 kB"):
        fetch(server.route("/bomb2", Response(bomb, headers=gz)), limits=SMALL)
    import tui_reader.net as net_module

    for piece in (1, 3, 4096):  # however the server's chunks fall
        decoder = net_module._Decoder("gzip", 1_000_000)
        for start in range(0, len(text), piece):
            decoder.feed(text[start : start + piece])
        assert decoder.finish() == text, piece


def test_huge_response_is_cut(server: TestServer) -> None:
    url = server.route("/huge", b"x" * 200_000)
    with pytest.raises(FetchError, match=r"response larger than 50 kB"):
        fetch(url, limits=SMALL)


def test_gzip_bomb_is_capped_on_the_decompressed_size(server: TestServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)  # ~20 kB on the wire
    assert len(bomb) < SMALL.max_bytes
    url = server.route("/bomb", Response(bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="response larger than"):
        fetch(url, limits=SMALL)


def test_endless_body_is_cut_by_size(server: TestServer) -> None:
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/xml")
        h.end_headers()  # no length: the body runs until the connection closes
        h.wfile.write(b"<rss>")
        while True:
            h.wfile.write(b"<item>" + b"y" * 4000 + b"</item>")

    url = server.route("/endless", endless)
    with pytest.raises(FetchError, match="response larger than"):
        fetch(url, limits=SMALL)


def test_trickling_body_hits_the_total_deadline(server: TestServer) -> None:
    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.2)  # each read succeeds well within the per-read timeout

    url = server.route("/trickle", trickle)
    limits = FetchLimits(timeout=0.6, max_bytes=50_000, max_redirects=3)
    with pytest.raises(FetchError, match=r"timed out after 0\.6 s"):
        fetch(url, limits=limits)


def test_silent_server_times_out(server: TestServer) -> None:
    def silent(h: BaseHTTPRequestHandler) -> None:
        time.sleep(2)

    url = server.route("/silent", silent)
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        fetch(url, limits=FetchLimits(timeout=0.5))


def test_connection_refused_is_one_line() -> None:
    with pytest.raises(FetchError) as info:
        fetch("http://127.0.0.1:9/feed")
    assert str(info.value) == "cannot connect to 127.0.0.1: All connection attempts failed"


async def test_sync_fetch_works_from_a_thread_running_a_loop(server: TestServer) -> None:
    url = server.route("/a", "inside a loop")
    assert fetch(url).body == b"inside a loop"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (12, "12 bytes"),
        (999, "999 bytes"),
        (1000, "1 kB"),
        (1500, "1.5 kB"),
        (999_499, "999 kB"),
        (999_999, "1 MB"),  # was "1e+03 kB"
        (20_000_000, "20 MB"),
        (999_999_999, "1 GB"),  # was "1e+03 MB"
        (2**40, "1.1 TB"),  # refresh.max_bytes at its most: was "1.1e+03 GB"
        (10**15, "1 PB"),  # was "1e+06 GB"
    ],
)
def test_human_size(n: int, text: str) -> None:
    assert human_size(n) == text


def test_no_size_is_written_as_an_exponent() -> None:
    """Every unit's edges (and a spread of sizes between), as the limits of any setting."""
    sizes = [10**k + d for k in range(0, 19) for d in (-1, 0, 1)]
    sizes += [int(1.0005**k) for k in range(0, 80_000, 97)]
    for n in sizes:
        text = human_size(n)
        number, unit = text.split(" ")
        assert "e" not in number and float(number) < 1000, (n, text)
        assert unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB"), (n, text)


def test_a_304_or_a_small_redirect_leaves_its_connection_to_the_next_request(
    server: TestServer,
) -> None:
    """A refresh's conditional requests share a keep-alive connection per server: a response
    closed unread (a 304, a redirect) made httpcore drop its connection."""
    import asyncio

    from tui_reader.net import fetch_async, make_transport

    ports: list[int] = []

    def not_modified(h: BaseHTTPRequestHandler) -> None:
        ports.append(h.client_address[1])
        h.send_response(304)
        h.send_header("ETag", '"v1"')
        h.end_headers()

    def moved(h: BaseHTTPRequestHandler) -> None:
        ports.append(h.client_address[1])
        body = b"<p>moved to /304</p>"
        h.send_response(301)
        h.send_header("Location", "/304")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.route("/304", not_modified)
    server.route("/moved", moved)

    async def run() -> list[bool]:
        async with make_transport(max_connections=4) as transport:
            return [
                (await fetch_async(transport, server.url(path), etag='"v1"')).not_modified
                for path in ("/304", "/304", "/moved", "/304")
            ]

    assert asyncio.run(run()) == [True] * 4
    assert len(ports) == 5 and len(set(ports)) == 1


def test_tls_certificates_are_checked_with_the_ca_bundle_loaded_on_first_use(
    tmp_path: Path,
) -> None:
    """The CA bundle is loaded on the first TLS connection (a plain-http refresh never pays
    for it); a server whose certificate it does not vouch for is still refused."""
    import contextlib
    import socket
    import ssl
    import threading

    from tui_reader.net import make_ssl_context

    key, cert = self_signed_certificate(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn, contextlib.suppress(OSError):
            server_context.wrap_socket(conn, server_side=True)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    context = make_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    with pytest.raises(FetchError, match="certificate"):
        fetch(f"https://127.0.0.1:{port}/feed", limits=SMALL)
    assert context.cert_store_stats()["x509_ca"] > 0
    thread.join(5)
    listener.close()


def test_a_chunked_gzip_body_and_a_body_ended_by_close_are_read(server: TestServer) -> None:
    text = b"<rss>" + b"chunked " * 5000 + b"</rss>"
    packed = gzip.compress(text)

    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Content-Encoding", "gzip")
        h.end_headers()
        for start in range(0, len(packed), 1000):
            part = packed[start : start + 1000]
            h.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
        h.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")

    def until_close(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.end_headers()  # no length, not chunked: the body ends when the connection closes
        h.wfile.write(text)
        h.close_connection = True

    assert fetch(server.route("/chunked", chunked)).body == text
    assert fetch(server.route("/close", until_close)).body == text


def test_a_bad_chunk_size_is_a_protocol_error(server: TestServer) -> None:
    def bad(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.wfile.write(b"-5\r\nxxxxx\r\n0\r\n\r\n")

    with pytest.raises(FetchError, match="broke the HTTP protocol: a bad chunk size"):
        fetch(server.route("/bad-chunk", bad))


def test_the_response_head_is_bounded(server: TestServer) -> None:
    """At most 256 header fields and 64 kB of head; up to them, a response is read."""

    def fields(count: int, size: int = 1) -> Callable[[BaseHTTPRequestHandler], None]:
        def serve(h: BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            for n in range(count):
                h.send_header(f"X-{n}", "v" * size)
            h.send_header("Content-Length", "2")
            h.end_headers()
            h.wfile.write(b"ok")

        return serve

    assert fetch(server.route("/250", fields(245))).body == b"ok"
    with pytest.raises(FetchError, match="broke the HTTP protocol: more than 256 header fields"):
        fetch(server.route("/300", fields(300)))
    assert fetch(server.route("/60k", fields(30, 2000))).body == b"ok"
    with pytest.raises(FetchError, match="broke the HTTP protocol: response head larger than"):
        fetch(server.route("/70k", fields(35, 2000)))


def test_a_validator_that_would_break_the_request_is_not_sent(server: TestServer) -> None:
    url = server.route("/v", "fresh", headers={"ETag": '"v2"'})
    result = fetch(url, etag='"v1"\r\nX-Injected: 1', last_modified="Mon\n, 01 Jan 2024")
    assert result.body == b"fresh"
    sent = server.requests[-1].headers
    assert "x-injected" not in sent
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_a_kept_alive_connection_the_server_dropped_is_replaced_once() -> None:
    """A server may close an idle keep-alive connection just as the next request goes out:
    that request is sent once more, on a new connection."""
    import asyncio
    import socket
    import threading

    from tui_reader.net import fetch_async, make_transport

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    accepted: list[int] = []

    def serve() -> None:
        for n in range(2):
            conn, _ = listener.accept()
            accepted.append(n)
            with conn:
                conn.recv(65536)
                conn.sendall(answer)
                if n == 0:
                    conn.recv(65536)  # the second request: dropped unanswered

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def run() -> tuple[list[bytes], int]:
        async with make_transport(max_connections=1) as transport:
            url = f"http://127.0.0.1:{port}/feed"
            bodies = [(await fetch_async(transport, url)).body for _ in range(2)]
            return bodies, transport.opened

    try:
        assert asyncio.run(run()) == ([b"ok", b"ok"], 2)
    finally:
        thread.join(5)
        listener.close()
    assert accepted == [0, 1]


def test_a_redirect_to_a_non_ascii_path_is_followed(server: TestServer) -> None:
    """A Location in UTF-8 (as servers send a non-ASCII path) is read as UTF-8, and the new
    request's path is percent-encoded."""

    def redirect(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(
            b"HTTP/1.1 302 Found\r\nLocation: /caf\xc3\xa9 menu\r\nContent-Length: 0\r\n\r\n"
        )

    server.route("/caf%C3%A9%20menu", "bienvenue")
    result = fetch(server.route("/old", redirect))
    assert result.body == b"bienvenue"
    assert result.url == server.url("/café%20menu")  # (a space as requested, not raw)


def _raw_server(answers: list[bytes]) -> tuple[str, list[int], Callable[[], None]]:
    """A server on 127.0.0.1 that answers the n-th request it reads (on any connection) with
    ``answers[n]``, byte for byte; also the number of connections it accepted."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    pending = list(answers)
    accepted: list[int] = []

    def handle(conn: socket.socket) -> None:
        with conn:
            while pending:
                try:
                    if not conn.recv(65536):
                        return
                    conn.sendall(pending.pop(0))
                except OSError:
                    return

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{port}/feed", accepted, listener.close


def _fetch_each(url: str, count: int, **kw: Any) -> list[FetchResult | str]:
    """``count`` fetches of ``url`` in turn on one keep-alive transport (a result or the
    error's text each)."""
    import asyncio

    from tui_reader.net import fetch_async, make_transport

    async def run() -> list[FetchResult | str]:
        out: list[FetchResult | str] = []
        async with make_transport(max_connections=1) as transport:
            for _ in range(count):
                try:
                    out.append(await fetch_async(transport, url, limits=SMALL, **kw))
                except FetchError as exc:
                    out.append(str(exc))
        return out

    return asyncio.run(run())


def _answer_once(answer: bytes) -> FetchResult | str:
    """One fetch from a server that sends ``answer``, byte for byte (see :func:`_raw_server`)."""
    url, _, stop = _raw_server([answer])
    try:
        return _fetch_each(url, 1)[0]
    finally:
        stop()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@pytest.mark.parametrize(
    "first",
    [
        # A 304 has no body, whatever it says; this one sends a whole response after it.
        b"HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil",
        # A 200 with more bytes than its Content-Length.
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
    ],
)
def test_bytes_past_a_response_do_not_answer_the_next_request(first: bytes) -> None:
    """Left on a kept-alive connection, they were read as the next request's answer (its
    status line, or a whole forged response)."""
    url, accepted, stop = _raw_server([first, OK])
    try:
        results = _fetch_each(url, 2, etag='"v1"')
    finally:
        stop()
    second = results[1]
    assert isinstance(second, FetchResult), second
    assert second.body == b"ok"
    assert len(accepted) == 2  # the first connection was not used again


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        # Arabic-Indic one: int() read it as 1, and the rest of the body became the next
        # request's answer.
        ("HTTP/1.1 200 OK\r\nContent-Length: \u0661\r\n\r\nokok", "a bad Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: \u00b2\r\n\r\nok", "a bad Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: " + "9" * 5000 + "\r\n\r\nok", "a bad Content-"),
        ("HTTP/1.1 2\u00b20 OK\r\nContent-Length: 2\r\n\r\nok", "not an HTTP/1.1 status line"),
    ],
)
def test_numbers_in_a_response_head_are_ascii_digits(answer: str, error: str) -> None:
    """Anything else is the server breaking the protocol (not 'network error with ...:
    invalid literal for int()', nor a length read from other digits)."""
    charset = "utf-8" if "\u0661" in answer else "latin-1"
    url, _, stop = _raw_server([answer.encode(charset), OK])
    try:
        results = _fetch_each(url, 2)
    finally:
        stop()
    assert isinstance(results[0], str), results[0]
    assert results[0].startswith(f"127.0.0.1 broke the HTTP protocol: {error}")
    assert isinstance(results[1], FetchResult) and results[1].body == b"ok"


@pytest.mark.parametrize(
    "first",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n",
    ],
)
def test_a_response_framed_two_ways_leaves_its_connection_closed(first: bytes) -> None:
    url, accepted, stop = _raw_server([first, OK])
    try:
        results = _fetch_each(url, 2)
    finally:
        stop()
    assert [r.body for r in results if isinstance(r, FetchResult)] == [b"ok", b"ok"]
    assert len(accepted) == 2


@pytest.mark.parametrize(
    "field",
    [
        b'ETag: "a\x00b"',
        b'ETag: "a\rSet-Thing: 1"',
        b"E\x00Tag: x",
        b"E(Tag): x",
        "Loc\u212aation: /x".encode(),  # a Kelvin sign, 'k' once lower-cased
    ],
)
def test_a_header_field_with_a_nul_a_bare_cr_or_a_bad_name_is_refused(field: bytes) -> None:
    answer = b"HTTP/1.1 200 OK\r\n" + field + b"\r\nContent-Length: 2\r\n\r\nok"
    results = [_answer_once(answer)]
    assert isinstance(results[0], str)
    assert results[0].startswith("127.0.0.1 broke the HTTP protocol: a malformed header field")


def test_header_fields_within_the_syntax_are_read() -> None:
    head = (
        b'HTTP/1.1 200 OK\nX-Tab:\tv\x01w \t\r\nETag: "caf\xc3\xa9"\r\n'
        b"X-Folded: one\r\n two\r\nContent-Length: 2\r\n\r\nok"
    )
    results = [_answer_once(head)]
    result = results[0]
    assert isinstance(result, FetchResult), result
    assert result.headers["x-tab"] == "v\x01w"
    assert result.headers["etag"] == '"caf\xc3\xa9"'  # a validator: its bytes, as latin-1
    assert result.headers["x-folded"] == "one two"


@pytest.mark.parametrize(
    ("field", "kept"),
    [
        (b'ETag: "v\x1b[2J1"', None),  # an escape sequence, for whoever reads the database
        (b"Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\x7f", None),
        (b'ETag: "' + b"v" * 2000 + b'"', None),
        ('ETag: "caf\u00e9"'.encode(), '"caf\xc3\xa9"'),  # kept as its bytes: sent back so
    ],
)
def test_only_validators_that_can_be_sent_back_are_kept(field: bytes, kept: str | None) -> None:
    results = [_answer_once(b"HTTP/1.1 200 OK\r\n" + field + b"\r\nContent-Length: 2\r\n\r\nok")]
    result = results[0]
    assert isinstance(result, FetchResult), result
    assert result.body == b"ok"
    assert (result.etag or result.last_modified) == kept


@pytest.mark.parametrize(
    ("status_line", "message"),
    [
        (b"HTTP/1.1 404 \x1b[31mGone\x07", "HTTP 404"),
        (b"HTTP/1.1 503 " + b"x" * 3000, "HTTP 503 " + "x" * 80),
        (b"HTTP/1.1 410 Gone", "HTTP 410 Gone"),
    ],
)
def test_the_reason_phrase_in_an_error_is_printable_and_short(
    status_line: bytes, message: str
) -> None:
    results = [_answer_once(status_line + b"\r\nContent-Length: 0\r\n\r\n")]
    assert results == [message]


def test_closing_the_pool_does_not_wait_on_a_tls_server_that_never_closes(
    tmp_path: Path,
) -> None:
    """A kept TLS connection's close waits for the server's close_notify (30 s in asyncio):
    a server that never sends one held the end of a refresh, or a sync fetch, that long."""
    import asyncio
    import socket
    import threading

    from tui_reader.net import fetch_async, make_transport

    server_context, client_context = tls_contexts(tmp_path)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with server_context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            done.wait(40)  # kept open, silent: no close_notify

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def run() -> bytes:
        transport = make_transport(max_connections=1, verify=client_context)
        body = (await fetch_async(transport, f"https://127.0.0.1:{port}/feed")).body
        async with asyncio.timeout(5):
            await transport.aclose()
        return body

    try:
        assert asyncio.run(run()) == b"ok"
    finally:
        done.set()
        thread.join(5)
        listener.close()


def test_a_chunked_body_cut_after_a_chunk_is_a_protocol_error() -> None:
    """(It came out as 'network error with 127.0.0.1: 0 bytes read on a total of undefined
    expected bytes'.)"""
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok"
    results = [_answer_once(answer)]  # then the connection closes
    assert results == [
        "127.0.0.1 broke the HTTP protocol: the connection closed before the last chunk"
    ]


def test_a_redirect_to_a_url_that_does_not_parse_is_refused(server: TestServer) -> None:
    """(urljoin's ValueError came out as 'network error with 127.0.0.1: Invalid IPv6 URL'.)"""
    url = server.route("/to-bad", "", status=302, headers={"Location": "http://[::1/feed"})
    with pytest.raises(FetchError) as info:
        fetch(url)
    assert str(info.value) == "redirect to an invalid URL refused"


@pytest.mark.parametrize(
    ("before", "result"),
    [
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n", "ok"),
        (b"HTTP/1.1 100 Continue\r\n\r\n" * 17, "more than 16 informational (1xx) responses"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", "a switch of protocol"),
    ],
)
def test_informational_responses_before_the_answer(before: bytes, result: str) -> None:
    results = [_answer_once(before + OK)]
    got = results[0]
    if result == "ok":
        assert isinstance(got, FetchResult) and got.body == b"ok"
    else:
        assert isinstance(got, str) and got.startswith("127.0.0.1 broke the HTTP protocol: ")
        assert result in got


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"gzip"])
def test_a_transfer_coding_other_than_chunked_is_refused(coding: bytes) -> None:
    """Not undone, the gzip stream would have been stored as the feed itself."""
    body = gzip.compress(b"<rss/>")
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if b"chunked" in coding else body
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding + b"\r\n\r\n" + chunked
    results = [_answer_once(answer)]
    assert isinstance(results[0], str), results[0]
    assert results[0].startswith("127.0.0.1 broke the HTTP protocol: an unsupported Transfer-")


def test_chunk_extensions_do_not_get_around_the_size_cap() -> None:
    """1-byte chunks, each with 1 kB of extension: 100 kB on the wire for 100 bytes of body
    (without end, it ran until the deadline); 1-byte chunks without extensions are read."""
    padded = b"1;x=" + b"y" * 1000 + b"\r\nz\r\n"
    plain = b"1\r\nz\r\n"
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    url, _, stop = _raw_server(
        [head + padded * 100 + b"0\r\n\r\n", head + plain * 20_000 + b"0\r\n\r\n"]
    )
    try:
        results = _fetch_each(url, 2)
    finally:
        stop()
    assert results[0] == (
        "127.0.0.1 broke the HTTP protocol: chunk size lines out of all proportion to the data"
    )
    assert isinstance(results[1], FetchResult) and results[1].body == b"z" * 20_000


def test_junk_after_the_last_gzip_member_is_ignored(server: TestServer) -> None:
    """Another member is decoded; bytes that start none (padding, junk) were 'corrupt gzip
    data' here, where httpx read the feed."""
    members = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    gz = {"Content-Encoding": "gzip"}
    url = server.route("/junk", Response(members + b"\0\0\0\0junk", headers=gz))
    assert fetch(url).body == b"<rss></rss>"
    # Much of it, over several reads: all ignored (though counted by the size cap).
    padded = members + b"\n" + b"x" * 100_000
    assert fetch(server.route("/pad", Response(padded, headers=gz))).body == b"<rss></rss>"


def test_a_resolver_that_does_not_answer_does_not_hold_fetch_past_its_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A host name lookup runs on an executor thread and cannot be cancelled; fetch() used to
    # wait for that thread after its deadline had passed (as long as the resolver took).
    import socket
    import threading

    asked, release, ended = threading.Event(), threading.Event(), threading.Event()
    real = socket.getaddrinfo

    def unanswered(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "feeds.unanswered.test":
            return real(host, *args, **kwargs)
        asked.set()
        release.wait(10)
        ended.set()
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", unanswered)
    try:
        with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
            fetch("http://feeds.unanswered.test/feed.xml", limits=FetchLimits(timeout=0.5))
        assert asked.is_set()
        assert not ended.is_set()  # fetch() answered while the lookup still hung
    finally:
        release.set()


def _decode_with(backend: object, encoding: str, body: bytes, cap: int) -> tuple[str, bytes]:
    import tui_reader.net as net_module

    saved = net_module._INFLATE, net_module._INFLATE_ERRORS
    net_module._INFLATE = backend  # type: ignore[assignment]
    net_module._INFLATE_ERRORS = (zlib.error, backend.error)  # type: ignore[attr-defined]
    try:
        decoder = net_module._Decoder(encoding, cap)
        for at in range(0, len(body), 7000):
            decoder.feed(body[at : at + 7000])
        return "ok", decoder.finish()
    except net_module.FetchError as exc:
        return f"error: {str(exc).split(':')[0]}", b""
    finally:
        net_module._INFLATE, net_module._INFLATE_ERRORS = saved


def test_isal_and_zlib_decode_every_stream_alike() -> None:
    """Responses are inflated by ISA-L where it is installed, else by zlib: both give the same
    bytes, and the same error, for every kind of stream a server sends."""
    isal_zlib = pytest.importorskip("isal.isal_zlib")
    text = b"".join(b"<item>%d caf\xc3\xa9</item>\n" % i for i in range(20000))
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw_deflate = raw.compress(text) + raw.flush()
    streams = [
        ("gzip", gzip.compress(text)),
        ("gzip", gzip.compress(text[:5000]) + gzip.compress(text[5000:])),  # two members
        ("gzip", gzip.compress(text) + b"\0\0junk"),  # bytes after the last member
        ("gzip", gzip.compress(text)[:-20]),  # cut off
        ("gzip", b"\x1f\x8b" + bytes(range(200))),  # corrupt
        ("gzip", gzip.compress(b"\0" * 5_000_000)),  # over the cap
        ("deflate", zlib.compress(text)),
        ("deflate", raw_deflate),  # without the zlib wrapper
        ("x-gzip", gzip.compress(b"")),
    ]
    for encoding, body in streams:
        by_zlib = _decode_with(zlib, encoding, body, 1_000_000)
        assert _decode_with(isal_zlib, encoding, body, 1_000_000) == by_zlib, (encoding, by_zlib[0])
    assert _decode_with(isal_zlib, "gzip", gzip.compress(text), 1_000_000) == ("ok", text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.25, "0.25 s"),
        (30, "30 s"),
        (999.9, "1000 s"),  # was "1e+03 s"
        (3600, "3600 s"),  # refresh.timeout at its most: was "3.6e+03 s"
        (1e-7, "0 s"),
    ],
)
def test_human_seconds(seconds: float, text: str) -> None:
    assert human_seconds(seconds) == text
