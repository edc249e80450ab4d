"""The feed list: All, Unread, Starred and Saved, then the feeds (in their folders) with unread
counts and a mark on feeds whose last refresh failed."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field, replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType

from tui_reader.models import Feed
from tui_reader.ui.keys import bindings
from tui_reader.ui.render import cells, safe
from tui_reader.ui.sources import (
    ALL,
    SAVED,
    STARRED,
    UNREAD,
    ListSource,
    feed_source,
    folder_source,
    query_source,
)
from tui_reader.ui.widgets.rows import RowList, changed_rows, fit


@dataclass(frozen=True)
class FeedEntry:
    source: ListSource
    label: str
    count: int = 0  # unread articles (0: none shown)
    indent: int = 0
    feed: Feed | None = None
    heading: bool = False  # a folder
    folded: bool = False  # a folder shown without its feeds and subfolders

    @property
    def error(self) -> str:
        if self.feed is not None and self.feed.last_status == "error":
            return self.feed.last_error or "the last refresh failed"
        return ""


def folder_parts(folder: str) -> tuple[str, ...]:
    """A folder's path: "Tech/Old" is ("Tech", "Old")."""
    return tuple(p for p in folder.split("/") if p)


def in_folder(feed: Feed, folder: str) -> bool:
    """Whether ``feed`` is in ``folder`` or one of its subfolders."""
    parts = folder_parts(folder)
    return bool(parts) and folder_parts(feed.folder)[: len(parts)] == parts


@dataclass
class _Folder:
    path: str
    name: str
    feeds: list[Feed] = field(default_factory=list)
    children: dict[str, _Folder] = field(default_factory=dict)

    @property
    def unread(self) -> int:
        return sum(f.unread for f in self.feeds) + sum(c.unread for c in self.children.values())


def build_entries(
    feeds: Sequence[Feed],
    folded: Set[str] = frozenset(),
    searches: Sequence[tuple[str, str, int]] = (),
) -> list[FeedEntry]:
    """The list's entries: the special lists, the saved searches (name, query, unread), the
    feeds outside folders, then the folders as a tree (feeds, then subfolders), each counting
    its subfolders too. A folder in ``folded`` shows without what is inside it."""
    unread = sum(f.unread for f in feeds)
    entries = [
        FeedEntry(ALL, "All", unread),
        FeedEntry(UNREAD, "Unread", unread),
        FeedEntry(STARRED, "Starred"),
        FeedEntry(SAVED, "Saved"),
    ]
    entries.extend(FeedEntry(query_source(n, q), n, count) for n, q, count in searches)
    root = _Folder("", "")
    for f in feeds:
        node = root
        for part in folder_parts(f.folder):
            path = f"{node.path}/{part}" if node.path else part
            node = node.children.setdefault(part, _Folder(path, part))
        node.feeds.append(f)

    def add(node: _Folder, depth: int) -> None:
        indent = 2 * depth
        entries.extend(
            FeedEntry(feed_source(f.id, f.display_title), f.display_title, f.unread, indent, f)
            for f in node.feeds
        )

    def add_folders(node: _Folder, depth: int) -> None:
        for child in sorted(node.children.values(), key=lambda c: c.name.casefold()):
            is_folded = child.path in folded
            entries.append(
                FeedEntry(
                    folder_source(child.path),
                    child.name,
                    child.unread,
                    2 * depth,
                    heading=True,
                    folded=is_folded,
                )
            )
            if not is_folded:
                add(child, depth + 1)
                add_folders(child, depth + 1)

    add(root, 0)
    add_folders(root, 0)
    return entries


class FeedList(RowList):
    """The feeds, folders as a tree: ``left`` folds a folder (or goes to the folder a feed is
    in), ``right`` unfolds it."""

    BINDINGS: ClassVar[list[BindingType]] = [*RowList.BINDINGS, *bindings("feeds")]
    empty_text = "No feeds yet."

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[FeedEntry] = build_entries([])
        self.feeds: list[Feed] = []
        self.folded: set[str] = set()
        self.searches: list[tuple[str, str, int]] = []  # saved searches: name, query, unread

    def set_feeds(
        self, feeds: Sequence[Feed], searches: Sequence[tuple[str, str, int]] | None = None
    ) -> None:
        """New feeds and counts (and saved searches, when given); the cursor stays on the
        same entry."""
        self.feeds = list(feeds)
        if searches is not None:
            self.searches = list(searches)
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.current.source if self.current else None
        old, self.entries = self.entries, build_entries(self.feeds, self.folded, self.searches)
        cursor = self.index_of(current) if current is not None else 0
        self.rows_updated(changed_rows(old, self.entries), max(cursor, 0))

    def action_fold(self) -> None:
        """Fold the folder under the cursor; on a feed or a folded folder, go to the folder
        it is in."""
        entry = self.current
        if entry is None:
            return
        if entry.heading and not entry.folded and entry.source.folder:
            self.folded.add(entry.source.folder)
            self._rebuild()
            return
        parent = self._parent_folder(entry)
        if parent:
            self.move_cursor(self.index_of(folder_source(parent)))

    async def _on_click(self, event: events.Click) -> None:
        # A click on a folder's ▾/▸ folds or unfolds it (the mouse's left/right); a click
        # elsewhere on the row chooses the row, as on any row.
        point = event.get_content_offset(self)
        if point is not None:
            index = (int(self.scroll_offset.y) + point.y) // self.row_height
            entry = self.entries[index] if 0 <= index < len(self.entries) else None
            if (
                entry is not None
                and entry.heading
                and entry.source.kind == "folder"
                and entry.source.folder
                and 2 + entry.indent <= point.x <= 3 + entry.indent
            ):
                event.stop()
                event.prevent_default()
                self.move_cursor(index, scroll=False)
                self.folded ^= {entry.source.folder}
                self._rebuild()
                return
        await super()._on_click(event)

    def action_unfold(self) -> None:
        entry = self.current
        if entry is not None and entry.heading and entry.folded and entry.source.folder:
            self.folded.discard(entry.source.folder)
            self._rebuild()

    @staticmethod
    def _parent_folder(entry: FeedEntry) -> str:
        if entry.heading:
            return "/".join(folder_parts(entry.source.folder or "")[:-1])
        return "/".join(folder_parts(entry.feed.folder)) if entry.feed is not None else ""

    def index_of(self, source: ListSource) -> int:
        for i, entry in enumerate(self.entries):
            if entry.source.kind == source.kind and (
                entry.source.feed_id == source.feed_id
                and entry.source.folder == source.folder
                and (source.kind != "query" or entry.source.label == source.label)
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
        changed = None
        for i, f in enumerate(self.feeds):
            if f.id == feed_id:
                changed = self.feeds[i] = replace(f, unread=max(0, f.unread + delta))
        for i, entry in enumerate(self.entries):
            src = entry.source
            hit = (
                (src.kind in ("all", "unread") and feed_id is not None)
                or (src.kind == "feed" and src.feed_id == feed_id)
                or (
                    src.kind == "folder"
                    and changed is not None
                    and in_folder(changed, src.folder or "")
                )
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
        if entry.heading or entry.source.kind in ("all", "unread", "starred", "saved", "query"):
            label_style += self.style("strong")
        if entry.error:
            label_style += self.style("error")
        text = safe(entry.label)
        if entry.heading and entry.source.kind == "folder":
            text = ("▸ " if entry.folded else "▾ ") + text
        room = width - 2 - entry.indent - (cells(count) + 1 if count else 0)
        label = fit(text, room)
        pad = max(1, width - 2 - entry.indent - cells(label) - cells(count))
        return [
            Segment(mark, style + self.style("error")),
            Segment(" " + " " * entry.indent, style),
            Segment(label, label_style),
            Segment(" " * pad, style),
            Segment(count, style + self.style("accent")),
        ]
