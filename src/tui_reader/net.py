"""Fetching over HTTP(S), with limits that hostile servers cannot get around.

Only http(s) URLs are fetched. Redirects are followed by hand so that every hop is checked (its
scheme, the count, loops). gzip and deflate are accepted, but the *decompressed* size is capped
while streaming (no compression bombs). The timeout is a deadline for the whole fetch — every
redirect and every byte of the body — not only a limit per read, so a server that sends one byte
every two seconds still ends.

:func:`fetch` is synchronous (for worker threads); :func:`fetch_async` does the same work on an
httpx transport (connection pool) that the caller shares across many fetches (keep-alive).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import importlib
import sys
import time
import types
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from tui_reader import __version__
from tui_reader.errors import ReaderError

if TYPE_CHECKING:
    import ssl

    import httpx

    from tui_reader.config import RefreshConfig


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
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


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

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified") or None


def human_size(n: int) -> str:
    """20_000_000 -> '20 MB'; 1500 -> '1.5 kB'."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def _seconds(value: float) -> str:
    return f"{value:.3g} s"


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
    return url


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Decoder:
    """Content-Encoding decoding with a cap on the decompressed size."""

    def __init__(self, encoding: str, max_bytes: int) -> None:
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
        self._z: zlib._Decompress | None = None
        self._deflate_tried_raw = False
        self._first = b""
        if self.kind:
            self._z = self._new()

    def _new(self) -> zlib._Decompress:
        if self.kind in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._deflate_tried_raw else zlib.MAX_WBITS)

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
        if self.kind == "deflate" and not self._deflate_tried_raw and self.size == 0:
            self._first += chunk
        data = chunk
        while data:
            room = self.max_bytes - self.size + 1
            try:
                out = self._z.decompress(data, room)
            except zlib.error as exc:
                if self.kind == "deflate" and not self._deflate_tried_raw and self.size == 0:
                    # Some servers send raw deflate without the zlib wrapper.
                    self._deflate_tried_raw = True
                    self._z = self._new()
                    data, self._first = self._first, b""
                    continue
                raise FetchError(f"corrupt {self.kind} data: {exc}") from None
            self._append(out)
            if self._z.unconsumed_tail:
                data = self._z.unconsumed_tail
            elif self._z.eof and self._z.unused_data and self.kind != "deflate":
                data = self._z.unused_data  # a further gzip member
                self._z = self._new()
            else:
                data = b""

    def finish(self) -> bytes:
        if self._z is not None:
            self._append(self._z.flush())
            if self.received and not self._z.eof:
                # The stream stopped before its end (a cut connection with a matching
                # Content-Length): half a feed is not stored as if it were the whole one.
                raise FetchError(f"the response was cut off (incomplete {self.kind} data)")
        return b"".join(self.parts)


def _error_message(exc: Exception, url: str) -> str:
    """One line for a transport error."""
    import httpx

    host = urlsplit(url).hostname or url
    if isinstance(exc, httpx.TimeoutException):
        return ""  # the caller reports the deadline instead
    if isinstance(exc, httpx.ConnectError):
        text = str(exc) or type(exc).__name__
        low = text.lower()
        if (
            "name or service not known" in low
            or "nodename nor servname" in low
            or ("temporary failure in name resolution" in low)
        ):
            return f"host not found: {host}"
        if "certificate" in low or "ssl" in low:
            return f"TLS error with {host}: {_last_part(text)}"
        return f"cannot connect to {host}: {_last_part(text)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{host} broke the HTTP protocol: {_last_part(str(exc))}"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"not a valid URL: {_last_part(str(exc))}"
    if isinstance(exc, httpx.HTTPError):
        return f"network error with {host}: {_last_part(str(exc)) or type(exc).__name__}"
    return f"network error with {host}: {_last_part(str(exc)) or type(exc).__name__}"


def _last_part(text: str) -> str:
    text = " ".join(text.split())
    if "] " in text and text.startswith("["):
        text = text.split("] ", 1)[1]
    return text[:200]


async def _fetch_hops(
    transport: httpx.AsyncBaseTransport,
    url: str,
    limits: FetchLimits,
    etag: str | None,
    last_modified: str | None,
    accept: str,
) -> FetchResult:
    import httpx

    timeouts = _timeout(limits).as_dict()
    current = check_url(url)
    seen = {current}
    all_permanent = True
    hops = 0
    while True:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = httpx.Request("GET", current, headers=headers, extensions={"timeout": timeouts})
        response = await transport.handle_async_request(request)
        try:
            status = response.status_code
            if status == 304 or (status in _REDIRECTS and _small_body(response)):
                # No body (304) or a small one: read to its end, so that the connection goes
                # back to the pool. Closed unread, it would be dropped and every conditional
                # request to a server would open a new connection (measured: 498 connections
                # for 500 feeds on 100 servers answering 304).
                async for _ in response.aiter_raw():
                    pass
            if status in _REDIRECTS:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location", status=status)
                target = urljoin(current, location)
                try:
                    check_url(target)
                except FetchError:
                    raise FetchError("redirect to a non-http(s) URL refused") from None
                hops += 1
                if target in seen:
                    raise FetchError("redirect loop")
                if hops > limits.max_redirects:
                    raise FetchError(f"too many redirects (more than {limits.max_redirects})")
                seen.add(target)
                all_permanent = all_permanent and status in _PERMANENT
                current = target
                continue
            result_headers = {k.lower(): v for k, v in response.headers.items()}
            permanent = current if hops and all_permanent else None
            if status == 304:
                return FetchResult(
                    current, status, result_headers, b"", not_modified=True, permanent_url=permanent
                )
            if not 200 <= status < 300:
                phrase = response.reason_phrase or ""
                retry = None
                if status in (429, 503):
                    retry = parse_retry_after(response.headers.get("retry-after"))
                raise FetchError(
                    f"HTTP {status} {phrase}".strip(), status=status, retry_after=retry
                )
            declared = response.headers.get("content-length", "")
            encoding = response.headers.get("content-encoding", "")
            if (
                declared.isdigit()
                and int(declared) > limits.max_bytes
                and encoding.strip().lower() in ("", "identity")
            ):
                raise FetchError(f"response larger than {human_size(limits.max_bytes)}")
            decoder = _Decoder(encoding, limits.max_bytes)
            # Chunks as they arrive: a chunk size would make httpx hold data back until that
            # much arrived, so a slow bomb would only be seen at the deadline.
            async for chunk in response.aiter_raw():
                decoder.feed(chunk)
            body = decoder.finish()
            return FetchResult(current, status, result_headers, body, permanent_url=permanent)
        finally:
            await response.aclose()


_SMALL_BODY = 16_384  # a redirect's body read (to keep its connection) up to this size


def _small_body(response: httpx.Response) -> bool:
    declared = response.headers.get("content-length", "")
    return declared.isdigit() and int(declared) <= _SMALL_BODY


def _timeout(limits: FetchLimits) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(limits.timeout, connect=min(limits.timeout, 10.0))


def make_transport(
    *,
    max_connections: int = 32,
    verify: ssl.SSLContext | None = None,
) -> httpx.AsyncHTTPTransport:
    """A keep-alive connection pool for :func:`fetch_async`.

    httpx's transport is used without an ``AsyncClient`` around it: :func:`fetch_async` does
    the client's work that matters here (headers, redirects, timeouts) itself, and a refresh
    of hundreds of feeds spends a fifth less CPU per request. Many transports can share one
    ``verify`` context (the default: :func:`make_ssl_context`)."""
    import httpx

    return httpx.AsyncHTTPTransport(
        verify=verify if verify is not None else make_ssl_context(),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        trust_env=False,
    )


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
    transport: httpx.AsyncBaseTransport,
    url: str,
    *,
    limits: FetchLimits | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = ACCEPT_PAGE,
) -> FetchResult:
    """Fetch ``url`` through ``transport`` (see :func:`make_transport`); raise FetchError."""
    limits = limits or FetchLimits()
    try:
        async with asyncio.timeout(limits.timeout):
            return await _fetch_hops(transport, url, limits, etag, last_modified, accept)
    except TimeoutError:
        raise FetchError(f"timed out after {_seconds(limits.timeout)}") from None
    except FetchError:
        raise
    except Exception as exc:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            raise FetchError(f"timed out after {_seconds(limits.timeout)}") from None
        if isinstance(exc, httpx.HTTPError | OSError | ValueError):
            raise FetchError(_error_message(exc, url)) from None
        raise


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
        return asyncio.run(_fetch_once(*coro_args))
    # Called on a thread that runs an event loop: do the work on a fresh thread instead.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _fetch_once(*coro_args)).result()
