"""A digest: one Markdown file with every highlight made since a date, grouped by article.

A digest is a snapshot. Exporting the same digest again replaces the file only if it is an
unedited digest written by tui-reader; a file the user edited (or any other file) is never
overwritten — the new digest goes beside it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.export.data import ExportError, load_article, local_date, utc_stamp
from tui_reader.export.files import (
    atomic_write,
    ensure_folder,
    is_stream,
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


MAX_COPIES = 1_000  # copies beside an edited digest looked at before a new name is made


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


# The front matter's keys a digest writes: another one is the user's (a property added).
_OWN_KEYS = frozenset({"type", "title", "since", "until", "tags", "exported"})
_TOP_KEY = re.compile(r"^([^\s:#-][^:]*):")


def _replaceable(path: Path) -> bool:
    """An unedited tui-reader digest (so it may be replaced): its region intact, and nothing
    of the user's beside it (text above or below the region, a property of their own)."""
    text = read_text(path)
    fm, body = split_front_matter(text)
    if fm is None or front_matter_value(fm, "type") != KIND:
        return False
    keys = {m.group(1) for line in fm if (m := _TOP_KEY.match(line))}
    if not keys <= _OWN_KEYS:
        return False
    lines = body.splitlines(keepends=True)
    region = find_regions(lines).get("digest")
    if region is None or not region.intact:
        return False
    outside = lines[: region.begin] + lines[region.end + 1 :]
    return not "".join(outside).strip()


def _digest_path(folder: Path, stem: str) -> Path:
    """Where a digest of these dates goes: its own name, unless the user edited that file;
    then the first copy beside it ("(2)", "(3)"...) that is an unedited digest, else a new
    one (a run after each edit wrote one more copy)."""
    target = folder / f"{stem}.md"
    n = 1
    while target.exists() and not _replaceable(target):
        n += 1
        if n > MAX_COPIES:
            return unique_path(folder, stem)
        target = folder / f"{stem} ({n}).md"
    return target


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
    kept: Callable[[Path], None] | None = None,
) -> Path:
    """Write a digest to ``path`` (refused if that file exists and is not an unedited
    digest) or into ``folder`` (named after its dates; beside an edited one, which
    ``kept`` is told of)."""
    text, _ = digest_markdown(store, since, until=until, feed_id=feed_id, colors=colors, now=now)
    if path is not None:
        ensure_folder(path.parent)
        if path.exists() and not is_stream(path) and not _replaceable(path):
            raise ExportError(f"{path} exists and is not an unedited digest; not overwriting it")
        atomic_write(path, text)
        return path
    if folder is None:
        raise ExportError("a digest needs a folder or a file to write")
    ensure_folder(folder)
    stem = safe_filename(
        f"Highlights since {local_date(since)}" + (f" until {local_date(until)}" if until else "")
    )
    target = _digest_path(folder, stem)
    atomic_write(target, text)
    own = folder / f"{stem}.md"
    if target != own and kept is not None:
        kept(own)
    return target
