"""Parse a feed's bytes: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed with json.

Real feeds are often slightly broken. When feedparser finds entries in a document that is not
well-formed ("bozo"), the result carries a one-line ``warning`` instead of failing. A document
that yields nothing usable raises :class:`FeedError` with a clear message.

Slow paths avoided: feedparser's own HTML sanitizing and relative-URI resolution are off (the
extractor cleans HTML later), and wrongly declared encodings are fixed here before feedparser
would fall back to chardet (which can take over a second on one large feed).
"""

from __future__ import annotations

import array
import codecs
import collections
import io
import json
import re
import sys
import time
from dataclasses import replace
from html import escape as _html_escape
from typing import Any

from tui_reader.charsets import (
    ascii_compatible,
    codec_for_label,
    decode_mixed,
    decode_windows_1252,
    header_charset,
    mostly_utf8,
)
from tui_reader.feeds.enclosures import MAX_SCANNED, clean_enclosures, shared_pictures
from tui_reader.feeds.fastxml import ORIGINAL_LINK, read_fast
from tui_reader.feeds.parse_api import FeedError, ParsedFeed
from tui_reader.feeds.text import (
    clean_html,
    clean_link,
    clean_title,
    fast_clean,
    fast_line,
    html_to_text,
    iso_to_epoch,
    struct_to_epoch,
    text_to_html,
)
from tui_reader.feeds.xmlsafe import UnsafeXML, neutralize, wide_to_utf8
from tui_reader.models import EntryData
from tui_reader.sanitize import clean_line, is_web_url
from tui_reader.timestamps import AHEAD

__all__ = ["FeedError", "ParsedFeed", "parse_feed", "parse_json_feed"]

# Well-formed RSS and Atom are read with lxml when tui_reader.feeds.fastxml can give exactly
# what feedparser would (it declines otherwise); False sends every document to feedparser.
FAST_PATH = True


_XML_DECL = re.compile(rb"\A\s*<\?xml\b[^>]*?\?>", re.IGNORECASE)
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""", re.IGNORECASE)
# Comments end at their first "-->" and nothing is given back: with "<!--.*?-->" repeated, a
# failed match tried every way of grouping n comments into larger ones (2**n).
# An XHTML page may open with an XML declaration or another processing instruction (a style
# sheet's); "<?...>" ends at its first ">", possessively.
_HTML_START = re.compile(
    rb"\A\s*+(?:(?:<!--(?:[^-]|-(?!->))*+-->|<\?[^>]*+>)\s*+)*+"
    rb"<(?:!doctype\s+html|html|head|body)\b",
    re.I,
)
_UNICODE_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document (bytes as fetched); ``url`` resolves relative links, and
    ``content_type`` (the server's Content-Type header, if any) may name its charset.

    Raises FeedError when the document holds no feed."""
    if not data or not data.strip():
        raise FeedError("empty response: no feed in it")
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        parsed = parse_json_feed(data, url)
    else:
        parsed = _parse_xml(data, url, header_charset(content_type))
    return _own_enclosures(_not_ahead(parsed, time.time()))


def _own_enclosures(parsed: ParsedFeed) -> ParsedFeed:
    """The feed with no picture that several of its entries carry among their enclosures
    (:func:`~tui_reader.feeds.enclosures.shared_pictures`)."""
    shared = shared_pictures(e.enclosures for e in parsed.entries)
    if not shared:
        return parsed
    entries = [
        replace(e, enclosures=tuple(x for x in e.enclosures if x.url not in shared))
        if any(x.url in shared for x in e.enclosures)
        else e
        for e in parsed.entries
    ]
    return replace(parsed, entries=entries)


def _not_ahead(parsed: ParsedFeed, now: float) -> ParsedFeed:
    """The feed with no entry dated well after ``now`` (more than
    :data:`~tui_reader.timestamps.AHEAD`: time zones and clocks aside): a date in 2099 (a
    template's placeholder, a typo of the year) held the entry at the top of every list sorted
    by date for ever. Such a date is none: the entry is dated when first seen, and takes its
    date once it has come (an update, once)."""
    limit = now + AHEAD
    if all((e.published or 0) <= limit and (e.updated or 0) <= limit for e in parsed.entries):
        return parsed
    entries = [
        e
        if (e.published or 0) <= limit and (e.updated or 0) <= limit
        else replace(
            e,
            published=e.published if (e.published or 0) <= limit else None,
            updated=e.updated if (e.updated or 0) <= limit else None,
        )
        for e in parsed.entries
    ]
    return replace(parsed, entries=entries)


# -- XML (feedparser) --------------------------------------------------------------------------


def _fix_encoding(data: bytes, server_charset: str | None = None) -> tuple[bytes, str]:
    """The document in UTF-8 (its declaration, if it has one, saying so), and a warning when
    the encoding it declared was wrong. Leading whitespace before ``<?xml`` is removed (it
    breaks XML).

    The encoding: UTF-8 when the bytes are valid UTF-8 (a document that is, with characters
    beyond ASCII, yet declares another encoding is mislabelled: text in any other encoding
    almost never happens to be valid UTF-8); else the first of the encoding the document
    declares, the server's charset (``server_charset``, from its Content-Type) and
    windows-1252 that reads the bytes. The document's own declaration comes first, as in
    newsboat: servers send a default charset for every file. Labels are read as browsers read
    them (:mod:`tui_reader.charsets`); a label naming no text encoding is unknown."""
    if data.startswith(_UNICODE_BOMS):
        return data, ""  # (real UTF-16 and UTF-32 were made UTF-8 already)
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    decl = _XML_DECL.match(data)
    if decl and data[:1].isspace():
        data = data.lstrip()
        decl = _XML_DECL.match(data)
    label = ""
    if decl:
        found = _DECL_ENCODING.search(decl.group(0))
        if found:
            label = found.group(1).decode("ascii").lower()
    declared = codec_for_label(label) if label else None
    unknown = f"unknown encoding {label!r}" if label and declared is None else ""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if (declared if label else server_charset) == "iso2022_jp" and b"\x1b" in data:
            # (ISO-2022-JP is 7-bit, valid UTF-8 too: only its label tells)
            return _as_utf8(data.decode("iso2022_jp", "replace"), decl), ""
        if not label or declared == "utf-8":
            return data, ""
        if data.isascii():  # the same characters in any encoding a label here can name
            return _as_utf8(data, decl), f"{unknown}; read as utf-8" if unknown else ""
        said = unknown or f"declared as {label} but is UTF-8"
        return _as_utf8(data, decl), f"{said}; read as utf-8"
    wrong = unknown or (f"declared as {label} but is not" if label else "")
    # (Mostly UTF-8, a few stray bytes: neither a declared nor the server's charset, but the
    # last resort below, which reads it as UTF-8 where it is.)
    legacy = () if mostly_utf8(data) else (declared, server_charset)
    if not legacy and not wrong and server_charset:
        wrong = f"the server says {server_charset} but it is mostly UTF-8"
    for codec in legacy:
        if codec is None or codec.startswith("utf-") or not ascii_compatible(codec):
            continue  # (UTF-8 it is not; 8-bit bytes are no UTF-16, nor EBCDIC when an ASCII
            # declaration says so)
        try:
            text = decode_windows_1252(data) if codec == "cp1252" else data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == declared:
            return _as_utf8(text, decl), ""
        note = f"{wrong}; read as {codec} (the server's charset)" if wrong else ""
        return _as_utf8(text, decl), note
    # The last resort, the same as a web page's: UTF-8 where the bytes are UTF-8 (a feed in
    # UTF-8 with a stray Latin-1 byte keeps its curly quotes, instead of every "’" becoming
    # "â€™"), windows-1252 for the bytes that are not (which is all of them in a feed that is
    # wholly windows-1252).
    said = wrong or "not UTF-8 and no encoding declared"
    text = decode_mixed(data)
    if text == decode_windows_1252(data):
        return _as_utf8(text, decl), f"{said}; read as windows-1252"
    return _as_utf8(text, decl), f"{said}; read as UTF-8, windows-1252 for the bytes that are not"


def _as_utf8(text: str | bytes, decl: re.Match[bytes] | None) -> bytes:
    """``text`` as UTF-8 bytes (bytes are ASCII already), its declaration saying utf-8."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if decl is None:
        return data
    return _XML_DECL.sub(b'<?xml version="1.0" encoding="utf-8"?>', data, count=1)


def _bozo_message(exc: object) -> str:
    if exc is None:
        return ""
    name = type(exc).__name__
    get_line = getattr(exc, "getLineNumber", None)
    get_message = getattr(exc, "getMessage", None)
    if callable(get_line) and callable(get_message):
        return f"not well-formed XML (line {get_line()}: {get_message()})"
    if name == "CharacterEncodingOverride":
        return clean_line(str(exc))
    if name == "CharacterEncodingUnknown":
        return "character encoding unknown"
    return clean_line(str(exc))[:200] or name


_feedparser: Any = None


_IGNORED_MEDIA_DESCRIPTION = "media_description_ignored"


def _start_media_description(self: Any, attrs_d: dict[str, str]) -> None:
    """feedparser's handler, but an entry's media:description (an attachment's caption or alt
    text) is its text only when it has no other: after a description it had been taken for
    the entry's content, so a Mastodon post read as the alt text of its picture. The fast
    path (fastxml) has the same rule."""
    context = self._get_context()
    if self.inentry and not self.insource and ("summary" in context or self.hasContent):
        self.push(_IGNORED_MEDIA_DESCRIPTION, 0)
    else:
        self._start_description(attrs_d)


def _end_media_description(self: Any) -> None:
    if self.elementstack and self.elementstack[-1][0] == _IGNORED_MEDIA_DESCRIPTION:
        self.pop(_IGNORED_MEDIA_DESCRIPTION)
    else:
        self._end_description()


_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def _cp1252_table(mapping: dict[int, str]) -> str:
    """feedparser's cp1252 repair (a str.translate of every value it stores) as a table of
    the BMP: the same translation (a character past the table is kept, as one the dict does
    not hold), without the failed dict lookup (a KeyError) per non-ASCII character that made
    it ~a tenth of parsing a feed feedparser reads."""
    codes = array.array("I", range(0x10000))
    for code, char in mapping.items():
        codes[code] = ord(char)
    return codes.tobytes().decode(_UTF32, "surrogatepass")


def _load_feedparser() -> Any:
    """Import feedparser on first use (a refresh where nothing changed never pays for it),
    have it try our buffered expat driver first, give media:description its place, and read
    authors' addresses in linear time (tui_reader.feeds.authors)."""
    global _feedparser
    if _feedparser is None:
        import feedparser
        import feedparser.api
        import feedparser.datetimes
        import feedparser.mixin
        import feedparser.namespaces._base
        import feedparser.namespaces.mediarss

        from tui_reader.feeds import dates
        from tui_reader.feeds.authors import sync_author_detail
        from tui_reader.feeds.saxdriver import DRIVER

        dates.install(feedparser.datetimes)

        preferred = feedparser.api.PREFERRED_XML_PARSERS
        if DRIVER not in preferred:
            preferred.insert(0, DRIVER)
        media = feedparser.namespaces.mediarss.Namespace
        media._start_media_description = _start_media_description
        media._end_media_description = _end_media_description
        feedparser.mixin._cp1252 = _cp1252_table(feedparser.mixin._cp1252)
        # Its own method, with the address in an author's text found in linear time.
        feedparser.mixin._FeedParserMixin._sync_author_detail = sync_author_detail
        # An id is a name, kept as written (fastxml's guid()): only the link it stands in
        # for is resolved against the base.
        mixin = feedparser.mixin._FeedParserMixin
        mixin.can_be_relative_uri = frozenset(mixin.can_be_relative_uri - {"id"})
        feedparser.namespaces._base.Namespace._end_guid = _end_guid
        feedparser.namespaces._base.Namespace._end_id = _end_guid
        _feedparser = feedparser
    return _feedparser


def _end_guid(self: Any) -> None:
    """feedparser's own, but for the link an id stands in for: resolved there, the id is not."""
    value = self.pop("id")
    self._save("guidislink", self.guidislink and "link" not in self._get_context())
    if self.guidislink:
        # (an RSS guid with isPermaLink absent or "true", or an Atom id, in an item with no link)
        self._save("link", self.resolve_uri(value) if value else value)


_BASE_ATTR = re.compile(rb"base\s*=")  # an xml:base (or a "base" attribute feedparser reads)


def _base_headers(base: str) -> dict[str, str] | None:
    """The headers that give feedparser the document's base, or None (no base). Its content
    type too: given headers without one, feedparser calls the feed broken; application/xml
    lets the document's own declaration name its encoding, as with no headers."""
    return {"content-location": base, "content-type": "application/xml"} if base else None


def _parse_xml(data: bytes, url: str, server_charset: str | None = None) -> ParsedFeed:
    try:
        data = wide_to_utf8(data) or data
    except UnsafeXML as exc:
        raise FeedError(f"not a feed: {exc}") from None
    fixed, encoding_warning = _fix_encoding(data, server_charset)
    fixed, dtd_warning = neutralize(fixed)
    encoding_warning = "; ".join(w for w in (encoding_warning, dtd_warning) if w)
    parsed: Any = None
    # The feed's address is the document's base where one of its elements sets one (as a
    # Content-Location header would say): with none, feedparser kept an entry's own xml:base
    # as the base of the entries after it, so their relative links pointed into another
    # entry's directory. (Elsewhere links are resolved against the address afterwards, by
    # clean_link: the same links, without a base to track.)
    base = url if _BASE_ATTR.search(fixed) and is_web_url(url) else ""
    if FAST_PATH:
        parsed = read_fast(fixed, base)
    if parsed is None:
        feedparser = _load_feedparser()
        try:
            # Always a stream of bytes: given a str, feedparser would open paths and URLs.
            parsed = feedparser.parse(
                io.BytesIO(fixed),
                sanitize_html=False,
                resolve_relative_uris=False,
                response_headers=_base_headers(base),
            )
        except Exception as exc:  # feedparser raising on hostile input: a bad feed, no crash
            detail = clean_line(str(exc))[:160] or type(exc).__name__
            raise FeedError(f"the feed could not be parsed ({detail})") from None
    version = str(parsed.get("version") or "")
    raw_entries: list[Any] = list(parsed.get("entries") or [])
    bozo_text = _bozo_message(parsed.get("bozo_exception")) if parsed.get("bozo") else ""
    if not raw_entries and not version:
        if _HTML_START.match(data[:2048]):
            raise FeedError("this is a web page (HTML), not a feed")
        if bozo_text:
            raise FeedError(f"not a feed: {bozo_text}")
        raise FeedError("not a feed: no RSS, Atom or JSON Feed found")
    meta: Any = parsed.get("feed") or {}
    title_detail = meta.get("title_detail") or {}
    title = clean_title(
        str(meta.get("title") or ""), is_html="html" in title_detail.get("type", "")
    )
    if not raw_entries and bozo_text and not title:
        # (With a title it is a feed, broken, with no entry yet: a new blog whose name holds
        # an HTML entity. It is read, its warning kept, as feedparser reads it.)
        raise FeedError(f"broken feed with no entries: {bozo_text}")
    raw_site = str(meta.get("link") or "")
    if raw_site == str(meta.get("id") or "") and not is_web_url(raw_site):
        raw_site = ""  # (the feed's id standing in for its link, as for an entry: no address)
    site_url = clean_link(raw_site, url)
    atom = version.startswith("atom")
    entries = [_xml_entry(e, url, atom=atom, doc_base=base) for e in raw_entries]
    if bozo_text and entries and _ends_early(fixed):
        # Cut off (a generator rewriting the file, a script dying mid-output, a connection
        # closed early with no length to tell): the last entry is a part of one, and would
        # have replaced the stored article's text with it. It waits for a whole document.
        entries = entries[:-1]
        bozo_text += "; the document ends early: its last entry is left for the next refresh"
    if atom:
        # RFC 4287 4.2.1: an entry without authors of its own has the feed's.
        feed_author = clean_title(_author(meta), is_html=True)
        if feed_author:
            entries = [e if e.author else replace(e, author=feed_author) for e in entries]
    warning = "; ".join(w for w in (encoding_warning, bozo_text) if w)
    return ParsedFeed(title, site_url, entries, warning, version)


# The end tag of a feed's root (RSS's, Atom's, RSS 1.0's rdf:RDF), looked for near the end.
_ROOT_END = re.compile(rb"</(?:[A-Za-z_][\w.-]{0,40}:)?(?:rss|feed|RDF)\s*>")
_TAIL = 65_536  # bytes at the end of a document that hold its root's end tag (and any junk)


# An entry's start or end tag (RSS's and RSS 1.0's item, Atom's entry, prefixed or not).
_ENTRY_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]{0,40}:)?(?:item|entry)[\s>]")


def _ends_early(document: bytes) -> bool:
    """Whether a document that is not well-formed ends inside its last entry: before its
    root's end tag, and after that entry's start tag (a generator that never closes its root
    but closes every entry loses nothing)."""
    if _ROOT_END.search(document, max(0, len(document) - _TAIL)) is not None:
        return False
    last = collections.deque(_ENTRY_TAG.finditer(document), maxlen=1)  # (linear; only here)
    return bool(last) and not last[0].group(1)


def _detail_base(details: object, value: str | None = None) -> str:
    """The xml:base in force where the text (of ``value``, else the first) was: feedparser's
    "base" of its detail."""
    for item in details if isinstance(details, list) else []:
        if isinstance(item, dict) and (value is None or dict.get(item, "value") == value):
            return str(dict.get(item, "base") or "")
    return ""


def _with_base(html: str, base: str, doc_base: str, link: str) -> str:
    """``html`` with a ``<base>`` naming the xml:base its relative links resolve against
    (RFC 3986 5.1.1, Atom 2; Drupal's RSS has one on its root), when one was in force there:
    the reading pane resolves them against the article's link otherwise, and
    "sites/default/files/report.pdf" under the site's root pointed into the article's folder."""
    if not html or not base or base in (doc_base, link) or not is_web_url(base):
        return html
    if "href" not in html and "src" not in html:
        return html
    return f'<base href="{_html_escape(base)}">' + html


def _content_value(entry: dict[str, Any]) -> tuple[str, str]:
    """The entry's content and its type: the first in HTML, else the first."""
    contents = dict.get(entry, "content") or []
    best, best_type = "", ""
    for item in contents:
        value = str(dict.get(item, "value") or "")
        ctype = str(dict.get(item, "type") or "")
        if value and "html" in ctype:
            return value, ctype
        if not best:
            best, best_type = value, ctype
    return best, best_type


# What HTML reads otherwise than text: a tag's or an entity's start, a paragraph break.
_NOT_AS_TEXT = re.compile(r"[<&]|\n[^\S\n]*\n")


def _atom_text(value: str, ctype: str) -> str:
    """An Atom text construct of type "text" (its default for summaries) as HTML that reads
    as that text: "Vec<String>" kept, "&amp;" not decoded twice, paragraphs kept. Unless it
    looks like HTML by feedparser's own rule for RSS (closing tags or entities of HTML's
    own): a generator that left out type="html"."""
    if ctype != "text/plain" or not _NOT_AS_TEXT.search(value):
        return value  # (the same text either way: stored as before)
    looks_like_html: Any = _load_feedparser().mixin._FeedParserMixin.looks_like_html
    if looks_like_html(value):
        return value
    return text_to_html(value)


_MEDIA_KINDS = ("image", "audio", "video")


def _xml_enclosures(e: dict[str, Any]) -> list[tuple[object, object, object]]:
    """(href, type, length) of the entry's enclosures as feedparser lists them: its links
    with rel "enclosure" (RSS <enclosure> and Atom <link rel="enclosure">), in order; then
    its Media RSS files that are pictures, sounds or videos (by ``medium`` or type: a
    Mastodon post's pictures are only there; a YouTube entry's player is not one)."""
    found: list[tuple[object, object, object]] = []
    links = dict.get(e, "links")
    for link in links[: MAX_SCANNED * 4] if isinstance(links, list) else []:
        if isinstance(link, dict) and dict.get(link, "rel") == "enclosure":
            found.append((dict.get(link, "href"), dict.get(link, "type"), dict.get(link, "length")))
    media = dict.get(e, "media_content")
    for item in media[:MAX_SCANNED] if isinstance(media, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(dict.get(item, "medium") or dict.get(item, "type") or "").lower()
        if kind.startswith(_MEDIA_KINDS):
            found.append(
                (dict.get(item, "url"), dict.get(item, "type"), dict.get(item, "filesize"))
            )
    return found


# "bob@example.org (Bob Roe)" or "Bob Roe (bob@example.org)": an address with no space in it,
# a name in the parentheses or before them (anchored; tried on names of up to 256 characters
# only, which bounds the backtracking of the second form's lazy name).
_NAME_WITH_ADDRESS = re.compile(
    r"[^\s@()]+@[^\s@()]+\s*\(([^()@]+)\)|([^()@]+?)\s*\([^\s@()]+@[^\s@()]+\)"
)


def _author(e: dict[str, Any]) -> str:
    """The entry's author; several (Atom authors, dc:creators) by their names, each once, in
    order (an address alone is the same person's, mostly): feedparser's ``author`` is only
    the last of them."""
    people = dict.get(e, "authors") or []
    names: dict[str, None] = {}  # (a dict: each once, in order, in linear time)
    for person in people if isinstance(people, list) else []:
        if isinstance(person, dict):
            name = str(dict.get(person, "name") or "").strip()
            if name:
                names[name] = None
    if len(names) > 1:
        return ", ".join(names)
    author = str(dict.get(e, "author") or "")
    # RSS's "address (name)", and feedparser's "name (address)" for one given in parts: the
    # name, as every other reader shows it.
    found = _NAME_WITH_ADDRESS.fullmatch(author.strip()) if len(author) <= 256 else None
    if found is not None:
        return found.group(1) or found.group(2)
    return author


def _has_own_link(e: dict[str, Any]) -> bool:
    """Whether the entry has a link element of its own (not only an id standing in for one)."""
    links = dict.get(e, "links")
    return isinstance(links, list) and any(
        isinstance(link, dict) and dict.get(link, "rel") == "alternate"
        for link in links[: MAX_SCANNED * 4]
    )


def _xml_entry(
    e: dict[str, Any], base: str, *, atom: bool = False, doc_base: str = ""
) -> EntryData:
    # dict.get, not FeedParserDict.get: the keys used are the canonical ones, and its key
    # aliasing costs more than the rest of this function.
    get = dict.get
    raw_link, raw_id = str(get(e, "link") or ""), str(get(e, "id") or "")
    if raw_link and raw_id and not _has_own_link(e) and not is_web_url(raw_id.strip()):
        # The link is only the entry's id (feedparser takes an RSS guid or an Atom id for the
        # link when there is none): an id is a name, an address only if it is a whole web
        # address. "42" or a UUID resolved against the feed's address, or against an xml:base
        # in force (a link then, unlike the id), was a made-up page. (A link of the entry's own
        # that its id repeats, "/2020/05/slug/" from a site built with no base address, is a
        # link.)
        raw_link = ""
    link = clean_link(raw_link, base)
    original = get(e, ORIGINAL_LINK)
    if isinstance(original, str) and is_web_url(original.strip()):
        # FeedBurner's <link> is a redirect through its tracker (feeds.feedburner.com/~r/...,
        # feedproxy.google.com); the entry's own address is this one, as Miniflux and
        # feedjira read it: the page to fetch, the link to keep and export.
        link = clean_link(original, base) or link
    guid = fast_line(raw_id)  # blank is none; never the link (store.identity)
    title_detail = get(e, "title_detail") or {}
    is_html = "html" in str(dict.get(title_detail, "type") or "")
    title = clean_title(str(get(e, "title") or ""), is_html=is_html)
    # A name is never markup: tags in one are escaped HTML (a linked dc:creator) or an address
    # in angle brackets, and go, whatever the feed says of its type.
    author = clean_title(_author(e), is_html=True)
    if not author and atom:
        # RFC 4287 4.2.1: an entry without authors has its <source>'s (a post a "Planet" or
        # a reader's shared items took from another feed), before the feed's own.
        source = get(e, "source")
        if isinstance(source, dict):
            author = clean_title(_author(source), is_html=True)
    content, content_type = _content_value(e)
    summary = str(get(e, "summary") or "")
    if summary == content:
        summary = ""  # feedparser copies content into summary when the feed has none
    elif atom:
        summary = _atom_text(summary, str(dict.get(get(e, "summary_detail") or {}, "type") or ""))
    content = clean_html(_atom_text(content, content_type) if atom else content)
    summary = clean_html(summary)
    if doc_base:
        content = _with_base(content, _detail_base(get(e, "content"), content), doc_base, link)
        summary = _with_base(summary, _detail_base([get(e, "summary_detail")]), doc_base, link)
    updated = struct_to_epoch(get(e, "updated_parsed"))
    published = struct_to_epoch(get(e, "published_parsed")) or updated
    return EntryData(
        guid=guid,
        url=link,
        title=title,
        author=author,
        published=published,
        updated=updated,
        summary=summary,
        content=content,
        text=html_to_text(content or summary),
        enclosures=clean_enclosures(_xml_enclosures(e), base),
    )


# -- JSON Feed -------------------------------------------------------------------------------


# The spec's "https://jsonfeed.org/version/1.1"; as feeds also write it (gofeed and miniflux
# read them): over http, without the scheme, with a trailing slash, or the number alone.
_JSON_FEED_VERSION = re.compile(
    r"(?:(?:https?://)?(?:www\.)?jsonfeed\.org/version/)?(\d{1,2}(?:\.\d{1,2})?)/?", re.I
)


def parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    """JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) into the same model."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedError("JSON Feed is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise FeedError("not readable JSON (nested too deeply)") from None
    except ValueError as exc:  # a number of more digits than Python converts (4,300)
        raise FeedError(f"not readable JSON ({clean_line(str(exc))[:100]})") from None
    if not isinstance(doc, dict):
        raise FeedError("JSON, but not a JSON Feed (no top-level object)")
    version = str(doc.get("version") or "").strip()
    if _JSON_FEED_VERSION.fullmatch(version) is None:
        raise FeedError("JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items list")
    feed_base = clean_link(_str(doc.get("feed_url")), url) or url
    entries: list[EntryData] = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        entries.append(_json_entry(item, feed_base, doc))
    warning = f"{skipped} items that are not objects were skipped" if skipped else ""
    fmt = "json" + version.rstrip("/").rsplit("/", 1)[-1].replace(".", "")  # "json11"
    return ParsedFeed(
        title=clean_title(_str(doc.get("title"))),
        site_url=clean_link(_str(doc.get("home_page_url")), url),
        entries=entries,
        warning=warning,
        format=fmt,
    )


def _str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _json_author(item: dict[str, Any], doc: dict[str, Any]) -> str:
    """The item's authors (1.1's ``authors``, 1.0's ``author``), else the feed's, by their
    names, each once. Read as feeds write them, not only as the spec does: a list of
    objects, one object alone, a name as a string (or a list of them)."""
    for source in (item, doc):
        for key in ("authors", "author"):
            names = dict.fromkeys(_json_names(source.get(key)))  # (each once, in order)
            if names:
                return ", ".join(names)
    return ""


def _json_names(value: object) -> list[str]:
    people = value[:MAX_SCANNED] if isinstance(value, list) else [value]
    names = []
    for person in people:
        name = _str(person.get("name")) if isinstance(person, dict) else _str(person)
        if name.strip():
            names.append(name.strip())
    return names


def _json_entry(item: dict[str, Any], base: str, doc: dict[str, Any]) -> EntryData:
    guid = clean_line(_str(item.get("id")))
    link = clean_link(_str(item.get("url")) or _str(item.get("external_url")), base)
    if not link and is_web_url(guid):
        link = clean_link(guid, base)  # (an id that is a whole web address, as in RSS and Atom)
    content_html = _str(item.get("content_html"))
    content_text = _str(item.get("content_text"))
    if content_html:
        content = content_html
    elif content_text:
        content = text_to_html(content_text)
    else:
        content = ""
    summary = _str(item.get("summary"))
    updated = iso_to_epoch(item.get("date_modified"))
    published = iso_to_epoch(item.get("date_published")) or updated
    title = clean_title(_str(item.get("title")))
    content = clean_html(content)
    summary = clean_html(summary)
    return EntryData(
        guid=guid,
        url=link,
        title=title,
        author=clean_title(_json_author(item, doc)),
        published=published,
        updated=updated,
        summary=summary,
        content=content,
        text=fast_clean(content_text).strip() if content_text else html_to_text(content or summary),
        enclosures=clean_enclosures(_json_attachments(item), base),
    )


def _json_attachments(item: dict[str, Any]) -> list[tuple[object, object, object]]:
    """(url, mime_type, size_in_bytes) of a JSON Feed item's attachments."""
    attachments = item.get("attachments")
    if isinstance(attachments, dict):
        attachments = [attachments]  # (one, not in the spec's list: as feeds write it)
    if not isinstance(attachments, list):
        return []
    return [
        (a.get("url"), a.get("mime_type"), a.get("size_in_bytes"))
        for a in attachments[:MAX_SCANNED]
        if isinstance(a, dict)
    ]


def warm_up() -> None:
    """Import the XML parser now (a process-pool worker does this while fetches run)."""
    _load_feedparser()
