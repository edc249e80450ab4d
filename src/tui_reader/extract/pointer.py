"""A page that only points at another, followed as a browser follows it.

A ``<meta http-equiv="refresh" content="0; url=…">`` with a short delay and an address is
a page saying "the article is over there": a CMS's stub for a moved article, a link
shortener's or a newsletter tracker's redirecting page. A browser goes on to that address
within seconds, so :func:`fetch_page` does too, before extracting: otherwise the reader
showed "Redirecting…" as the article.

Not followed: a refresh of the page itself (a live blog reloading), a refresh with a long
delay (a front page reloading every few minutes), one with no address, one inside
``<noscript>`` (for browsers without scripts: it leads to a "no script" version, and the page
as it is served is what a reader reads), in a comment or a script. When following fails (the
address is gone, refused), the page itself is extracted, as before.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urldefrag, urljoin

from tui_reader.net import FetchError, FetchLimits, FetchResult, fetch
from tui_reader.sanitize import is_web_url

# Where a refresh is looked for: a document's head comes first, and a browser acts on a meta
# refresh in the body too; a page's first 64 kB is where every stub has one.
HEAD_BYTES = 65_536
# The longest delay taken as "go there now": a "redirecting you in 5 seconds" page waits a
# few seconds; a page that reloads itself or its site every few minutes is no pointer.
MAX_DELAY = 10
# Pointers followed one after another (each a fetch with its own HTTP redirects).
MAX_HOPS = 3

# A meta tag, up to its end or the next tag's start: each character is read by one attempt
# at most (an unclosed "<meta" ends at the next "<"), so the scan is linear in the bytes.
_META = re.compile(rb"<meta\b[^<>]{0,4096}>")
_REFRESH = re.compile(rb"""\shttp-equiv\s*=\s*["']?\s*refresh\b""")
_CONTENT = re.compile(rb"""\scontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# The delay (digits, then any digits and dots) and what follows it, as the HTML standard's
# "shared declarative refresh steps" read a refresh's content.
_DELAY = re.compile(r"[\t\n\f\r ]*(\d*)([\d.]*)")
_URL_KEY = re.compile(r"[\t\n\f\r ]*[;,]?[\t\n\f\r ]*(?:url[\t\n\f\r ]*=[\t\n\f\r ]*)?", re.I)
_MAX_REFRESH_TAGS = 4
# Where a tag found by _META is not a tag the browser acts on.
_HIDING = ((b"<!--", b"-->"), (b"<noscript", b"</noscript"), (b"<script", b"</script"))


def _hidden(head: bytes, at: int) -> bool:
    """Whether position ``at`` of the (lower-cased) ``head`` is inside a comment, a
    ``<noscript>`` or a script: its last opening comes after its last closing."""
    return any(head.rfind(start, 0, at) > head.rfind(end, 0, at) for start, end in _HIDING)


def refresh_target(body: bytes, url: str, content_type: str = "") -> str | None:
    """The address a page's meta refresh sends a browser to at once (within MAX_DELAY
    seconds), resolved against the page's ``url``; None when the page is not such a pointer
    (no refresh, a long delay, no address, itself, not http(s), not HTML)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind and "html" not in kind:
        return None
    head = body[:HEAD_BYTES].lower()  # ASCII letters only: the offsets stay the same
    if b"refresh" not in head:
        return None
    refreshes = 0
    for tag in _META.finditer(head):
        text = tag.group()
        if not _REFRESH.search(text):
            continue
        refreshes += 1
        if refreshes > _MAX_REFRESH_TAGS:
            break  # (each costs a look back over the head: a page of them is no pointer)
        if _hidden(head, tag.start()):
            continue
        content = _CONTENT.search(text)
        if content is None:
            continue
        # The value as the page wrote it (an address's case kept), its entities decoded.
        start, end = next(content.span(i) for i in (1, 2, 3) if content.group(i) is not None)
        raw = body[tag.start() + start : tag.start() + end]
        return _target(html.unescape(raw.decode("utf-8", "replace")), url)
    return None


def _target(value: str, url: str) -> str | None:
    delay = _DELAY.match(value)
    assert delay is not None  # (every part of it is optional)
    if not delay.group(1) and not delay.group(2):
        return None  # no delay: not a refresh a browser acts on
    if int(delay.group(1)[:6] or 0) > MAX_DELAY:
        return None
    rest = value[delay.end() :]
    if rest and rest[0] not in ";, \t\n\f\r":
        return None
    key = _URL_KEY.match(rest)
    assert key is not None  # (every part of it is optional)
    address = rest[key.end() :]
    if address[:1] in ("'", '"'):
        quote, address = address[0], address[1:]
        address = address.split(quote, 1)[0]
    address = address.strip()
    if not address:
        return None  # a reload of the page itself
    try:
        target = urldefrag(urljoin(url, address)).url
    except ValueError:  # ("http://[::1": no address a browser would go to either)
        return None
    if not is_web_url(target) or target == urldefrag(url).url:
        return None
    return target


def fetch_page(url: str, limits: FetchLimits) -> FetchResult:
    """The page at ``url`` (:func:`tui_reader.net.fetch`), or the page its meta refresh
    points to (up to MAX_HOPS of them, each fetched with the same limits): the page a
    browser would show. A pointer that cannot be followed leaves the page that made it."""
    result = fetch(url, limits=limits)
    seen = {urldefrag(url).url, urldefrag(result.url).url}
    for _ in range(MAX_HOPS):
        target = refresh_target(result.body, result.url, result.content_type)
        if target is None or target in seen:
            break
        seen.add(target)
        try:
            result = fetch(target, limits=limits)
        except FetchError:
            break
        seen.add(urldefrag(result.url).url)
    return result
