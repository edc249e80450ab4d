"""Managing feeds from the app (issue 16): ``+`` adds a feed by a URL (the feed's, or a page
naming one), ``T`` renames the selected feed, ``M`` moves it to a folder, ``D`` removes it —
keeping its starred, highlighted and annotated articles under Saved, as ``tui-reader remove``
does. The network and the store work run in workers; progress and errors are notifications.

:class:`FeedActions` sits under :class:`ListActions` (between it and
:class:`AnnotatingScreen`); it reaches the main screen through ``_main``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

from textual import work

from tui_reader.models import Feed
from tui_reader.ui.render import safe
from tui_reader.ui.screens.annotating import AnnotatingScreen

if TYPE_CHECKING:
    from tui_reader.feeds.subscribe import Subscribed
    from tui_reader.ui.screens.main import MainScreen


class FeedActions(AnnotatingScreen):
    @property
    def _main(self) -> MainScreen:
        return cast("MainScreen", self)

    def _selected_feed(self, doing: str) -> Feed | None:
        """The feed under the feed list's cursor (or whose list is on show)."""
        m = self._main
        entry = m.feeds.current
        if entry is not None and entry.feed is not None:
            return entry.feed
        feed = m.feeds.feed(m.source.feed_id) if m.source.kind == "feed" else None
        if feed is None:
            self._say(f"To {doing} a feed, choose it in the feed list first.")
        return feed

    def _selected_folder(self) -> str:
        m = self._main
        entry = m.feeds.current
        if entry is None:
            return ""
        if entry.source.kind == "folder":
            return entry.source.folder or ""
        return entry.feed.folder if entry.feed is not None else ""

    # -- add -------------------------------------------------------------------------------

    def action_add_feed(self) -> None:
        self._ask_add()

    @work(group="feed-form")
    async def _ask_add(self) -> None:
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Add a feed",
                [
                    Field("URL of the feed, or of a page that names one", "", "https://"),
                    Field("Folder (empty: none; News/World: a subfolder)", self._selected_folder()),
                ],
            )
        )
        if answer is None or not answer[0]:
            return
        url, folder = answer
        self._say(f"Looking for a feed at {safe(url)[:200]}…")
        self._subscribe(url, folder)

    @work(thread=True, group="feed-add")
    def _subscribe(self, url: str, folder: str) -> None:
        from tui_reader.ui import backend

        try:
            result = backend.subscribe(self.ctx.store_path, url, self.ctx.config, folder)
        except backend.subscribe_error() as exc:
            self.app.call_from_thread(self._feed_warning, str(exc))
            return
        except Exception as exc:  # the store, a worker process: said, never lost
            self.app.call_from_thread(self._feed_warning, f"Could not add the feed: {exc}")
            return
        self.app.call_from_thread(self._added, result)

    def _added(self, result: Subscribed) -> None:
        from tui_reader.ui.sources import feed_source

        m = self._main
        feed = result.feed
        name = safe(feed.display_title)[:120]
        if not result.created:
            self._say(f"Already subscribed: {name}; nothing changed.")
        else:
            n = result.new_articles
            via = f" (found on {safe(result.via_page)[:120]})" if result.via_page else ""
            self._say(f"Subscribed to {name}{via}: {n} article{'s' if n != 1 else ''}.")
            if result.warning:
                self._feed_warning(f"{name}: {result.warning}")
        m.load_feeds()
        m.show_source(feed_source(feed.id, feed.display_title), focus_list=True)

    def _feed_warning(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False)

    # -- rename, move ----------------------------------------------------------------------

    def action_rename_feed(self) -> None:
        feed = self._selected_feed("rename")
        if feed is not None:
            self._ask_rename(feed)

    @work(group="feed-form")
    async def _ask_rename(self, feed: Feed) -> None:
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Rename the feed",
                [Field("Title (empty: the feed's own)", feed.title)],
                subject=feed.url,
            )
        )
        if answer is None or answer[0] == feed.title:
            return
        title = answer[0]
        await self._write(lambda s: s.rename_feed(feed.id, title), "rename")
        self._say(f"Renamed to {safe(title)[:120]}." if title else "The feed's own title is used.")
        self._after_feed_change(feed.id)

    def action_move_feed(self) -> None:
        feed = self._selected_feed("move")
        if feed is not None:
            self._ask_move(feed)

    @work(group="feed-form")
    async def _ask_move(self, feed: Feed) -> None:
        from tui_reader.feeds.subscribe import clean_folder
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

        folders = sorted({f.folder for f in self._main.feeds.feeds if f.folder}, key=str.casefold)
        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Move the feed to a folder",
                [Field("Folder (empty: none; News/World: a subfolder)", feed.folder)],
                subject=feed.display_title
                + (f"\nFolders: {', '.join(folders)[:240]}" if folders else ""),
            )
        )
        if answer is None:
            return
        folder = clean_folder(answer[0])
        if folder == feed.folder:
            return
        await self._write(lambda s: s.set_feed_folder(feed.id, folder), "move")
        self._say(f"Moved to {safe(folder)[:120]}." if folder else "Moved out of its folder.")
        self._after_feed_change(feed.id)

    # -- remove ----------------------------------------------------------------------------

    def action_remove_feed(self) -> None:
        entry = self._main.feeds.current
        if entry is not None and entry.source.kind == "query":
            self._ask_remove_search(entry.source.label)
            return
        feed = self._selected_feed("remove")
        if feed is not None:
            self._ask_remove(feed)

    @work(group="feed-form")
    async def _ask_remove(self, feed: Feed) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen

        kept = self.ctx.store.annotated_article_count(feed.id)
        detail = f"{feed.total} article{'s' if feed.total != 1 else ''}"
        if kept:
            detail += (
                f"; {kept} with highlights, notes or a star"
                f" {'are' if kept != 1 else 'is'} kept under Saved"
            )
        sure = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Remove {safe(feed.display_title)[:200]}?",
                detail + ".",
                yes="Remove",
                no="Keep",
                title="Remove feed",
            )
        )
        if not sure:
            return
        removed: list[int] = []
        await self._write(lambda s: removed.append(s.remove_feed(feed.id)), "remove")
        if not removed:
            return
        said = f"Removed {safe(feed.display_title)[:120]}."
        if removed[0]:
            n = removed[0]
            said += f" {n} article{'s' if n != 1 else ''} kept under Saved."
        self._say(said)
        m = self._main
        if m.source.kind == "feed" and m.source.feed_id == feed.id:
            from tui_reader.ui.sources import ALL

            m.show_source(ALL)
        m.load_feeds()
        m.load_articles(m.source)

    # -- saved searches ------------------------------------------------------------------------

    def has_saved_searches(self) -> bool:
        from tui_reader.query import SETTING

        return self.ctx.store.get_setting(SETTING) not in ("", "[]")

    @staticmethod
    def saved_search_counts(store: Any) -> list[tuple[str, str, int]]:
        """(name, query, unread articles) of each saved search (in a worker)."""
        from tui_reader.query import SETTING, load_saved
        from tui_reader.store.listing import ListFilter, count_unread

        return [
            (s.name, s.query, count_unread(store.conn, ListFilter(query=s.parsed)))
            for s in load_saved(store.get_setting(SETTING))
        ]

    def action_save_search(self) -> None:
        m = self._main
        query = m.source.query if m.source.kind in ("search", "query") else ""
        name = m.source.label if m.source.kind == "query" else query
        self._ask_save_search(name, query)

    @work(group="feed-form")
    async def _ask_save_search(self, name: str, query: str) -> None:
        from tui_reader.query import SETTING, QueryError, add_saved, dump_saved, load_saved
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field
        from tui_reader.ui.sources import query_source

        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Save a search as a list",
                [
                    Field("Name", name),
                    Field(
                        "Query: words, feed:NAME, tag:NAME, unread, starred, since:7d, until:DATE",
                        query,
                    ),
                ],
            )
        )
        if answer is None:
            return
        name, query = answer
        try:
            searches = add_saved(load_saved(self.ctx.store.get_setting(SETTING)), name, query)
        except QueryError as exc:
            self._feed_warning(f"Not saved: {exc}")
            return
        text = dump_saved(searches)
        await self._write(lambda s: s.set_setting(SETTING, text), "saved search")
        saved = searches[-1]
        self._say(f"Saved search: {safe(saved.name)[:80]}.")
        self._main.load_feeds()
        self._main.show_source(query_source(saved.name, saved.query), focus_list=True)

    @work(group="feed-form")
    async def _ask_remove_search(self, name: str) -> None:
        from tui_reader.query import SETTING, dump_saved, load_saved
        from tui_reader.ui.screens.confirm import ConfirmScreen
        from tui_reader.ui.sources import ALL

        sure = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Remove the saved search {safe(name)[:200]}?",
                "Its articles stay where they are.",
                yes="Remove",
                no="Keep",
                title="Remove saved search",
            )
        )
        if not sure:
            return
        kept = [s for s in load_saved(self.ctx.store.get_setting(SETTING)) if s.name != name]
        text = dump_saved(kept)
        await self._write(lambda s: s.set_setting(SETTING, text), "saved search")
        self._say(f"Removed the saved search {safe(name)[:80]}.")
        m = self._main
        if m.source.kind == "query" and m.source.label == name:
            m.show_source(ALL)
        m.load_feeds()

    # -- shared ------------------------------------------------------------------------------

    async def _write(self, work: Any, what: str) -> None:
        await asyncio.wrap_future(self.ctx.writer.submit(work, what))

    def _after_feed_change(self, feed_id: int) -> None:
        m = self._main
        m.load_feeds()
        if m.source.kind == "feed" and m.source.feed_id == feed_id:
            m.load_articles(m.source)
