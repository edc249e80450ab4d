"""A digest: one Markdown file with every highlight made since a date, grouped by article.

A digest is a snapshot. Exporting the same digest again replaces the file only if it is an
unedited digest written by tui-reader; a file the user edited (or any other file) is never
overwritten — the new digest goes beside it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.export.data import ExportError, load_article, local_date, utc_stamp
from tui_reader.export.files import (
    atomic_write,
    ensure_folder,
    read_text,
    safe_filename,
    unique_path,
)
from tui_reader.export.markdown import highlight_markdown, tag_markdown
from tui_reader.export.mdtext import link, md_inline, note_markdown, plain, yaml_str
from tui_reader.export.regions import (
    find_regions,
    front_matter_text,
    front_matter_value,
    region_text,
    split_front_matter,
    yaml_list,
)
from tui_reader.models import Highlight
from tui_reader.store import Store

KIND = "tui-reader-digest"


def digest_markdown(
    store: Store,
    since: float,
    *,
    until: float | None = None,
    feed_id: int | None = None,
    colors: Sequence[HighlightColor] = DEFAULT_COLORS,
    now: float | None = None,
) -> tuple[str, int]:
    """The whole digest file and how many highlights it holds."""
    now = time.time() if now is None else now
    found = store.all_highlights(since=since, until=until, feed_id=feed_id)
    by_article: dict[int, list[Highlight]] = {}
    for h in sorted(found, key=lambda h: (h.created, h.id)):
        by_article.setdefault(h.article_id, []).append(h)
    sections: list[str] = []
    tags: dict[str, str] = {}
    for article_id, hs in by_article.items():
        data = load_article(store, article_id)
        hs.sort(key=lambda h: (h.start is None, h.start or 0, h.created))
        data = replace(data, highlights=tuple(hs))
        for t in data.tags:
            tags.setdefault(t.casefold(), t)
        title = md_inline(plain(data.title) or data.url or "Untitled")
        part = [f"## {link(title, data.url)}"]
        meta = " · ".join(
            md_inline(x) for x in (plain(data.author), plain(data.site), data.published) if x
        )
        if meta:
            part.append(f"*{meta}*")
        note = note_markdown(data.note)
        if note:
            part.append(f"**Article note**\n\n{note}")
        part += [highlight_markdown(data, h, colors) for h in hs]
        sections.append("\n\n".join(part))
    span = f"since {local_date(since)}" + (f" until {local_date(until)}" if until else "")
    count = len(found)
    summary = (
        f"{count} highlight{'s' * (count != 1)} from {len(by_article)}"
        f" article{'s' * (len(by_article) != 1)}"
    )
    if tags:
        summary += " · " + " ".join(tag_markdown(t) for t in tags.values())
    content = "\n\n".join([f"# Highlights {span}", summary, *sections])
    front = [
        f"type: {KIND}",
        f"title: {yaml_str('Highlights ' + span)}",
        f"since: {local_date(since)}",
        *([f"until: {local_date(until)}"] if until else []),
        f"tags: {yaml_list(list(tags.values()))}",
        f"exported: {utc_stamp(now)}",
    ]
    return front_matter_text(front) + "\n" + region_text("digest", content) + "\n", count


def _replaceable(path: Path) -> bool:
    """An unedited tui-reader digest (so it may be replaced)."""
    text = read_text(path)
    fm, body = split_front_matter(text)
    if fm is None or front_matter_value(fm, "type") != KIND:
        return False
    region = find_regions(body.splitlines(keepends=True)).get("digest")
    return region is not None and region.intact


def export_digest(
    store: Store,
    since: float,
    *,
    folder: Path | None = None,
    path: Path | None = None,
    until: float | None = None,
    feed_id: int | None = None,
    colors: Sequence[HighlightColor] = DEFAULT_COLORS,
    now: float | None = None,
) -> Path:
    """Write a digest to ``path`` (refused if that file exists and is not an unedited
    digest) or into ``folder`` (named after its dates; beside an edited one)."""
    text, _ = digest_markdown(store, since, until=until, feed_id=feed_id, colors=colors, now=now)
    if path is not None:
        ensure_folder(path.parent)
        if path.exists() and not _replaceable(path):
            raise ExportError(f"{path} exists and is not an unedited digest; not overwriting it")
        atomic_write(path, text)
        return path
    if folder is None:
        raise ExportError("a digest needs a folder or a file to write")
    ensure_folder(folder)
    stem = safe_filename(
        f"Highlights since {local_date(since)}" + (f" until {local_date(until)}" if until else "")
    )
    target = folder / f"{stem}.md"
    if target.exists() and not _replaceable(target):
        target = unique_path(folder, stem)
    atomic_write(target, text)
    return target
