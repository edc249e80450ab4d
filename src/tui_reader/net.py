"""Fetching over HTTP(S), with limits that hostile servers cannot get around.

Only http(s) URLs are fetched. Redirects are followed by hand so that every hop is checked (its
scheme, the count, loops). gzip and deflate are accepted, but the *decompressed* size is capped
while streaming (no compression bombs). The timeout is a deadline for the whole fetch — every
redirect and every byte of the body — not only a limit per read, so a server that sends one byte
every two seconds still ends.

:func:`fetch` is synchronous (for worker threads); :func:`fetch_async` does the same work on a
:class:`Transport` (keep-alive connections, an HTTP/1.1 client of its own, see below) that the
caller shares across many fetches.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import functools
import importlib
import re
import socket
import sys
import threading
import time
import types
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit, urlunsplit

from tui_reader import __version__
from tui_reader.errors import ReaderError
from tui_reader.units import human_seconds, human_size

if TYPE_CHECKING:
    import ssl

    from tui_reader.config import RefreshConfig

T = TypeVar("T")


def _skip_httpx_cli() -> None:
    """httpx's ``__init__`` imports its command-line tool (``httpx._main``: click, rich,
    pygments) whenever those are installed, as they are beside Textual: about half of
    ``import httpx``, paid by every refresh for a command never run here. A stand-in module
    takes its place until the real one is asked for."""
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main")

    def main(*args: object, **kwargs: object) -> object:
        del sys.modules["httpx._main"]
        real = importlib.import_module("httpx._main")
        return real.main(*args, **kwargs)

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in


_skip_httpx_cli()

USER_AGENT = f"tui-reader/{__version__} (terminal news reader)"
ACCEPT_PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPT_FEED = (
    "application/atom+xml,application/rss+xml,application/feed+json,application/rdf+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


class FetchError(ReaderError):
    """A fetch failed; ``str(error)`` is one clear line. ``status`` is the HTTP status when the
    server answered, ``retry_after`` the seconds it asked us to wait (429/503), if any."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        # The address's server could not be reached at all (no such host, nothing
        # listening, no answer to connect within the time): its other feeds will not be.
        self.unreachable = unreachable


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 20.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 20_000_000  # largest body accepted, after decompression
    max_redirects: int = 5

    @classmethod
    def from_config(cls, cfg: RefreshConfig) -> FetchLimits:
        return cls(
            timeout=float(cfg.timeout) or 20.0,
            max_bytes=int(cfg.max_bytes) or 20_000_000,
            max_redirects=int(cfg.max_redirects),
        )


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    not_modified: bool = False  # 304: the caller's copy is current; body is empty
    permanent_url: str | None = None  # the new URL when every redirect was permanent

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    # The validators to store and send back: None when they could not be sent back (see
    # _header_value), so that no control character or 60 kB value reaches the database.
    @property
    def etag(self) -> str | None:
        return _header_value(self.headers.get("etag"))

    @property
    def last_modified(self) -> str | None:
        return _header_value(self.headers.get("last-modified"))


def check_url(url: str) -> str:
    """Return the URL stripped, or raise FetchError if it is not an absolute http(s) URL."""
    url = url.strip()
    if not url.isprintable():
        raise FetchError("not a valid URL: it holds control or invisible characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("not an http(s) URL")
    if not parts.hostname:
        raise FetchError("URL has no host")
    try:
        parts.port  # noqa: B018 (it raises for a port out of range, "99999", or not a number)
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {exc}") from None
    return url


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if _digits(value):  # (RFC 9110 10.2.3: ASCII digits; "²" is no number of seconds)
        return float(value)
    if value[:1].isdigit():
        return None  # (digits of another kind: no date starts with one either)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _inflater() -> types.ModuleType:
    """ISA-L's inflate (the isal package) where it is installed: the same streams, errors
    derived from its own ``error``, about twice as fast as zlib's; zlib otherwise."""
    try:
        return importlib.import_module("isal.isal_zlib")
    except ImportError:  # a platform without its wheel
        return zlib


_INFLATE = _inflater()
_INFLATE_ERRORS = (zlib.error, _INFLATE.error)


class _Corrupt(FetchError):
    """Compressed data that does not decompress (or stops before its end)."""


_GZIP_MAGIC = b"\x1f\x8b"


class _Decoder:
    """Content-Encoding decoding with a cap on the decompressed size. Servers get it wrong
    both ways, and a body is read as what its bytes are: one labelled gzip that does not start
    as gzip does is taken as it is (a plain body behind a wrong header), and one whose bytes
    are gzip (compressed twice, or a ``feed.xml.gz`` sent without the header) is decompressed,
    once, under the same cap."""

    def __init__(self, encoding: str, max_bytes: int, *, inner: bool = False) -> None:
        self.inner = inner  # the second layer of a body compressed twice: no third
        self.encodings = [e.strip().lower() for e in encoding.split(",") if e.strip()]
        self.encodings = [e for e in self.encodings if e != "identity"]
        for e in self.encodings:
            if e not in ("gzip", "x-gzip", "deflate"):
                raise FetchError(f"unsupported content encoding {e!r}")
        if len(self.encodings) > 1:
            raise FetchError("stacked content encodings are not supported")
        self.kind = self.encodings[0] if self.encodings else ""
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        self.received = 0  # bytes on the wire (compressed)
        self._z: Any = None  # a decompressor of _INFLATE (zlib's interface)
        self._deflate_tried_raw = False
        self._ignore_rest = False  # junk after the last gzip member
        self._first = bytearray()  # deflate's bytes until its first output (grown in place)
        if self.kind:
            self._z = self._new()

    def _new(self) -> Any:
        if self.kind in ("gzip", "x-gzip"):
            return _INFLATE.decompressobj(16 + zlib.MAX_WBITS)
        return _INFLATE.decompressobj(
            -zlib.MAX_WBITS if self._deflate_tried_raw else zlib.MAX_WBITS
        )

    def _append(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FetchError(f"response larger than {human_size(self.max_bytes)}")
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self._z is None:
            self._append(chunk)
            return
        self.received += len(chunk)
        if self.received > self.max_bytes:  # e.g. endless empty gzip members
            raise FetchError(f"response larger than {human_size(self.max_bytes)}")
        if self._ignore_rest:
            return
        if self.size == 0 and not self._deflate_tried_raw:
            self._first += chunk  # until the first output: to read again another way
        data = chunk
        while data:
            room = self.max_bytes - self.size + 1
            try:
                out = self._z.decompress(data, room)
            except _INFLATE_ERRORS as exc:
                if self.kind == "deflate" and not self._deflate_tried_raw and self.size == 0:
                    # Some servers send raw deflate without the zlib wrapper.
                    self._deflate_tried_raw = True
                    self._z = self._new()
                    data, self._first = bytes(self._first), bytearray()
                    continue
                if self.kind != "deflate" and self.size == 0 and self._first[:2] != _GZIP_MAGIC:
                    # Not gzip at all: the header is wrong, the body is what it is (every
                    # byte so far: no output yet).
                    self._z = None
                    self._append(bytes(self._first))
                    self._first = bytearray()
                    return
                raise _Corrupt(f"corrupt {self.kind} data: {exc}") from None
            self._append(out)
            if out and self._first:
                self._first = bytearray()  # (not needed once there is output)
            if self._z.unconsumed_tail:
                data = self._z.unconsumed_tail
            elif self._z.eof and self._z.unused_data and self.kind != "deflate":
                data = self._z.unused_data
                if b"\x1f\x8b".startswith(data[:2]):
                    self._z = self._new()  # a further gzip member
                else:
                    # Bytes after the last member that start no other (padding, junk):
                    # ignored, as httpx and browsers do, not a "corrupt gzip data" error.
                    self._ignore_rest = True
                    data = b""
            else:
                data = b""

    def finish(self) -> bytes:
        if self._z is not None:
            self._append(self._z.flush())
            if self.received and not self._z.eof:
                # The stream stopped before its end (a cut connection with a matching
                # Content-Length): half a feed is not stored as if it were the whole one.
                raise _Corrupt(f"the response was cut off (incomplete {self.kind} data)")
        body = b"".join(self.parts)
        if body[:2] == _GZIP_MAGIC and not self.inner:
            inner = _Decoder("gzip", self.max_bytes, inner=True)
            try:
                inner.feed(body)
                return inner.finish()
            except _Corrupt:
                return body  # (bytes that only start like gzip)
        return body


CONNECT_SECONDS = 10.0  # at most, of the fetch's whole time, to connect (and TLS)


class _Unreachable(OSError):
    """Nothing accepted a connection at any of the host's addresses."""


def _error_message(exc: Exception, url: str) -> str:
    """One line for a connection's error (refused, no such host, TLS, reset)."""
    import ssl  # (only now: the app's start-up never needs it)

    host = urlsplit(url).hostname or url
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if isinstance(exc, socket.gaierror) or (
        "name or service not known" in low
        or "nodename nor servname" in low
        or "temporary failure in name resolution" in low
    ):
        return f"host not found: {host}"
    if isinstance(exc, ssl.SSLError | ssl.CertificateError) or "certificate" in low:
        return f"TLS error with {host}: {_last_part(text)}"
    if isinstance(exc, _ProtocolError):
        return f"{host} broke the HTTP protocol: {_last_part(text)}"
    if isinstance(exc, ConnectionRefusedError | TimeoutError) or "connect" in low:
        return f"cannot connect to {host}: {_last_part(text)}"
    return f"network error with {host}: {_last_part(text)}"


def _last_part(text: str) -> str:
    text = " ".join(text.split())
    if "] " in text and text.startswith("["):
        text = text.split("] ", 1)[1]
    return text[:200]


# -- HTTP/1.1 over asyncio streams -------------------------------------------------------------
#
# A refresh's requests are plain GETs; httpx/httpcore (and anyio, h11) cost a refresh process
# ~0.15 s to import and most of its CPU per request (an all-304 refresh of 500 feeds spent a
# third of its time in their request handling). This client does only what a refresh needs,
# with bounds a hostile server cannot get around: the response head at most MAX_HEAD bytes and
# MAX_FIELDS fields, bodies framed by Content-Length, chunked or the connection's close, read
# as they arrive into the size-capped _Decoder, and the whole fetch under one deadline
# (fetch_async). httpx stays for the sync client (sync/client.py).

MAX_HEAD = 65_536  # bytes of a response's status line and header fields (and of a chunk line)
MAX_FIELDS = 256  # header fields in a response (trailers included)
_MAX_INFORMATIONAL = 16  # 1xx responses (100 Continue, 103 Early Hints) before the real one
_CLOSE_WAIT = 0.5  # seconds that closing a pool waits for its connections' orderly ends
_READ = 65_536  # bytes read at a time
_SAFE_PATH = "!$&'()*+,;=:@/?%[]~"  # kept as they are in a request target (others escaped)


# A field's name is a token; its value holds no NUL and no line break (a bare CR, VT, FF):
# what h11 (httpx's parser) refused, so that no header smuggles a line into another.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BREAKS = re.compile(r"[\0\r\n\v\f]")


class _ProtocolError(Exception):
    """The server broke HTTP/1.1 (a bad or too large head, bad framing, a cut body)."""


class _Stale(Exception):
    """A kept-alive connection the server had closed before our request (sent again once)."""


@dataclass(eq=False)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    reused: bool = False

    def close(self) -> None:
        self.writer.close()

    def has_unread(self) -> bool:
        """Bytes already received past the response just read (a body on a 304, more than the
        Content-Length said): they would be read as the next request's answer, so the
        connection cannot carry another one."""
        return bool(getattr(self.reader, "_buffer", b""))


@dataclass(frozen=True)
class _Head:
    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; repeated fields joined with ", "
    keep_alive: bool  # the connection may carry another request after this response


@dataclass(frozen=True)
class _Proxy:
    """An HTTP proxy the environment names (``https_proxy=http://proxy:3128``)."""

    host: str
    port: int
    auth: str | None  # its Proxy-Authorization, from a login in its address

    @property
    def name(self) -> str:
        return f"the proxy {self.host}:{self.port}"


_PROXY_PORT = 1080  # a proxy address without a port: curl's default


def _environment_proxies() -> dict[str, str]:
    """The ``<scheme>_proxy`` and ``no_proxy`` variables, as curl and Python read them
    (lower case first; ``HTTP_PROXY`` ignored in a CGI request)."""
    from urllib.request import getproxies_environment

    return getproxies_environment()


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bypassed(no_proxy: str, host: str, port: int) -> bool:
    """Whether ``no_proxy`` (names separated by commas, as curl reads them) says to reach
    ``host`` directly: ``*``; the host or a domain it is in (``example.com`` and
    ``.example.com`` both take ``feeds.example.com``), with or without ``:port``; or an
    address range (``10.0.0.0/8``) the host's address is in."""
    import ipaddress

    host = host.lower()
    for item in no_proxy.lower().split(","):
        name = item.strip()
        if name == "*":
            return True
        name = name.lstrip(".")
        if not name:
            continue
        if "/" in name:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False):
                    return True
            except ValueError:
                pass
            continue
        bare, _, only_port = name.rpartition(":") if name.count(":") == 1 else (name, "", "")
        if only_port and only_port != str(port):
            continue
        name = bare or name
        if host == name or host.endswith("." + name):
            return True
    return False


def _proxy_for(proxies: dict[str, str], scheme: str, host: str, port: int) -> _Proxy | None:
    """The proxy to reach ``host`` through, or None to connect to it directly: the
    ``https_proxy`` or ``http_proxy`` (by the address's scheme), else ``all_proxy``; none for
    a host ``no_proxy`` names, nor for this machine (``localhost``, 127.0.0.0/8, ``::1``, as
    Go's HTTP client does). Only HTTP proxies: FetchError for another kind."""
    address = proxies.get(scheme) or proxies.get("all")
    if not address or _is_loopback(host):
        return None
    if _bypassed(proxies.get("no", ""), host, port):
        return None
    if "://" not in address:
        address = "http://" + address
    parts = urlsplit(address)
    if parts.scheme.lower() != "http" or not parts.hostname:
        shown = f"{parts.scheme}://{parts.hostname or ''}"
        raise FetchError(f"the proxy {shown} (from {scheme}_proxy) is not an http:// proxy")
    try:
        proxy_port = parts.port or _PROXY_PORT
    except ValueError:
        raise FetchError("the proxy's address (from the environment) has a bad port") from None
    return _Proxy(parts.hostname, proxy_port, _basic_auth(parts))


class Transport:
    """Keep-alive connections for :func:`fetch_async` (see :func:`make_transport`): at most
    ``max_connections`` requests at once; idle connections kept per server."""

    def __init__(self, max_connections: int, verify: ssl.SSLContext | None) -> None:
        self.max_connections = max(1, max_connections)
        self._verify = verify
        self._slots = asyncio.Semaphore(self.max_connections)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self.opened = 0  # connections opened (a refresh's keep-alive at work)
        self._proxies = _environment_proxies()  # read once, with the transport

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        idle = [c for conns in self._idle.values() for c in conns]
        self._idle.clear()
        for conn in idle:
            conn.close()
        if not idle:
            return
        # A TLS connection's close waits for the server's close_notify, up to 30 s in asyncio:
        # a server that never sends it held the caller (a refresh's end, a sync fetch) that
        # long past its deadline. After _CLOSE_WAIT, such connections are dropped.
        waits = [asyncio.ensure_future(conn.writer.wait_closed()) for conn in idle]
        await asyncio.wait(waits, timeout=_CLOSE_WAIT)
        for conn in idle:
            conn.writer.transport.abort()
        for wait in waits:
            with contextlib.suppress(Exception):
                await wait

    def _checkout(self, key: tuple[str, str, int]) -> _Connection | None:
        conns = self._idle.get(key)
        while conns:
            conn = conns.pop()
            if conn.reader.at_eof() or conn.writer.is_closing() or conn.has_unread():
                conn.close()
                continue
            conn.reused = True
            return conn
        return None

    def _checkin(self, key: tuple[str, str, int], conn: _Connection) -> None:
        conns = self._idle.setdefault(key, [])
        if len(conns) < self.max_connections:
            conns.append(conn)
        else:
            conn.close()

    async def _connect(
        self, scheme: str, host: str, port: int, limits: FetchLimits, proxy: _Proxy | None
    ) -> _Connection:
        context = None
        if scheme == "https":
            context = self._verify if self._verify is not None else make_ssl_context()
        within = min(limits.timeout, CONNECT_SECONDS)
        try:
            async with asyncio.timeout(within):
                if proxy is None:
                    reader, writer = await asyncio.open_connection(
                        host,
                        port,
                        ssl=context,
                        server_hostname=host if context is not None else None,
                        limit=MAX_HEAD,
                    )
                else:
                    reader, writer = await _through(proxy, scheme, host, port, context)
        except TimeoutError:
            what = "connecting" if context is None else "connecting (and agreeing on TLS)"
            raise FetchError(f"timed out after {human_seconds(within)} {what} to {host}") from None
        except OSError as exc:
            import ssl as ssl_module

            if isinstance(exc, socket.gaierror | ssl_module.SSLError):
                raise  # "host not found", "TLS error with ..."
            # The words httpx gave (its connect tries every address of the host): "cannot
            # connect to example.org: All connection attempts failed".
            raise _Unreachable("All connection attempts failed") from exc
        self.opened += 1
        return _Connection(reader, writer)

    async def get(
        self, url: str, headers: list[tuple[str, str]], limits: FetchLimits
    ) -> tuple[_Head, _Connection, tuple[str, str, int]]:
        """Send a GET for ``url`` and read its response head; the caller reads the body
        (:func:`_read_body`) and gives the connection back (:meth:`release`)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            host = (parts.hostname or "").encode("idna").decode("ascii")
            port = parts.port or (443 if scheme == "https" else 80)
        except (UnicodeError, ValueError) as exc:
            raise FetchError(f"not a valid URL: {_last_part(str(exc))}") from None
        key = (scheme, host, port)
        target = quote(parts.path or "/", safe=_SAFE_PATH)
        if parts.query:
            target += "?" + quote(parts.query, safe=_SAFE_PATH)
        authority = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            authority += f":{port}"
        proxy = _proxy_for(self._proxies, scheme, host, port)
        if proxy is not None and scheme == "http":
            target = f"http://{authority}{target}"  # the absolute form a proxy is sent
        lines = [f"GET {target} HTTP/1.1", f"Host: {authority}"]
        auth = _basic_auth(parts)
        if auth is not None:
            lines.append(f"Authorization: {auth}")
        if proxy is not None and scheme == "http" and proxy.auth is not None:
            lines.append(f"Proxy-Authorization: {proxy.auth}")
        lines += [f"{name}: {value}" for name, value in headers]
        # latin-1: the validators go back as the bytes they came as (the rest is ASCII).
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        await self._slots.acquire()
        try:
            conn = self._checkout(key)
            if conn is not None:
                try:
                    return await _exchange(conn, request), conn, key
                except _Stale:
                    conn.close()  # the server had closed it: once more, on a new one
                except BaseException:
                    conn.close()
                    raise
            conn = await self._connect(scheme, host, port, limits, proxy)
            try:
                return await _exchange(conn, request), conn, key
            except BaseException:
                conn.close()
                raise
        except BaseException:
            self._slots.release()
            raise

    def release(self, key: tuple[str, str, int], conn: _Connection, *, reuse: bool) -> None:
        """Give a connection back after its response (kept for the next request, or closed)."""
        if reuse and not conn.has_unread():
            self._checkin(key, conn)
        else:
            conn.close()
        self._slots.release()


async def _through(
    proxy: _Proxy, scheme: str, host: str, port: int, context: ssl.SSLContext | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to ``host`` through ``proxy``: to the proxy itself for http (the request
    names the whole address), a CONNECT tunnel with TLS inside it for https."""
    try:
        reader, writer = await asyncio.open_connection(proxy.host, proxy.port, limit=MAX_HEAD)
    except OSError as exc:
        raise FetchError(f"cannot connect to {proxy.name}: {_last_part(str(exc))}") from None
    if scheme != "https":
        return reader, writer
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}", f"User-Agent: {USER_AGENT}"]
    if proxy.auth is not None:
        lines.append(f"Proxy-Authorization: {proxy.auth}")
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        await writer.drain()
        head = await _read_head(reader, first=False)
        if head.status != 200:
            writer.close()
            answer = f"HTTP {head.status} {head.reason}".strip()
            raise FetchError(f"{proxy.name} refused to connect to {host}: {answer}")
        if getattr(reader, "_buffer", b""):  # bytes after its 200, before ours: not TLS
            writer.close()
            raise FetchError(f"{proxy.name} broke the CONNECT protocol")
        assert context is not None  # (https)
        await writer.start_tls(context, server_hostname=host)
    except (_ProtocolError, asyncio.IncompleteReadError, ConnectionError) as exc:
        writer.close()
        raise FetchError(f"{proxy.name} broke the CONNECT protocol: {exc}") from None
    return reader, writer


async def _exchange(conn: _Connection, request: bytes) -> _Head:
    """Send the request and read the response head (1xx answers skipped). _Stale when a
    reused connection turns out closed before any byte of an answer."""
    try:
        conn.writer.write(request)
        await conn.writer.drain()
        for _ in range(_MAX_INFORMATIONAL + 1):
            head = await _read_head(conn.reader, first=conn.reused)
            conn.reused = False
            if head.status == 101:  # no Upgrade was asked for: what follows is not HTTP
                raise _ProtocolError("a switch of protocol that was not asked for")
            if not 100 <= head.status < 200:
                return head
        # (An endless stream of them ran until the deadline, parsed as fast as they came.)
        raise _ProtocolError(f"more than {_MAX_INFORMATIONAL} informational (1xx) responses")
    except _Stale:
        raise
    except (ConnectionResetError, BrokenPipeError) as exc:
        if conn.reused:
            raise _Stale from exc
        raise


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise _ProtocolError(f"a line longer than {human_size(MAX_HEAD)}") from None
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise _ProtocolError("the connection closed in the middle of a line") from None
        raise


def _decode(raw: bytes) -> str:
    """A header line's text: UTF-8 when it is (a Location to a non-ASCII path), else latin-1
    (any byte), as httpx decoded them."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


async def _read_fields(reader: asyncio.StreamReader, size: int) -> tuple[list[str], int]:
    """Header (or trailer) lines up to the blank line, within MAX_HEAD and MAX_FIELDS."""
    fields: list[str] = []
    while True:
        try:
            line = await _read_line(reader)
        except asyncio.IncompleteReadError:
            raise _ProtocolError("the connection closed in the response head") from None
        size += len(line)
        if size > MAX_HEAD:
            raise _ProtocolError(f"response head larger than {human_size(MAX_HEAD)}")
        text = _decode(line.rstrip(b"\r\n"))
        if not text.isascii() and text[:14].lower().startswith(_VALIDATORS):
            # Sent back as received, byte for byte (see _header_value): latin-1 keeps them.
            text = line.rstrip(b"\r\n").decode("latin-1")
        if not text:
            return fields, size
        if text[0] in " \t" and fields:  # an obsolete folded line continues the previous one
            fields[-1] += " " + text.strip()
            continue
        fields.append(text)
        if len(fields) > MAX_FIELDS:
            raise _ProtocolError(f"more than {MAX_FIELDS} header fields")


async def _read_head(reader: asyncio.StreamReader, *, first: bool) -> _Head:
    try:
        line = await _read_line(reader)
    except asyncio.IncompleteReadError:
        if first:
            raise _Stale from None
        raise _ProtocolError("the server closed the connection without an answer") from None
    status_line = line.rstrip(b"\r\n").decode("latin-1")
    version, _, rest = status_line.partition(" ")
    code, _, reason = rest.partition(" ")
    if version not in ("HTTP/1.1", "HTTP/1.0") or len(code) != 3 or not _digits(code):
        raise _ProtocolError(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
    fields, _ = await _read_fields(reader, len(line))
    headers: dict[str, str] = {}
    for field_line in fields:
        name, colon, value = field_line.partition(":")
        if not colon or not _TOKEN.fullmatch(name) or _BREAKS.search(value):
            raise _ProtocolError(f"a malformed header field: {field_line[:80]!r}")
        name = name.lower()
        value = value.strip(" \t")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
    if "transfer-encoding" in headers and ("content-length" in headers or version == "HTTP/1.0"):
        # Framing two ways at once (or chunked in HTTP/1.0): the body is read as chunked, but
        # where this answer really ends is in doubt, so nothing else goes on the connection
        # (RFC 9112, 6.3).
        keep_alive = False
    # The reason phrase goes into an error's one line (shown, stored with the feed): none
    # with a control character (an escape sequence), and a short one.
    reason = reason.strip()
    reason = reason[:_MAX_REASON] if reason.isprintable() else ""
    return _Head(int(code), reason, headers, keep_alive)


_MAX_REASON = 80  # characters of a reason phrase kept


def _framing(head: _Head) -> tuple[str, int]:
    """How the body ends: ("none", 0), ("length", n), ("chunked", 0) or ("close", 0)."""
    if head.status in (204, 304) or 100 <= head.status < 200:
        return "none", 0
    coding = head.headers.get("transfer-encoding")
    if coding is not None:
        codings = [c.strip().lower() for c in coding.split(",") if c.strip()]
        if codings == ["chunked"]:
            return "chunked", 0
        # A transfer coding (gzip, chunked) that nothing here undoes would come out as the
        # body itself: refused, as h11 did under httpx.
        raise _ProtocolError(f"an unsupported Transfer-Encoding: {coding[:40]!r}")
    length = head.headers.get("content-length")
    if length is None:
        return "close", 0
    values = {v.strip() for v in length.split(",")}
    if len(values) != 1 or not all(_digits(v) and len(v) <= 18 for v in values):
        raise _ProtocolError(f"a bad Content-Length: {length[:40]!r}")
    return "length", int(values.pop())


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() is also true of '²' (int() fails) and of other
    scripts' digits ('١' that int() reads as 1), which no HTTP number is written in."""
    return text.isascii() and text.isdigit()


async def _read_body(
    reader: asyncio.StreamReader, framing: tuple[str, int], sink: Callable[[bytes], None]
) -> bool:
    """Read a response body as it arrives into ``sink``; True when it ended by its framing
    (the connection can carry another request)."""
    kind, length = framing
    if kind == "none":
        return True
    if kind == "length":
        await _read_exactly(reader, length, sink)
        return True
    if kind == "close":
        while chunk := await reader.read(_READ):
            sink(chunk)
        return False
    # Chunked. The size lines (with their extensions) are not body: the size cap does not see
    # them, so they may be at most MAX_HEAD plus 16 bytes per byte of data (1-byte chunks
    # take 5), or 64 kB of extension on every 1-byte chunk would run until the deadline.
    framing_bytes = data_bytes = 0
    while True:
        try:
            line = await _read_line(reader)
        except asyncio.IncompleteReadError:
            raise _ProtocolError("the connection closed before the last chunk") from None
        framing_bytes += len(line)
        if framing_bytes > MAX_HEAD + 16 * data_bytes:
            raise _ProtocolError("chunk size lines out of all proportion to the data")
        size = line.split(b";", 1)[0].strip()
        if not size or len(size) > 16 or size.strip(b"0123456789abcdefABCDEF"):
            raise _ProtocolError(f"a bad chunk size: {size[:20]!r}")
        n = int(size, 16)
        if n == 0:
            await _read_fields(reader, 0)  # the trailer fields, if any
            return True
        await _read_exactly(reader, n, sink)
        data_bytes += n
        try:
            end = await _read_line(reader)
        except asyncio.IncompleteReadError:
            raise _ProtocolError("the connection closed before the last chunk") from None
        if end.strip():
            raise _ProtocolError("a chunk longer than its size")


async def _read_exactly(
    reader: asyncio.StreamReader, length: int, sink: Callable[[bytes], None]
) -> None:
    remaining = length
    while remaining:
        chunk = await reader.read(min(remaining, _READ))
        if not chunk:
            raise _ProtocolError("the connection closed before the end of the body")
        remaining -= len(chunk)
        sink(chunk)


def _header_value(value: str | None) -> str | None:
    """A stored validator as it can be sent back: None if it would break the request (a line
    break or another control character), bloat every request (over _MAX_VALIDATOR), or was
    not read as bytes (validators are read as latin-1, one character per byte, and the
    request is written so; one stored by an older version as UTF-8 text is sent no more)."""
    if not value or len(value) > _MAX_VALIDATOR or not value.isprintable():
        return None
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return None
    return value


_MAX_VALIDATOR = 1024  # characters of an ETag or a Last-Modified kept (real ones: < 100)
_VALIDATORS = ("etag:", "last-modified:")  # header lines read as bytes (_read_fields)


def _basic_auth(parts: SplitResult) -> str | None:
    """The Authorization header for a URL's own user name and password
    (``https://user:password@host/feed``, as newsboat and curl take them): HTTP Basic
    (RFC 7617), percent-escapes decoded, UTF-8. None when the URL names neither."""
    if parts.username is None and parts.password is None:
        return None
    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    return "Basic " + base64.b64encode(pair.encode("utf-8", "surrogatepass")).decode("ascii")


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def carry_login(source: str, target: str) -> str:
    """``target`` of a redirect from ``source``, with the user name and password of
    ``source`` when ``target`` names none and is on the same server (the same host and port,
    or the https form of an http address): a login follows its site's own moves (and a
    permanent one is stored with it), never another site."""
    before, after = urlsplit(source), urlsplit(target)
    if "@" not in before.netloc or "@" in after.netloc:
        return target
    scheme, host, port = _origin(before)
    new_scheme, new_host, new_port = _origin(after)
    same = host == new_host and (
        (scheme, port) == (new_scheme, new_port)
        or (scheme == "http" and new_scheme == "https" and new_port == 443 and port == 80)
    )
    if not same or not host:
        return target
    login = before.netloc.rpartition("@")[0]
    return urlunsplit(after._replace(netloc=f"{login}@{after.netloc}"))


def _bot_check(headers: dict[str, str]) -> bool:
    """Whether a refusal is a bot check (a challenge page for browsers), as the services that
    make them say in a header: Cloudflare's ``cf-mitigated: challenge``, AWS WAF's
    ``x-amzn-waf-action`` (challenge, captcha), DataDome's ``x-datadome``."""
    return _challenge(headers) or "x-datadome" in headers


def _challenge(headers: dict[str, str]) -> bool:
    """Whether an answer is a bot check's challenge page, whatever its status: the headers
    that Cloudflare and AWS WAF send with that page only (DataDome's is on every answer of a
    site it guards, passed or not)."""
    cloudflare = headers.get("cf-mitigated", "").strip().lower()
    aws = headers.get("x-amzn-waf-action", "").strip().lower()
    return cloudflare == "challenge" or aws in ("challenge", "captcha")


def _login_withheld(first: str, current: str) -> bool:
    """Whether the feed's address has a login that the redirects' last address lacks (it
    was not carried to another server: :func:`carry_login`)."""
    return "@" in urlsplit(first).netloc and "@" not in urlsplit(current).netloc


def _unauthorized(parts: SplitResult, withheld: bool = False) -> str:
    if withheld:
        return (
            f"{parts.hostname} asks for a user name and password; the ones in the feed's"
            " address are not sent to another server it redirects to"
        )
    if _basic_auth(parts) is None:
        return (
            "the feed asks for a user name and password"
            " (give them in its address: https://user:password@host/...)"
        )
    return "the user name and password in its address were refused"


async def _fetch_hops(
    transport: Transport,
    url: str,
    limits: FetchLimits,
    etag: str | None,
    last_modified: str | None,
    accept: str,
    answered: list[bool] | None = None,
) -> FetchResult:
    current = check_url(url)
    seen = {current}
    all_permanent = True
    moved: str | None = None  # where the redirects lead while every one is permanent
    hops = 0
    headers = [
        ("User-Agent", USER_AGENT),
        ("Accept", accept),
        ("Accept-Encoding", "gzip, deflate"),
    ]
    etag, last_modified = _header_value(etag), _header_value(last_modified)
    if etag:
        headers.append(("If-None-Match", etag))
    if last_modified:
        headers.append(("If-Modified-Since", last_modified))
    while True:
        try:
            head, conn, key = await transport.get(current, headers, limits)
            if answered is not None:
                answered.append(True)
        except FetchError as exc:
            if hops:
                exc.unreachable = False  # (another server than the feed's, redirected to)
            raise
        except (_ProtocolError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
            if not hops:
                raise
            # After a redirect: the host that failed is the one it led to, not the feed's.
            parts = urlsplit(current)
            shown = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
            raise FetchError(f"{_error_message(exc, current)} (redirected to {shown})") from None
        reuse = False
        try:
            status = head.status
            framing = _framing(head)
            if status == 304 or (
                status in _REDIRECTS
                and framing[0] in ("none", "length")
                and framing[1] <= _SMALL_BODY
            ):
                # No body (304) or a small one: read to its end, so that the connection
                # serves the next request (measured: 498 connections for 500 feeds on 100
                # servers answering 304 when they were dropped instead).
                reuse = await _read_body(conn.reader, framing, lambda _chunk: None)
                reuse = reuse and head.keep_alive
            if status in _REDIRECTS:
                location = head.headers.get("location", "").strip()
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location", status=status)
                # (Spaces as a browser sends them, and stores them: "%20".)
                location = location.replace(" ", "%20")
                try:
                    target = carry_login(current, urljoin(current, location))
                    check_url(target)
                except ValueError:  # urljoin's own parse: "Invalid IPv6 URL"
                    raise FetchError("redirect to an invalid URL refused") from None
                except FetchError:
                    raise FetchError("redirect to a non-http(s) URL refused") from None
                hops += 1
                if target in seen:
                    raise FetchError("redirect loop")
                if hops > limits.max_redirects:
                    raise FetchError(f"too many redirects (more than {limits.max_redirects})")
                seen.add(target)
                all_permanent = all_permanent and status in _PERMANENT
                if all_permanent:
                    moved = target  # (a 301 then a 302: the feed moved to the 301's target)
                current = target
                continue
            permanent = moved
            if status == 304:
                return FetchResult(
                    current, status, head.headers, b"", not_modified=True, permanent_url=permanent
                )
            if not 200 <= status < 300 or _challenge(head.headers):
                # (A challenge page sent as 200 is no more the page than one sent as 403: it
                # was shown, and stored, as the article.)
                phrase = head.reason or _REASONS.get(status, "")
                retry = None
                if status in (429, 503):
                    retry = parse_retry_after(head.headers.get("retry-after"))
                text = f"HTTP {status} {phrase}".strip()
                if _bot_check(head.headers):
                    text += (
                        ": the site puts a bot check in front of it, which a feed reader"
                        " cannot pass (the site can exempt its feed)"
                    )
                if status == 401:
                    text += f": {_unauthorized(urlsplit(current), _login_withheld(url, current))}"
                raise FetchError(text, status=status, retry_after=retry)
            encoding = head.headers.get("content-encoding", "")
            if (
                framing[0] == "length"
                and framing[1] > limits.max_bytes
                and encoding.strip().lower() in ("", "identity")
            ):
                raise FetchError(f"response larger than {human_size(limits.max_bytes)}")
            decoder = _Decoder(encoding, limits.max_bytes)
            # Chunks as they arrive: a slow bomb is seen at its cap, not at the deadline.
            reuse = await _read_body(conn.reader, framing, decoder.feed) and head.keep_alive
            body = decoder.finish()
            return FetchResult(current, status, head.headers, body, permanent_url=permanent)
        finally:
            transport.release(key, conn, reuse=reuse)


_SMALL_BODY = 16_384  # a redirect's body read (to keep its connection) up to this size
_REASONS = {429: "Too Many Requests", 503: "Service Unavailable"}


def make_transport(
    *,
    max_connections: int = 32,
    verify: ssl.SSLContext | None = None,
) -> Transport:
    """A keep-alive connection pool for :func:`fetch_async` (its own HTTP/1.1 client, see
    above). Many transports can share one ``verify`` context (the default:
    :func:`make_ssl_context`, made on the first https request)."""
    return Transport(max_connections, verify)


@functools.cache
def make_ssl_context() -> ssl.SSLContext:
    """The process's certificate-verifying TLS context, as httpx would make it (made once; a
    context can be shared by threads). Its CA certificates are loaded on its first TLS
    connection, not here: loading them was the largest single cost of a refresh whose feeds
    are all plain http (``load_verify_locations``, 0.15 s of a 3.4 s profile), which never
    needs them."""
    import os
    import ssl
    import threading

    class _Context(ssl.SSLContext):
        _loaded = False
        _lock = threading.Lock()

        def _load(self) -> None:
            with self._lock:
                if self._loaded:
                    return
                # What httpx.create_ssl_context() loads (trust_env: the SSL_CERT_* variables).
                if os.environ.get("SSL_CERT_FILE"):
                    self.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
                elif os.environ.get("SSL_CERT_DIR"):
                    self.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
                else:
                    import certifi

                    self.load_verify_locations(cafile=certifi.where())
                self._loaded = True

        def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
            self._load()
            return super().wrap_socket(*args, **kwargs)

        def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
            self._load()
            return super().wrap_bio(*args, **kwargs)

    # PROTOCOL_TLS_CLIENT: certificates required and host names checked, as in
    # ssl.create_default_context().
    return _Context(ssl.PROTOCOL_TLS_CLIENT)


async def fetch_async(
    transport: Transport,
    url: str,
    *,
    limits: FetchLimits | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = ACCEPT_PAGE,
) -> FetchResult:
    """Fetch ``url`` through ``transport`` (see :func:`make_transport`); raise FetchError."""
    limits = limits or FetchLimits()
    answered: list[bool] = []  # (a response head came, from the feed's own server or not)
    try:
        async with asyncio.timeout(limits.timeout):
            return await _fetch_hops(transport, url, limits, etag, last_modified, accept, answered)
    except TimeoutError:
        # No answer at all in the whole time: a server that takes connections and says
        # nothing (hung) answers none of its feeds either.
        raise FetchError(
            f"timed out after {human_seconds(limits.timeout)}", unreachable=not answered
        ) from None
    except FetchError:
        raise
    except (_ProtocolError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
        unreachable = isinstance(exc, socket.gaierror | _Unreachable)
        raise FetchError(_error_message(exc, url), unreachable=unreachable) from None


async def _fetch_once(
    url: str, limits: FetchLimits, etag: str | None, last_modified: str | None, accept: str
) -> FetchResult:
    async with make_transport(max_connections=4) as transport:
        return await fetch_async(
            transport, url, limits=limits, etag=etag, last_modified=last_modified, accept=accept
        )


def fetch(
    url: str,
    *,
    limits: FetchLimits | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = ACCEPT_PAGE,
) -> FetchResult:
    """Fetch ``url`` (blocking; call it from a worker thread). Raises FetchError."""
    limits = limits or FetchLimits()
    check_url(url)
    coro_args = (url, limits, etag, last_modified, accept)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run_detached(_fetch_once(*coro_args))
    # Called on a thread that runs an event loop: do the work on a fresh thread instead.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run_detached, _fetch_once(*coro_args)).result()


class _LookupThreads(concurrent.futures.ThreadPoolExecutor):
    """The event loop's default executor while :func:`run_detached` runs it: each call (a host
    name lookup: ``loop.getaddrinfo`` is its only use there) on a daemon thread of its own.
    A lookup cannot be cancelled; a resolver that does not answer leaves its thread blocked,
    and a pool's thread would be waited for when the loop closes and again when the process
    exits. The callers bound how many run at once (one per connection being opened). (A
    ThreadPoolExecutor in name only: ``set_default_executor`` takes no other kind.)"""

    def submit(
        self, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)

        threading.Thread(target=work, name="tui-reader-lookup", daemon=True).start()
        return future


def run_detached(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` for fetching: host name lookups run on daemon threads, and the loop is
    closed without waiting for them (asyncio.run's last step waits for its executor's threads,
    and the interpreter's exit for any pool's), so a resolver that does not answer holds
    neither the caller past its deadlines nor the process at its exit."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(_LookupThreads())
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            left = asyncio.all_tasks(loop)  # as asyncio.run: what is left is cancelled
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
