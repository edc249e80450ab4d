"""The main screen's actions on whole lists and on handing articles to programs (issue 16):

- ``A`` marks every article of the list under the cursor read, ``C`` every article (after a
  confirmation); ``u`` undoes either while the app runs (with the highlight deletions, newest
  first);
- ``ctrl+r`` refreshes the selected feed or folder (``r`` refreshes every feed);
- ``S`` sorts the list (newest, oldest, title, feed), ``F`` hides or shows its read articles;
  both are remembered per list (:mod:`tui_reader.listview`);
- ``+``, ``T``, ``M``, ``D`` add, rename, move and remove feeds (:class:`FeedActions`);
- ``[[commands]]`` from config.toml run with the article (:mod:`tui_reader.commands`), each
  on its own key and in the palette.

:class:`ListActions` sits between :class:`MainScreen` and :class:`FeedActions` (then
:class:`AnnotatingScreen`); what it needs of the main screen it reaches through ``_main``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.worker import get_current_worker

from tui_reader.config import CommandConfig
from tui_reader.listview import DEFAULT, SETTING, ListView, dump_views, parse_views
from tui_reader.models import Article
from tui_reader.store.listing import SORT_LABELS, ListFilter, mark_list_read, mark_unread
from tui_reader.ui.keys import KEYS, effective_keys, key_label, normalize_key
from tui_reader.ui.render import safe
from tui_reader.ui.screens.feed_actions import FeedActions
from tui_reader.ui.sources import ListSource

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


class ListActions(FeedActions):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.views: dict[str, ListView] = {}
        # Bulk mark-reads to undo: (ids, how many highlight deletions there were then).
        self._read_undo: list[tuple[list[int], int]] = []
        self.command_problems: list[str] = []

    def bind_commands(self) -> None:
        """Bind the keys of the configured commands (called once, from ``__init__``)."""
        from tui_reader.ui.keys import usable_keymap

        keys, self.command_problems = command_keys(
            self.ctx.config.commands, usable_keymap(self.ctx.config.keys)
        )
        for i, key in keys.items():
            name = self.ctx.config.commands[i].name
            self._bindings.bind(key, f"run_command({i})", safe(name)[:40], show=False)

    def load_views(self) -> None:
        """The remembered sort orders and filters (a settings row: quick)."""
        self.views = parse_views(self.ctx.store.get_setting(SETTING))

    def view_of(self, source: ListSource) -> ListView:
        return self.views.get(source.key, DEFAULT)

    def list_title(self, source: ListSource) -> str:
        label = self.view_of(source).label if source.kind != "search" else ""
        return f"{safe(source.label)} ({label})" if label else safe(source.label)

    # -- A, C and undo -------------------------------------------------------------------------

    def _list_at_cursor(self) -> ListSource:
        """The list ``A`` and ``ctrl+r`` act on: the feed list's entry when it has the focus,
        else the list on show."""
        m = self._main
        if m.focused is m.feeds and m.feeds.current is not None:
            return m.feeds.current.source
        return m.source

    def action_mark_list_read(self) -> None:
        m = self._main
        source = self._list_at_cursor()
        if source.kind in ("all", "unread"):  # everything: as C, asked first
            self._confirm_mark_all()
            return
        if source.kind == "search":
            which = ListFilter(ids=tuple(a.id for a in m.articles.articles))
        else:
            which = source.list_filter()
        self._mark_read(which, f"“{safe(source.label)[:80]}”")

    def action_mark_all_read(self) -> None:
        self._confirm_mark_all()

    @work(group="mark-read")
    async def _confirm_mark_all(self) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen

        unread = sum(f.unread for f in self._main.feeds.feeds)
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
            self._mark_read(ListFilter(), "every list")

    @work(group="mark-read")
    async def _mark_read(self, which: ListFilter, what: str) -> None:
        m = self._main
        ids: list[int] = []
        done: list[bool] = []

        def write(store: Any) -> None:
            ids.extend(mark_list_read(store.conn, which))
            done.append(True)

        await asyncio.wrap_future(m.ctx.writer.submit(write, "mark read"))
        if not done:  # the writer said why
            return
        if not ids:
            self._say(f"Every article in {what} is read already.")
            return
        self._read_undo.append((ids, len(self.notes.deleted)))
        self._read_changed(set(ids), read=True)
        n = len(ids)
        self._say(f"Marked {n} article{'s' if n != 1 else ''} read in {what} — u brings them back.")

    def action_undo_delete(self) -> None:
        """``u``: the newest of the bulk mark-reads and the highlight deletions is undone."""
        if self._read_undo and self._read_undo[-1][1] >= len(self.notes.deleted):
            ids, _ = self._read_undo.pop()
            self._unmark(ids)
            return
        super().action_undo_delete()

    @work(group="mark-read")
    async def _unmark(self, ids: list[int]) -> None:
        m = self._main
        done: list[bool] = []

        def write(store: Any) -> None:
            mark_unread(store.conn, ids)
            done.append(True)

        await asyncio.wrap_future(m.ctx.writer.submit(write, "undo mark read"))
        if not done:
            return
        self._read_changed(set(ids), read=False)
        n = len(ids)
        self._say(f"{n} article{'s' if n != 1 else ''} unread again.")

    def _read_changed(self, ids: set[int], *, read: bool) -> None:
        m = self._main
        if m.current is not None and m.current.id in ids:
            m.current = replace(m.current, read=read)
        for article in m.articles.articles:
            if article.id in ids:
                m.articles.update_article(replace(article, read=read))
        m.load_feeds()
        m.load_articles(m.source)

    # -- refresh one feed or folder ----------------------------------------------------------

    def action_refresh_feed(self) -> None:
        from tui_reader.ui.widgets.feed_list import in_folder

        m = self._main
        source = self._list_at_cursor()
        if source.kind == "feed" and source.feed_id is not None:
            ids = [source.feed_id]
        elif source.kind == "folder":
            ids = [f.id for f in m.feeds.feeds if in_folder(f, source.folder or "")]
        elif m.current is not None and m.current.feed_id is not None:
            ids = [m.current.feed_id]  # All, Unread...: the article on show's feed
            feed = m.feeds.feed(m.current.feed_id)
            source = replace(source, label=feed.display_title if feed else "its feed")
        else:
            self._say("Choose a feed or a folder in the feed list (r refreshes every feed).")
            return
        if not ids:
            self._say(f"No feeds in {safe(source.label)[:80]}.")
            return
        if m.refreshing:
            self._say("Already refreshing.")
            return
        m._start_refresh(len(ids), auto=False, feed_ids=ids)

    # -- sort and filter ---------------------------------------------------------------------

    def action_sort_list(self) -> None:
        source = self._main.source
        if source.kind == "search":
            self._say("Search results are listed best match first.")
            return
        view = self.view_of(source).next_sort()
        self._set_view(source, view)
        self._say(f"{safe(source.label)[:80]}: {SORT_LABELS[view.sort]}.")

    def action_toggle_show_read(self) -> None:
        source = self._main.source
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
        m = self._main
        self.views[source.key] = view
        text = dump_views(self.views)
        m.ctx.writer.submit(lambda s: s.set_setting(SETTING, text), "list view")
        keep = m.articles.current.id if m.articles.current is not None else None
        m.load_articles(source, keep_id=keep if view.show_read else None)

    # -- the article header ----------------------------------------------------------------

    @staticmethod
    def with_reading_time(header: Header, document: Document) -> Header:
        """The header's "byline · site · date" line with "· 4 min read" after it."""
        from tui_reader.reading import reading_time

        said = reading_time(document.text)
        if not said:
            return header
        return replace(header, meta=f"{header.meta} · {said}" if header.meta else said)

    # -- commands ------------------------------------------------------------------------------

    def action_run_command(self, index: int) -> None:
        commands = self.ctx.config.commands
        if not 0 <= index < len(commands):
            return
        command = commands[index]
        article = self._main._target(f"hand to {command.name}")
        if article is None:
            return
        text = ""
        pane_doc = self.pane.document
        current = self._main.current
        if current is not None and current.id == article.id and pane_doc is not None:
            text = pane_doc.text
        self._say(f"Running {safe(command.name)[:80]}…")
        self._run_command(command, article, text)

    @work(thread=True, group="commands")
    def _run_command(self, command: CommandConfig, article: Article, text: str) -> None:
        from tui_reader.commands import CommandError, Handoff, describe, placeholders, run_handoff

        worker = get_current_worker()
        started = time.monotonic()
        try:
            if not text and "file" in placeholders(command.argv):
                text = self._stored_text(article)
            folder = self.ctx.paths.cache_dir / "handoff"
            folder.mkdir(parents=True, exist_ok=True)
            outcome = run_handoff(
                command.argv,
                Handoff(article.url, article.display_title, text),
                should_stop=lambda: worker.is_cancelled,
                folder=folder,
            )
        except (CommandError, OSError) as exc:
            message = f"{safe(command.name)[:80]}: not run: {exc}"
            self.app.call_from_thread(self._warn_command, message)
            return
        if worker.is_cancelled:
            return
        said = describe(command.name, outcome, started)
        if outcome.ok:
            self.app.call_from_thread(self._say, said)
        else:
            self.app.call_from_thread(self._warn_command, said)

    def _stored_text(self, article: Article) -> str:
        """The article's clean text as stored (or what its feed gave), off the event loop."""
        from tui_reader.document import Document
        from tui_reader.store import Store
        from tui_reader.ui import backend

        with Store.open(self.ctx.store_path) as store:
            body = store.get_body(article.id)
        if body.doc_json:
            try:
                return Document.from_json(body.doc_json).text
            except (ValueError, KeyError, TypeError):
                pass
        return backend.quick_document(body, article).text

    def _warn_command(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False)
