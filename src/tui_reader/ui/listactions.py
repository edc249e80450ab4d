"""Whole lists and handing articles to programs (issue 16): a component of the main screen.

- ``A`` marks every article of the list under the cursor read, ``C`` every article (after a
  confirmation); ``u`` undoes either while the app runs (the screen asks :meth:`can_undo`
  first: the newest of these and of the highlight deletions is undone);
- ``ctrl+r`` refreshes the selected feed or folder (``r`` refreshes every feed);
- ``S`` sorts the list (newest, oldest, title, feed), ``F`` hides or shows its read articles;
  both are remembered per list (:mod:`tui_reader.listview`, kept by the Reader);
- ``[[commands]]`` from config.toml run with the article (:meth:`Reader.run_command`), each on
  its own key and in the palette.

:class:`ListActions` is given the feed list and the article list it works on and two
callables of the screen's (the list on show, the article an action is for); it reaches the
core through the Reader (``ctx.reader``, writes through ``ctx.writer``) and tells the screen
what changed through :mod:`tui_reader.ui.messages` (:class:`ReadChanged`,
:class:`ListsChanged`, :class:`RefreshFeeds`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import get_current_worker

from tui_reader.config import CommandConfig
from tui_reader.errors import ReaderError
from tui_reader.listview import DEFAULT, SORT_LABELS, ListView
from tui_reader.models import Article
from tui_reader.reader import ListFilter, Reader
from tui_reader.ui.context import Context
from tui_reader.ui.keys import KEYS, effective_keys, key_label, normalize_key
from tui_reader.ui.messages import ListsChanged, ReadChanged, RefreshFeeds
from tui_reader.ui.render import safe
from tui_reader.ui.sources import ListSource
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.feed_list import FeedList

if TYPE_CHECKING:
    from tui_reader.document import Document
    from tui_reader.ui.render import Header


def command_keys(
    commands: Sequence[CommandConfig], keymap: Mapping[str, str]
) -> tuple[dict[int, str], list[str]]:
    """The key of each command that has a usable one (by its index), and one message per
    command whose key is not a key or is taken by one of the app's own keys."""
    taken: dict[str, str] = {}
    for spec in KEYS:
        for name in effective_keys(spec, keymap).split(","):
            taken.setdefault(name.strip(), spec.action)
    keys: dict[int, str] = {}
    problems: list[str] = []
    for i, command in enumerate(commands):
        if not command.key:
            continue
        key = normalize_key(command.key)
        name = repr(command.name)
        if key is None:
            problems.append(
                f"commands {name}: {command.key!r} is not a key; run it from the palette"
            )
        elif key in taken:
            problems.append(
                f"commands {name}: {key_label(key)} is the key of {taken[key]};"
                " run it from the palette (or remap that action in [keys])"
            )
        elif key in keys.values():
            problems.append(f"commands {name}: {key_label(key)} is another command's key")
        else:
            keys[i] = key
    return keys, problems


def with_reading_time(header: Header, document: Document) -> Header:
    """The header's "byline · site · date" line with "· 4 min read" after it."""
    from tui_reader.reading import reading_time

    said = reading_time(document.text)
    if not said:
        return header
    return replace(header, meta=f"{header.meta} · {said}" if header.meta else said)


class ListActions:
    """Whole lists and commands (see the module's docstring).

    ``screen``: where its workers run, its dialogs open and its messages go; ``source``: the
    list on show; ``target``: the article an action is for (None: the screen said why);
    ``deleted_highlights``: how many highlights were deleted this session (``u`` undoes the
    newest of those and of the bulk mark-reads)."""

    def __init__(
        self,
        screen: Screen[Any],
        feeds: FeedList,
        articles: ArticleList,
        ctx: Context,
        *,
        source: Callable[[], ListSource],
        target: Callable[[str], Article | None],
        deleted_highlights: Callable[[], int],
    ) -> None:
        self.screen = screen
        self.app = screen.app
        self.feeds = feeds
        self.articles = articles
        self.ctx = ctx
        self._source = source
        self._target = target
        self._deleted = deleted_highlights
        self.views: dict[str, ListView] = {}
        # Bulk mark-reads to undo: (ids, how many highlight deletions there were then).
        self._read_undo: list[tuple[list[int], int]] = []

    @property
    def reader(self) -> Reader:
        return self.ctx.reader

    def _say(self, message: str) -> None:
        self.screen.notify(message, markup=False, timeout=4)

    def _warn(self, message: str) -> None:
        self.screen.notify(message, severity="warning", markup=False)

    def _run(self, work: Awaitable[None], group: str) -> None:
        self.screen.run_worker(work, group=group, exit_on_error=False)

    # -- views: sort order and read filter, per list ------------------------------------------

    def load_views(self) -> None:
        """The remembered sort orders and filters (a settings row: quick)."""
        self.views = self.reader.list_views()

    def view_of(self, source: ListSource) -> ListView:
        return self.views.get(source.key, DEFAULT)

    def list_title(self, source: ListSource) -> str:
        label = self.view_of(source).label if source.kind != "search" else ""
        return f"{safe(source.label)} ({label})" if label else safe(source.label)

    def sort_list(self) -> None:
        source = self._source()
        if source.kind == "search":
            self._say("Search results are listed best match first.")
            return
        view = self.view_of(source).next_sort()
        self._set_view(source, view)
        self._say(f"{safe(source.label)[:80]}: {SORT_LABELS[view.sort]}.")

    def toggle_show_read(self) -> None:
        source = self._source()
        if source.kind in ("search", "unread"):
            self._say(
                "The Unread list shows unread articles only."
                if source.kind == "unread"
                else "Search results are every match, read or not."
            )
            return
        view = self.view_of(source).toggled_read()
        self._set_view(source, view)
        shown = "read articles shown" if view.show_read else "read articles hidden"
        self._say(f"{safe(source.label)[:80]}: {shown}.")

    def _set_view(self, source: ListSource, view: ListView) -> None:
        self.views[source.key] = view
        views = dict(self.views)
        self.ctx.writer.submit(lambda r: r.set_list_views(views), "list view")
        keep = self.articles.current.id if self.articles.current is not None else None
        self.screen.post_message(ListsChanged(keep_id=keep if view.show_read else None))

    # -- A, C and undo -------------------------------------------------------------------------

    def list_at_cursor(self) -> ListSource:
        """The list ``A`` and ``ctrl+r`` act on: the feed list's entry when it has the focus,
        else the list on show."""
        if self.screen.focused is self.feeds and self.feeds.current is not None:
            return self.feeds.current.source
        return self._source()

    def mark_list_read(self) -> None:
        source = self.list_at_cursor()
        if source.kind in ("all", "unread"):  # everything: as C, asked first
            self.mark_all_read()
            return
        if source.kind == "search":
            which = ListFilter(ids=tuple(a.id for a in self.articles.articles))
        else:
            which = source.list_filter()
        self._run(self._mark_read(which, f"“{safe(source.label)[:80]}”"), "mark-read")

    def mark_all_read(self) -> None:
        self._run(self._confirm_mark_all(), "mark-read")

    async def _confirm_mark_all(self) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen

        unread = sum(f.unread for f in self.feeds.feeds)
        sure = await self.app.push_screen_wait(
            ConfirmScreen(
                "Mark every article read?",
                f"{unread} unread article{'s' if unread != 1 else ''} in every feed."
                "\n\nu brings them back during this session.",
                yes="Mark read",
                no="Cancel",
                title="Mark everything read",
            )
        )
        if sure:
            await self._mark_read(ListFilter(), "every list")

    async def _mark_read(self, which: ListFilter, what: str) -> None:
        ids: list[int] = []
        done: list[bool] = []

        def write(reader: Reader) -> None:
            ids.extend(reader.mark_list_read(which))
            done.append(True)

        await asyncio.wrap_future(self.ctx.writer.submit(write, "mark read"))
        if not done:  # the writer said why
            return
        if not ids:
            self._say(f"Every article in {what} is read already.")
            return
        self._read_undo.append((ids, self._deleted()))
        self.screen.post_message(ReadChanged(frozenset(ids), read=True))
        n = len(ids)
        self._say(f"Marked {n} article{'s' if n != 1 else ''} read in {what} — u brings them back.")

    def can_undo(self, deleted_highlights: int) -> bool:
        """Is the newest thing ``u`` can undo a bulk mark-read (not a highlight deletion)?"""
        return bool(self._read_undo) and self._read_undo[-1][1] >= deleted_highlights

    def undo(self) -> None:
        """``u``: the newest bulk mark-read is undone."""
        if self._read_undo:
            ids, _ = self._read_undo.pop()
            self._run(self._unmark(ids), "mark-read")

    async def _unmark(self, ids: list[int]) -> None:
        done: list[bool] = []

        def write(reader: Reader) -> None:
            reader.mark_unread(ids)
            done.append(True)

        await asyncio.wrap_future(self.ctx.writer.submit(write, "undo mark read"))
        if not done:
            return
        self.screen.post_message(ReadChanged(frozenset(ids), read=False))
        n = len(ids)
        self._say(f"{n} article{'s' if n != 1 else ''} unread again.")

    # -- refresh one feed or folder ----------------------------------------------------------

    def refresh_feed(self, current: Article | None) -> None:
        """``ctrl+r``: the feed or folder under the cursor (on All, Unread...: the feed of
        ``current``, the article on show)."""
        from tui_reader.ui.widgets.feed_list import in_folder

        source = self.list_at_cursor()
        if source.kind == "feed" and source.feed_id is not None:
            ids = [source.feed_id]
        elif source.kind == "folder":
            ids = [f.id for f in self.feeds.feeds if in_folder(f, source.folder or "")]
        elif current is not None and current.feed_id is not None:
            ids = [current.feed_id]
        else:
            self._say("Choose a feed or a folder in the feed list (r refreshes every feed).")
            return
        if not ids:
            self._say(f"No feeds in {safe(source.label)[:80]}.")
            return
        self.screen.post_message(RefreshFeeds(ids))

    # -- commands ------------------------------------------------------------------------------

    def run_command(self, index: int, shown: Document | None, current: Article | None) -> None:
        """Run command ``index`` with the target article (``shown``: the pane's document,
        whose text is handed over when the target is ``current``, the article on show)."""
        commands = self.ctx.config.commands
        if not 0 <= index < len(commands):
            return
        command = commands[index]
        article = self._target(f"hand to {command.name}")
        if article is None:
            return
        text = ""
        if current is not None and current.id == article.id and shown is not None:
            text = shown.text
        self._say(f"Running {safe(command.name)[:80]}…")
        self.screen.run_worker(
            lambda: self._run_command(command, article, text),
            thread=True,
            group="commands",
            exit_on_error=False,
        )

    def _run_command(self, command: CommandConfig, article: Article, text: str) -> None:
        worker = get_current_worker()
        started = time.monotonic()
        try:
            outcome = self.reader.run_command(
                command.argv, article, text, should_stop=lambda: worker.is_cancelled
            )
        except (ReaderError, OSError) as exc:
            message = f"{safe(command.name)[:80]}: not run: {exc}"
            self.app.call_from_thread(self._warn, message)
            return
        if worker.is_cancelled:
            return
        said = outcome.describe(command.name, started)
        self.app.call_from_thread(self._say if outcome.ok else self._warn, said)
