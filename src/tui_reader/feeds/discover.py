"""Find the feed behind a URL: the URL itself when it is a feed, or the feed a web page names in
``<link rel="alternate" type="application/rss+xml | atom+xml | feed+json">``; failing that,
one its links point to whose address reads as a feed's (``/feed/``, ``rss.xml``, ``.atom``),
as feedfinder2 and lemon24/reader look for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from tui_reader.budget import BudgetError, shared_workers
from tui_reader.charsets import decode_page
from tui_reader.config import LimitsConfig
from tui_reader.errors import ReaderError
from tui_reader.feeds.parse import FeedError, ParsedFeed, parse_feed
from tui_reader.feeds.welcome import WELCOME_URL, welcome_bytes, welcome_etag
from tui_reader.net import (
    ACCEPT_FEED,
    FetchError,
    FetchLimits,
    FetchResult,
    carry_login,
    check_url,
    fetch,
)
from tui_reader.sanitize import clean_line, is_web_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# Types a feed has, but other documents too (any XML, any JSON): their links are tried after
# the feed types', so that three of them ahead of a page's real feed do not use up the tries.
_GENERIC_TYPES = frozenset(
    {"application/json", "application/rdf+xml", "application/xml", "text/xml"}
)
_MAX_CANDIDATES = 3
# Where the page's own <body> starts: its feed links are in the <head> before it. Cut there, not
# at the body the parser implies: a stray element in the head (a tracking pixel's <img>, an
# "&nbsp;") implies one, and the links after it were lost.
_BODY_TAG = re.compile(r"<body[\s>/]", re.I)
# A link's address that reads as a feed's: a last path segment named for one ("feed", "rss",
# "atom", "feeds", "index.xml", "rss.xml", "atom.xml", "feed.json"), or ending in .rss, .rdf or
# .atom; an RSS or Atom format asked for in the query. (A page's links are many and most are
# articles: a name alone, not "has rss in it", so that "/tags/rss-readers" is not one.)
_FEED_SEGMENT = re.compile(
    r"(?:feeds?|rss2?|atom|rdf|index\.(?:xml|rss|atom)|(?:rss|atom|feed)\.(?:xml|json)"
    r"|[^/]*\.(?:rss|rdf|atom))",
    re.I,
)
_FEED_QUERY = re.compile(r"(?:^|&)(?:format|feed|type)=(?:rss2?|atom|feed)(?:&|$)", re.I)
_MAX_ANCHORS = 5_000  # links read from one page (a page of 100,000 links is no site's index)


class DiscoverError(ReaderError):
    """No usable feed at that URL; ``str(error)`` is one line."""


@dataclass(frozen=True)
class FeedLink:
    url: str
    type: str
    title: str = ""


@dataclass(frozen=True)
class Discovered:
    url: str  # the feed's URL to subscribe to
    parsed: ParsedFeed
    etag: str | None = None
    last_modified: str | None = None
    via_page: str = ""  # the web page that named the feed, if it came from one
    fetched_url: str = ""  # where the feed was fetched from, after every redirect


class _LinkFinder:
    """A parser target (lxml calls it in document order). lxml, not html.parser: that one
    rescans the rest of the page from every start tag without a ">" (quadratic: a page of
    "<link rel=alternate " took minutes)."""

    def __init__(self, *, anchors: bool = False) -> None:
        self.base = ""
        self.links: list[tuple[str, str, str]] = []
        self.anchors: list[tuple[str, str]] | None = [] if anchors else None  # (href, title)

    def start(self, tag: str | bytes, attrib: dict[str | bytes, str | bytes]) -> None:
        if not isinstance(tag, str):
            return
        tag = tag.lower()
        a = {str(k).lower(): str(v or "") for k, v in attrib.items()}
        if tag == "base" and a.get("href") and not self.base:
            self.base = a["href"].strip()
        elif tag == "a" and self.anchors is not None and len(self.anchors) < _MAX_ANCHORS:
            if a.get("href", "").strip():
                self.anchors.append((a["href"].strip(), a.get("title", "")))
        elif tag == "link" and a.get("href", "").strip():
            rels = a.get("rel", "").lower().split()
            kind = a.get("type", "").lower().split(";")[0].strip()
            # rel="feed" (HTML's own keyword; any feed type, or none given), or an alternate
            # version in a feed's type, but not an "alternate stylesheet".
            if ("feed" in rels and (not kind or kind in FEED_TYPES)) or (
                "alternate" in rels and "stylesheet" not in rels and kind in FEED_TYPES
            ):
                self.links.append((a["href"].strip(), kind, a.get("title", "")))

    def end(self, tag: str | bytes) -> None:
        pass

    def data(self, data: str | bytes) -> None:
        pass

    def comment(self, text: str | bytes) -> None:
        pass

    def close(self) -> None:
        pass


def find_page_feeds(
    page: bytes, base_url: str, content_type: str = ""
) -> tuple[list[FeedLink], bool]:
    """The feeds a web page names in its head (:func:`find_feed_links`), else those its links
    lead to (:func:`find_feed_anchors`), and whether they are the latter: the page decoded
    once."""
    text = decode_page(page[:2_000_000], content_type)
    links = _head_links(text, base_url)
    if links:
        return links, False
    return _anchor_links(text, base_url), True


def find_feed_links(page: bytes, base_url: str, content_type: str = "") -> list[FeedLink]:
    """The feeds a web page's head names, in document order (those of generic XML or JSON
    types after the others, comment feeds last); ``content_type`` (the server's, if any) may
    name the page's charset."""
    return _head_links(decode_page(page[:2_000_000], content_type), base_url)


def _head_links(text: str, base_url: str) -> list[FeedLink]:
    body = _BODY_TAG.search(text)
    if body is not None:
        text = text[: body.start()]
    finder = _LinkFinder()
    base = _read(text, finder, base_url)
    found: list[FeedLink] = []
    seen: set[str] = set()
    for href, kind, title in finder.links:
        url = urljoin(base, clean_line(href))
        if not is_web_url(url) or url in seen:
            continue
        seen.add(url)
        found.append(FeedLink(url, kind, clean_line(title)))
    found.sort(key=lambda link: ("comment" in link.title.casefold(), link.type in _GENERIC_TYPES))
    return found


def _read(text: str, finder: _LinkFinder, base_url: str) -> str:
    """Feed the page to ``finder``; the base its links resolve against."""
    parser = etree.HTMLParser(target=finder, no_network=True, recover=True)
    try:
        parser.feed(text.replace("\x00", ""))  # (libxml2 would cut a value at a NUL)
        parser.close()
    except (etree.Error, ValueError):  # nothing parseable: no links
        pass
    return urljoin(base_url, finder.base) if finder.base else base_url


def find_feed_anchors(page: bytes, base_url: str, content_type: str = "") -> list[FeedLink]:
    """The page's links (``<a href>``, anywhere in it) whose address reads as a feed's, for a
    page whose head names none: those on the page's own site first, comment feeds last."""
    return _anchor_links(decode_page(page[:2_000_000], content_type), base_url)


def _anchor_links(text: str, base_url: str) -> list[FeedLink]:
    finder = _LinkFinder(anchors=True)
    base = _read(text, finder, base_url)
    site = urlsplit(base_url).hostname or ""
    found: list[tuple[bool, bool, FeedLink]] = []  # (elsewhere, comments, link): the order
    seen: set[str] = set()
    for href, title in finder.anchors or []:
        try:
            url = urljoin(base, clean_line(href)).split("#", 1)[0]
            parts = urlsplit(url)
        except ValueError:
            continue
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        named = _FEED_SEGMENT.fullmatch(last) is not None or _FEED_QUERY.search(parts.query)
        if not named or not is_web_url(url) or url in seen:
            continue
        seen.add(url)
        link = FeedLink(url, "", clean_line(title))
        elsewhere = not _same_site(parts.hostname or "", site)
        found.append((elsewhere, "comment" in f"{url} {link.title}".casefold(), link))
    found.sort(key=lambda item: item[:2])
    return [link for _, _, link in found]


def _same_site(host: str, site: str) -> bool:
    """The same host, or one is the other with "www." or a subdomain before it."""
    host, site = host.lower().removeprefix("www."), site.lower().removeprefix("www.")
    return host == site or host.endswith("." + site) or site.endswith("." + host)


def _looks_like_html(result: FetchResult) -> bool:
    kind = result.content_type.lower()
    if "html" in kind:
        return True
    head = result.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head"))


def _parse(result: FetchResult, seconds: float) -> ParsedFeed:
    """parse_feed in a worker process, under the time budget (raises BudgetError when over)."""
    return shared_workers().run(
        seconds, "the feed", parse_feed, result.body, result.url, result.content_type
    )


def discover(
    url: str,
    *,
    limits: FetchLimits | None = None,
    parse_seconds: float = LimitsConfig.parse_seconds,
) -> Discovered:
    """Fetch ``url`` and return the feed it is or names. Raises DiscoverError (one line).

    Documents are read in a worker process, each within ``parse_seconds``."""
    url = url.strip()
    if url == WELCOME_URL:
        data = welcome_bytes()
        return Discovered(url, parse_feed(data, url), etag=welcome_etag(data))
    try:
        check_url(url)
        result = fetch(url, limits=limits, accept=ACCEPT_FEED)
    except FetchError as exc:
        raise DiscoverError(str(exc)) from None
    feed_url = result.permanent_url or url
    try:
        parsed = _parse(result, parse_seconds)
    except BudgetError as exc:
        raise DiscoverError(str(exc)) from None
    except FeedError as exc:
        if not _looks_like_html(result):
            raise DiscoverError(str(exc)) from None
    else:
        return Discovered(
            feed_url, parsed, result.etag, result.last_modified, fetched_url=result.url
        )
    try:
        links, by_anchors = shared_workers().run(
            parse_seconds,
            "the page",
            find_page_feeds,
            result.body,
            result.url,
            result.content_type,
        )
    except BudgetError as exc:
        raise DiscoverError(str(exc)) from None
    named = "links to" if by_anchors else "names"
    if not links:
        raise DiscoverError(
            'this is a web page, and it names no feed (no <link rel="alternate"> to RSS,'
            " Atom or JSON Feed, nor a link to one)"
        )
    problems: list[str] = []
    for link in links[:_MAX_CANDIDATES]:
        # A page behind a login names its feeds without it: the same server's get it too.
        candidate = carry_login(result.url, link.url)
        try:
            found = fetch(candidate, limits=limits, accept=ACCEPT_FEED)
            parsed = _parse(found, parse_seconds)
        except (FetchError, FeedError, BudgetError) as exc:
            problems.append(f"{link.url}: {exc}")
            continue
        return Discovered(
            found.permanent_url or candidate,
            parsed,
            found.etag,
            found.last_modified,
            via_page=result.url,
            fetched_url=found.url,
        )
    raise DiscoverError(f"the page {named} a feed, but it could not be read ({problems[0]})")
