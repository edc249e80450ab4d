"""Highlights and notes as W3C Web Annotations (JSON), for backup and moving between machines.

The file is an ``AnnotationCollection`` whose page holds one ``Annotation`` per highlight::

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
site, author, date) sits in the collection's ``tui-reader`` field. Import skips every id
already in the store, creates missing articles under Saved, and accepts annotations from
other tools as long as they carry a TextQuoteSelector.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui_reader import __version__
from tui_reader.document import Document
from tui_reader.export.data import ExportError, load_article
from tui_reader.export.files import atomic_write, ensure_folder, read_text, unique_path
from tui_reader.models import Article, Highlight
from tui_reader.sanitize import clean_line, clean_text, is_web_url
from tui_reader.store import Store, article_uid

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
EXT = "tui-reader"
HL_URN = "urn:tui-reader:highlight:"
NOTE_URN = "urn:tui-reader:note:"
ARTICLE_URN = "urn:tui-reader:article:"
FORMAT_VERSION = 1


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse_time(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value:
        return default
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return default
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _source(article: Article) -> str:
    return article.url if is_web_url(article.url) else ARTICLE_URN + article.uid


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
    selector: list[dict[str, Any]] = [
        {"type": "TextQuoteSelector", "exact": h.quote, "prefix": h.prefix, "suffix": h.suffix}
    ]
    if h.anchored:
        selector.append({"type": "TextPositionSelector", "start": h.start, "end": h.end})
    anno: dict[str, Any] = {
        "@context": CONTEXT,
        "id": HL_URN + h.id,
        "type": "Annotation",
        "motivation": "commenting" if h.note else "highlighting",
        "created": _iso(h.created),
        "modified": _iso(h.updated),
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
        "modified": _iso(updated),
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
            "published": a.published,
        }
        items += [highlight_annotation(a, h) for h in data.highlights]
        if data.note:
            updated = store.article_note_updated(a.id) or time.time()
            items.append(note_annotation(a, data.note, updated))
    return {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": "tui-reader highlights and notes",
        "generator": f"tui-reader {__version__}",
        "generated": _iso(time.time() if now is None else now),
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
        EXT: {"version": FORMAT_VERSION, "articles": articles},
    }


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
        stamp = time.strftime("%Y-%m-%d", time.localtime(now))
        path = unique_path(folder, f"tui-reader annotations {stamp}", ".json")
    else:
        ensure_folder(path.parent)
    atomic_write(path, text)
    return path, int(data["total"])


# -- import --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int = 0  # highlights stored
    skipped: int = 0  # highlights whose id was already there
    notes_added: int = 0
    notes_skipped: int = 0  # the article already had a note
    articles_created: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} highlight{'s' * (self.added != 1)} added"]
        if self.skipped:
            parts.append(f"{self.skipped} already present")
        if self.notes_added or self.notes_skipped:
            parts.append(f"{self.notes_added} article note(s) added")
        if self.notes_skipped:
            parts.append(f"{self.notes_skipped} note(s) kept as they were")
        if self.articles_created:
            parts.append(f"{self.articles_created} article(s) created under Saved")
        if self.problems:
            parts.append(f"{len(self.problems)} skipped as unreadable")
        return ", ".join(parts)


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ExportError("not a Web Annotation file (expected an object or a list)")
    if data.get("type") == "Annotation":
        return [data]
    items: list[Any] = []
    if isinstance(data.get("items"), list):
        items += data["items"]
    page = data.get("first")
    while isinstance(page, dict):
        if isinstance(page.get("items"), list):
            items += page["items"]
        page = page.get("next") if isinstance(page.get("next"), dict) else None
    if not items and data.get("type") not in ("AnnotationCollection", "AnnotationPage"):
        raise ExportError("not a Web Annotation file (no annotations found)")
    return items


def _bodies(anno: dict[str, Any]) -> list[dict[str, Any]]:
    body = anno.get("body")
    out: list[dict[str, Any]] = []
    for b in body if isinstance(body, list) else [body]:
        if isinstance(b, dict):
            out.append(b)
        elif isinstance(b, str) and b.strip():
            out.append({"type": "TextualBody", "value": b})
    if isinstance(anno.get("bodyValue"), str):
        out.append({"type": "TextualBody", "value": anno["bodyValue"]})
    return out


def _note_and_tags(anno: dict[str, Any]) -> tuple[str, list[str]]:
    notes: list[str] = []
    tags: list[str] = []
    for b in _bodies(anno):
        value = b.get("value")
        if not isinstance(value, str):
            continue
        purpose = b.get("purpose")
        if purpose == "tagging":
            tags.append(value)
        elif value.strip():
            notes.append(value)
    return "\n\n".join(notes), tags


def _selectors(target: Any) -> list[dict[str, Any]]:
    if isinstance(target, list):
        target = target[0] if target else {}
    if not isinstance(target, dict):
        return []
    sel = target.get("selector")
    sels = sel if isinstance(sel, list) else [sel]
    out: list[dict[str, Any]] = []
    for s in sels:
        if isinstance(s, dict):
            out.append(s)
            if isinstance(s.get("refinedBy"), dict):
                out.append(s["refinedBy"])
    return out


def _target_source(target: Any) -> str:
    if isinstance(target, list):
        target = target[0] if target else {}
    if isinstance(target, str):
        return target
    if isinstance(target, dict) and isinstance(target.get("source"), str):
        return str(target["source"])
    return ""


def _highlight_id(raw: Any) -> str:
    raw = str(raw or "")
    if raw.startswith(HL_URN):
        ident = clean_line(raw[len(HL_URN) :])
        if ident:
            return ident
    return "hl-" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class _Importer:
    def __init__(self, store: Store, meta: dict[str, Any]) -> None:
        self.store = store
        self.meta = meta
        self.result = ImportResult()
        self.articles: dict[tuple[str, str], Article] = {}
        self.touched: set[int] = set()

    def article(self, uid: str, source: str) -> Article:
        key = (uid, source)
        if key in self.articles:
            return self.articles[key]
        info = self.meta.get(uid, {}) if uid else {}
        info = info if isinstance(info, dict) else {}
        url = str(info.get("url") or (source if is_web_url(source) else ""))
        if not uid:
            uid = article_uid("saved", url) if url else ""
        published = info.get("published")
        article, created = self.store.find_or_create_article(
            uid=uid,
            url=url,
            title=str(info.get("title") or ""),
            author=str(info.get("author") or ""),
            site=str(info.get("site") or ""),
            published=float(published) if isinstance(published, int | float) else None,
        )
        self.result.articles_created += created
        self.articles[key] = article
        return article

    def annotation(self, n: int, anno: Any) -> None:
        if not isinstance(anno, dict):
            self.result.problems.append(f"item {n}: not an annotation")
            return
        ext = anno.get(EXT) if isinstance(anno.get(EXT), dict) else {}
        assert isinstance(ext, dict)
        uid = clean_line(str(ext.get("article") or ""))
        source = clean_line(_target_source(anno.get("target")))
        if not uid and not source:
            self.result.problems.append(f"item {n}: no target article")
            return
        note, tags = _note_and_tags(anno)
        if ext.get("kind") == "article-note" or str(anno.get("id", "")).startswith(NOTE_URN):
            article = self.article(uid, source)
            if self.store.get_article_note(article.id):
                self.result.notes_skipped += 1
            elif note.strip():
                updated = _parse_time(anno.get("modified"), time.time())
                self.store.set_article_note(article.id, note, updated=updated)
                self.result.notes_added += 1
            return
        sels = _selectors(anno.get("target"))
        quote_sel = next((s for s in sels if s.get("type") == "TextQuoteSelector"), None)
        pos_sel = next((s for s in sels if s.get("type") == "TextPositionSelector"), None)
        exact = clean_text(str(quote_sel.get("exact") or "")) if quote_sel else ""
        if not exact.strip():
            self.result.problems.append(f"item {n}: no quoted text (TextQuoteSelector)")
            return
        hid = _highlight_id(anno.get("id"))
        if self.store.get_highlight(hid) is not None:
            self.result.skipped += 1
            return
        start = end = None
        if pos_sel is not None:
            s, e = pos_sel.get("start"), pos_sel.get("end")
            if isinstance(s, int) and isinstance(e, int) and 0 <= s < e:
                start, end = s, e
        created = _parse_time(anno.get("created"), time.time())
        article = self.article(uid, source)
        assert quote_sel is not None
        h = Highlight(
            id=hid,
            article_id=article.id,
            quote=exact,
            prefix=clean_text(str(quote_sel.get("prefix") or "")),
            suffix=clean_text(str(quote_sel.get("suffix") or "")),
            start=start,
            end=end,
            text_hash=clean_line(str(ext.get("textHash") or "")),
            color=clean_line(str(ext.get("color") or "")),
            tags=tuple(tags),
            note=note,
            created=created,
            updated=_parse_time(anno.get("modified"), created),
        )
        if self.store.insert_highlight(h):
            self.result.added += 1
            self.touched.add(article.id)
        else:
            self.result.skipped += 1

    def reanchor(self) -> None:
        """Place what was imported in the local version of each article's text."""
        for article_id in self.touched:
            doc_json = self.store.get_body(article_id).doc_json
            if not doc_json:
                continue
            try:
                text = Document.from_json(doc_json).text
            except (ValueError, TypeError, KeyError):
                continue
            self.store.reanchor_article(article_id, text)


def import_annotations(store: Store, data: Any) -> ImportResult:
    meta = {}
    if isinstance(data, dict) and isinstance(data.get(EXT), dict):
        raw = data[EXT].get("articles")
        meta = raw if isinstance(raw, dict) else {}
    importer = _Importer(store, meta)
    for n, anno in enumerate(_items(data), 1):
        importer.annotation(n, anno)
    importer.reanchor()
    return importer.result


def import_json(store: Store, path: Path) -> ImportResult:
    """Import a Web Annotation JSON file (ours or another tool's); see the module docstring."""
    try:
        data = json.loads(read_text(path))
    except ValueError as exc:
        raise ExportError(f"{path} is not valid JSON ({exc})") from exc
    return import_annotations(store, data)
