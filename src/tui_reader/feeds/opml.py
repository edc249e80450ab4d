"""OPML import and export. Nested outlines are folders, their names joined with "/".

Import uses lxml with entities, DTDs and the network all off: an OPML file from elsewhere is
untrusted input. Importing a feed that is already there changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from tui_reader.errors import ReaderError
from tui_reader.feeds.welcome import WELCOME_URL
from tui_reader.localfiles import FileTooLarge, read_capped
from tui_reader.models import Feed
from tui_reader.sanitize import clean_line, clean_url, feed_address, is_web_url, shown_url
from tui_reader.store import Store

MAX_OPML_BYTES = 50_000_000


class OpmlError(ReaderError):
    """The file is not usable OPML; ``str(error)`` is one line."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str = ""
    folder: str = ""
    site_url: str = ""


@dataclass
class ImportResult:
    added: list[Feed] = field(default_factory=list)
    existing: list[Feed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url or title, reason)
    problem: str = ""  # the file was not well-formed (why), and was read leniently
    repaired: int = 0  # outlines rewritten to be read (lenient reading only)
    unreadable: int = 0  # outlines that could not be read (lenient reading only)
    encoding: str = ""  # the encoding used when it is not the one the file declares
    entities: int = 0  # bare "&" escaped, HTML entities replaced (lenient reading only)

    notes: list[str] = field(default_factory=list)  # what else to say (e.g. left out)

    def recovery_note(self) -> str:
        """One line on the lenient reading ("" when the file was well-formed)."""
        if not self.problem:
            return f"The file was read as {self.encoding}." if self.encoding else ""
        parts = [f"{self.repaired} outline{'s' if self.repaired != 1 else ''} repaired"]
        if self.entities:
            parts.append(
                f"{self.entities} stray & or HTML entit{'ies' if self.entities != 1 else 'y'} fixed"
            )
        if self.unreadable:
            parts.append(f"{self.unreadable} could not be read (cut off or broken)")
        if self.encoding:
            parts.append(f"read as {self.encoding}")
        why = self.problem.removeprefix("it is ")
        return f"The file is {why}; read it leniently: " + ", ".join(parts) + "."


def _folder_name(text: str) -> str:
    return clean_line(text).replace("/", "∕").strip()  # "/" separates nesting levels


def read_opml(data: bytes) -> tuple[list[OpmlFeed], list[tuple[str, str]]]:
    """The feeds in an OPML document, with their folders; and outlines skipped, with why."""
    found = read_opml_leniently(data)
    return found.feeds, found.skipped


@dataclass
class OpmlRead:
    """What an OPML document holds, and how it had to be read."""

    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url or title, reason)
    problem: str = ""  # why the strict parse failed ("" when it did not)
    repaired: int = 0  # outlines rewritten to be read
    unreadable: int = 0  # outlines that could not be read (cut off by the file's end, lost)
    encoding: str = ""  # the encoding used when it is not the one declared
    entities: int = 0  # bare "&" escaped, HTML entities replaced

    @property
    def recovered(self) -> bool:
        return bool(self.problem)


def _parser(*, recover: bool) -> Any:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
    )


def read_opml_leniently(data: bytes) -> OpmlRead:
    """Read an OPML document strictly; when it is not well-formed XML, repair it and read it
    with lxml's recovering parser (see :mod:`tui_reader.feeds.opmlrepair`), keeping every
    outline that has an ``xmlUrl``. Entity declarations are refused either way."""
    from lxml import etree

    if not data.strip():
        raise OpmlError("the file is empty")
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the file is too large for an OPML file ({len(data)} bytes)")
    from tui_reader.feeds.xmlsafe import UnsafeXML, wide_to_utf8

    try:
        # UTF-16, UTF-32 or EBCDIC as UTF-8 first: the checks below read bytes (a UTF-16 file
        # declaring entities passed them, and they were expanded into its titles).
        data = wide_to_utf8(data) or data
    except UnsafeXML as exc:
        raise OpmlError(f"not an OPML file: {exc}") from None
    root_at = data.find(b"<opml")
    prologue = data[: root_at if root_at >= 0 else 65536]
    if b"<!ENTITY" in prologue.upper():
        # OPML never needs entity declarations; they only serve expansion attacks.
        raise OpmlError("refused: the file declares XML entities, which OPML never needs")
    from tui_reader.feeds.opmlrepair import relabel_utf8

    data, mislabeled = relabel_utf8(data)
    try:
        root = etree.fromstring(data, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc):  # (lxml's limit of 256, kept against hostile files)
            raise OpmlError(
                "refused: it nests more than 256 levels deep, <opml> and <body> counted"
                " (no list of feeds does)"
            ) from None
        line = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        problem = f"it is not well-formed XML{line}"
        found = _read_recovered(data, problem)
        if mislabeled and not found.encoding:
            found.encoding = f"UTF-8 (it declares {mislabeled})"
        return found
    if _local(root) != "opml":
        name = _local(root) or "?"
        raise OpmlError(f"not an OPML file: the document is <{name}>, not <opml>")
    bodies = [c for c in root if _local(c) == "body"]
    if not bodies:
        raise OpmlError("not an OPML file: it has no <body>")
    found = OpmlRead(encoding=f"UTF-8 (it declares {mislabeled})" if mislabeled else "")
    for body in bodies:
        _walk(body, [], found.feeds, found.skipped)
    return found


def _read_recovered(data: bytes, problem: str) -> OpmlRead:
    """The lenient reading of a document the strict parser refused (``problem`` says why)."""
    from lxml import etree

    from tui_reader.feeds.opmlrepair import repair

    refused = OpmlError(f"not an OPML file: {problem}")
    if b"<!ENTITY" in data.upper():
        raise OpmlError("refused: the file declares XML entities, which OPML never needs")
    fixed = repair(data)  # (UTF-16, UTF-32 and EBCDIC read as UTF-8 already)
    try:
        root = etree.fromstring(fixed.text.encode("utf-8"), _parser(recover=True))
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise refused
    found = OpmlRead(
        problem=problem,
        repaired=fixed.repaired,
        encoding=fixed.encoding,
        entities=fixed.entities,
    )
    bodies = [el for el in root.iter() if _local(el) == "body"]
    tops = [b for b in bodies if not any(_local(a) == "body" for a in b.iterancestors())]
    for top in tops or [root]:
        _walk(top, [], found.feeds, found.skipped)
    if not found.feeds and not found.skipped:
        raise refused
    read = sum(1 for el in root.iter() if _local(el) == "outline")
    found.unreadable = fixed.cut_off + max(0, fixed.outlines - fixed.cut_off - read)
    return found


def _category_folder(category: str) -> str:
    """The folder OPML 2.0's ``category`` attribute names for an outline outside any folder:
    its first category ("/News/World,/Daily" is "News/World"; a tag, "tech,linux", is "tech")."""
    first = category.partition(",")[0]
    return "/".join(part for p in first.split("/") if (part := clean_line(p)))


def _local(el: Any) -> str:
    tag = el.tag
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


_FEED_TYPES = ("rss", "atom")  # outline types whose "url" is a feed's address


def address_refused(raw: str, url: str) -> str:
    """Why a feed address read from an import file is not subscribed to, or "": ``raw`` as
    the file gives it (trimmed), ``url`` cleaned. One holding a control or invisible
    character is refused, not cleaned: cleaning it would fetch another address
    ("/\u202eexe.xml" is not "/exe.xml")."""
    if not raw.isprintable():
        return "holds control or invisible characters"
    if not (is_web_url(url) or url == WELCOME_URL):
        return "not an http(s) URL"
    return ""


_OUTLINE_ATTRIBUTES = frozenset(
    {"title", "text", "xmlurl", "type", "url", "htmlurl", "category", "subscribed"}
)


def _attributes(el: Any) -> dict[str, str] | None:
    """The outline's attributes that are read, by their names in lower case (the first of a
    name given in several cases). A value holding what no text can (a surrogate's character
    reference, which the lenient parser keeps as raw bytes) is "", or, for the address, makes
    it None. Read by name: lxml's ``attrib.items()`` is quadratic in the number of
    attributes (40,000 took 6 s)."""
    attrs: dict[str, str] = {}
    for key in el.attrib.iterkeys():
        name = str(key).lower()
        if name in _OUTLINE_ATTRIBUTES and name not in attrs:
            try:
                attrs[name] = str(el.get(key))
            except (UnicodeDecodeError, ValueError):
                if name in ("xmlurl", "url"):
                    return None  # no address to subscribe to
                attrs[name] = ""  # a title lost, the feed kept
    return attrs


def _walk(
    parent: Any, path: list[str], feeds: list[OpmlFeed], skipped: list[tuple[str, str]]
) -> None:
    for el in parent:
        if _local(el) != "outline":
            if _local(el) != "head" and len(el):
                _walk(el, path, feeds, skipped)  # a nested <body>, an HTML-ish wrapper
            continue
        attrs = _attributes(el)
        if attrs is None:
            skipped.append(("an outline", "its address holds a reference to no character"))
            continue
        name = clean_line(attrs.get("title") or attrs.get("text") or "")
        url = attrs.get("xmlurl", "")
        if not url and attrs.get("type", "").lower() in _FEED_TYPES:
            url = attrs.get("url", "")  # (some apps write a feed's address there)
        raw = url.strip()
        url = feed_address(clean_line(url))
        kind = attrs.get("type", "").lower()
        if url and attrs.get("subscribed", "").strip() in ("0", "false"):
            # A podcast app's list of every show it knew (Overcast): one left, not subscribed.
            skipped.append((url, "marked as not subscribed (subscribed=0)"))
            _walk(el, path, feeds, skipped)
            continue
        if url:
            if why := address_refused(raw, url):
                skipped.append((url, why))
            else:
                site = clean_line(attrs.get("htmlurl", ""))
                # A feed's own address as its name is no name (an export of an untitled feed,
                # ours or another reader's, must give one): kept, it was a title the user had
                # chosen, which the feed's own never replaced.
                untitled = name in (url, raw, clean_line(raw))
                feeds.append(
                    OpmlFeed(
                        url=url,
                        title="" if untitled else name,
                        folder="/".join(path) or _category_folder(attrs.get("category", "")),
                        site_url=clean_url(site) if is_web_url(site) else "",
                    )
                )
            _walk(el, path, feeds, skipped)
        elif kind == "podcast-episode":
            continue  # (an episode a podcast app lists under its podcast: no subscription)
        elif kind == "include" and attrs.get("url"):
            link = clean_line(attrs["url"])
            skipped.append((link, "another list of subscriptions (import it on its own)"))
        elif attrs.get("url") and not len(el):
            # A link (type="link", a directory's entry): no xmlUrl says it is a feed, and it is
            # no folder either; said, not silently dropped (`add` finds the feed of a page).
            link = clean_line(attrs["url"])
            skipped.append((link, "a link, no xmlUrl: a page or a feed (`tui-reader add` it)"))
        elif kind in _FEED_TYPES and not len(el):
            # A feed whose address the exporter lost (xmlUrl=""): said, with its page if any.
            page = clean_line(attrs.get("htmlurl", ""))
            why = "no feed address" + (" (`tui-reader add` its page)" if page else "")
            skipped.append((page or name or "an outline", why))
        else:
            folder = _folder_name(name)
            _walk(el, [*path, folder] if folder else path, feeds, skipped)


def import_opml(store: Store, path: Path, data: bytes | None = None) -> ImportResult:
    """Subscribe to every feed in the OPML file at ``path`` (no fetching here); ``data``, when
    given, is what it holds, already read (a pipe can be read only once)."""
    try:
        if data is None:
            data = read_capped(path, MAX_OPML_BYTES)
    except FileTooLarge as exc:
        raise OpmlError(f"{path} is too large for an OPML file ({exc.held})") from None
    except OSError as exc:
        raise OpmlError(f"cannot read {path}: {exc.strerror or exc}") from None
    found = read_opml_leniently(data)
    result = ImportResult(
        skipped=found.skipped,
        problem=found.problem,
        repaired=found.repaired,
        unreadable=found.unreadable,
        encoding=found.encoding,
        entities=found.entities,
    )
    subscribe(store, found.feeds, result)
    return result


def subscribe(store: Store, entries: list[OpmlFeed], result: ImportResult) -> None:
    """Subscribe to ``entries`` (each URL once; feeds already here are left as they are)."""
    seen: dict[str, str] = {}
    wanted: list[tuple[str, str, str, str]] = []
    for item in entries:
        if item.url in seen:
            if item.folder != seen[item.url]:
                where = f"in {item.folder}" if item.folder else "outside any folder"
                first = seen[item.url] or "no folder"
                result.notes.append(
                    f"{shown_url(item.url)} is listed again {where}: kept in {first}"
                )
            continue
        seen[item.url] = item.folder
        wanted.append((item.url, item.title, item.folder, item.site_url))
    for feed, created in store.add_feeds(wanted):  # all of them, or none
        (result.added if created else result.existing).append(feed)


def export_opml(feeds: list[Feed], *, title: str = "tui-reader subscriptions") -> str:
    """OPML 2.0 text for ``feeds``, folders as nested outlines (the welcome feed is left out:
    it is not a URL other readers can use)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = time.strftime(
        "%a, %d %b %Y %H:%M:%S GMT", time.gmtime()
    )
    body = ElementTree.SubElement(root, "body")
    folders: dict[str, ElementTree.Element] = {"": body}

    def folder_element(name: str) -> ElementTree.Element:
        if name in folders:
            return folders[name]
        parent_name, _, leaf = name.rpartition("/")
        parent = folder_element(parent_name)
        leaf = clean_line(leaf)  # (what XML can hold, whatever an older version stored)
        el = ElementTree.SubElement(parent, "outline", text=leaf, title=leaf)
        folders[name] = el
        return el

    for feed in feeds:
        if feed.url == WELCOME_URL:
            continue
        parent = folder_element("/".join(p for p in feed.folder.split("/") if p))
        name = clean_line(feed.display_title) or feed.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        ElementTree.SubElement(parent, "outline", attrs)
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
