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
from tui_reader.models import Feed
from tui_reader.sanitize import clean_line, clean_url, is_web_url
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


def _folder_name(text: str) -> str:
    return clean_line(text).replace("/", "∕").strip()  # "/" separates nesting levels


def read_opml(data: bytes) -> tuple[list[OpmlFeed], list[tuple[str, str]]]:
    """The feeds in an OPML document, with their folders; and outlines skipped, with why."""
    from lxml import etree

    if not data.strip():
        raise OpmlError("the file is empty")
    root_at = data.find(b"<opml")
    prologue = data[: root_at if root_at >= 0 else 65536]
    if b"<!ENTITY" in prologue.upper():
        # OPML never needs entity declarations; they only serve expansion attacks.
        raise OpmlError("refused: the file declares XML entities, which OPML never needs")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise OpmlError(f"not an OPML file: it is not well-formed XML{line}") from None
    if _local(root) != "opml":
        name = _local(root) or "?"
        raise OpmlError(f"not an OPML file: the document is <{name}>, not <opml>")
    body = next((c for c in root if _local(c) == "body"), None)
    if body is None:
        raise OpmlError("not an OPML file: it has no <body>")
    feeds: list[OpmlFeed] = []
    skipped: list[tuple[str, str]] = []
    _walk(body, [], feeds, skipped)
    return feeds, skipped


def _local(el: Any) -> str:
    tag = el.tag
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _walk(
    parent: Any, path: list[str], feeds: list[OpmlFeed], skipped: list[tuple[str, str]]
) -> None:
    for el in parent:
        if _local(el) != "outline":
            continue
        attrs = {str(k).lower(): str(v) for k, v in el.attrib.items()}
        name = clean_line(attrs.get("title") or attrs.get("text") or "")
        url = clean_line(attrs.get("xmlurl", ""))
        if url:
            if is_web_url(url) or url == WELCOME_URL:
                site = clean_line(attrs.get("htmlurl", ""))
                feeds.append(
                    OpmlFeed(
                        url=url,
                        title=name,
                        folder="/".join(path),
                        site_url=clean_url(site) if is_web_url(site) else "",
                    )
                )
            else:
                skipped.append((url, "not an http(s) URL"))
            _walk(el, path, feeds, skipped)
        else:
            folder = _folder_name(name)
            _walk(el, [*path, folder] if folder else path, feeds, skipped)


def import_opml(store: Store, path: Path) -> ImportResult:
    """Subscribe to every feed in the OPML file at ``path`` (no fetching here)."""
    try:
        size = path.stat().st_size
        if size > MAX_OPML_BYTES:
            raise OpmlError(f"{path} is too large for an OPML file ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"cannot read {path}: {exc.strerror or exc}") from None
    entries, skipped = read_opml(data)
    result = ImportResult(skipped=skipped)
    seen: set[str] = set()
    for item in entries:
        if item.url in seen:
            continue
        seen.add(item.url)
        feed, created = store.add_feed(
            item.url, title=item.title, folder=item.folder, site_url=item.site_url
        )
        (result.added if created else result.existing).append(feed)
    return result


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
        el = ElementTree.SubElement(parent, "outline", text=leaf, title=leaf)
        folders[name] = el
        return el

    for feed in feeds:
        if feed.url == WELCOME_URL:
            continue
        parent = folder_element("/".join(p for p in feed.folder.split("/") if p))
        attrs = {
            "type": "rss",
            "text": feed.display_title,
            "title": feed.display_title,
            "xmlUrl": feed.url,
        }
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        ElementTree.SubElement(parent, "outline", attrs)
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
