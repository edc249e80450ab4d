"""Highlights and notes as W3C Web Annotations (JSON), for backup and moving between machines.

The file is an ``AnnotationCollection`` (``id`` ``urn:tui-reader:export:<hash>``) whose page
(``id`` the collection's plus ``:page-1``) holds one ``Annotation`` per highlight::

    {"type": "Annotation", "id": "urn:tui-reader:highlight:hl-4b1c2f0e",
     "motivation": "highlighting" | "commenting", "created": ..., "modified": ...,
     "body": [{"type": "TextualBody", "purpose": "commenting", "format": "text/markdown",
               "value": <note>},
              {"type": "TextualBody", "purpose": "tagging", "value": <tag>}, ...],
     "target": {"source": <article URL>,
                "selector": [{"type": "TextQuoteSelector", "exact", "prefix", "suffix"},
                             {"type": "TextPositionSelector", "start", "end"}]},
     "tui-reader": {"article": <article uid>, "color": <colour name>, "textHash": ...}}

and one per article note (``motivation: commenting``, no selector). Article metadata (title,
site, author, date) sits in the collection's ``tui-reader`` field; a time that is not a usable
timestamp is left out (unknown). Import checks the whole file first
(:mod:`tui_reader.export.anninput`), then writes it in one transaction: it skips every id
already in the store, creates missing articles under Saved, and accepts annotations from
other tools that carry a TextQuoteSelector or a TextPositionSelector. One with only a
position is stored with it (``Highlight.position``, no quote yet) and placed by the placer
(:func:`tui_reader.placing.place`) only in the text whose hash it carries — stored, fetched
by the import, or at the article's first opening; the import says why each one it could not
place is unanchored. Exported again, it has its TextPositionSelector alone.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_reader import __version__
from tui_reader.anchor import make_selector, same_quote, text_hash
from tui_reader.export.anninput import (
    EXT,
    FORMAT_VERSION,
    HL_URN,
    MAX_ANNOTATIONS,
    NOTE_URN,
    Parsed,
    ParsedHighlight,
    ParsedNote,
    parse_collection,
)
from tui_reader.export.data import ExportError, load_article
from tui_reader.export.files import atomic_write, ensure_folder, is_stream, unique_path
from tui_reader.localfiles import FileTooLarge, read_capped
from tui_reader.models import Article, Highlight
from tui_reader.sanitize import clean_url, has_scheme, is_web_url, url_key
from tui_reader.store import Store, article_uid
from tui_reader.store.annotations import (
    Placer,
    find_or_create_article_in,
    has_article_note_in,
    highlight_quote_in,
    insert_highlight_in,
    reanchor_in,
    set_article_note_in,
    take_edit_in,
)
from tui_reader.store.articles import article_links_in, document_in
from tui_reader.timestamps import format_local, iso_utc, sane_timestamp
from tui_reader.units import human_size

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ARTICLE_URN = "urn:tui-reader:article:"
COLLECTION_URN = "urn:tui-reader:export:"
MAX_FILE_BYTES = 256 * 1024 * 1024  # an import file larger than this is refused unread


def _times(**stamps: float | None) -> dict[str, str]:
    """The given times as ISO 8601 fields; a time that is not a usable timestamp (stored by
    an older version, say) is left out: unknown, as the model allows."""
    out: dict[str, str] = {}
    for key, ts in stamps.items():
        iso = iso_utc(ts)
        if iso is not None:
            out[key] = iso
    return out


def _source(article: Article) -> str:
    """The annotated document's address: the article's web address, or the one another tool
    named a document with no web address by (``urn:isbn:…``, a local page's ``file:///…``);
    else our own name for the article."""
    return (
        article.url
        if is_web_url(article.url) or _document_address(article.url)
        else (ARTICLE_URN + article.uid)
    )


def _document_address(url: str) -> bool:
    """Whether ``url`` is an address of a document that is not on the web: a scheme of its
    own, not a script's (javascript:, data:) and not one of ours."""
    lowered = url.lower()
    return (
        has_scheme(url)
        and not lowered.startswith(_SCRIPT_SCHEMES)
        and not lowered.startswith("urn:tui-reader:")
    )


def highlight_annotation(article: Article, h: Highlight) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if h.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "format": "text/markdown",
                "value": h.note,
            }
        )
    body += [{"type": "TextualBody", "purpose": "tagging", "value": t} for t in h.tags]
    selector: list[dict[str, Any]] = []
    if h.quote:
        selector.append(
            {"type": "TextQuoteSelector", "exact": h.quote, "prefix": h.prefix, "suffix": h.suffix}
        )
    start, end = (h.start, h.end) if h.position is None else h.position  # as it was given
    if start is not None and end is not None and 0 <= start < end:
        selector.append({"type": "TextPositionSelector", "start": start, "end": end})
    anno: dict[str, Any] = {
        "@context": CONTEXT,
        "id": HL_URN + h.id,
        "type": "Annotation",
        "motivation": "commenting" if h.note else "highlighting",
        **_times(created=h.created, modified=h.updated),
        "target": {"source": _source(article), "selector": selector},
        EXT: {"article": article.uid, "color": h.color, "textHash": h.text_hash},
    }
    if body:
        anno["body"] = body
    return anno


def note_annotation(article: Article, note: str, updated: float) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": NOTE_URN + article.uid,
        "type": "Annotation",
        "motivation": "commenting",
        **_times(modified=updated),
        "body": {
            "type": "TextualBody",
            "purpose": "commenting",
            "format": "text/markdown",
            "value": note,
        },
        "target": {"source": _source(article)},
        EXT: {"article": article.uid, "kind": "article-note"},
    }


def to_collection(
    store: Store, article_ids: Sequence[int], *, now: float | None = None
) -> dict[str, Any]:
    """The Web Annotation collection for these articles' highlights and notes."""
    items: list[dict[str, Any]] = []
    articles: dict[str, dict[str, Any]] = {}
    for article_id in article_ids:
        data = load_article(store, article_id)
        a = data.article
        articles[a.uid] = {
            "url": a.url,
            "title": data.title,
            "site": data.site,
            "author": data.author,
            "published": sane_timestamp(a.published),
        }
        items += [highlight_annotation(a, h) for h in data.highlights]
        if data.note:
            updated = store.article_note_updated(a.id) or time.time()
            items.append(note_annotation(a, data.note, updated))
    generated = _times(generated=time.time() if now is None else now)
    collection_id = _collection_id(items, generated.get("generated", ""))
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "tui-reader highlights and notes",
        "generator": f"tui-reader {__version__}",
        **generated,
        "total": len(items),
        "first": {  # with its own @context: it passes the page assertions taken alone too
            "@context": CONTEXT,
            "id": collection_id + ":page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
        EXT: {"version": FORMAT_VERSION, "articles": articles},
    }


def _collection_id(items: list[dict[str, Any]], generated: str) -> str:
    """An id (model 5.1) naming this export: its annotations' ids and the time it was made."""
    digest = hashlib.sha256(generated.encode())
    for item in items:
        digest.update(b"\0" + str(item["id"]).encode("utf-8", "surrogatepass"))
    return COLLECTION_URN + digest.hexdigest()[:16]


def export_json(
    store: Store,
    *,
    path: Path | None = None,
    folder: Path | None = None,
    article_ids: Sequence[int] | None = None,
    since: float | None = None,
    feed_id: int | None = None,
    now: float | None = None,
) -> tuple[Path, int]:
    """Write the annotations of ``article_ids`` (default: every annotated article, filtered
    by ``since``/``feed_id``) to ``path`` or a new dated file in ``folder``. Returns the file
    and how many annotations it holds."""
    if article_ids is None:
        article_ids = [a.id for a in store.annotated_articles(feed_id=feed_id, since=since)]
    data = to_collection(store, article_ids, now=now)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if path is None:
        if folder is None:
            raise ExportError("a JSON export needs a folder or a file to write")
        ensure_folder(folder)
        stamp = format_local(time.time() if now is None else now, "%Y-%m-%d", "undated")
        path = unique_path(folder, f"tui-reader annotations {stamp}", ".json")
    else:
        ensure_folder(path.parent)
        if path.exists() and not is_stream(path) and not _own_export(path):
            # (Markdown's and the digest's -o refuse a file not theirs; this one wrote over it.)
            raise ExportError(
                f"{path} exists and is not a tui-reader JSON export; not overwriting it"
            )
    atomic_write(path, text)
    return path, int(data["total"])


def _own_export(path: Path) -> bool:
    """Whether ``path`` is a JSON export of ours (its collection's id near its start), or
    empty: a file that may be written over."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return not head.strip() or COLLECTION_URN.encode() in head


# -- import --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int = 0  # highlights stored
    skipped: int = 0  # highlights whose id was already there
    updated: int = 0  # of those, edited in the file since (its note, tags or colour taken)
    notes_added: int = 0
    notes_skipped: int = 0  # the article already had a note
    articles_created: int = 0
    problems: list[str] = field(default_factory=list)
    placed: int = 0  # of the highlights added, placed in their article's text
    unanchored: int = 0  # of those added, not placed (yet: no text, or not found in it)
    replies: int = 0  # replies to other annotations, skipped
    tags_respelled: int = 0  # tags of several words, stored with hyphens for the spaces
    fetched: int = 0  # articles whose page was fetched and extracted during the import
    # Why highlights added with only a position are unanchored, one line each (also in
    # ``problems``, the lines printed; counted in ``unanchored``, not as skipped).
    unplaced: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} highlight{'s' * (self.added != 1)} added"]
        if self.added:
            parts.append(f"{self.placed} placed, {self.unanchored} unanchored")
        if self.updated:
            parts.append(f"{self.updated} updated (edited since)")
        if self.skipped:
            parts.append(f"{self.skipped} already present")
        if self.notes_added or self.notes_skipped:
            parts.append(f"{self.notes_added} article note(s) added")
        if self.notes_skipped:
            parts.append(f"{self.notes_skipped} note(s) kept as they were")
        if self.articles_created:
            parts.append(f"{self.articles_created} article(s) created under Saved")
        if self.fetched:
            parts.append(f"{self.fetched} page(s) fetched")
        if self.replies:
            parts.append(f"{self.replies} repl{'ies' if self.replies != 1 else 'y'} skipped")
        if self.tags_respelled:
            parts.append(
                f"{self.tags_respelled} tag(s) of several words written with hyphens"
                " (a tag is one word)"
            )
        others = len(self.problems) - self.replies - len(self.unplaced)
        if others:
            parts.append(f"{others} skipped (see above)")
        return ", ".join(parts)


class _Importer:
    """Writes checked annotations, all inside the caller's transaction."""

    def __init__(self, c: sqlite3.Connection, parsed: Parsed) -> None:
        self.c = c
        self.meta = parsed.articles
        self.titles = parsed.titles
        self.result = ImportResult()
        self.articles: dict[tuple[str, str], Article] = {}
        self.touched: set[int] = set()
        self.added: list[str] = []  # ids of the highlights stored
        self.position_only: list[tuple[int, str]] = []  # (number in the file, id) of those
        # stored with only a position (no quote): placed by the placer where the hash holds
        self._by_url: dict[str, str] | None = None
        # Highlights whose target gave other quotes (ParsedHighlight.alternatives) and whose
        # article had no text yet, by article: their quotes, tried once the text is fetched.
        self.alternatives: dict[int, dict[str, tuple[tuple[str, str, str], ...]]] = {}
        self._texts: dict[int, str | None] = {}

    def _uid_by_url(self, url: str) -> str:
        """The uid of a stored article at the same address (normalised), or ""."""
        if self._by_url is None:
            self._by_url = {}
            for uid, url_ in article_links_in(self.c):
                self._by_url[url_key(url_)] = uid
        return self._by_url.get(url_key(url), "")

    def article(self, uid: str, source: str) -> Article:
        key = (uid, source)
        if key in self.articles:
            return self.articles[key]
        info = self.meta.get(uid) if uid else None
        url = (info.url if info is not None else "") or (source if is_web_url(source) else "")
        title = info.title if info is not None else self.titles.get(source, "")
        address = ""  # a document's address that is no web address
        if not uid and url:
            uid = self._uid_by_url(url)
            url = clean_url(url).split("#", 1)[0]  # stored without tracking and fragment
        elif not uid and source:
            # A document with no web address (a PDF's urn:x-pdf:..., a file:/// one): its
            # article's uid comes from that name, so that importing the file again finds it
            # (a random one made a new copy of its highlights and notes at every import).
            uid = article_uid("imported", source)
            # That address is kept as the article's (an export names the document by it, not
            # by our own urn:tui-reader:article:...), and names it when untitled (it was an
            # untitled article whose address appeared nowhere); not a script's (javascript:).
            if _document_address(source):
                address = source
                title = title or source
            elif not has_scheme(source):
                title = title or source  # (a relative address, no base: at least a name)
        article, created = find_or_create_article_in(
            self.c,
            uid=uid or (article_uid("saved", url) if url else ""),
            url=url or address,
            # No stored article has this address (normalised, so not as given either): no
            # walk of every article for it (they have no index by address; one walk per
            # new article made an import of 40,000 pages' notes take minutes).
            by_url=bool(url) and self._uid_by_url(url) != "",
            title=title,
            author=info.author if info is not None else "",
            site=info.site if info is not None else "",
            published=info.published if info is not None else None,
        )
        self.result.articles_created += created
        self.articles[key] = article
        if url and self._by_url is not None:
            self._by_url.setdefault(url_key(url), article.uid)  # the next one finds it
        return article

    def _newer(self, hid: str, p: ParsedHighlight) -> bool:
        """A highlight already here, edited in the file since (its note, tags or colour, and
        the file's time of it later than the one here: edited where it came from, not here
        since): it takes the file's (False: nothing changed)."""
        taken = take_edit_in(
            self.c, hid, note=p.note, tags=p.tags, color=p.color, updated=p.updated
        )
        self.result.updated += taken
        return taken

    def _stored_quote(self, hid: str) -> str | None:
        return highlight_quote_in(self.c, hid)

    def _text(self, article_id: int) -> str | None:
        doc = document_in(self.c, article_id)
        return doc.text if doc is not None else None

    def highlight(self, p: ParsedHighlight) -> None:
        hid = p.id
        stored = self._stored_quote(hid)
        if p.quote and stored is not None and not same_quote(stored, p.quote):
            # The id taken here by a different highlight: for our own, a clash of two short
            # random ids made on two machines; for another tool's, two annotations given one
            # id (a file joined from two, a tool's bug). A quote is not edited: not the same
            # highlight. Kept under a full hash (the same on every import of the file).
            hid = "hl-" + hashlib.sha256(f"{hid}\0{p.quote}".encode()).hexdigest()
            stored = self._stored_quote(hid)
        if stored is not None:
            if not self._newer(hid, p):
                self.result.skipped += 1
            return
        if any(self._stored_quote(i) == p.quote for i in p.legacy_ids):
            self.result.skipped += 1  # (an older version stored it under another id)
            return
        article = self.article(p.uid, p.source)
        quote, prefix, suffix = p.quote, p.prefix, p.suffix
        if p.alternatives:
            quotes = ((quote, prefix, suffix), *p.alternatives)
            if article.id not in self._texts:  # (read once for all its highlights)
                self._texts[article.id] = self._text(article.id)
            text = self._texts[article.id]
            if text is None:
                self.alternatives.setdefault(article.id, {})[hid] = quotes
            else:
                quote, prefix, suffix = _found_quote(quotes, text)
        # Only a position: kept with it (start/end stay empty: not placed) for the placer,
        # which takes the quote from the text those offsets were given for, if it is here.
        position = None if p.quote or p.start is None or p.end is None else (p.start, p.end)
        h = Highlight(
            id=hid,
            article_id=article.id,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            start=p.start if position is None else None,
            end=p.end if position is None else None,
            text_hash=p.text_hash,
            color=p.color,
            tags=p.tags,
            note=p.note,
            created=p.created,
            updated=p.updated,
            position=position,
        )
        if insert_highlight_in(self.c, h):
            self.result.added += 1
            # (A tag is one word, as notes apps take them: "software testing" is stored as
            # "software-testing"; the summary says how many were.)
            self.result.tags_respelled += sum(1 for t in p.tags if len(t.split()) > 1)
            self.touched.add(article.id)
            self.added.append(hid)
            if h.position_only:
                self.position_only.append((p.n, hid))
        else:
            self.result.skipped += 1

    def reanchor(self, placer: Placer) -> None:
        """Place what was imported in the local version of each article's text; offsets
        from the file are kept only where the text at them is the quote. A highlight of
        this import placed leniently (the file's quote in another case, spacing or
        typography) takes its quote and context from the text where it was placed: the
        file's words at our offsets would export as a selector whose ``exact`` is not the
        text at its position, and an empty context would stay empty for ever."""
        added = set(self.added)
        for article_id in sorted(self.touched):
            text = self._text(article_id)
            if text is None:
                continue
            reanchor_in(self.c, article_id, text, placer)
            _adopt_selectors(self.c, article_id, text, added)


def _found_quote(quotes: Sequence[tuple[str, str, str]], text: str) -> tuple[str, str, str]:
    """Of a target's TextQuoteSelectors (alternatives), the first whose quote is in ``text``;
    else the first (it may still be placed leniently, or once the text changes)."""
    return next((q for q in quotes if q[0] in text), quotes[0])


def _choose_quotes(
    c: sqlite3.Connection, text: str, alternatives: dict[str, tuple[tuple[str, str, str], ...]]
) -> bool:
    """Give each unplaced highlight of ``alternatives`` (of this text's article) the first of
    its quotes found in ``text`` (see _found_quote); whether one changed."""
    changed = False
    for hid, quotes in alternatives.items():
        row = c.execute("SELECT quote, start FROM highlights WHERE id = ?", (hid,)).fetchone()
        if row is None or row[1] is not None:
            continue
        found = _found_quote(quotes, text)
        if found[0] != row[0]:
            c.execute(
                "UPDATE highlights SET quote = ?, prefix = ?, suffix = ? WHERE id = ?",
                (*found, hid),
            )
            changed = True
    return changed


def _adopt_selectors(c: sqlite3.Connection, article_id: int, text: str, ids: set[str]) -> None:
    """Each of the highlights ``ids`` placed in ``text`` takes its quote and context from the
    text where it stands (see :meth:`_Importer.reanchor`); a context the file gave with the
    quote as it is stays."""
    rows = c.execute(
        "SELECT id, quote, prefix, suffix, start, end_ FROM highlights"
        " WHERE article_id = ? AND start IS NOT NULL",
        (article_id,),
    ).fetchall()
    for hid, quote, prefix, suffix, start, end in rows:
        if hid not in ids or not 0 <= start < end <= len(text):
            continue
        sel = make_selector(text, start, end)
        if quote == sel.quote:
            if prefix and suffix:
                continue
            new = (sel.quote, prefix or sel.prefix, suffix or sel.suffix)
        else:
            new = (sel.quote, sel.prefix, sel.suffix)
        c.execute(
            "UPDATE highlights SET quote = ?, prefix = ?, suffix = ? WHERE id = ?", (*new, hid)
        )


def import_annotations(
    store: Store,
    data: Any,
    *,
    now: float | None = None,
    fetch: Callable[[int], bool] | None = None,
    placer: Placer | None = None,
) -> ImportResult:
    """Import loaded Web Annotation JSON: every value is checked first
    (:func:`tui_reader.export.anninput.parse_collection`, BadAnnotationFile naming the first
    bad one), then the whole file is written in one transaction: all of it, or nothing.
    ``fetch(article_id)`` (after the transaction) gets the text of an article that has none
    yet, so that its highlights are placed at once; it returns whether it got one. Without
    it, or offline, the highlights stay unanchored until the article is first opened.
    ``placer`` (the Reader's) places what was imported in each article's local text, in the
    same transaction; without it they keep the file's offsets until re-anchored."""
    parsed = parse_collection(data, now=time.time() if now is None else now)
    with store.transaction() as c:
        importer = _Importer(c, parsed)
        for p in parsed.highlights:
            importer.highlight(p)
        # An article has one note: the file's notes on one article (several page notes on
        # one page) are joined, in order, instead of all but the first being dropped. A note
        # the article has already is kept as it is (the user may have edited it since).
        grouped: dict[int, list[ParsedNote]] = {}
        for n in parsed.notes:
            if n.note.strip():
                grouped.setdefault(importer.article(n.uid, n.source).id, []).append(n)
        for article_id, notes in grouped.items():
            if has_article_note_in(c, article_id):
                importer.result.notes_skipped += len(notes)
                continue
            bodies = list(dict.fromkeys(n.note.strip() for n in notes))
            updated = max(n.updated for n in notes)
            set_article_note_in(c, article_id, "\n\n".join(bodies), updated=updated)
            importer.result.notes_added += len(notes)
        if placer is not None:
            importer.reanchor(placer)
    result = importer.result
    result.problems = parsed.skipped + result.problems
    result.replies = parsed.replies
    if fetch is not None:
        added = set(importer.added)
        for article_id in sorted(importer.touched):
            if (
                store.get_article(article_id) is not None
                and not store.has_document(article_id)
                and fetch(article_id)  # stored text re-anchors its highlights
            ):
                result.fetched += 1
                with store.transaction() as c:
                    doc = document_in(c, article_id)
                    if doc is not None:
                        waiting = importer.alternatives.get(article_id, {})
                        if _choose_quotes(c, doc.text, waiting) and placer is not None:
                            reanchor_in(c, article_id, doc.text, placer)
                        _adopt_selectors(c, article_id, doc.text, added)
    result.placed = store.count_placed(importer.added)
    result.unanchored = result.added - result.placed
    result.unplaced = _why_unplaced(store, importer.position_only)
    result.problems += result.unplaced
    return result


def _why_unplaced(store: Store, position_only: Sequence[tuple[int, str]]) -> list[str]:
    """Why each highlight stored with only a position (its number in the file, its id) is
    not placed, once the import has done what it could: one line each."""
    out: list[str] = []
    hashes: dict[int, str | None] = {}  # an article's stored text's hash (None: no text)
    for n, hid in position_only:
        h = store.get_highlight(hid)
        if h is None or h.anchored:
            continue
        if h.article_id not in hashes:
            doc = store.get_document(h.article_id)
            hashes[h.article_id] = text_hash(doc.text) if doc is not None else None
        stored = hashes[h.article_id]
        if not h.text_hash:
            why = (
                "it had only a position, and the file gives no hash of the text it refers to"
                f" ({EXT}.textHash), so it cannot be placed"
            )
        elif stored == h.text_hash:  # the very text, but nothing at those offsets
            why = "it had only a position, and there is no text at those offsets"
        elif stored is not None:
            why = "the text changed since this highlight was made: it had only a position"
        else:
            why = (
                "it has only a position and the article's text is not here yet: placed when"
                " the article is first opened, if its text is the one that position refers to"
            )
        out.append(f"annotation {n}: kept unanchored: {why}")
    return out


# The objects and lists a file may hold: room for the most annotations read, each with its
# target, selectors, bodies, creator and tags. A file of 250 MB of "{}," is 87 million dicts
# (6.7 GB) before any count is checked; it is refused before it is loaded.
MAX_JSON_CONTAINERS = 32 * MAX_ANNOTATIONS
# Values of any kind (each after the first in an object or list follows a comma). A real
# annotation file has one per 28-33 bytes (Hypothesis's rows, our export), so a file within
# MAX_FILE_BYTES holds fewer than 10 million; 260 MB of five-letter strings held 37 million
# and took 2.8 GB of memory to be read before it was refused.
MAX_JSON_VALUES = 64 * MAX_ANNOTATIONS


_SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
_JSON_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # (before UTF-16's: it starts with the same two bytes)
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode_json_file(raw: bytes) -> str:
    """A JSON file's text: UTF-8, with or without a byte-order mark (as Windows editors
    write); UTF-16 or UTF-32 when a byte-order mark says so (PowerShell 5 writes UTF-16)."""
    for bom, codec in _JSON_BOMS:
        if raw.startswith(bom):
            return raw.decode(codec)
    return raw.decode("utf-8-sig")


def load_json(text: str, what: str) -> Any:
    """JSON from text, or ExportError in one line (a file nested too deep, or holding more
    objects and lists than :data:`MAX_JSON_CONTAINERS` or more values than
    :data:`MAX_JSON_VALUES`, included), before the memory for them is taken."""
    # (Upper bounds in passes of C: braces and commas inside strings count too.)
    containers = text.count("{") + text.count("[")
    if containers > MAX_JSON_CONTAINERS:
        raise ExportError(
            f"{what} holds up to {containers:,} JSON objects and lists;"
            f" at most {MAX_JSON_CONTAINERS:,} are read"
        )
    values = containers + text.count(",")
    if values > MAX_JSON_VALUES:
        raise ExportError(
            f"{what} holds up to {values:,} JSON values; at most {MAX_JSON_VALUES:,} are read"
        )
    try:
        return json.loads(text)
    except RecursionError:
        raise ExportError(f"{what} is nested too deeply to be read") from None
    except ValueError as exc:
        if "int_max_str_digits" in str(exc):
            raise ExportError(f"{what} holds a number too long to be a value here") from None
        raise ExportError(f"{what} is not valid JSON ({exc})") from None


def import_json(
    store: Store,
    path: Path,
    *,
    fetch: Callable[[int], bool] | None = None,
    placer: Placer | None = None,
) -> ImportResult:
    """Import a Web Annotation JSON file (ours or another tool's); see the module docstring.
    ExportError, one line, with nothing stored, for a file that cannot be imported whole."""
    try:
        raw = read_capped(path, MAX_FILE_BYTES)
    except FileTooLarge as exc:
        most = human_size(MAX_FILE_BYTES)
        held = human_size(exc.size) if exc.size is not None else f"over {most}"
        raise ExportError(f"{path} holds {held}; at most {most} are imported") from None
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = _decode_json_file(raw)
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text; not touching it") from None
    if not text.strip():
        raise ExportError(f"{path} is empty: no annotations in it")
    data = load_json(text, str(path))
    try:
        return import_annotations(store, data, fetch=fetch, placer=placer)
    except ExportError as exc:
        raise ExportError(f"{path}: {exc}") from None
    except (sqlite3.Error, ValueError) as exc:
        raise ExportError(f"{path}: not imported, nothing was stored ({exc})") from None
