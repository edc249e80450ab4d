"""Managing feeds and saved searches from the app (issue 16): a component of the main screen.

``+`` adds a feed by a URL (the feed's, or a page naming one: :meth:`Reader.subscribe`), ``T``
renames the selected feed, ``M`` moves it to a folder, ``D`` removes it — keeping its starred,
highlighted and annotated articles under Saved, as ``tui-reader remove`` does — or removes the
selected saved search; ``Q`` saves the search on show (or a new one) as a list. The network
and the writes run off the event loop; progress and errors are notifications.

:class:`FeedActions` is given the feed list it works on and the screen's list on show; it
reaches the core through the Reader and tells the screen what changed through
:mod:`tui_reader.ui.messages` (:class:`ListsChanged`, :class:`ShowList`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui_reader.errors import ReaderError
from tui_reader.models import Feed
from tui_reader.reader import Reader, clean_folder
from tui_reader.sanitize import shown_url
from tui_reader.ui.context import Context
from tui_reader.ui.messages import ListsChanged, ShowList
from tui_reader.ui.render import safe
from tui_reader.ui.sources import ALL, ListSource, feed_source, query_source
from tui_reader.ui.widgets.feed_list import FeedList

if TYPE_CHECKING:
    from tui_reader.reader import Subscribed

FOLDER_FIELD = "Folder (empty: none; News/World: a subfolder)"


class FeedActions:
    """Feeds and saved searches (see the module's docstring). ``screen``: where its workers
    run, its dialogs open and its messages go; ``source``: the list on show."""

    def __init__(
        self,
        screen: Screen[Any],
        feeds: FeedList,
        ctx: Context,
        *,
        source: Callable[[], ListSource],
    ) -> None:
        self.screen = screen
        self.app = screen.app
        self.feeds = feeds
        self.ctx = ctx
        self._source = source

    @property
    def reader(self) -> Reader:
        return self.ctx.reader

    def _say(self, message: str) -> None:
        self.screen.notify(message, markup=False, timeout=4)

    def _warn(self, message: str) -> None:
        self.screen.notify(message, severity="warning", markup=False)

    def _run(self, work: Awaitable[None]) -> None:
        self.screen.run_worker(work, group="feed-form", exit_on_error=False)

    async def _write(self, work: Callable[[Reader], object], what: str) -> bool:
        """Run a write through the ordered writer; False when it failed (the writer said)."""
        done: list[bool] = []

        def run(reader: Reader) -> None:
            work(reader)
            done.append(True)

        await asyncio.wrap_future(self.ctx.writer.submit(run, what))
        return bool(done)

    def _selected_feed(self, doing: str) -> Feed | None:
        """The feed under the feed list's cursor (or whose list is on show)."""
        entry = self.feeds.current
        if entry is not None and entry.feed is not None:
            return entry.feed
        source = self._source()
        feed = self.feeds.feed(source.feed_id) if source.kind == "feed" else None
        if feed is None:
            self._say(f"To {doing} a feed, choose it in the feed list first.")
        return feed

    def _selected_folder(self) -> str:
        entry = self.feeds.current
        if entry is None:
            return ""
        if entry.source.kind == "folder":
            return entry.source.folder or ""
        return entry.feed.folder if entry.feed is not None else ""

    # -- add -------------------------------------------------------------------------------

    def add_feed(self) -> None:
        self._run(self._ask_add())

    async def _ask_add(self) -> None:
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Add a feed",
                [
                    Field("URL of the feed, or of a page that names one", "", "https://"),
                    Field(FOLDER_FIELD, self._selected_folder()),
                ],
            )
        )
        if answer is None or not answer[0]:
            return
        url, folder = answer
        self._say(f"Looking for a feed at {safe(url)[:200]}…")
        self.screen.run_worker(
            lambda: self._subscribe(url, folder),
            thread=True,
            group="feed-add",
            exit_on_error=False,
        )

    def _subscribe(self, url: str, folder: str) -> None:
        """In a thread worker: the fetch and the discovery may take seconds."""
        try:
            result = self.reader.subscribe(url, folder=folder)
        except ReaderError as exc:
            self.app.call_from_thread(self._warn, f"cannot add {safe(shown_url(url))[:200]}: {exc}")
            return
        except Exception as exc:  # the store, a worker process: said, never lost
            self.app.call_from_thread(self._warn, f"Could not add the feed: {exc}")
            return
        self.app.call_from_thread(self._added, result)

    def _added(self, result: Subscribed) -> None:
        feed = result.feed
        name = safe(feed.display_title)[:120]
        if not result.created:
            self._say(f"Already subscribed: {name}; nothing changed.")
        else:
            n = result.new_articles
            via = f" (found on {safe(result.via_page)[:120]})" if result.via_page else ""
            self._say(f"Subscribed to {name}{via}: {n} article{'s' if n != 1 else ''}.")
            if result.warning:
                self._warn(f"{name}: {result.warning}")
        self.screen.post_message(ListsChanged())
        self.screen.post_message(
            ShowList(feed_source(feed.id, feed.display_title), focus_list=True)
        )

    # -- rename, move ----------------------------------------------------------------------

    def rename_feed(self) -> None:
        feed = self._selected_feed("rename")
        if feed is not None:
            self._run(self._ask_rename(feed))

    async def _ask_rename(self, feed: Feed) -> None:
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Rename the feed",
                [Field("Title (empty: the feed's own)", feed.title)],
                subject=shown_url(feed.url),
            )
        )
        if answer is None or answer[0] == feed.title:
            return
        title = answer[0]
        if not await self._write(lambda r: r.rename_feed(feed.id, title), "rename"):
            return
        self._say(f"Renamed to {safe(title)[:120]}." if title else "The feed's own title is used.")
        self._after_feed_change(feed.id)

    def move_feed(self) -> None:
        feed = self._selected_feed("move")
        if feed is not None:
            self._run(self._ask_move(feed))

    async def _ask_move(self, feed: Feed) -> None:
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

        folders = sorted({f.folder for f in self.feeds.feeds if f.folder}, key=str.casefold)
        answer = await self.app.push_screen_wait(
            FeedFormScreen(
                "Move the feed to a folder",
                [Field(FOLDER_FIELD, feed.folder)],
                subject=feed.display_title
                + (f"\nFolders: {', '.join(folders)[:240]}" if folders else ""),
            )
        )
        if answer is None:
            return
        folder = clean_folder(answer[0])
        if folder == feed.folder:
            return
        if not await self._write(lambda r: r.move_feed(feed.id, folder), "move"):
            return
        self._say(f"Moved to {safe(folder)[:120]}." if folder else "Moved out of its folder.")
        self._after_feed_change(feed.id)

    def _after_feed_change(self, feed_id: int) -> None:
        self.screen.post_message(ListsChanged())

    # -- remove ----------------------------------------------------------------------------

    def remove(self) -> None:
        """``D``: the saved search under the cursor, else the selected feed."""
        entry = self.feeds.current
        if entry is not None and entry.source.kind == "query":
            self._run(self._ask_remove_search(entry.source.label))
            return
        feed = self._selected_feed("remove")
        if feed is not None:
            self._run(self._ask_remove(feed))

    async def _ask_remove(self, feed: Feed) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen

        kept = self.reader.annotated_article_count(feed.id)
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
        if not await self._write(lambda r: removed.append(r.remove_feed(feed.id)), "remove"):
            return
        said = f"Removed {safe(feed.display_title)[:120]}."
        if removed[0]:
            n = removed[0]
            said += f" {n} article{'s' if n != 1 else ''} kept under Saved."
        self._say(said)
        source = self._source()
        if source.kind == "feed" and source.feed_id == feed.id:
            self.screen.post_message(ShowList(ALL))
        self.screen.post_message(ListsChanged())

    # -- saved searches ------------------------------------------------------------------------

    def save_search(self) -> None:
        source = self._source()
        query = source.query if source.kind in ("search", "query") else ""
        name = source.label if source.kind == "query" else query
        self._run(self._ask_save_search(name, query))

    async def _ask_save_search(self, name: str, query: str) -> None:
        from tui_reader.ui.screens.feed_form import FeedFormScreen, Field

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
        saved: list[tuple[str, str]] = []
        problem: list[str] = []

        def write(reader: Reader) -> None:
            try:
                s = reader.save_search(name, query)
            except ReaderError as exc:  # QueryError: the query cannot be read
                problem.append(str(exc))
                return
            saved.append((s.name, s.query))

        await self._write(write, "saved search")
        if problem:
            self._warn(f"Not saved: {problem[0]}")
            return
        if not saved:
            return
        name, query = saved[0]
        self._say(f"Saved search: {safe(name)[:80]}.")
        self.screen.post_message(ListsChanged())
        self.screen.post_message(ShowList(query_source(name, query), focus_list=True))

    async def _ask_remove_search(self, name: str) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen

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
        if not await self._write(lambda r: r.remove_saved_search(name), "saved search"):
            return
        self._say(f"Removed the saved search {safe(name)[:80]}.")
        source = self._source()
        if source.kind == "query" and source.label == name:
            self.screen.post_message(ShowList(ALL))
        self.screen.post_message(ListsChanged())
