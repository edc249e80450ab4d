"""The boundary of ``import-notes``: every value taken from a Web Annotation file is checked
here, once, before anything is stored.

:func:`parse_collection` turns the loaded JSON into typed records (:class:`Parsed`) or raises
:class:`BadAnnotationFile`, whose message is one line naming the annotation, the field and the
problem. Text is cleaned with :mod:`tui_reader.sanitize` (after its length is checked), times
must be usable timestamps (:mod:`tui_reader.timestamps`), offsets whole numbers in range, ids
are kept whole or hashed in full. An annotation that is well formed but has nothing this reader
can keep is listed in ``Parsed.skipped`` with why.

Besides W3C collections, pages and lists, it reads what Hypothesis writes: its client's export
(``{"export_date", "export_userid", "client_version", "annotations": [...]}``), an API search
result (``{"total", "rows": [...]}``) and bare lists of API annotations, whose ``text`` is the
note, ``tags`` the tags, ``updated`` the modification time and ``document.title`` the article's
title. An annotation without any selector but with a note (a Hypothesis page note, a W3C
comment on the page) becomes the article's note; replies (``references``) are skipped and
counted. A body that is an IRI becomes a link in the note. A highlight given only by a
TextPositionSelector has no quote yet (``quote == ""``): it is stored with its offsets and
the file's text hash, and gets its quote when it is placed in the text of that hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn
from urllib.parse import quote

from tui_reader.export.data import ExportError
from tui_reader.sanitize import clean_line, clean_text, has_scheme, is_web_url, url_text
from tui_reader.timestamps import MAX_YEAR, MIN_YEAR, parse_iso, sane_timestamp

EXT = "tui-reader"
HL_URN = "urn:tui-reader:highlight:"
NOTE_URN = "urn:tui-reader:note:"
BOOK_URN = "urn:x-book-title:"  # a book a file names by its title alone (Readium's)
FORMAT_VERSION = 1

MAX_ANNOTATIONS = 200_000  # in one file
MAX_BODIES = 1_000  # bodies (note parts and tags) of one annotation
MAX_SELECTORS = 100  # selectors of one target
MAX_REFINEMENT_DEPTH = 8  # selectors refined by selectors refined by...
MAX_PAGES = 100_000  # AnnotationPages chained by "next"
MAX_QUOTE = 1_000_000  # characters of a quote, and of a note (a whole long read fits)
MAX_CONTEXT = 10_000  # prefix, suffix
MAX_ID = 4_096  # an annotation id (an IRI)
MAX_URL = 100_000
MAX_LINE = 2_000  # colour, tag, text hash, article uid; title, author, site are cut to this
MAX_OFFSET = 1_000_000_000  # a character offset in an article's text
_OWN_ID = re.compile(r"hl-[0-9A-Za-z]{1,64}")  # ours, usable as an Obsidian block id


class BadAnnotationFile(ExportError):
    """A value in an annotation file that cannot be imported; nothing was stored."""

    def __init__(self, where: str, name: str, problem: str) -> None:
        self.where = where
        self.field = name
        self.problem = problem
        super().__init__(f"{where}: {name}: {problem}" if name else f"{where}: {problem}")


@dataclass(frozen=True)
class ArticleInfo:
    url: str = ""
    title: str = ""
    author: str = ""
    site: str = ""
    published: float | None = None


@dataclass(frozen=True)
class ParsedHighlight:
    n: int  # its number in the file, from 1
    id: str
    legacy_ids: tuple[str, ...]  # ids earlier versions stored for it (none for our own)
    uid: str  # the article's uid, if the file gives it
    source: str  # the target's source IRI
    quote: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    text_hash: str
    color: str
    tags: tuple[str, ...]
    note: str
    created: float
    updated: float
    # Other TextQuoteSelectors of its target, (exact, prefix, suffix): alternatives, by the
    # W3C model (4.2: each selector of a resource describes the same segment; a consumer
    # uses one it can): tried in order when the first is not in the article's text.
    alternatives: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class ParsedNote:
    n: int
    uid: str
    source: str
    note: str
    updated: float


@dataclass
class Parsed:
    articles: dict[str, ArticleInfo] = field(default_factory=dict)
    highlights: list[ParsedHighlight] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each
    titles: dict[str, str] = field(default_factory=dict)  # source IRI -> document title
    replies: int = 0  # replies to other annotations, skipped
    publication: tuple[str, str] | None = None  # what the file is about: its id and title


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Checker:
    """Checks values of one part of the file; every failure names ``where`` and the field."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, name: str, problem: str) -> NoReturn:
        raise BadAnnotationFile(self.where, name, problem)

    def obj(self, value: object, name: str, *, optional: bool = True) -> dict[str, Any]:
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            self.fail(name, f"must be an object, not {_kind(value)}")
        return value

    def raw_text(self, value: object, name: str, limit: int) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(name, f"must be text, not {_kind(value)}")
        if len(value) > limit:
            self.fail(name, f"is {len(value):,} characters long; at most {limit:,} are accepted")
        return value

    def text(self, value: object, name: str, limit: int) -> str:
        """Multi-line text, cleaned (control characters and escape sequences removed)."""
        return clean_text(self.raw_text(value, name, limit))

    def line(self, value: object, name: str, limit: int = MAX_LINE) -> str:
        return clean_line(self.raw_text(value, name, limit))

    def iri(self, value: object, name: str) -> str:
        """An address, read as a browser reads one (:func:`~tui_reader.sanitize.url_text`:
        a line break inside it is no space)."""
        return clean_line(url_text(self.raw_text(value, name, MAX_URL)))

    def label(self, value: object, name: str) -> str:
        """A title, author or site: refused only when absurdly long, else cut to MAX_LINE
        (the store keeps whatever a feed sent, and an export of it must import again)."""
        return clean_line(self.raw_text(value, name, MAX_QUOTE))[:MAX_LINE]

    def time(self, value: object, name: str) -> float | None:
        """None when absent; a usable timestamp; else a failure."""
        if value is None or value == "":
            return None
        if isinstance(value, str):
            ts = parse_iso(value)
            if ts is None:
                self.fail(name, f"is not an ISO 8601 date-time between {MIN_YEAR} and {MAX_YEAR}")
            return ts
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"must be a date-time (text) or a timestamp, not {_kind(value)}")
        ts = sane_timestamp(value)
        if ts is None and isinstance(value, int) and value > 0:
            ts = sane_timestamp(value / 1000)  # milliseconds, as JavaScript's Date.now()
        if ts is None:
            self.fail(name, f"is not a time between {MIN_YEAR} and {MAX_YEAR}")
        return ts

    def offset(self, value: object, name: str) -> int:
        if isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_OFFSET:
            value = int(value)  # (850.0, 8.5e2: a whole number as JSON writers may write it)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"must be a whole number, not {_kind(value)}")
        if not 0 <= value <= MAX_OFFSET:
            self.fail(name, f"must be between 0 and {MAX_OFFSET:,}")
        return value

    def items(self, value: object, name: str, limit: int) -> list[Any]:
        """A list (a single value counts as a list of one); at most ``limit`` long."""
        if value is None:
            return []
        out = value if isinstance(value, list) else [value]
        if len(out) > limit:
            self.fail(name, f"has {len(out):,} entries; at most {limit:,} are accepted")
        return out


# -- the collection ---------------------------------------------------------------------------


def parse_collection(data: Any, *, now: float) -> Parsed:
    """Every annotation of a loaded Web Annotation file, checked; see the module docstring.
    ``now`` is the creation time of annotations that give none."""
    _plain_keywords(data)
    parsed = Parsed()
    items = _items(data, parsed.skipped)
    if isinstance(data, dict) and data.get(EXT) is not None:
        parsed.articles = _articles(data[EXT])
    parsed.publication = _publication(data)
    seen: dict[str, int] = {}
    # The file's own annotation ids: a target that is one of them is a reply, not a page.
    ids = {a["id"] for a in items if isinstance(a, dict) and isinstance(a.get("id"), str)}
    for n, anno in enumerate(items, 1):
        _annotation(parsed, n, anno, now, seen, ids)
    return parsed


def _is_iri(text: str) -> bool:
    """Whether ``text`` is an address (a scheme, then ":"), as a selector published apart
    is named; any other text where a selector should be is a mistake."""
    scheme, colon, _ = text.partition(":")
    return (
        bool(colon)
        and scheme[:1].isalpha()
        and scheme.isascii()
        and all(c.isalnum() or c in "+.-" for c in scheme)
    )


def _is_a(declared: object, kind: str) -> bool:
    """Whether a ``type`` names ``kind``: the name, or a list holding it (JSON-LD lets any
    property hold a list: ``"type": ["Annotation"]``)."""
    if isinstance(declared, list):
        return kind in declared[:MAX_SELECTORS]
    return declared == kind


def _items(data: Any, skipped: list[str]) -> list[Any]:
    """The annotations of the file; ``skipped`` gets a line for each page of the collection
    that the file names by address only (W3C's "first" or "next" as an IRI): not fetched."""
    check = _Checker("the file")
    if isinstance(data, list):
        items = data
    elif not isinstance(data, dict):
        raise ExportError("not a Web Annotation file (expected an object or a list)")
    elif _is_a(data.get("type"), "Annotation"):
        items = [data]
    elif data.get("type") is None and isinstance(data.get("annotations"), list):
        items = check.items(data["annotations"], "annotations", MAX_ANNOTATIONS)  # Hypothesis
    elif data.get("type") is None and isinstance(data.get("rows"), list):
        items = check.items(data["rows"], "rows", MAX_ANNOTATIONS)  # a Hypothesis API search
        total = data.get("total")
        if type(total) is int and total > len(items):
            skipped.append(
                f"the file holds {len(items):,} of the search's {total:,} annotations: the"
                " others were not read (ask the API for each page: offset, or search_after)"
            )
    else:
        items = []
        if data.get("items") is not None:
            items += check.items(data["items"], "items", MAX_ANNOTATIONS)
        page = data.get("first")
        pages = 0
        while isinstance(page, dict):
            pages += 1
            if pages > MAX_PAGES:
                check.fail("first", f"chains more than {MAX_PAGES:,} pages")
            if page.get("items") is not None:
                items += check.items(page["items"], f"page {pages}: items", MAX_ANNOTATIONS)
            if len(items) > MAX_ANNOTATIONS:
                break
            page = page.get("next")
        if _is_a(data.get("type"), "AnnotationPage") and isinstance(data.get("next"), str):
            # A page saved alone: the collection it is part of has more.
            part_of = data.get("partOf")
            total = part_of.get("total") if isinstance(part_of, dict) else None
            of = f" of {total:,}" if type(total) is int and total >= 0 else ""
            skipped.append(
                f"the file is one page{of} of a collection: the next"
                f" ({clean_line(data['next'])[:200]}) is only named, not in the file: its"
                " annotations were not read (save each page, or export the whole collection)"
            )
        if isinstance(page, str) and page.strip():
            total = data.get("total")
            of = f" (of {total:,} annotations)" if type(total) is int and total >= 0 else ""
            skipped.append(
                f"page {pages + 1} of the collection{of} is only named"
                f" ({clean_line(page)[:200]}), not in the file: its annotations were not read"
                " (save each page, or export the whole collection as one file)"
            )
        collection = ("AnnotationCollection", "AnnotationPage")
        declared = data.get("type")
        if isinstance(declared, str) and declared not in _CONTAINERS:
            # (IIIF's Manifest and Canvas hold "items" too: the canvases are no annotations.)
            raise ExportError(
                f"not a Web Annotation file: it is a {clean_line(declared)[:60]}"
                " (save its annotation pages, or an AnnotationCollection, and import those)"
            )
        if not items and not any(_is_a(declared, kind) for kind in collection):
            raise ExportError("not a Web Annotation file (no annotations found)")
    if len(items) > MAX_ANNOTATIONS:
        check.fail(
            "", f"holds {len(items):,} annotations; at most {MAX_ANNOTATIONS:,} per file are read"
        )
    return items


# What may hold annotations: the model's collections and pages, the Annotation Protocol's LDP
# containers, Open Annotation's and ActivityStreams' lists.
_CONTAINERS = (
    "AnnotationCollection",
    "AnnotationSet",
    "AnnotationPage",
    "BasicContainer",
    "Container",
    "sc:AnnotationList",
    "Collection",
    "CollectionPage",
    "OrderedCollection",
    "OrderedCollectionPage",
)


def _publication(data: Any) -> tuple[str, str] | None:
    """The publication a file's annotations are about, as Readium's AnnotationSet names it
    (``about``: its ``dc:identifier``, the first that is an address, and its ``dc:title``);
    None when the file names none."""
    about = data.get("about") if isinstance(data, dict) else None
    if not isinstance(about, dict):
        return None
    check = _Checker("the file")
    ids = about.get("dc:identifier")
    listed = ids[:MAX_SELECTORS] if isinstance(ids, list) else [ids]
    book = next((i.strip() for i in listed if isinstance(i, str) and has_scheme(i.strip())), "")
    titles = about.get("dc:title")
    title = titles[0] if isinstance(titles, list) and titles else titles
    name = check.label(title, "about.dc:title") if isinstance(title, str) else ""
    if book:
        return check.iri(book, "about.dc:identifier"), name
    if name:
        # No identifier (it is optional): the book is named by its title, so that two books'
        # chapters of one path (Calibre's OEBPS/Text/part0001.xhtml) stay apart.
        return BOOK_URN + quote(name, safe=""), name
    return None


def _articles(ext: object) -> dict[str, ArticleInfo]:
    check = _Checker("the collection")
    ext = check.obj(ext, EXT)
    version = ext.get("version")
    if version is not None:
        if isinstance(version, bool) or not isinstance(version, int):
            check.fail(f"{EXT}.version", f"must be a whole number, not {_kind(version)}")
        if version > FORMAT_VERSION:
            check.fail(
                f"{EXT}.version",
                f"is {version}: written by a newer tui-reader (this one reads {FORMAT_VERSION})",
            )
    raw = check.obj(ext.get("articles"), f"{EXT}.articles")
    if len(raw) > MAX_ANNOTATIONS:
        check.fail(f"{EXT}.articles", f"has more than {MAX_ANNOTATIONS:,} articles")
    out: dict[str, ArticleInfo] = {}
    for key, info in raw.items():
        name = f"{EXT}.articles[{clean_line(key)[:40]!r}]"
        uid = check.line(key, name, MAX_LINE)
        info = check.obj(info, name, optional=False)
        out[uid] = ArticleInfo(
            url=check.iri(info.get("url"), f"{name}.url"),
            title=check.label(info.get("title"), f"{name}.title"),
            author=check.label(info.get("author"), f"{name}.author"),
            site=check.label(info.get("site"), f"{name}.site"),
            published=check.time(info.get("published"), f"{name}.published"),
        )
    return out


# -- one annotation ---------------------------------------------------------------------------


# Motivations of annotations that are a resource's own content (IIIF's: the image painted on a
# canvas, its transcription), not a reader's notes.
_CONTENT_MOTIVATIONS = ("painting", "supplementing", "sc:painting")
# An annotation's type as the model names it, and as Open Annotation files (IIIF 2's) do.
_ANNOTATION_TYPES = ("Annotation", "oa:Annotation", "http://www.w3.org/ns/oa#Annotation")


def _annotation(
    parsed: Parsed,
    n: int,
    anno: object,
    now: float,
    seen: dict[str, int],
    ids: Collection[str] = (),
) -> None:
    check = _Checker(f"annotation {n}")
    if not isinstance(anno, dict):
        check.fail("", f"must be an object, not {_kind(anno)}")
    declared = anno.get("type")
    if declared is not None and not any(_is_a(declared, kind) for kind in _ANNOTATION_TYPES):
        what = clean_line(declared if isinstance(declared, str) else str(declared))[:60]
        parsed.skipped.append(f"annotation {n}: a {what}, not an annotation; skipped")
        return
    motivations = anno.get("motivation")
    content = next((m for m in _CONTENT_MOTIVATIONS if _is_a(motivations, m)), None)
    if content is not None:
        parsed.skipped.append(
            f"annotation {n}: the resource's own content ({content}), not a note; skipped"
        )
        return
    raw_id = check.raw_text(anno.get("id"), "id", MAX_ID)
    ext = check.obj(anno.get(EXT), EXT)
    uid = check.line(ext.get("article"), f"{EXT}.article")
    kind = check.line(ext.get("kind"), f"{EXT}.kind")
    color = check.label(ext.get("color"), f"{EXT}.color")
    text_hash = check.label(ext.get("textHash"), f"{EXT}.textHash")
    if check.items(anno.get("references"), "references", MAX_ANNOTATIONS) or _replies(anno, ids):
        parsed.replies += 1
        parsed.skipped.append(f"annotation {n}: a reply to another annotation; skipped")
        return
    targets = _targets(check, anno.get("target"))
    created = check.time(anno.get("created"), "created")
    modified = check.time(anno.get("modified"), "modified")
    if modified is None:
        modified = check.time(anno.get("updated"), "updated")  # Hypothesis's name for it
    note, tags = _note_and_tags(check, anno)
    color = color or _body_color(check, anno)
    title = _document_title(check, anno.get("document"))
    common = _Common(n, raw_id, uid, kind, color, text_hash, created, modified, note, tags, title)
    for t, target in enumerate(targets):
        # Each target is annotated alike (model 3.2.6: the bodies apply to every one), the
        # first under the annotation's own id, the others under ids made from it.
        one = check if len(targets) == 1 else _Checker(f"annotation {n}, target {t + 1}")
        raw = raw_id if t == 0 or not raw_id else f"{raw_id}\0target {t + 1}"
        _one_target(parsed, one, replace(common, raw_id=raw), anno, target, now, seen)


@dataclass(frozen=True)
class _Common:
    """What an annotation says of each of its targets."""

    n: int
    raw_id: str
    uid: str
    kind: str
    color: str
    text_hash: str
    created: float | None
    modified: float | None
    note: str
    tags: tuple[str, ...]
    title: str


def _one_target(
    parsed: Parsed,
    check: _Checker,
    common: _Common,
    anno: dict[str, Any],
    target: dict[str, Any],
    now: float,
    seen: dict[str, int],
) -> None:
    n, raw_id, uid, kind, color = common.n, common.raw_id, common.uid, common.kind, common.color
    text_hash, note, tags, title = common.text_hash, common.note, common.tags, common.title
    created, modified = common.created, common.modified
    source = _unproxied(_source(check, target) or check.iri(anno.get("uri"), "uri"))
    if source and parsed.publication is not None and not has_scheme(source):
        # A part of the publication the file is about (Readium's AnnotationSet: a chapter
        # named by its path in the book): named within it, so that two books' chapter 1
        # stay two articles.
        book, book_title = parsed.publication
        path = source.lstrip("/")
        source = f"{book}/{path}"
        if book_title and source not in parsed.titles:
            parsed.titles[source] = f"{book_title} ({path})"
    if title and source and source not in parsed.titles:
        parsed.titles[source] = title

    if kind == "article-note" or raw_id.startswith(NOTE_URN):
        if not uid and not source:
            check.fail("target.source", "missing (no article to attach the note to)")
        updated = modified if modified is not None else (created if created is not None else now)
        parsed.notes.append(ParsedNote(n, uid, source, note, updated))
        return

    quote_sel, pos_sel, elsewhere, others = _selectors(check, target)
    if quote_sel is None and pos_sel is None and elsewhere:
        parsed.skipped.append(
            f"{check.where}: its selector is an address (published apart, not fetched); skipped"
        )
        return
    if quote_sel is None and pos_sel is None:
        # A passage named by the address itself (a text fragment, RFC 5147's "char=").
        quote_sel, pos_sel, a_range = _fragment_selectors(source)
        if a_range:
            parsed.skipped.append(
                f"{check.where}: its address names a passage by its first and last words"
                " (a text fragment's range), not its text: it cannot be placed; skipped"
            )
            return
    if quote_sel is None and pos_sel is None:
        page_note = _with_tags(note, tags)  # (an article's note has no tags of its own)
        if not target.get("selector") and page_note.strip() and (uid or source):
            updated = modified if modified is not None else (created or now)
            parsed.notes.append(ParsedNote(n, uid, source, page_note, updated))  # a page note
            return
        parsed.skipped.append(f"{check.where}: {_no_text(target)}; skipped")
        return
    quote = prefix = suffix = ""
    if quote_sel is not None:
        quote = check.text(quote_sel.get("exact"), "TextQuoteSelector.exact", MAX_QUOTE)
        if not quote.strip():
            parsed.skipped.append(f"{check.where}: the quoted text is empty; skipped")
            return
        prefix = check.text(quote_sel.get("prefix"), "TextQuoteSelector.prefix", MAX_CONTEXT)
        suffix = check.text(quote_sel.get("suffix"), "TextQuoteSelector.suffix", MAX_CONTEXT)
    alternatives: list[tuple[str, str, str]] = []
    for other in others:
        exact = check.text(other.get("exact"), "TextQuoteSelector.exact", MAX_QUOTE)
        if exact.strip() and exact != quote:
            alternatives.append(
                (
                    exact,
                    check.text(other.get("prefix"), "TextQuoteSelector.prefix", MAX_CONTEXT),
                    check.text(other.get("suffix"), "TextQuoteSelector.suffix", MAX_CONTEXT),
                )
            )
    if not uid and not source:
        check.fail("target.source", "missing (no article to attach the highlight to)")
    start = end = None
    if pos_sel is not None:
        start = check.offset(pos_sel.get("start"), "TextPositionSelector.start")
        end = check.offset(pos_sel.get("end"), "TextPositionSelector.end")
        if start > end:
            check.fail("TextPositionSelector", f"start ({start}) must not be after end ({end})")
        if start == end:  # a point, not a passage: valid, but no place for a highlight
            start = end = None
    if not quote and start is None:
        parsed.skipped.append(f"{check.where}: an empty TextPositionSelector; skipped")
        return
    created = created if created is not None else now
    hid, legacy = _highlight_id(raw_id, (source, uid, quote, prefix, suffix, start, end), seen)
    parsed.highlights.append(
        ParsedHighlight(
            n=n,
            id=hid,
            legacy_ids=legacy,
            uid=uid,
            source=source,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            start=start,
            end=end,
            text_hash=text_hash,
            color=color,
            tags=tags,
            note=note,
            created=created,
            updated=modified if modified is not None else created,
            alternatives=tuple(alternatives),
        )
    )


def _replies(anno: dict[str, Any], ids: Collection[str]) -> bool:
    """A reply to another annotation (W3C: motivated by "replying", or targeting an
    annotation: one typed so, or one of the file's own by its id), not a note on a page."""
    if _is_a(anno.get("motivation"), "replying"):
        return True
    targets = anno.get("target")
    for target in targets[:MAX_SELECTORS] if isinstance(targets, list) else [targets]:
        if isinstance(target, str) and target in ids:
            return True
        if isinstance(target, dict) and (
            _is_a(target.get("type"), "Annotation")
            or (isinstance(target.get("id"), str) and target["id"] in ids)
            or (isinstance(target.get("source"), str) and target["source"] in ids)
        ):
            return True
    return False


def _no_text(target: dict[str, Any]) -> str:
    """Why a target selects no text, naming the selectors it has (an image region, a point,
    a time span...): "no quoted text (TextQuoteSelector)" said nothing of them."""
    selectors = target.get("selector")
    listed = selectors[:MAX_SELECTORS] if isinstance(selectors, list) else [selectors]
    kinds: list[str] = []
    for sel in listed:
        kind = sel.get("type") if isinstance(sel, dict) else None
        if isinstance(kind, list):
            kind = next((k for k in kind if isinstance(k, str)), None)
        if isinstance(kind, str) and kind.strip() and clean_line(kind)[:60] not in kinds:
            kinds.append(clean_line(kind)[:60])
    if kinds:
        return f"it gives no quote or position in the text (its selectors: {', '.join(kinds[:5])})"
    if isinstance(target.get("type"), str) and target["type"] != "SpecificResource":
        return f"its target is a {clean_line(target['type'])[:60]}, not text"
    return "no quoted text (TextQuoteSelector)"


# A passage named in the address: a text fragment (":~:text=[prefix-,]start[,end][,-suffix]",
# the form browsers and tui-reader's own Markdown links write) or RFC 5147's "char=a,b".
_CHAR_FRAGMENT = re.compile(r"char=(\d{1,10}),(\d{1,10})(?:;|$)")


def _fragment_selectors(
    source: str,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
    """The quote or position the source's own fragment names, as selectors (None for none),
    and whether it names a range instead (a text fragment's first and last words)."""
    from urllib.parse import unquote

    fragment = source.partition("#")[2][:MAX_CONTEXT]
    if not fragment:
        return None, None, False
    directive = next(
        (d[5:] for d in fragment.partition(":~:")[2].split("&") if d.startswith("text=")), None
    )
    if directive is not None:
        parts = directive.split(",")
        prefix = unquote(parts.pop(0))[:-1] if parts and parts[0].endswith("-") else ""
        suffix = unquote(parts.pop())[1:] if parts and parts[-1].startswith("-") else ""
        if len(parts) == 1 and parts[0]:
            exact = unquote(parts[0])
            return {"exact": exact, "prefix": prefix, "suffix": suffix}, None, False
        # A start and an end: a range, whose words between are not given (no quote).
        return None, None, True
    if (char := _CHAR_FRAGMENT.match(fragment)) is not None:
        return None, {"start": int(char.group(1)), "end": int(char.group(2))}, False
    return None, None, False


def _targets(check: _Checker, target: object) -> list[dict[str, Any]]:
    """The annotation's targets (model 3.2.6: one, or a list; an IRI names the resource)."""
    if target is None:
        check.fail("target", "missing")
    listed = check.items(target, "target", MAX_SELECTORS) if isinstance(target, list) else [target]
    if not listed:
        check.fail("target", "is an empty list")
    return [
        {"source": t} if isinstance(t, str) else check.obj(t, "target", optional=False)
        for t in listed
    ]


def _source(check: _Checker, target: dict[str, Any]) -> str:
    """The IRI of the annotated resource: ``source`` (text, or an object with an ``id``), or
    the target's own ``id`` when it is the resource itself."""
    source = target.get("source")
    if isinstance(source, dict):
        return check.iri(source.get("id"), "target.source.id")
    if source is None and target.get("selector") is None:
        return check.iri(target.get("id"), "target.id")
    return check.iri(source, "target.source")


# Hypothesis's proxy: a page annotated through it is named by the proxy's address followed
# by the page's (hypothesis/h, h/util/uri.py: normalize() takes the prefix off likewise).
_VIA_PREFIXES = ("https://via.hypothes.is/", "http://via.hypothes.is/")


def _unproxied(iri: str) -> str:
    """The page's own address for one annotated through Hypothesis's proxy (it made a second
    article beside the page's); any other address as it is."""
    lowered = iri[:40].lower()
    for prefix in _VIA_PREFIXES:
        if lowered.startswith(prefix) and is_web_url(iri[len(prefix) :]):
            return iri[len(prefix) :]
    return iri


def _plain_keywords(data: Any) -> None:
    """JSON-LD's own keywords as the Web Annotation context names them: "@id" is "id" and
    "@type" is "type" (a file written without the context's aliases, expanded or by a generic
    JSON-LD tool, said "no annotations found"). In place, every object once (no recursion:
    the file's nesting was bounded when it was read)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for keyword, plain in (("@id", "id"), ("@type", "type")):
                if keyword in value and plain not in value:
                    value[plain] = value[keyword]
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))


def _selectors(
    check: _Checker, target: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool, list[dict[str, Any]]]:
    """The target's TextQuoteSelector and TextPositionSelector (refinements included),
    whether it names a selector by its address only (the model lets a selector be published
    apart from the annotation: nothing here fetches it), and its other TextQuoteSelectors
    (alternatives)."""
    found: list[dict[str, Any]] = []
    top: list[dict[str, Any]] = []  # the target's own, not refinements
    elsewhere = False
    selectors = target.get("selector")
    if isinstance(selectors, str):
        selectors = [selectors]
    for i, sel in enumerate(check.items(selectors, "target.selector", MAX_SELECTORS)):
        if isinstance(sel, str) and _is_iri(sel):
            elsewhere = True
            continue
        sel = check.obj(sel, f"target.selector[{i}]", optional=False)
        found.append(sel)
        top.append(sel)
        # Its refinements: one or a list, each maybe refined again (a chain a few deep).
        name, level = f"target.selector[{i}]", [sel]
        for _depth in range(MAX_REFINEMENT_DEPTH):
            below: list[dict[str, Any]] = []
            for j, parent in enumerate(level):
                refined = parent.get("refinedBy")
                for k, r in enumerate(check.items(refined, f"{name}.refinedBy", MAX_SELECTORS)):
                    below.append(check.obj(r, f"{name}[{j}].refinedBy[{k}]", optional=False))
            if not below:
                break
            found += below
            level = below[:MAX_SELECTORS]
    quotes = [s for s in found if _is_a(s.get("type"), "TextQuoteSelector")]
    quote = quotes[0] if quotes else None
    # A position refining another selector counts from the start of what that one selects
    # (W3C's example: characters 6-27 of a fragment), not of the document: only a position
    # of the target's own is one here. (A quote is the same words wherever it is selected.)
    pos = next((s for s in top if _is_a(s.get("type"), "TextPositionSelector")), None)
    return quote, pos, elsewhere, quotes[1:]


def _note_and_tags(check: _Checker, anno: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    notes: list[str] = []
    tags: list[str] = []
    bodies = check.items(anno.get("body"), "body", MAX_BODIES)
    for i, b in enumerate(bodies):
        name = f"body[{i}]"
        if isinstance(b, dict) and _is_a(b.get("type"), "Choice"):
            # Alternatives (the same note in other languages or formats): the first, which
            # the model makes the default, read as any body.
            choices = check.items(b.get("items"), f"{name}.items", MAX_BODIES)
            if not choices:
                continue
            b, name = choices[0], f"{name}.items[0]"
        if isinstance(b, str):  # a body given by its IRI (model 3.2.2): a link in the note
            notes.append(_link(check.iri(b, name)))
            continue
        b = check.obj(b, name, optional=False)
        if b.get("value") is None:
            # An external resource, or a part of one (a SpecificResource: a semantic tag's
            # or an entity link's "source"): a link to it.
            source = b.get("source")
            if isinstance(source, dict):
                source = source.get("id")
            if isinstance(source, str):
                notes.append(_link(check.iri(source, f"{name}.source")))
            elif isinstance(b.get("id"), str):
                notes.append(_link(check.iri(b["id"], f"{name}.id")))
            continue
        value = check.text(b.get("value"), f"{name}.value", MAX_QUOTE)
        if b.get("keyword") is not None:  # Readium's: a word that sorts the note, a tag
            tags.append(check.line(b["keyword"], f"{name}.keyword", MAX_LINE))
        purpose = b.get("purpose")
        if isinstance(purpose, list):
            purpose = purpose[0] if purpose else None
        purpose = check.line(purpose, f"{name}.purpose", 100)
        if purpose == "tagging":
            tags.append(check.line(value, f"{name}.value", MAX_LINE))
        elif value.strip():
            notes.append(_as_markdown(value, b.get("format")).strip())
    for key in ("bodyValue", "text"):  # W3C's one-text body; Hypothesis's note
        if anno.get(key) is not None:
            value = check.text(anno[key], key, MAX_QUOTE)
            if value.strip():
                notes.append(value.strip())
    for i, tag in enumerate(check.items(anno.get("tags"), "tags", MAX_BODIES)):
        tags.append(check.line(tag, f"tags[{i}]", MAX_LINE))  # Hypothesis's tags
    note = "\n\n".join(part for part in notes if part)
    if len(note) > MAX_QUOTE:
        check.fail("body", f"the note is {len(note):,} characters; at most {MAX_QUOTE:,}")
    return note, tuple(t for t in tags if t)


def _with_tags(note: str, tags: Sequence[str]) -> str:
    """A page note with its tags written under it: an article's note has no tags of its own,
    and a Hypothesis page note's (or a W3C bookmark's) were lost."""
    if not tags:
        return note
    from tui_reader.mdescape import md_escape

    line = "Tags: " + ", ".join(md_escape(tag) for tag in tags)
    return f"{note}\n\n{line}" if note.strip() else line


def _body_color(check: _Checker, anno: dict[str, Any]) -> str:
    """The colour a body gives the highlight (Readium's ``body.color``: one of six names)."""
    body = anno.get("body")
    for i, b in enumerate(body[:MAX_BODIES] if isinstance(body, list) else [body]):
        if isinstance(b, dict) and b.get("color") is not None:
            return check.label(b["color"], f"body[{i}].color")
    return ""


_HTML_FORMATS = frozenset({"text/html", "application/xhtml+xml"})
_PLAIN_FORMATS = frozenset({"text/plain"})


def _as_markdown(value: str, fmt: object) -> str:
    """A body's text as the note's Markdown. A body in HTML (``format`` says so, as the
    model's ``TextualBody`` may) is read as text, its paragraphs kept, every character
    literal and each link's address after its words: its markup (a script, an ``<img
    onerror>``) was stored as Markdown and reached the Markdown export, and the addresses
    of its links were lost. A body in plain text is literal too: its "# 1" was a heading,
    its "<b>" HTML, in the export. Without a format, the text is Markdown (Hypothesis's)."""
    kind = fmt.split(";")[0].strip().lower() if isinstance(fmt, str) else ""
    from tui_reader.mdescape import md_escape

    if kind in _PLAIN_FORMATS:
        from tui_reader.htmltext import plain_paragraphs

        return "\n\n".join(md_escape(paragraph) for paragraph in plain_paragraphs(value))
    if kind not in _HTML_FORMATS:
        return value
    from tui_reader.htmltext import html_paragraphs_with_links

    return "\n\n".join(html_paragraphs_with_links(value, md_escape, _link))


def _link(iri: str) -> str:
    """An IRI as a Markdown link (autolink for web addresses, code span for others)."""
    iri = iri.strip()
    if not iri:
        return ""
    if is_web_url(iri) and not any(c in iri for c in "<> "):
        return f"<{iri}>"
    return "`" + iri.replace("`", "%60") + "`"


def _document_title(check: _Checker, document: object) -> str:
    """Hypothesis's ``document.title``: a list of titles (or one), the first one kept."""
    doc = check.obj(document, "document")
    titles = check.items(doc.get("title"), "document.title", MAX_BODIES)
    return check.label(titles[0], "document.title") if titles else ""


def _full_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _highlight_id(
    raw: str, content: tuple[object, ...], seen: dict[str, int]
) -> tuple[str, tuple[str, ...]]:
    """The stored id of an annotation, and the ids an older version would have stored.

    Our own ids (``urn:tui-reader:highlight:hl-…``) are kept as they are; any other id is
    hashed in full (sha256, so two ids never share one); an annotation without an id gets
    one made from what it marks (so importing the same file again adds nothing), counted
    within the file so that two identical ones both arrive."""
    older = ["hl-" + _full_hash(raw)[:8]]  # 32 bits of the hash: ids could collide
    if raw.startswith(HL_URN):
        own = raw[len(HL_URN) :]
        if _OWN_ID.fullmatch(own):
            return own, ()
        older.append(clean_line(own))  # kept as it came, whatever it was
    if raw:
        return "hl-" + _full_hash(raw), tuple(i for i in older if i)
    key = repr(content)
    seen[key] = seen.get(key, 0) + 1
    return "hl-" + _full_hash(f"no-id\0{key}\0{seen[key]}"), tuple(older)
