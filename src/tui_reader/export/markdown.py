"""One Markdown file per article, for a notes app to keep, and exported again safely.

The file has YAML front matter (the article's stable id first), then generated regions — the
header, the article note, the highlights — and a section for the user. A re-export finds the
file by the id in its front matter, rewrites a generated region only if the user has not
edited it, otherwise adds just the highlights it has never written there (under a dated
heading), and keeps every other byte of the user's. When nothing but the export time would
change, the file is not rewritten at all.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.export.data import (
    ArticleData,
    ExportError,
    color_label,
    load_article,
    local_date,
    utc_stamp,
)
from tui_reader.export.files import (
    FreeNames,
    atomic_write,
    ensure_folder,
    index_folder,
    is_stream,
    read_text,
    read_text_and_endings,
    safe_filename,
)
from tui_reader.export.mdtext import (
    fragment_directive,
    fragment_url,
    link,
    md_inline,
    md_quote_line,
    note_markdown,
    plain,
    yaml_str,
)
from tui_reader.export.regions import (
    Region,
    begin_marker,
    block_ids,
    end_marker,
    find_regions,
    front_matter_text,
    front_matter_value,
    ids_attr,
    merge_front_matter,
    parse_written,
    region_text,
    split_front_matter,
    written_attr,
)
from tui_reader.mdescape import code_span
from tui_reader.models import POSITION_ONLY_LABEL, Highlight
from tui_reader.sanitize import is_web_url
from tui_reader.store import Store

GENERATED = ("header", "article-note", "highlights")
UNANCHORED_HEADING = "### Not found in the current text"
USER_SECTION = (
    "## My notes\n\n"
    "<!-- tui-reader:begin user -->\n"
    "<!-- Yours: a re-export never changes this section, nor anything outside the"
    " tui-reader:begin/end markers. -->\n\n"
    "<!-- tui-reader:end user -->\n"
)
_EXPORTED = re.compile(r"^exported:.*$", re.MULTILINE)
# The record of what an export wrote to the front matter (regions.FIXED_KEYS), in the header's
# begin marker: an older export has none, and is not rewritten only to add it.
_RECORD = re.compile(r"^(<!-- tui-reader:begin header .*?) fm=\S*", re.MULTILINE)
_OBSIDIAN_TAG = re.compile(r"^[\w/-]*[^\W\d][\w/-]*$")


# -- rendering -----------------------------------------------------------------------------


def tag_markdown(tag: str) -> str:
    """``#tag`` where Obsidian would read it as that tag; else the tag as literal text."""
    if _OBSIDIAN_TAG.match(tag):
        return "#" + tag
    return code_span("#" + tag)


def highlight_markdown(
    data: ArticleData, h: Highlight, colors: Sequence[HighlightColor] = DEFAULT_COLORS
) -> str:
    """A highlight as a block quote, a line of meta (link back, colour, tags, date), its
    Obsidian block id on a line of its own, and the note beneath."""
    lines: list[str] = []
    previous_blank = True
    for raw in h.quote.split("\n"):
        line = raw.strip()
        if not line:
            if not previous_blank:
                lines.append(">")
            previous_blank = True
            continue
        lines.append("> " + md_quote_line(line))
        previous_blank = False
    while lines and lines[-1] == ">":
        lines.pop()
    if h.position_only:  # imported with only a position, not placed: no quote to show yet
        lines.append("> *" + md_inline(POSITION_ONLY_LABEL) + "*")
    text = data.doc.text if data.doc is not None else None
    directive = fragment_directive(h.quote, h.prefix, h.suffix, text=text)
    number = data.paragraph_number(h) if h.anchored else None
    label = f"¶{number}" if number else ("source" if h.anchored else "source (last seen)")
    meta = [link(label, fragment_url(data.url, directive))]
    if h.color:
        meta.append(md_inline(plain(color_label(h.color, colors))))
    if h.tags:
        meta.append(" ".join(tag_markdown(t) for t in h.tags))
    meta.append(local_date(h.created))
    lines += [">", "> — " + " · ".join(meta), "", f"^{h.id}"]
    note = note_markdown(h.note)
    if note:
        lines += ["", note]
    return "\n".join(lines)


def header_markdown(data: ArticleData) -> str:
    title = plain(data.title) or data.url or "Untitled"
    meta = " · ".join(
        md_inline(x) for x in (plain(data.author), plain(data.site), data.published) if x
    )
    out = [f"# {md_inline(title)}"]
    line = f"*{meta}*" if meta else ""
    original = link("Original", data.url)
    if original != "Original":
        line = f"{line} · {original}" if line else original
    if line:
        out += ["", line]
    return "\n".join(out)


def note_region_content(data: ArticleData) -> str:
    note = note_markdown(data.note)
    return f"## Article note\n\n{note}" if note else ""


def highlights_blocks(
    data: ArticleData, highlights: Sequence[Highlight], colors: Sequence[HighlightColor]
) -> str:
    anchored = [h for h in highlights if h.anchored]
    unanchored = [h for h in highlights if not h.anchored]
    parts = [highlight_markdown(data, h, colors) for h in anchored]
    if unanchored:
        parts.append(UNANCHORED_HEADING)
        parts += [highlight_markdown(data, h, colors) for h in unanchored]
    return "\n\n".join(parts)


def highlights_region_content(data: ArticleData, colors: Sequence[HighlightColor]) -> str:
    if not data.highlights:
        return "## Highlights\n\n*No highlights.*"
    return "## Highlights\n\n" + highlights_blocks(data, data.highlights, colors)


def front_matter(data: ArticleData, now: float) -> list[tuple[str, str]]:
    def opt(value: str) -> str:
        return yaml_str(value) if value else ""

    url = data.url if is_web_url(data.url) else ""
    return [
        ("article_id", yaml_str(data.article.uid)),
        ("title", yaml_str(plain(data.title) or url or "Untitled")),
        ("url", opt(url)),
        ("site", opt(plain(data.site))),
        ("author", opt(plain(data.author))),
        ("published", data.published),
        ("tags", json.dumps(list(data.tags), ensure_ascii=False)),
        ("exported", utc_stamp(now)),
    ]


@dataclass(frozen=True)
class Rendered:
    front: list[tuple[str, str]]
    regions: dict[str, str]  # name -> content
    ids: list[str]  # the highlights written, in order


def render(data: ArticleData, colors: Sequence[HighlightColor], now: float) -> Rendered:
    return Rendered(
        front=front_matter(data, now),
        regions={
            "header": header_markdown(data),
            "article-note": note_region_content(data),
            "highlights": highlights_region_content(data, colors),
        },
        ids=[h.id for h in data.highlights],
    )


def new_file_text(r: Rendered) -> str:
    front = merge_front_matter([], r.front)
    parts = [
        region_text("header", r.regions["header"], {"fm": written_attr(front.written)}),
        region_text("article-note", r.regions["article-note"]),
        region_text("highlights", r.regions["highlights"], {"ids": ids_attr(r.ids)}),
        USER_SECTION,
    ]
    return front_matter_text(front.lines) + "\n" + "\n\n".join(parts)


# -- re-export -----------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line + "\n" for line in text.split("\n")]


def merge_file_text(
    old: str, r: Rendered, data: ArticleData, colors: Sequence[HighlightColor], now: float
) -> str:
    """The new text of an existing export: see the module docstring for the rules."""
    fm, body = split_front_matter(old)
    lines = body.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    regions = find_regions(lines)
    present = block_ids(old)
    replace: dict[int, tuple[int, list[str]]] = {}  # begin line -> (end line, new lines)
    missing: list[str] = []
    header = regions.get("header")
    front = merge_front_matter(
        fm or [], r.front, written=parse_written(header.attrs.get("fm") if header else None)
    )
    record = written_attr(front.written)

    for name in GENERATED:
        region = regions.get(name)
        content = r.regions[name]
        if region is None:
            missing.append(name)
            continue
        if region.intact:
            attrs = {"ids": ids_attr(r.ids)} if name == "highlights" else None
            if name == "header":
                attrs = {"fm": record}
            if name == "highlights":
                # A highlight whose block the file holds outside this region (the user's text
                # left by a marker they damaged) is not written a second time.
                outside = block_ids("".join(lines[: region.begin] + lines[region.end + 1 :]))
                shown = [h for h in data.highlights if h.id not in outside]
                if len(shown) < len(data.highlights):
                    content = highlights_region_content(
                        dataclasses.replace(data, highlights=tuple(shown)), colors
                    )
                    attrs = {"ids": ids_attr([h.id for h in shown])}
            replace[region.begin] = (region.end, _lines(region_text(name, content, attrs)))
        elif name == "highlights":
            added = _added_highlights(region, present, data, colors, now)
            if added is not None:
                new_ids = [*sorted(region.ids), *(h.id for h in added[0])]
                attrs = {**region.attrs, "ids": ids_attr(new_ids)}
                block = [begin_marker(name, attrs) + "\n", *region.lines]
                if block[-1].strip():
                    block.append("\n")
                block += [*_lines(added[1]), end_marker(name) + "\n"]
                replace[region.begin] = (region.end, block)
        elif name == "header":
            # Edited: kept, its marker given the new record.
            marker = begin_marker(name, {**region.attrs, "fm": record}) + "\n"
            replace[region.begin] = (region.end, [marker, *region.lines, lines[region.end]])

    inserts = _missing_regions(missing, old, present, r, data, colors)
    out: list[str] = []
    i = 0
    at = _insertion_line(lines, regions)
    while i < len(lines):
        if i == at and inserts:
            out += inserts
        if i in replace:
            end, new = replace[i]
            out += new
            i = end + 1
            continue
        out.append(lines[i])
        i += 1
    if at >= len(lines) and inserts:
        if out and out[-1].strip():
            out.append("\n")
        out += inserts
    text = front_matter_text(front.lines) + "".join(out)
    return text if fm is not None else front_matter_text(front.lines) + "\n" + "".join(out)


def _added_highlights(
    region: Region,
    present: set[str],
    data: ArticleData,
    colors: Sequence[HighlightColor],
    now: float,
) -> tuple[list[Highlight], str] | None:
    """The highlights an edited region has never held, as the text added at its end: under a
    dated heading, unless the region's last heading is already that one (a second export the
    same day) or they are all unplaced (then they go under "Not found in the current text",
    once: a heading with nothing under it was written before it)."""
    known = region.ids | present
    new = [h for h in data.highlights if h.id not in known]
    if not new:
        return None
    headings = [ln.rstrip() for ln in region.lines if ln.startswith("### ")]
    last = headings[-1] if headings else None
    heading = f"### New highlights ({local_date(now)})"
    blocks = highlights_blocks(data, new, colors)
    if last == UNANCHORED_HEADING and all(not h.anchored for h in new):
        return new, blocks.removeprefix(UNANCHORED_HEADING + "\n\n")
    if last == heading or all(not h.anchored for h in new):
        return new, blocks
    return new, f"{heading}\n\n" + blocks


def _missing_regions(
    missing: list[str],
    old: str,
    present: set[str],
    r: Rendered,
    data: ArticleData,
    colors: Sequence[HighlightColor],
) -> list[str]:
    """Regions the user removed (or broke): the note again if its text is nowhere in the
    file, and highlights not yet in the file. Never something already there."""
    out: list[str] = []
    if "article-note" in missing and data.note.strip():
        note = note_markdown(data.note)
        if note not in old:
            out += [*_lines(region_text("article-note", r.regions["article-note"])), "\n"]
    if "highlights" in missing:
        new = [h for h in data.highlights if h.id not in present]
        if new:
            content = "## Highlights\n\n" + highlights_blocks(data, new, colors)
            attrs = {"ids": ids_attr([h.id for h in new])}
            out += [*_lines(region_text("highlights", content, attrs)), "\n"]
    return out


def _insertion_line(lines: list[str], regions: dict[str, Region]) -> int:
    """Where restored regions go: before the user's section (and its heading), else at the
    end."""
    user = regions.get("user")
    if user is None:
        return len(lines)
    at = user.begin
    j = at - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and lines[j].startswith("## "):
        at = j
    return at


def _same_but_time(a: str, b: str) -> bool:
    def bare(text: str) -> str:
        return _RECORD.sub(r"\1", _EXPORTED.sub("", text, count=1), count=1)

    return bare(a) == bare(b)


# -- entry points --------------------------------------------------------------------------


def export_article(
    store: Store,
    article_id: int,
    folder: Path,
    *,
    colors: Sequence[HighlightColor] = DEFAULT_COLORS,
    now: float | None = None,
    path: Path | None = None,
    index: dict[str, Path] | None = None,
) -> Path:
    """Export (or export again) one article's highlights and notes; returns the file. With
    ``path``, write exactly there (refusing a file that belongs to another article)."""
    return _export_one(store, article_id, folder, colors, now, path, index, None)[0]


def _export_one(
    store: Store,
    article_id: int,
    folder: Path,
    colors: Sequence[HighlightColor],
    now: float | None,
    path: Path | None,
    index: dict[str, Path] | None,
    names: FreeNames | None,
) -> tuple[Path, bool]:
    now = time.time() if now is None else now
    data = load_article(store, article_id)
    rendered = render(data, colors, now)
    uid = data.article.uid
    if path is not None:
        ensure_folder(path.parent)
        target: Path | None = path if path.exists() and not is_stream(path) else None
        if target is not None:
            fm, _ = split_front_matter(read_text(target))
            if fm is None or front_matter_value(fm, "article_id") != uid:
                raise ExportError(
                    f"{path} exists and is not this article's export; not touching it"
                )
        else:
            target = None
            new_path = path
    else:
        ensure_folder(folder)
        if index is None:
            index = index_folder(folder)
        target = index.get(uid)
        if target is not None and not target.is_file():
            target = None
        if target is None:
            stem = safe_filename(plain(data.title) or data.url, f"Article {uid}")
            new_path = (names or FreeNames(folder)).take(stem)
    if target is None:
        atomic_write(new_path, new_file_text(rendered))
        if index is not None:
            index[uid] = new_path
        return new_path, True
    if not target.stat().st_mode & 0o222:
        # Made read-only by its owner: a rename over it (the atomic write) would replace it.
        raise ReadOnlyExport(target)
    old, crlf = read_text_and_endings(target)
    text = merge_file_text(old, rendered, data, colors, now)
    if _same_but_time(text, old):
        return target, False
    if crlf:
        # The file's own line endings (saved on Windows): the user's text kept byte for byte,
        # ours written as theirs, not the whole file turned to LF.
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    atomic_write(target, text)
    return target, True


class ReadOnlyExport(ExportError):
    """An article's export file that its owner made read-only: not written."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is read-only; not touching it")
        self.path = path


def export_all(
    store: Store,
    folder: Path,
    *,
    since: float | None = None,
    feed_id: int | None = None,
    colors: Sequence[HighlightColor] = DEFAULT_COLORS,
    now: float | None = None,
) -> list[Path]:
    """Export every article with highlights or a note (changed since ``since``; of one feed);
    returns the files, written or already up to date."""
    return [
        p
        for p, _ in export_many(store, folder, since=since, feed_id=feed_id, colors=colors, now=now)
    ]


def export_many(
    store: Store,
    folder: Path,
    *,
    article_ids: Sequence[int] | None = None,
    since: float | None = None,
    feed_id: int | None = None,
    colors: Sequence[HighlightColor] = DEFAULT_COLORS,
    now: float | None = None,
    read_only: list[Path] | None = None,
) -> list[tuple[Path, bool]]:
    """:func:`export_all` that also says, for each file, whether it was (re)written; a file
    made read-only is left as it is and named in ``read_only``."""
    ensure_folder(folder)
    if article_ids is None:
        article_ids = [a.id for a in store.annotated_articles(feed_id=feed_id, since=since)]
    index = index_folder(folder)
    names = FreeNames(folder)
    done: list[tuple[Path, bool]] = []
    for i in article_ids:
        try:
            done.append(_export_one(store, i, folder, colors, now, None, index, names))
        except ReadOnlyExport as exc:  # (left as it is; the others go on)
            if read_only is not None:
                read_only.append(exc.path)
    return done
