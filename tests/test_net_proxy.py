"""Fetching through the HTTP proxy the environment names (``http_proxy``, ``https_proxy``,
``all_proxy``, ``no_proxy``, as curl reads them), against a real proxy on 127.0.0.1: the
absolute form for http, a CONNECT tunnel with TLS inside for https, its login, its refusals.

The feeds' host is ``feeds.test``: only the proxy knows where it is (127.0.0.1), so a fetch
that did not go through it cannot succeed."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import TestServer
from tests.test_net import tls_contexts
from tui_reader.net import FetchError, _bypassed, fetch, fetch_async, make_transport

HOST = "feeds.test"


class Proxy:
    """A small real HTTP proxy: absolute-form requests are forwarded, CONNECT is tunnelled;
    ``feeds.test`` is 127.0.0.1. It records each request's head, and can ask for a login or
    refuse every CONNECT."""

    def __init__(self, login: str | None = None, refuse: bool = False) -> None:
        self.heads: list[str] = []
        self.login = login
        self.refuse = refuse
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client, contextlib.suppress(OSError):
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            text, _, rest = head.partition(b"\r\n\r\n")
            lines = text.decode("latin-1").split("\r\n")
            self.heads.append(text.decode("latin-1"))
            method, target, _version = lines[0].split(" ")
            fields = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            if self.login and fields.get("proxy-authorization") != self.login:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
                return
            if method == "CONNECT":
                if self.refuse:
                    client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    return
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection((self._where(host), int(port)))
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                address = target.split("://", 1)[1]
                authority, _, path = address.partition("/")
                host, _, port = authority.partition(":")
                upstream = socket.create_connection((self._where(host), int(port or 80)))
                lines[0] = f"{method} /{path} HTTP/1.1"
                upstream.sendall("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + rest)
            self._relay(client, upstream)

    @staticmethod
    def _where(host: str) -> str:
        return "127.0.0.1" if host == HOST else host

    @staticmethod
    def _relay(a: socket.socket, b: socket.socket) -> None:
        def pump(src: socket.socket, dst: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := src.recv(65536):
                    dst.sendall(data)
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

        other = threading.Thread(target=pump, args=(b, a), daemon=True)
        other.start()
        pump(a, b)
        other.join(10)
        b.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    found = Proxy()
    yield found
    found.close()


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def test_an_http_feed_through_the_proxy(
    server: TestServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/feed.xml", "<rss/>")
    url = f"http://{HOST}:{server.port}/feed.xml"
    with pytest.raises(FetchError, match="host not found"):
        fetch(url)  # (no proxy: feeds.test is nowhere)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    assert fetch(url).body == b"<rss/>"
    assert proxy.heads[-1].startswith(f"GET {url} HTTP/1.1\r\nHost: {HOST}:{server.port}")
    assert server.requests[-1].path == "/feed.xml"


def test_no_proxy_and_this_machine_are_reached_directly(
    server: TestServer, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("all_proxy", f"127.0.0.1:{proxy.port}")  # (no scheme: http)
    url = server.route("/feed.xml", "<rss/>")  # 127.0.0.1: never through a proxy
    assert fetch(url).body == b"<rss/>" and proxy.heads == []
    monkeypatch.setenv("no_proxy", "example.org, .test")
    with pytest.raises(FetchError, match="host not found"):
        fetch(f"http://{HOST}:{server.port}/feed.xml")
    assert proxy.heads == []


@pytest.mark.parametrize(
    ("no_proxy", "host", "port", "bypassed"),
    [
        ("*", "feeds.example", 80, True),
        ("example.com", "example.com", 80, True),
        ("example.com", "feeds.example.com", 80, True),
        (".example.com", "feeds.example.com", 80, True),
        ("example.com", "badexample.com", 80, False),
        ("example.com:8080", "example.com", 8080, True),
        ("example.com:8080", "example.com", 80, False),
        ("10.0.0.0/8", "10.1.2.3", 80, True),
        ("10.0.0.0/8", "11.1.2.3", 80, False),
        (" a.test , B.TEST ", "b.test", 80, True),
        ("", "example.com", 80, False),
    ],
)
def test_what_no_proxy_names(no_proxy: str, host: str, port: int, bypassed: bool) -> None:
    assert _bypassed(no_proxy, host, port) is bypassed


def test_the_proxys_login_is_sent(server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    login = "Basic " + base64.b64encode(b"me:s3cret").decode("ascii")
    guarded = Proxy(login=login)
    try:
        server.route("/feed.xml", "<rss/>")
        url = f"http://{HOST}:{server.port}/feed.xml"
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{guarded.port}")
        with pytest.raises(FetchError, match="407"):
            fetch(url)
        monkeypatch.setenv("http_proxy", f"http://me:s3cret@127.0.0.1:{guarded.port}")
        assert fetch(url).body == b"<rss/>"
    finally:
        guarded.close()


def test_a_proxy_that_is_not_http_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "socks5://127.0.0.1:1080")
    with pytest.raises(FetchError, match=r"socks5://127\.0\.0\.1 .*is not an http:// proxy"):
        fetch(f"https://{HOST}/feed.xml")


def test_an_https_feed_through_a_connect_tunnel(
    tmp_path: Path, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TLS end to end, checked against feeds.test's own certificate: the proxy sees only
    the CONNECT."""
    server_context, client_context = tls_contexts(tmp_path, HOST)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with server_context.wrap_socket(conn, server_side=True) as tls:
            request = tls.recv(65536)
            assert request.startswith(b"GET /feed.xml HTTP/1.1\r\n")
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n<rss/>")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{proxy.port}")

    async def run(url: str) -> bytes:
        async with make_transport(max_connections=1, verify=client_context) as transport:
            return (await fetch_async(transport, url)).body

    try:
        assert asyncio.run(run(f"https://{HOST}:{port}/feed.xml")) == b"<rss/>"
        assert proxy.heads == [
            f"CONNECT {HOST}:{port} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            + proxy.heads[0].split("\r\n", 2)[2]
        ]
        refusing = Proxy(refuse=True)
        monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{refusing.port}")
        with pytest.raises(FetchError, match=f"refused to connect to {HOST}: HTTP 403"):
            asyncio.run(run(f"https://{HOST}:{port}/feed.xml"))
        refusing.close()
    finally:
        thread.join(5)
        listener.close()
