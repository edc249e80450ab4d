"""A fast path for feedparser: well-formed RSS 2.0/0.9x, RSS 1.0 and Atom 1.0 read with lxml.

feedparser spends ~10 ms on a typical feed in Python SAX handlers; lxml builds the tree in a
fraction of a millisecond. :func:`read_fast` takes, from that tree, exactly the fields the reader
keeps (feed title and link; each entry's id, link, title, author, content, summary and dates) the
way feedparser takes them — its quirks included (the first non-empty title wins, a permalink guid
stands in for a missing link, a second description becomes content, "name (email)" authors, its
cp1252 and double-UTF-8 repairs, its own date parser) — and returns them as the dictionaries
feedparser would have made, for :mod:`tui_reader.feeds.parse` to turn into entries as before.

It declines (returns None) whenever the document leaves the subset it reproduces exactly: not
well-formed, a DOCTYPE, another root or format, ``xml:base``, XHTML or base64 content, markup
inside a text element, an element feedparser gives a meaning this module does not reproduce
(``media:title``, ``itunes:summary``, ``source``, ...) anywhere in an entry, a field given twice
where order rules apply. feedparser then reads the document as before. A test checks, over every
feed of the corpus, that both paths give the same entries.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse
from xml.sax.saxutils import escape as _escape  # as feedparser escapes XHTML

from lxml import etree

from tui_reader.feeds.authors import text_author_name

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM03_NS = "http://purl.org/atom/ns#"
RSS10_NS = "http://purl.org/rss/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# FeedBurner's copy of the entry's own address (its <link> is a tracking redirect through
# feedburner.com or feedproxy.google.com): feedparser keeps its text, as of every element it
# has no handler for; the last one wins.
ORIGINAL_LINK = "feedburner_origlink"

# feedparser's element names ("prefix_local") by what they mean to the fields kept here.
_TITLE = frozenset({"title", "dc_title"})
_LINK = frozenset({"link"})
_ID = frozenset({"guid", "id"})
_DESCRIPTION = frozenset({"description", "dc_description", "media_description"})  # text/html
_SUMMARY = frozenset({"summary", "itunes_summary"})  # default text/plain
_CONTENT_HTML = frozenset({"content_encoded", "fullitem"})
_CONTENT = frozenset({"content"})
_AUTHOR = frozenset({"author", "managingeditor", "dc_creator", "dc_author", "itunes_author"})
_PUBLISHED = frozenset({"published", "issued", "pubdate", "dcterms_issued"})
_UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"})
_AUTHOR_PARTS = frozenset(
    {"name", "email", "uri", "url", "homepage", "itunes_name", "itunes_email"}
)

# Elements feedparser handles, but only into fields this reader does not keep: allowed anywhere
# in an entry (their children are checked like any other element).
_HARMLESS = frozenset(
    {
        "category",
        "dc_subject",
        "media_category",
        "itunes_category",
        "keywords",
        "dc_publisher",
        "creativeCommons_license",
        "media_keywords",
        "media_group",
        "media_content",
        "media_thumbnail",
        "media_rating",
        "media_credit",
        "media_restriction",
        "media_license",
        "media_player",
        "itunes_image",
        "itunes_link",
        "itunes_block",
        "itunes_explicit",
        "itunes_keywords",
        "rights",
        "copyright",
        "dc_rights",
        "dc_language",
        "language",
        "created",
        "dcterms_created",
        "dcterms_valid",
        "expirationdate",
        "cc_license",
        "creativecommons_license",
        "georss_point",
        "georss_line",
        "georss_polygon",
        "georss_box",
        "subtitle",
        "tagline",
        "itunes_subtitle",
        "tags",
        "cloud",
        "generator",
    }
)
# Harmless at the feed level too (besides the entries themselves): their own fields only.
# (A feed's own title, link, id, summary and description are read by _Reader.feed; nested
# deeper they would still change what it reads, so they are not in this set.)
_FEED_HARMLESS = _HARMLESS | {
    "enclosure",  # a feed's own: filed under the feed's links, never read
    "info",
    "feedburner_browserfriendly",
    "author",
    "managingeditor",
    "webmaster",
    "dc_creator",
    "dc_author",
    "dc_publisher",
    "itunes_author",
    "itunes_owner",
    "itunes_name",
    "itunes_email",
    "name",
    "email",
    "uri",
    "url",
    "homepage",
    "contributor",
    "dc_contributor",
    "published",
    "issued",
    "pubdate",
    "dcterms_issued",
    "updated",
    "modified",
    "lastbuilddate",
    "dc_date",
    "dcterms_modified",
    "admin_generatoragent",
    "admin_errorreportsto",
    "width",
    "height",
    "icon",
    "logo",
}
# Feed-level containers whose fields feedparser files apart from the feed's own.
_FEED_BOXES = frozenset({"image", "textinput"})


# The elements feedparser reads as text (push_content; tests/test_feeds_fastxml.py derives the
# list from feedparser itself). Inside one, it takes an element's start tag for text but still
# runs the element's end handler: an element it handles, inside, ends the text early and leaves
# its state wrong for the rest of the document (a <tagline> inside the feed's <subtitle> lost
# every entry's content after it).
TEXT_CONSTRUCTS = frozenset(
    {
        "abstract",
        "body",
        "content",
        "content_encoded",
        "copyright",
        "dc_description",
        "dc_rights",
        "dc_title",
        "description",
        "feedburner_browserfriendly",
        "fullitem",
        "info",
        "itunes_subtitle",
        "itunes_summary",
        "media_description",
        "media_title",
        "rights",
        "subtitle",
        "summary",
        "tagline",
        "title",
        "xhtml_body",
    }
)


class _Decline(Exception):
    """The document leaves the subset read here; feedparser reads it."""


class _Feedparser:
    """What is borrowed from feedparser itself, so both paths share it: its namespace table,
    its handler names, its URI joining, its cp1252 table and its date parser."""

    def __init__(self) -> None:
        import feedparser.datetimes
        import feedparser.html
        import feedparser.mixin
        import feedparser.urls
        from feedparser.api import StrictFeedParser

        from tui_reader.feeds import dates

        dates.install(feedparser.datetimes)

        mixin: Any = feedparser.mixin._FeedParserMixin
        # As feedparser builds its _matchnamespaces table on its first parser.
        self.namespaces: dict[str, str] = {k.lower(): v for k, v in mixin.namespaces.items()}
        self.parser_class: Any = StrictFeedParser
        self.looks_like_html: Callable[[str], bool] = mixin.looks_like_html
        self.urljoin: Callable[[str, str], str] = feedparser.urls._urljoin
        self.safe_uri: Callable[[str, str], str] = feedparser.urls.make_safe_absolute_uri
        self.cp1252: dict[int, str] = feedparser.html._cp1252
        self.parse_date: Callable[[str], time.struct_time | None] = feedparser.datetimes._parse_date
        self._handled: dict[str, bool] = {}

    def handled(self, name: str) -> bool:
        """Whether feedparser has a handler for this element (else it only keeps its text)."""
        found = self._handled.get(name)
        if found is None:
            cls = self.parser_class
            found = self._handled[name] = hasattr(cls, "_start_" + name) or hasattr(
                cls, "_end_" + name
            )
        return found


_FP: _Feedparser | None = None


def _fp() -> _Feedparser:
    global _FP
    if _FP is None:
        _FP = _Feedparser()
    return _FP


_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
    recover=False,
    load_dtd=False,
)
_C1 = re.compile("[\x80-\x9f]")
# The prolog, up to a DOCTYPE: each PI and comment ends at its first "?>" / "-->", so a
# document without one is scanned once (".*?" there backtracked over the whole document).
# One whitespace character per step and a possessive loop: "\s+" inside the repeated group
# could split a run of n spaces in 2**n ways, all tried before failing (a Squarespace feed has
# ~200 spaces before <rss>); here the branches start with different characters, so each
# position is matched one way only and nothing is given back.
_DOCTYPE = re.compile(
    rb"(?:\s|<\?(?:[^?]|\?(?!>))*+\?>|<!--(?:[^-]|-(?!->))*+-->)*+<!DOCTYPE", re.I
)
_LINK_REF = re.compile("&([A-Za-z0-9_]+);")
# An absolute http(s) URI that feedparser's _urljoin gives back as it is, whatever the base (as
# long as the base parses): its fix of "scheme:///" does nothing (the host follows "//"), and
# urljoin returns it unchanged (another scheme) or as urlunparse(urlparse(it)), which is itself
# (a lower-case scheme, a host of letters, digits, dots and hyphens, an optional port, a path
# without ";" (urlparse's parameters), a query and a fragment that are not empty (an empty one
# is dropped), no whitespace). Most links and guids of a feed with xml:base are such.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?:/[^\s;?#]*)?(?:\?[^\s#]+)?(?:#\S+)?"
)


class _Entry:
    """One entry's fields as feedparser builds them: the first non-empty title wins (a
    media:title does not count as one), a value found deeper never replaces one found
    shallower, and a description or summary after another one with no content yet is taken
    as the content."""

    def __init__(self, has_content: bool) -> None:
        self.fields: dict[str, Any] = {}
        self.contents: list[dict[str, Any]] = []
        self.has_content = has_content
        self.title_mark: int | None = None  # feedparser's title_depth
        self.depths: dict[str, int] = {}  # its property_depth_map
        # The names of the authors so far while each is a plain name (see _Reader.author);
        # None once one is not.
        self.names: list[str] | None = []
        self.author_form: str | None = None  # "text" or "parts", as the first was given

    def store(self, key: str, value: object, depth: int) -> bool:
        old = self.depths.get(key)
        if old is None or depth <= old:
            self.depths[key] = depth
            self.fields[key] = value
            return True
        return False

    def title(self, value: str, ctype: str, depth: int, *, media: bool) -> None:
        if (self.title_mark is None or self.title_mark > depth) and self.store(
            "title", value, depth
        ):
            self.fields["title_detail"] = {"type": ctype}
        if value and not media:
            self.title_mark = depth

    def media_content(self, el: Any) -> None:
        """A media:content's attributes, listed in document order (feedparser's
        ``media_content``): the pictures of a Mastodon post are only there."""
        self.fields.setdefault("media_content", []).append(_attrs(el))

    def media_description(self, reader: _Reader, el: Any, depth: int) -> None:
        """An attachment's caption or alt text is the entry's text only when it has no other
        (feeds/parse.py gives feedparser the same rule): after a description it had become
        the content, and a Mastodon post read as the alt text of its picture."""
        if "summary" in self.fields or self.has_content:
            reader.content(el, "text/plain")  # (read for its checks, then dropped)
            return
        self.description(reader, el, "text/html", depth)

    def description(self, reader: _Reader, el: Any, default_type: str, depth: int) -> None:
        if "summary" in self.fields and not self.has_content:
            self.content(*reader.content(el, "text/plain"), base=reader.base)
        else:
            value, ctype = reader.content(el, default_type)
            if self.store("summary", value, depth):
                self.fields["summary_detail"] = {"type": ctype, "base": reader.base}

    def content(self, value: str, ctype: str, *, base: str = "") -> None:
        """(``base``: the base URI in force there, feedparser's detail "base".)"""
        self.has_content = True
        self.contents.append({"type": ctype, "value": value, "base": base})
        self.fields.setdefault("summary", value)


class _Reader:
    def __init__(self, fp: _Feedparser, version: str) -> None:
        self.fp = fp
        self.version = version
        self.atom = version.startswith("atom")
        self.names: dict[str, str] = {}
        self.by_tag: dict[str, str] = {}  # names that do not depend on the prefix written
        self.locals: dict[str, str] = {}  # XHTML tags' lower-case local names
        self.base = ""
        self.bases: list[str] = []
        self.joined: dict[tuple[str, str], str] = {}
        self.root: Any = None
        self._prefixed: set[str] | None = None
        self.parses: dict[str, bool] = {}  # whether urlparse takes a base (urljoin raises if not)

    def prefixed_uris(self) -> set[str]:
        """The namespaces bound to a prefix anywhere in the document (read once, when an
        element in a default namespace feedparser does not know needs it)."""
        if self._prefixed is None:
            self._prefixed = {
                uri for el in self.root.iter() for prefix, uri in el.nsmap.items() if prefix
            }
        return self._prefixed

    def name_of(self, el: Any) -> str:
        """:meth:`name` of an element; the prefix is read only when the name depends on it."""
        tag = el.tag
        found = self.by_tag.get(tag)
        return found if found is not None else self.name(tag, el.prefix)

    def name(self, tag: str, prefix: str | None) -> str:
        """feedparser's name for an element: its namespace's prefix, "_", the lower-case
        local name (the prefix written in the document for a namespace it does not know)."""
        key = f"{prefix}\x00{tag}"
        found = self.names.get(key)
        if found is None:
            if tag[:1] == "{":
                uri, local = tag[1:].split("}", 1)
            else:
                uri, local = "", tag
            lower = uri.lower()
            if "backend.userland.com/rss" in lower:
                lower = "http://backend.userland.com/rss"
            known = self.fp.namespaces.get(lower)
            by_tag = known is not None  # then the prefix plays no part
            if known is None and not prefix:
                # A default namespace feedparser does not know (WordPress's <site> and
                # <post-id> in "com-wordpress:feed-additions:1"): it names the element by the
                # first prefix declared so far, anywhere, for that namespace, or by its local
                # name when there is none. With none in the whole document, that is the local
                # name; with one, which came first would matter: declined.
                if uri in self.prefixed_uris():
                    raise _Decline(f"unknown default namespace {uri}, also with a prefix")
                known = ""
            mapped = known if known is not None else (prefix or "")
            local = local.lower()
            found = self.names[key] = f"{mapped}_{local}" if mapped else local
            if by_tag:
                self.by_tag[tag] = found
        return found

    # -- values, as feedparser's pop() leaves them ------------------------------------------

    def finish(self, value: str) -> str:
        """The repairs feedparser makes to every stored value: the double UTF-8 one and cp1252
        code points in the C1 range. Both whatever encoding the document declares: feedparser
        converts every document to UTF-8 first, and its parser's encoding is always "utf-8"
        (a text of "&#195;&#169;" in an ASCII or Latin-1 document is "\u00e9" to it too)."""
        if value.isascii():
            return value  # (neither repair applies: 0.26 of 5.7 s in the parse profile)
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("iso-8859-1").decode("utf-8")
        if _C1.search(value):
            value = value.translate(self.fp.cp1252)
        return value

    def text(self, el: Any) -> str:
        if len(el):
            raise _Decline("markup inside a text element")
        return (el.text or "").strip()

    def content(self, el: Any, default_type: str) -> tuple[str, str]:
        """(value, type) of a text construct, as feedparser's push_content/pop give them."""
        attrs = _attrs(el)
        if attrs.get("mode") == "base64":
            raise _Decline("base64 content")
        ctype = _map_type(attrs.get("type", default_type))
        if ctype == "application/xhtml+xml":
            return self.xhtml(el), ctype
        if ctype not in ("text/plain", "text/html"):
            raise _Decline(f"content type {ctype}")
        value = self.text(el)
        if not self.atom and ctype == "text/plain" and self.fp.looks_like_html(value):
            ctype = "text/html"
        return self.finish(value), ctype

    def xhtml(self, el: Any) -> str:
        """XHTML content as feedparser writes it back out: its own tags and attributes, the
        text escaped, and (Atom 1.0) the one enclosing div removed."""
        pieces: list[str] = []
        if el.text:
            pieces.append(_escape(el.text))
        for child in el:
            self.xhtml_node(child, pieces)
        if self.version == "atom10":
            pieces = _strip_div(pieces, len(el))
        return self.finish("".join(pieces).strip())

    def xhtml_node(self, node: Any, pieces: list[str]) -> None:
        tag = node.tag
        name = self.name_of(node)
        local = self.locals.get(tag)
        if local is None:
            local = self.locals[tag] = tag.rsplit("}", 1)[-1].lower()
        if self.fp.handled(name) or local in ("svg", "math") or _XLINK in node.nsmap.values():
            raise _Decline(f"<{name}> in XHTML content")
        self.enter(node)
        # (most elements have no attributes, and most text nothing to escape: both are
        # tested before calling what would give the same string back)
        attrs = _strattrs(self.fp_attrs(node)) if node.attrib else ""
        pieces.append(f"<{local}{attrs}>")
        text = node.text
        if text:
            pieces.append(_escape(text) if _NEEDS_ESCAPE.search(text) else text)
        for child in node:
            self.xhtml_node(child, pieces)
        pieces.append(f"</{local}>")
        self.leave()
        text = node.tail
        if text:
            pieces.append(_escape(text) if _NEEDS_ESCAPE.search(text) else text)

    def fp_attrs(self, el: Any) -> list[tuple[str, str]]:
        """An element's attributes as feedparser's strict parser lists them: a namespaced
        one under its known prefix (its local name in a namespace feedparser does not know),
        then again under the name written in the document; keys lower-cased, ``rel`` and
        ``type`` values lower-cased."""
        found: dict[str, str] = {}
        items = list(el.attrib.items())
        for key, value in items:
            if key[:1] == "{":
                uri, local = key[1:].split("}", 1)
                prefix = self.fp.namespaces.get(uri.lower(), "")
                key = f"{prefix}:{local}" if prefix else local
            found[key.lower()] = value
        for key, value in items:  # then again under the name written in the document
            if key[:1] == "{":
                uri, local = key[1:].split("}", 1)
                if uri == _XML_NS:
                    key = f"xml:{local}"
                else:
                    prefixes = [p for p, u in el.nsmap.items() if u == uri and p]
                    if len(prefixes) != 1:
                        raise _Decline("an attribute's prefix is ambiguous")
                    key = f"{prefixes[0]}:{local}"
            found[key.lower()] = value
        return [(k, v.lower() if k in ("rel", "type") else v) for k, v in found.items()]

    def date(self, el: Any) -> time.struct_time | None:
        value = self.finish(self.text(el))
        found = _common_date(value)
        return found if found is not None else self.fp.parse_date(value)

    # -- the checks ----------------------------------------------------------------------

    def check_subtree(self, el: Any, allowed: frozenset[str]) -> None:
        """Every element below ``el`` is one feedparser has no handler for, or an allowed
        one; none carries a base URI or CDF attributes. Inside an element feedparser reads
        as text (TEXT_CONSTRUCTS), none is allowed."""
        if self.name_of(el) in TEXT_CONSTRUCTS:
            allowed = frozenset()
        for sub in el.iterdescendants():
            name = self.name_of(sub)
            if self.fp.handled(name) and name not in allowed:
                raise _Decline(f"<{name}> inside")
            if name in _SHADOWS:
                raise _Decline(f"<{name}> shadows a field")
            if name in TEXT_CONSTRUCTS and allowed and len(sub):
                self.check_subtree(sub, frozenset())
            _check_attrs(sub)

    # -- entries --------------------------------------------------------------------------

    # -- base URIs, as feedparser tracks them (in document order, with its quirks) ---------

    def enter(self, el: Any) -> None:
        given = _base_attr(el) or self.base if el.attrib else self.base
        if given:
            key = (self.base, given)
            found = self.joined.get(key)
            if found is None:
                if self.base:
                    found = self.fp.safe_uri(self.base, given) or self.base
                else:
                    found = self.fp.urljoin("", given)
                self.joined[key] = found
            self.base = found
        self.bases.append(self.base)

    def leave(self) -> None:
        self.bases.pop()
        if self.bases and self.bases[-1]:
            self.base = self.bases[-1]  # else the inner base stays, as in feedparser

    def resolve(self, uri: str) -> str:
        base = self.base
        if not base:
            if ":///" not in uri:
                # feedparser's _urljoin with no base: its fix of "scheme:///" (the only change
                # it could make) aside, urljoin gives the URI back as it is.
                return uri
        elif _PLAIN_ABSOLUTE.fullmatch(uri) is not None and self.base_parses(base):
            return uri  # (what _urljoin gives back: 18 us a link, ~3% of a refresh's parsing)
        return self.fp.urljoin(base, uri)

    def base_parses(self, base: str) -> bool:
        found = self.parses.get(base)
        if found is None:
            try:
                urlparse(base, "", True)  # as urljoin parses it
                found = True
            except ValueError:
                found = False
            self.parses[base] = found
        return found

    def resolve_text(self, text: str) -> str:
        """An element's text as a URI: resolved against the base only when there is one, as
        feedparser does (an attribute's is resolved even when empty). An empty <link/>
        under an xml:base had become the base itself: every such entry got the same link."""
        return self.resolve(text) if text else text

    # -- entries --------------------------------------------------------------------------

    def entry(self, item: Any, has_content: bool) -> dict[str, Any]:
        attrs = _attrs(item)
        if "href" in attrs or "lastmod" in attrs:
            raise _Decline("CDF attributes")
        state = _Entry(has_content)
        e = state.fields
        about = item.get(f"{{{RDF_NS}}}about")
        if about:
            e["id"] = about
        self.enter(item)
        for child in item:
            name = self.name_of(child)
            if name in _AUTHOR:
                self.enter(child)
                self.author(child, state)
                self.leave()
                continue
            if name == "enclosure":
                # feedparser files it with the entry's links (rel "enclosure"), its URL not
                # resolved; anywhere deeper in the entry it declines (not in _HARMLESS).
                e.setdefault("links", []).append(_enclosure_link(child))
                self.check_subtree(child, _HARMLESS)
                continue
            if name in _NESTING:
                # media:group / media:content: harmless, but a media:title or
                # media:description inside counts, by feedparser's depth rules.
                _check_attrs(child)
                if name == "media_content":
                    state.media_content(child)
                self.nested(child, state, 2)
                continue
            if name == ORIGINAL_LINK:
                if len(child) or child.attrib:
                    # (feedparser keeps an unknown element's attributes instead of its text)
                    raise _Decline(f"markup or attributes in <{name}>")
                e[name] = (child.text or "").strip()
                continue
            if name not in _FIELDS:
                if self.fp.handled(name) and name not in _HARMLESS:
                    raise _Decline(f"<{name}> in an entry")
                if name in _SHADOWS:
                    raise _Decline(f"<{name}> shadows a field")
                _check_attrs(child)
                self.check_subtree(child, _HARMLESS)
                continue
            self.enter(child)
            if name in _TITLE or name == "media_title":
                state.title(*self.content(child, "text/plain"), 1, media=name == "media_title")
            elif name in _LINK:
                self.link(child, e, entry=True)
            elif name in _ID:
                self.guid(child, e)
            elif name == "media_description":
                state.media_description(self, child, 1)
            elif name in _DESCRIPTION:
                state.description(self, child, "text/html", 1)
            elif name in _SUMMARY:
                state.description(self, child, "text/plain", 1)
            elif name in _CONTENT_HTML:
                state.content(*self.content(child, "text/html"), base=self.base)
            elif name in _CONTENT:
                state.content(*self.content(child, "text/plain"), base=self.base)
            elif name in _PUBLISHED:
                e["published_parsed"] = self.date(child)
            else:  # _UPDATED
                e["updated_parsed"] = self.date(child)
            self.leave()
        self.leave()
        if state.contents:
            e["content"] = state.contents
        return e

    def nested(self, el: Any, state: _Entry, depth: int) -> None:
        for sub in el:
            name = self.name_of(sub)
            _check_attrs(sub)
            if name == "media_title":
                state.title(*self.content(sub, "text/plain"), depth, media=True)
            elif name == "media_description":
                state.media_description(self, sub, depth)
            elif name == "media_content":  # (inside a media:group, or another media:content)
                state.media_content(sub)
                self.nested(sub, state, depth + 1)
            elif self.fp.handled(name) and name not in _HARMLESS:
                raise _Decline(f"<{name}> inside a media group")
            elif name in TEXT_CONSTRUCTS:
                self.check_subtree(sub, frozenset())  # (read as text: no field inside counts)
            elif name in _SHADOWS:
                raise _Decline(f"<{name}> shadows a field")
            else:
                self.nested(sub, state, depth + 1)

    def link(self, el: Any, meta: dict[str, Any], *, entry: bool) -> None:
        if len(el):
            raise _Decline("markup inside a link")
        attrs = _attrs(el)
        rel = attrs.get("rel", "alternate")
        ltype = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            attrs["href"] = href
        enclosure: dict[str, str] | None = None
        if entry and rel == "enclosure":  # filed with the entry's links (feedparser's)
            _check_enclosure_attrs(el)
            enclosure = {"rel": rel, "type": ltype}
            if "href" in attrs:
                enclosure["href"] = self.resolve(attrs["href"])
            if "length" in attrs:
                enclosure["length"] = attrs["length"]
            meta.setdefault("links", []).append(enclosure)
        if entry and rel == "alternate":  # (feedparser lists the entry's own links)
            meta.setdefault("links", []).append({"rel": rel})
        if "href" in attrs:  # even an empty one: then the text is not read
            if rel == "alternate" and _map_type(ltype) in _HTML_TYPES:
                meta["link"] = self.resolve(attrs["href"])
            return
        value = self.finish(self.resolve_text(self.text(el)))
        if entry:
            value = value.replace("&amp;", "&")
        meta["link"] = _LINK_REF.sub(r"&\g<1>", value)
        if enclosure is not None and meta["link"]:
            enclosure["href"] = meta["link"]  # the text stands in for the href

    def guid(self, el: Any, e: dict[str, Any]) -> None:
        """An entry's id as written: a name, never resolved against a base (feedparser's
        is made the same, parse._load_feedparser). Resolved, a relative id (jekyll-feed's
        "/slug") changed with the feed's address or an xml:base appearing anywhere in the
        document, and every entry came back as a new one. As the link it stands in for, it
        is resolved."""
        is_link = _attrs(el).get("ispermalink", "true") == "true"
        value = self.text(el)
        e["id"] = self.finish(value)
        if is_link:
            e.setdefault("link", self.finish(self.resolve(value) if value else value))

    def author(self, el: Any, state: _Entry) -> None:
        e = state.fields
        _check_attrs(el)
        # (After authors that all came to nothing, feedparser's list is read as from the
        # first; parse._author then reads one name.)
        second = bool(e.get("author")) or "authors" in e
        if not second:
            state.names, state.author_form = [], None
        parts: dict[str, str] = {}
        kinds: set[str] = set()
        own = [el.text or ""]
        for child in el:
            name = self.name_of(child)
            if name not in _AUTHOR_PARTS:
                if self.fp.handled(name) or name in _SHADOWS:
                    raise _Decline(f"<{name}> in an author")
                if "".join(child.itertext()).strip():
                    # feedparser adds the text of an element it does not know to the
                    # author's own text when the element has attributes, and files it apart
                    # when it has none: either way, that is left to feedparser.
                    raise _Decline(f"text inside <{name}> in an author")
                self.check_subtree(child, frozenset())
            else:
                _check_attrs(child)
                kinds.add(name)
                value = self.text(child)
                if name in ("name", "itunes_name"):
                    parts["name"] = value
                elif name in ("email", "itunes_email"):
                    parts["email"] = value
            own.append(child.tail or "")
        who, email = parts.get("name"), parts.get("email")
        if who and email:
            author = f"{who} ({email})"
        elif who:
            author = who
        elif email:
            author = email
        else:
            author = self.finish("".join(own).strip())
        # Each author of the entry given the same way: as text (feedparser lists it by the
        # name it reads from it, authors.text_author_name) or as a <name> part alone (listed as
        # it is). An author in other parts (an email, no name), or in parts after one given
        # as text, feedparser merges into the one before.
        form = "parts" if kinds else "text"
        listed: str | None  # the name feedparser lists, None when it is no plain one
        if form == "text":
            listed = text_author_name(author)  # (blank: listed as no one, {})
        else:
            listed = author if author and "@" not in author and kinds == {"name"} else None
        if state.names is not None:
            if listed is not None and state.author_form in (None, form):
                state.names.append(listed)
            else:
                state.names = None
            state.author_form = state.author_form or form
        if second:
            if state.names is None:
                # Several authors are read from feedparser's list of them (parse._author).
                # It merges an entry's authors part by part (a name from one, an email from
                # another) and takes addresses out of a name: unless every author is a
                # plain name, the list is left to it.
                raise _Decline("a second author, not all of them plain names")
            listing = e.get("authors")
            if listing is None:
                e["authors"] = [{"name": each} if each else {} for each in state.names]
            else:  # (one more, not the list made again: an entry may name thousands)
                listing.append({"name": listed} if listed else {})
        e["author"] = author

    # -- the feed ----------------------------------------------------------------------------

    def feed(
        self, channel: Any, entry_name: str, has_content: bool = False
    ) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        """The feed's fields and its entries, read in document order (feedparser carries
        state from one to the next), and whether content was seen since the last entry."""
        meta: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        title_done = False
        people = _Entry(False)  # an Atom feed's author, read as an entry's is
        for child in channel:
            name = self.name_of(child)
            if name == entry_name:
                entries.append(self.entry(child, has_content))
                has_content = False
                title_done = False  # feedparser forgets its "first title" mark in an entry
                continue
            self.enter(child)
            if name == "author" and self.version.startswith("atom"):
                # (An entry without authors of its own has the feed's: parse._parse_xml.)
                self.author(child, people)
            elif name in _TITLE:
                value, ctype = self.content(child, "text/plain")
                if not title_done:
                    meta["title"] = value
                    meta["title_detail"] = {"type": ctype}
                    title_done = bool(value)
            elif name in _LINK:
                self.link(child, meta, entry=False)
            elif name in _ID:
                # A feed's id stands in for its link, as an entry's does (the first one);
                # its id is the last one (parse._parse_xml compares them).
                value = self.finish(self.text(child))
                meta["id"] = value  # a name, never resolved (see guid())
                if _attrs(child).get("ispermalink", "true") == "true":
                    meta.setdefault("link", self.finish(self.resolve_text(self.text(child))))
            elif name in _SUMMARY or name in _DESCRIPTION:
                # A feed's summary, then a second summary or a description, is taken as
                # content; that changes how the next entry's description is read.
                self.check_subtree(child, frozenset())
                if "summary" in meta and not has_content:
                    has_content = True
                elif name in _SUMMARY:
                    meta["summary"] = True
            elif name in _FEED_BOXES:
                # Their titles and links are their own, and feedparser forgets its "first
                # title" mark in one, so a later feed title replaces the first.
                title_done = False
                self.check_box(child)
            elif self.fp.handled(name) and name not in _FEED_HARMLESS:
                raise _Decline(f"<{name}> in the feed")
            elif name in _SHADOWS:
                raise _Decline(f"<{name}> shadows a field")
            else:
                self.check_subtree(child, _FEED_HARMLESS)
            self.leave()
        meta.pop("summary", None)
        for key in ("author", "authors"):
            if people.fields.get(key):
                meta[key] = people.fields[key]
        return meta, entries, has_content

    def check_box(self, box: Any) -> None:
        """An image or text input holds only the elements feedparser keeps inside it: any
        other one ends the box for feedparser, and a title after it would be the feed's."""
        parts = _BOX_CHILDREN[self.name_of(box)]
        for sub in box.iterdescendants():
            sub_name = self.name_of(sub)
            if sub_name not in parts or len(sub):
                raise _Decline(f"<{sub_name}> inside an image or text input")
            _check_attrs(sub)


_FIELDS = (
    _TITLE
    | _LINK
    | _ID
    | _DESCRIPTION
    | _SUMMARY
    | _CONTENT_HTML
    | _CONTENT
    | _PUBLISHED
    | _UPDATED
    | {"media_title"}
)
_NESTING = frozenset({"media_group", "media_content"})
# What feedparser keeps inside an image or a text input (its "special hack" in
# unknown_starttag leaves the box at any other element without a prefix).
_BOX_CHILDREN = {
    "image": frozenset({"title", "link", "description", "url", "href", "width", "height"}),
    "textinput": frozenset({"title", "link", "description", "name"}),
}


# Names feedparser would store an unknown element's text under, that are fields read here.
_SHADOWS = frozenset(
    {
        "title_detail",
        "published_parsed",
        "updated_parsed",
        "summary_detail",
        "guidislink",
        "links",
        "authors",
        "author_detail",
        "date_parsed",
        "modified_parsed",
        "issued_parsed",
        "description_detail",
        # Read (the entry's own address, below) at an entry's top level only; anywhere deeper
        # feedparser takes it too, and the fast path declines.
        ORIGINAL_LINK,
    }
)


# The two forms nearly every feed writes its dates in, exactly: W3C ("2009-01-12T11:44:15Z",
# "...15.123-06:00"), which feedparser's first date parser reads, and RFC 822 ("Mon, 12 Jan
# 2009 11:44:15 +0000" or GMT), which its first parser refuses and its second reads.
_W3C_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2}(?:\.[0-9]+)?)"
    r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))"
)
_RFC822_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:GMT|UT|Z|([+-])([0-9]{2})([0-9]{2}))"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def _common_date(value: str) -> time.struct_time | None:
    """feedparser's date for a W3C or RFC 822 date in its common form, computed as its
    parsers compute it (a naive datetime less the offset, as UTC), without their string
    splitting; None for any other value, or a date they would not take (then feedparser's own
    parsers read it, the next ones included)."""
    w3c = _W3C_DATE.fullmatch(value)
    if w3c is not None:
        year, month, day, hour, minute, second, sign, tz_hours, tz_minutes = w3c.groups()
        seconds = int(float(second))  # (as feedparser: "59.9999999999999999" is 60)
        month_number = int(month)
    else:
        rfc = _RFC822_DATE.fullmatch(value)
        if rfc is None:
            return None
        day, month, year, hour, minute, second, sign, tz_hours, tz_minutes = rfc.groups()
        seconds = int(second)
        month_number = _MONTHS[month]
    try:
        stamp = datetime.datetime(
            int(year), month_number, int(day), int(hour), int(minute), seconds
        )
        if sign:
            offset = datetime.timedelta(hours=int(tz_hours), minutes=int(tz_minutes))
            stamp = stamp + offset if sign == "-" else stamp - offset
        return stamp.utctimetuple()
    except (OverflowError, ValueError):
        return None


def _attrs(el: Any) -> dict[str, str]:
    """The element's attributes under the plain names feedparser's strict parser gives them
    (lower-case; ``rel`` and ``type`` values lower-cased). feedparser names an attribute by its
    namespace's prefix in its own table and its local name ("email:base"), or by its local name
    alone when that prefix is "" or the namespace is not in the table ({urn:x}href is "href");
    then again by the name as written (prefix included). So a plain name is the last attribute
    written without a prefix, else the last one in such a namespace."""
    out: dict[str, str] = {}
    for key, value in el.attrib.items():
        if key[:1] == "{":
            return _namespaced_attrs(el)  # (rare: the loop above is the hot path)
        local = key.lower()
        out[local] = value.lower() if local in ("rel", "type") else value
    return out


def _namespaced_attrs(el: Any) -> dict[str, str]:
    """:func:`_attrs` for an element with an attribute in a namespace."""
    out: dict[str, str] = {}
    plain: dict[str, str] = {}
    for key, value in el.attrib.items():
        if key[:1] != "{":
            plain[key.lower()] = value
        else:
            uri, local = key[1:].split("}", 1)
            if not _fp().namespaces.get(uri.lower(), ""):
                out[local.lower()] = value
    out.update(plain)
    for name in ("rel", "type"):
        if name in out:
            out[name] = out[name].lower()
    return out


_QUOTE = {'"': "&quot;"}
_NEEDS_ESCAPE = re.compile("[&<>]")  # what xml.sax.saxutils.escape replaces
_XLINK = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XML_BASE = f"{{{_XML_NS}}}base"


def _strattrs(attrs: list[tuple[str, str]]) -> str:
    """feedparser's strattrs: `` key="value"`` for each, the value escaped with quotes."""
    return "".join(f' {k}="{_escape(v, _QUOTE)}"' for k, v in attrs)


def _strip_div(pieces: list[str], elements: int = 0) -> list[str]:
    """feedparser's removal of the div enclosing Atom 1.0 XHTML content (its pop()), kept
    line for line; ``elements``: how many elements the content holds at its top, as read by
    :meth:`_Reader.xhtml` (then one is known to enclose all when it starts and ends it)."""
    while pieces and len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    first = 0  # (one slice: del pieces[0] per blank piece was quadratic)
    while first < len(pieces) - 1 and not pieces[first].strip():
        first += 1
    pieces = pieces[first:]
    if (
        pieces
        and (pieces[0] == "<div>" or pieces[0].startswith("<div "))
        and pieces[-1] == "</div>"
    ):
        if elements == 1:
            # feedparser's loop below looks for the first div's end before the last piece;
            # with one element at the top, the pieces are its start, its balanced inside
            # (no text piece starts with "<": it is escaped; no start tag ends with "/>")
            # and its end: the loop would not find it (~0.05 ms a content for nothing).
            return pieces[1:-1]
        depth = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                depth -= 1
                if depth == 0:
                    break
            elif piece.startswith("<") and not piece.endswith("/>"):
                depth += 1
        else:
            pieces = pieces[1:-1]
    return pieces


def _base_attr(el: Any) -> str:
    """The base URI an element sets, as feedparser reads it: its xml:base when it has one (even
    empty), else its attribute named "base" as :func:`_attrs` names them."""
    given = el.get(_XML_BASE)
    if given is not None:
        return str(given)
    # (its last four characters first: only ASCII letters lower-case to those of "base", so
    # a name that is it ends with them)
    if any(key[-4:].lower() == "base" for key in el.attrib):
        return _attrs(el).get("base", "")
    return ""


def _check_enclosure_attrs(el: Any) -> None:
    """An enclosure's attributes are read as feedparser reads them only when none is in a
    namespace (one it does not know is filed under its local name, "url" or "href" among
    them) and no two differ only in case (which one wins is feedparser's business)."""
    names = [key.lower() for key in el.attrib]
    if any(key[:1] == "{" for key in names) or len(set(names)) != len(names):
        raise _Decline("an enclosure's attributes")
    _check_attrs(el)


def _enclosure_link(el: Any) -> dict[str, str]:
    """An RSS <enclosure> as feedparser lists it among the entry's links."""
    _check_enclosure_attrs(el)
    attrs = _attrs(el)
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs["href"] = href
    found = {"rel": "enclosure"}
    for key in ("href", "type", "length"):
        if key in attrs:
            found[key] = attrs[key]
    return found


def _check_attrs(el: Any) -> None:
    for key in el.attrib:
        local = key.rsplit("}", 1)[-1].lower()
        if local == "base":
            raise _Decline("a base URI")


def _map_type(value: str) -> str:
    value = value.lower()
    if value in ("text", "plain"):
        return "text/plain"
    if value == "html":
        return "text/html"
    if value == "xhtml":
        return "application/xhtml+xml"
    return value


_NETSCAPE_NS = "http://my.netscape.com/rdf/simple/0.9/"
_ATOM_LOWER = ATOM_NS.lower()


def _declared_version(root: Any) -> str:
    """The version feedparser takes from the root's namespace declarations before it reads the
    root element itself: the first of them (in the order written) that names one. An RSS root
    then corrects a version that is not RSS's; an Atom root or an RDF one keeps it."""
    for prefix, uri in root.nsmap.items():
        lower = uri.lower()
        if lower == _ATOM_LOWER:
            return "atom10"
        if lower == RSS10_NS:
            return "rss10"
        if prefix is None and lower == _NETSCAPE_NS:
            return "rss090"
    return ""


def _format(root: Any) -> tuple[str, bool] | None:
    """(version, is Atom) for the roots read here, as feedparser names them: the version its
    namespace declarations give (:func:`_declared_version`), else the root's own. A root
    whose declared version is another format's (RSS 1.0 declared on an Atom feed) declines."""
    tag = root.tag
    declared = _declared_version(root)
    if tag == "rss":
        if declared.startswith("rss"):
            return None  # (kept by feedparser: an RSS root corrects only another format's)
        version = _attrs(root).get("version", "")
        mapped = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
        if version in mapped:
            return mapped[version], False
        return ("rss20" if version.startswith("2.") else "rss"), False
    if tag == f"{{{ATOM_NS}}}feed":
        return ("atom10", True) if declared == "atom10" else None
    if tag == f"{{{ATOM03_NS}}}feed":
        if declared:
            return ("atom10", True) if declared == "atom10" else None
        versions = {"0.1": "atom01", "0.2": "atom02", "0.3": "atom03"}
        return versions.get(_attrs(root).get("version", ""), "atom"), True
    if tag == f"{{{RDF_NS}}}RDF" and root.nsmap.get(None) == RSS10_NS:
        return ("rss10", False) if declared == "rss10" else None
    return None


def read_fast(data: bytes, base: str = "") -> dict[str, Any] | None:
    """The feed as feedparser would report it (``version``, ``feed`` and ``entries``, with
    only the keys the reader reads), or None to let feedparser read it. ``data`` is what
    feedparser would be given; ``base`` the document's base URI, as feedparser takes it from
    a Content-Location header."""
    if _DOCTYPE.match(data):
        return None
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype:
        return None  # (a DOCTYPE the prolog check missed: its entities stay feedparser's)
    found = _format(root)
    if found is None:
        return None
    version, atom = found
    fp = _fp()
    reader = _Reader(fp, version)
    reader.base = base
    reader.root = root
    try:
        reader.enter(root)
        if version == "rss10":
            channel = root.find(f"{{{RSS10_NS}}}channel")
            if channel is None:
                return None
            has_content = False
            entries: list[dict[str, Any]] = []
            channel_seen = False
            for child in root:
                name = reader.name_of(child)
                if not channel_seen and (name == "item" or name in _FEED_BOXES):
                    # An item, image or text input before the channel: the depth of its
                    # title stays with feedparser, which then drops the channel's title
                    # (at the same depth) as a second one.
                    return None
                if child is channel:
                    channel_seen = True
                    if "href" in _attrs(channel) or "lastmod" in _attrs(channel):
                        return None
                    reader.enter(channel)
                    meta, inside, has_content = reader.feed(channel, "item")
                    reader.leave()
                    if inside:
                        return None
                elif name == "item":
                    entries.append(reader.entry(child, has_content))
                    has_content = False
                elif name in _FEED_BOXES:
                    _check_attrs(child)
                    reader.check_box(child)
                elif fp.handled(name) or name in _SHADOWS:
                    return None
                else:
                    reader.check_subtree(child, _FEED_HARMLESS)
        elif atom:
            meta, entries, _ = reader.feed(root, "entry")
        else:
            if len(root) != 1 or root[0].tag != "channel":
                return None
            channel = root[0]
            if "href" in _attrs(channel) or "lastmod" in _attrs(channel):
                return None  # CDF attributes would set the feed's link and date
            reader.enter(channel)
            meta, entries, _ = reader.feed(channel, "item")
    except _Decline:
        return None
    except Exception:  # a case this module did not foresee: feedparser reads it
        return None
    return {"version": version, "feed": meta, "entries": entries, "bozo": 0}
