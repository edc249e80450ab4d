"""The feed list: All, Unread, Starred and Saved, then the feeds (in their folders) with unread
counts and a mark on feeds whose last refresh failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.segment import Segment
from rich.style import Style

from tui_reader.models import Feed
from tui_reader.ui.render import cells, safe
from tui_reader.ui.sources import (
    ALL,
    SAVED,
    STARRED,
    UNREAD,
    ListSource,
    feed_source,
    folder_source,
)
from tui_reader.ui.widgets.rows import RowList, fit


@dataclass(frozen=True)
class FeedEntry:
    source: ListSource
    label: str
    count: int = 0  # unread articles (0: none shown)
    indent: int = 0
    feed: Feed | None = None
    heading: bool = False  # a folder

    @property
    def error(self) -> str:
        if self.feed is not None and self.feed.last_status == "error":
            return self.feed.last_error or "the last refresh failed"
        return ""


def build_entries(feeds: Sequence[Feed]) -> list[FeedEntry]:
    unread = sum(f.unread for f in feeds)
    entries = [
        FeedEntry(ALL, "All", unread),
        FeedEntry(UNREAD, "Unread", unread),
        FeedEntry(STARRED, "Starred"),
        FeedEntry(SAVED, "Saved"),
    ]
    loose = [f for f in feeds if not f.folder]
    entries += [
        FeedEntry(feed_source(f.id, f.display_title), f.display_title, f.unread, 0, f)
        for f in loose
    ]
    folders: dict[str, list[Feed]] = {}
    for f in feeds:
        if f.folder:
            folders.setdefault(f.folder, []).append(f)
    for folder, members in folders.items():
        entries.append(
            FeedEntry(
                folder_source(folder),
                folder,
                sum(f.unread for f in members),
                heading=True,
            )
        )
        entries += [
            FeedEntry(feed_source(f.id, f.display_title), f.display_title, f.unread, 2, f)
            for f in members
        ]
    return entries


class FeedList(RowList):
    empty_text = "No feeds yet."

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[FeedEntry] = build_entries([])
        self.feeds: list[Feed] = []

    def set_feeds(self, feeds: Sequence[Feed]) -> None:
        """New feeds and counts; the cursor stays on the same entry."""
        current = self.current.source if self.current else None
        self.feeds = list(feeds)
        self.entries = build_entries(feeds)
        cursor = self.index_of(current) if current is not None else 0
        self.rows_changed(max(cursor, 0))

    def index_of(self, source: ListSource) -> int:
        for i, entry in enumerate(self.entries):
            if entry.source.kind == source.kind and (
                entry.source.feed_id == source.feed_id and entry.source.folder == source.folder
            ):
                return i
        return -1

    @property
    def current(self) -> FeedEntry | None:
        if 0 <= self.cursor < len(self.entries):
            return self.entries[self.cursor]
        return None

    def feed(self, feed_id: int | None) -> Feed | None:
        for f in self.feeds:
            if f.id == feed_id:
                return f
        return None

    def adjust_unread(self, feed_id: int | None, delta: int) -> None:
        """Change the unread counts after an article was marked read or unread."""
        if not delta:
            return
        folder = None
        for i, f in enumerate(self.feeds):
            if f.id == feed_id:
                folder = f.folder
                self.feeds[i] = replace(f, unread=max(0, f.unread + delta))
        for i, entry in enumerate(self.entries):
            src = entry.source
            hit = (
                (src.kind in ("all", "unread") and feed_id is not None)
                or (src.kind == "feed" and src.feed_id == feed_id)
                or (src.kind == "folder" and folder and src.folder == folder)
            )
            if hit:
                feed = self.feed(feed_id) if src.kind == "feed" else entry.feed
                self.entries[i] = replace(entry, count=max(0, entry.count + delta), feed=feed)
                self.refresh_row(i)

    @property
    def errors(self) -> list[Feed]:
        return [f for f in self.feeds if f.last_status == "error"]

    def row_count(self) -> int:
        return len(self.entries)

    def render_row(self, index: int, line: int, width: int, style: Style) -> list[Segment]:
        entry = self.entries[index]
        count = str(entry.count) if entry.count else ""
        mark = "!" if entry.error else " "
        label_style = style
        if entry.heading or entry.source.kind in ("all", "unread", "starred", "saved"):
            label_style += self.style("strong")
        if entry.error:
            label_style += self.style("error")
        room = width - 2 - entry.indent - (cells(count) + 1 if count else 0)
        label = fit(safe(entry.label), room)
        pad = max(1, width - 2 - entry.indent - cells(label) - cells(count))
        return [
            Segment(mark, style + self.style("error")),
            Segment(" " + " " * entry.indent, style),
            Segment(label, label_style),
            Segment(" " * pad, style),
            Segment(count, style + self.style("accent")),
        ]
