"""The main screen: feeds and articles on the left, the reading pane, the sidebar.

The screen composes its parts; it inherits no behaviour. Each part owns its own and says what
happened through a message of :mod:`tui_reader.ui.messages` (a row chosen, a document shown,
the cursor moved, a highlight chosen); the screen answers by telling the other parts what to
show. Highlights and notes are the work of :class:`~tui_reader.ui.highlights.Highlighter`,
which the screen's "notes" keys call; whole lists (mark read, sort, filter, refresh one feed,
commands) of :class:`~tui_reader.ui.listactions.ListActions`; feeds and saved searches (add,
rename, move, remove) of :class:`~tui_reader.ui.feedactions.FeedActions`.

The reading pane never gets squeezed: when the columns do not fit at a readable measure, the
lists hide first, then the sidebar (see :mod:`tui_reader.ui.layout`); on the narrowest screens
one pane shows at a time: the one with the focus (tab cycles, enter opens, escape goes back).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from tui_reader.document import Document
from tui_reader.errors import ArticleUnavailable, NotFound, ReaderError
from tui_reader.models import Article, Enclosure, Feed
from tui_reader.reader import OpenedArticle
from tui_reader.sanitize import is_web_url
from tui_reader.ui import graphics
from tui_reader.ui.context import Context
from tui_reader.ui.feedactions import FeedActions
from tui_reader.ui.highlights import Highlighter
from tui_reader.ui.keys import bindings
from tui_reader.ui.layout import View, columns, is_narrow
from tui_reader.ui.listactions import ListActions, command_keys, with_reading_time
from tui_reader.ui.messages import (
    CursorMoved,
    DocumentShown,
    FollowLink,
    HighlightChosen,
    ListsChanged,
    OpenArticle,
    ReadChanged,
    RefreshFeeds,
    RowHighlighted,
    RowSelected,
    ShowList,
    SidebarChanged,
    ViewImage,
)
from tui_reader.ui.render import header_for, safe
from tui_reader.ui.session import SAVE_EVERY, Session, capture, restore, write_session
from tui_reader.ui.sources import (
    FIRST_PAGE,
    EarlyLoad,
    ListSource,
    first_page,
    initial_source,
)
from tui_reader.ui.watch import Snapshot, StoreWatch
from tui_reader.ui.widgets.article_list import ArticleList, format_date
from tui_reader.ui.widgets.feed_list import FeedList
from tui_reader.ui.widgets.footer import ReaderFooter
from tui_reader.ui.widgets.reading_pane import ReadingPane
from tui_reader.ui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from tui_reader.reader import RefreshJob, RefreshProgress, RefreshSummary
    from tui_reader.ui.screens.search import SearchResult

# Dialogs, the browser, extraction and refresh are imported on first use: not needed to start.

_WORD = re.compile(r"\w+")
MAX_MATCHES = 2000
PLACES_KEPT = 500  # articles whose reading place this session keeps
# The screen's classes that _set_view owns.
_VIEW_CLASSES = frozenset(
    {"-narrow", "-single"}
    | {f"-{k}-{n}" for k in ("view", "no") for n in ("lists", "reader", "sidebar")}
)
WARM_AFTER = 1.0  # seconds after start: the extraction worker process is started (see budget)


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (case-insensitive, at word starts)."""
    words = sorted({w.lower() for w in _WORD.findall(query)}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
    spans = []
    for m in pattern.finditer(text):
        spans.append(m.span())
        if len(spans) >= MAX_MATCHES:
            break
    return spans


class MainScreen(Screen[None]):
    """The lists, the reading pane and the sidebar (see the module's docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("main")
    AUTO_FOCUS = "#articles"

    def __init__(
        self,
        context: Context,
        *,
        open_article: int | None = None,
        early: EarlyLoad | None = None,
        on_shown: Callable[[], object] | None = None,
    ) -> None:
        """``on_shown`` is called once, after the first list is drawn."""
        super().__init__(id="main", classes="-view-lists")
        self.ctx = context
        self.initial_article = open_article
        self.early = early
        self.source: ListSource = initial_source(open_article)
        self.current: Article | None = None  # the article in the reading pane
        self.base_document: Document | None = None  # what the feed gave, while loading
        self.enclosures: tuple[Enclosure, ...] = ()  # the article's, shown under its header
        self.find_query = ""
        self._generation = 0
        self._when_listed: list[Callable[[], None]] = []  # (run once the list is read again)
        self._reloading: tuple[int, str] | None = None  # (R: its generation, the text before)
        # Where each article left this session was read: (top offset, its line in the view,
        # the cursor's offset).
        self._places: dict[int, tuple[int | None, int, int | None]] = {}
        self.refreshing = False
        self._on_shown = on_shown
        self._highlighter: Highlighter | None = None
        self._lists: ListActions | None = None
        self._feed_actions: FeedActions | None = None
        self.command_problems = self._bind_commands()
        # Continuity: the last session's list and article (ui/session.py); the watcher of
        # other processes' writes (ui/watch.py), started on mount.
        self.session = restore(context.reader) if open_article is None else None
        if self.session is not None:
            self.source = self.session.source
            self.initial_article = self.session.article
        self._saved_session = ""
        self._watch = StoreWatch(context.reader.database, self._store_changed)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The columns for the terminal's width, before the widgets are styled (not after, on
        # the first resize: a second styling of everything before the first frame).
        self._set_view(self.app.size.width, "lists", False)
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield FeedList(id="feeds")
                yield ArticleList(reader=self.ctx.reader, id="articles")
            with Vertical(id="reader"):
                pane = ReadingPane(measure=self.ctx.config.reader.measure, id="pane")
                inline = graphics.inline_kind(self.ctx.config.reader.inline_images)
                pane.inline_images.use(inline, self.ctx.reader.load_image)
                yield pane
            yield Sidebar(colors=self.ctx.config.colors, id="sidebar")
        # The refresh bar and the loading indicator are mounted when first needed.
        yield ReaderFooter()

    @property
    def feeds(self) -> FeedList:
        return self.query_one("#feeds", FeedList)

    @property
    def articles(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def pane(self) -> ReadingPane:
        return self.query_one("#pane", ReadingPane)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    @property
    def highlights(self) -> Highlighter:
        """The highlights and notes of the article on show (given the pane and the sidebar)."""
        if self._highlighter is None:
            self._highlighter = Highlighter(
                self, self.pane, self.sidebar, self.ctx, lambda: self.current
            )
        return self._highlighter

    @property
    def lists(self) -> ListActions:
        """Whole lists: mark read and undo, sort, filter, refresh one feed, commands."""
        if self._lists is None:
            self._lists = ListActions(
                self,
                self.feeds,
                self.articles,
                self.ctx,
                source=lambda: self.source,
                target=self._target,
                deleted_highlights=lambda: len(self.highlights.notes.deleted),
            )
        return self._lists

    @property
    def feed_actions(self) -> FeedActions:
        """Feeds and saved searches: add, rename, move, remove, save a search."""
        if self._feed_actions is None:
            self._feed_actions = FeedActions(self, self.feeds, self.ctx, source=lambda: self.source)
        return self._feed_actions

    def _bind_commands(self) -> list[str]:
        """Bind the keys of the configured ``[[commands]]``; what is wrong with their keys."""
        from tui_reader.ui.keys import usable_keymap

        commands = self.ctx.config.commands
        keys, problems = command_keys(commands, usable_keymap(self.ctx.config.keys))
        for i, key in keys.items():
            self._bindings.bind(key, f"run_command({i})", safe(commands[i].name)[:40], show=False)
        return problems

    def on_mount(self) -> None:
        _ = self.highlights  # it repaints when the theme changes
        self.lists.load_views()
        for problem in self.command_problems:
            self.notify(problem, severity="warning", markup=False)
        self.feeds.border_title = "Feeds"
        self.articles.border_title = Content(self.lists.list_title(self.source))
        early = self.early
        if early is None or not early.welcome_was_added():
            self.call_after_refresh(self.run_welcome)  # after the first frame
        self._start_auto_refresh()
        self.set_timer(WARM_AFTER, self._warm_workers)
        self.set_timer(WARM_AFTER, self._warm_styles)  # lazy until then
        # Other processes' writes are watched from after the first frame (its thread opens a
        # connection of its own: not while the first screen is being made).
        self.call_after_refresh(self._watch.start, self)
        self.set_interval(SAVE_EVERY, self.save_session)
        if self.session is not None:
            self._restore_lists(self.session)
        elif early is not None and early.source == self.source:
            if early.feeds.done() and early.rows.done():
                self._show_early(early)  # already read: in the first frame, no thread hop
            else:
                self._take_early(early)
        else:
            self.load_feeds()
            self.load_articles(self.source, keep_id=self.initial_article, open_it=True)
        if early is not None and self.ctx.reader.saved_searches():
            self.load_feeds()  # the early read has the feeds only
        self.early = None

    def _show_early(self, early: EarlyLoad) -> None:
        """Show what :class:`EarlyLoad` has read (both parts are done)."""
        self._show_early_feeds(early)
        self._show_early_rows(early)

    def _show_early_feeds(self, early: EarlyLoad) -> None:
        if early.feeds.exception() is None:
            self._feeds_loaded(early.feeds.result())
        else:  # read them again, in a worker: the message comes from there
            self.load_feeds()

    def _show_early_rows(self, early: EarlyLoad) -> None:
        if early.rows.exception() is None:
            self._articles_loaded(early.source, early.rows.result(), early.keep_id, True)
        else:
            self.load_articles(early.source, keep_id=early.keep_id, open_it=True)

    @work(group="start")
    async def _take_early(self, early: EarlyLoad) -> None:
        """Show each part of what :class:`EarlyLoad` reads as soon as it is read (awaited on
        the event loop: no thread of its own). The rows first: the first page is an index
        walk, while the feeds' counts walk every article (~0.3 s for 1,000,000)."""
        with contextlib.suppress(Exception):  # a failure is handled by the _show_ method
            await asyncio.wrap_future(early.rows)
        self._show_early_rows(early)
        with contextlib.suppress(Exception):
            await asyncio.wrap_future(early.feeds)
        self._show_early_feeds(early)

    def _warm_styles(self) -> None:
        """The widgets whose component styles were resolved lazily during start-up resolve
        them Textual's way from now on (widgets/styling.py)."""
        for widget in (self.pane, self.feeds, self.articles):
            widget.warm_component_styles()

    @work(thread=True, group="warm")
    def _warm_workers(self) -> None:
        """Start the process that extracts articles ahead of need (once start-up is over), so
        that the first article opened does not wait for it; and import what draws pictures."""
        self.ctx.reader.warm_workers()
        from tui_reader.ui import graphics

        graphics.warm()

    def on_resize(self, event: Resize) -> None:
        self._update_view()

    def on_descendant_focus(self) -> None:
        self._update_view()

    def on_sidebar_changed(self, event: SidebarChanged) -> None:
        focused = self.focused
        if (
            not self.sidebar.is_shown
            and self.current is not None
            and (focused is None or self.sidebar in focused.ancestors_with_self)
        ):
            # (Its last highlight deleted from it, it hid with the focus: no key answered.)
            self.pane.focus()
        self._update_view()

    def _view(self) -> View:
        """The column with the focus."""
        focused = self.focused
        if focused is not None:
            if focused is self.pane:
                return "reader"
            if self.sidebar in focused.ancestors_with_self:
                return "sidebar"
        return "lists"

    def _update_view(self) -> None:
        """Show the columns that fit beside a readable reading pane (see ``layout``)."""
        self._set_view(self.size.width, self._view(), self.sidebar.is_shown)

    def _set_view(self, width: int, view: View, sidebar: bool) -> None:
        """The classes that say which columns show, set at once: each change of the
        screen's classes styles every widget on it again."""
        shown = columns(width, view, sidebar)
        wanted = {"-narrow"} if is_narrow(width) else set()
        wanted.add(f"-view-{view}")
        wanted.update(f"-no-{name}" for name in ("lists", "reader", "sidebar") if name not in shown)
        if len(shown) == 1:
            wanted.add("-single")
        classes = {c for c in self.classes if c not in _VIEW_CLASSES} | wanted
        if classes != set(self.classes):
            lists_hidden = self.has_class("-no-lists")
            self.set_classes(classes)
            if self.has_class("-no-lists") != lists_hidden:
                self.refresh_bindings()  # (the footer shows the way back to them)

    def _panes(self) -> list[Widget]:
        panes: list[Widget] = [self.feeds, self.articles, self.pane]
        if self.sidebar.is_shown:
            panes.append(self.sidebar.option_list)
        return panes

    def _focused_pane(self) -> int:
        panes = self._panes()
        focused = self.focused
        if focused is None:
            return -1
        for i, pane in enumerate(panes):
            if pane in focused.ancestors_with_self:
                return i
        return -1

    def action_next_pane(self) -> None:
        panes = self._panes()
        panes[(self._focused_pane() + 1) % len(panes)].focus()

    def action_previous_pane(self) -> None:
        panes = self._panes()
        i = self._focused_pane()
        panes[(i - 1) % len(panes) if i >= 0 else 0].focus()

    def action_back(self) -> None:
        i = self._focused_pane()
        if i == 1:
            self.feeds.focus()
        elif i >= 2:
            self.articles.focus()

    def action_fold(self) -> None:
        """(From the palette: the feed list's folder keys act on its cursor.)"""
        self.feeds.action_fold()

    def action_unfold(self) -> None:
        self.feeds.action_unfold()

    def action_toggle_sidebar(self) -> None:
        self.sidebar.toggle()
        if self.sidebar.is_shown and "sidebar" not in columns(self.size.width, self._view(), True):
            self.sidebar.option_list.focus()  # it would not show otherwise
        elif not self.sidebar.is_shown and self._view() == "sidebar":
            self.pane.focus()

    # -- loading lists --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="feeds")
    def load_feeds(self) -> None:
        feeds = self.ctx.reader.feeds()
        searches = self.ctx.reader.saved_search_counts()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._feeds_loaded, feeds, searches)

    def _feeds_loaded(
        self, feeds: list[Feed], searches: list[tuple[str, str, int]] | None = None
    ) -> None:
        self.feeds.set_feeds(feeds, searches)
        self._feeds_known = True
        i = self.feeds.index_of(self.source)
        if i >= 0:
            self.feeds.move_cursor(i, announce=False)

    def show_source(
        self, source: ListSource, *, focus_list: bool = False, keep_id: int | None = None
    ) -> None:
        """Show a list (feed, folder, All...) in the article list (the cursor on ``keep_id``,
        which is in it even when far down)."""
        i = self.feeds.index_of(source)
        if i >= 0 and i != self.feeds.cursor:
            self.feeds.move_cursor(i, announce=False)
        self.load_articles(source, keep_id=keep_id)
        if focus_list:
            self.articles.focus()

    def load_articles(
        self, source: ListSource, *, keep_id: int | None = None, open_it: bool = False
    ) -> None:
        self.source = source
        self.articles.border_title = Content(self.lists.list_title(source))
        self._load_articles(source, keep_id, open_it)

    @work(thread=True, exclusive=True, group="articles")
    def _load_articles(self, source: ListSource, keep_id: int | None, open_it: bool) -> None:
        rows = first_page(self.ctx.reader, source, keep_id, self.lists.view_of(source))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._articles_loaded, source, rows, keep_id, open_it)

    def _articles_loaded(
        self, source: ListSource, rows: list[Article], keep_id: int | None, open_it: bool
    ) -> None:
        if source != self.source:
            return
        has_more = len(rows) > FIRST_PAGE and source.kind != "search"
        current = self.current
        if current is not None:  # as shown (its read state may not be written yet)
            rows = [current if a.id == current.id else a for a in rows]
        keep = keep_id
        if keep is None:
            # The list read again (a refresh, read ones hidden): the cursor stays on its
            # article, not its row (new articles above it moved another under it, and enter
            # opened an article never chosen); a list newly shown: on the open article.
            on = self.articles.current if self.articles.source == source else None
            keep = on.id if on is not None else (self.current.id if self.current else None)
        self.articles.set_articles(
            source,
            rows[:FIRST_PAGE],
            has_more=has_more,
            keep_id=keep,
            view=self.lists.view_of(source),
        )
        self.articles.set_open(self.current.id if self.current else None)
        listed, self._when_listed = self._when_listed, []
        for then in listed:
            then()
        if open_it and keep_id is not None:
            i = self.articles.index_of(keep_id)
            if i >= 0:
                self.open_article(self.articles.articles[i])
                self.pane.focus()  # as enter on an article: the keys read it
        if self._on_shown is not None:
            self.call_after_refresh(self._on_shown)
            self._on_shown = None

    def on_row_highlighted(self, event: RowHighlighted) -> None:
        if event.rows is self.feeds:
            entry = self.feeds.current
            if entry is not None:
                self.load_articles(entry.source)

    def on_row_selected(self, event: RowSelected) -> None:
        if event.rows is self.feeds:
            entry = self.feeds.current
            if entry is not None and entry.source != self.source:
                self.load_articles(entry.source)
            self.articles.focus()
        elif event.rows is self.articles:
            article = self.articles.current
            if article is not None:
                self.open_article(article)
                self.pane.focus()

    @work(thread=True, group="welcome")
    def run_welcome(self) -> None:
        try:
            added = self.ctx.reader.ensure_welcome()
        except Exception as exc:
            self.app.call_from_thread(self._warn, f"Could not add the welcome feed: {exc}")
            return
        if added:
            self.app.call_from_thread(self._reload_all)

    def _reload_all(self, then: Callable[[], None] | None = None) -> None:
        """Read the feeds and the shown list again; ``then`` runs once the list is shown
        (by whichever read of it ends next: a later one replaces this one)."""
        if then is not None:
            self._when_listed.append(then)
        self.load_feeds()
        self.load_articles(self.source)

    # -- the reading pane -----------------------------------------------------------------

    def open_article(self, article: Article, *, find: str = "") -> None:
        """Show an article at once (its stored document, or what the feed gave) and fetch
        and extract the full text in a worker when it has none yet (the Reader says which:
        it is read once, here)."""
        try:
            opened = self.ctx.reader.open_article(article.id)
        except NotFound:
            self.notify("That article is gone.", markup=False)
            return
        if self.current is not None and self.current.id != article.id:
            self._remember_place()
        self._generation += 1
        self.current = article
        self.find_query = find
        self.articles.set_open(article.id)
        self.base_document = opened.document
        self.enclosures = opened.enclosures
        self._show(opened.document)
        self._set_loading(not opened.current)
        if not opened.current:
            self._extract(article, self._generation, False, opened)
        if not article.read:
            self._set_read(article, True)

    def _show(self, document: Document, notice: tuple[str, ...] = (), keep: bool = False) -> None:
        article = self.current
        if article is None:
            return
        self.pane.show_document(
            document,
            article_id=article.id,
            header=with_reading_time(
                header_for(
                    document,
                    title=article.display_title,
                    source=article.source_title,
                    date=format_date(article.published),
                    attachments=self._enclosure_lines(),
                ),
                document,
            ),
            notice=notice,
            keep_position=keep,
        )
        if self.find_query:
            spans = match_spans(document.text, self.find_query)
            self.pane.set_matches(spans)
            if spans:
                self.pane.set_cursor(spans[0][0], scroll=False)
                self.pane.scroll_to_offset(spans[0][0], center=True)

    def open_article_by_id(self, article_id: int) -> None:
        """Open any article (from the palette): in the list if it is there."""
        article = self.ctx.reader.article(article_id)
        if article is None:
            self.notify("That article is gone.", markup=False)
            return
        i = self.articles.index_of(article_id)
        if i >= 0:
            self.articles.move_cursor(i, announce=False)
        else:  # its feed's list (or Saved), so that n and p walk the list it is in
            self.show_source(self._home_of(article), keep_id=article_id)
        self.open_article(article)
        self.pane.focus()

    def _home_of(self, article: Article) -> ListSource:
        """The list an article belongs to: its feed's, else Saved (a page read by its URL)."""
        from tui_reader.ui.sources import SAVED, feed_source

        for entry in self.feeds.entries:
            if entry.source.kind == "feed" and entry.source.feed_id == article.feed_id:
                return entry.source
        if article.feed_id is not None:
            return feed_source(article.feed_id, article.source_title)
        return SAVED

    def _set_loading(self, loading: bool) -> None:
        reader = self.query_one("#reader")
        if loading and not reader.query("#pane-loading"):
            from textual.widgets import LoadingIndicator

            reader.mount(LoadingIndicator(id="pane-loading"), before=0)
        reader.set_class(loading, "-loading")

    def _refresh_bar(self) -> tuple[Static, ProgressBar]:
        """The refresh status line (made, hidden, on the first refresh)."""
        from textual.widgets import ProgressBar

        if not self.query("#refresh-bar"):
            label = Static(Content(""), id="refresh-label")
            bar = ProgressBar(id="refresh-progress", show_eta=False)
            self.mount(
                Horizontal(label, bar, id="refresh-bar"), before=self.query_one(ReaderFooter)
            )
            return label, bar
        return (
            self.query_one("#refresh-label", Static),
            self.query_one("#refresh-progress", ProgressBar),
        )

    def _show_refresh_bar(self, shown: bool) -> None:
        """Show or hide the refresh line by its own display style: a class on the screen
        restyled every widget of it (~40 ms, a frame and more lost at each end of a refresh),
        and a class on the line still matched the stylesheet against its five widgets."""
        if shown and not self.refreshing:
            return  # (a show put off by the first mount, and the refresh already ended)
        for bar in self.query("#refresh-bar"):
            bar.display = shown

    @work(thread=True, exclusive=True, group="extract")
    def _extract(
        self, article: Article, generation: int, force: bool, opened: OpenedArticle | None = None
    ) -> None:
        document: Document | None = None
        error = ""
        try:
            reader = self.ctx.reader
            document = reader.load_document(article.id, force=force, opened=opened)
            stored = reader.stored_article_for(article, document)
            if stored is not None:
                self.app.call_from_thread(self._open_stored_copy, stored, generation)
                return
        except ArticleUnavailable as exc:
            error = exc.message  # the pane says itself how to open it in a browser
        except ReaderError as exc:
            error = str(exc)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._extracted, article, generation, document, error)

    def _open_stored_copy(self, article: Article, generation: int) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.open_article(article)
        self.load_feeds()  # the counts, without the copy
        self.load_articles(self.source, keep_id=article.id)

    def _extracted(
        self, article: Article, generation: int, document: Document | None, error: str
    ) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        if self._reloading is not None and self._reloading[0] == generation:
            before, self._reloading = self._reloading[1], None
            if document is not None and not document.is_empty:
                same = document.text == before
                self.notify(
                    "Fetched again: the text is the same." if same else "Fetched again: new text.",
                    markup=False,
                )
        if document is not None and not document.is_empty:
            self.base_document = document
            if article.feed_id is None and not article.title and document.title:
                self._name_saved_page(article, document)
            notice: tuple[str, ...] = ()
            if document.notice:
                notice = (document.notice,)
                if is_web_url(article.url):
                    notice += (f"Open it in a browser: {article.url}  (press o)",)
            self._show(document, notice, keep=True)
            return
        if document is not None:
            error = "no readable text was found on the page"
        base = self.base_document or Document()
        error = safe(error) or "unknown error"
        notice = ("Could not load the full text.", error)
        if is_web_url(article.url):
            notice += (f"Open it in a browser: {article.url}  (press o)",)
        self._show(base, notice, keep=True)

    def _name_saved_page(self, article: Article, document: Document) -> None:
        """A page opened by its URL gets the title its page gave."""
        title, site = document.title, document.site_name
        self._replace(replace(article, title=title, source_title=article.source_title or site))
        self.ctx.writer.submit(
            lambda r: r.name_saved_page(article.url, title=title, site=site), "page title"
        )

    def _article_on_show(self) -> Article | None:
        """The article on show; None, saying so, when there is none."""
        if self.current is None:
            self.notify("Open an article first.", markup=False)
        return self.current

    def action_follow_link(self) -> None:
        if self._article_on_show() is not None:
            self.pane.action_follow_link()

    def action_view_image(self) -> None:
        if self._article_on_show() is not None:
            self.pane.action_view_image()

    def action_reload_article(self) -> None:
        article = self._article_on_show()
        if article is None:
            return
        self._generation += 1
        # (It answered nothing, before or after: the reader could not tell it ran.)
        self._reloading = (self._generation, self.base_document.text if self.base_document else "")
        self.notify("Fetching the page again…", markup=False, timeout=3)
        self._set_loading(True)
        self._extract(article, self._generation, True)

    def on_follow_link(self, event: FollowLink) -> None:
        rendered = self.pane.rendered
        links = rendered.links if rendered is not None else ()
        if not links:
            self.notify("This article has no links.", markup=False)
            return

        def chosen(url: str | None) -> None:
            if url:
                self.open_url(url)

        from tui_reader.ui.screens.links import LinksScreen

        self.app.push_screen(LinksScreen(links), chosen)

    def on_view_image(self, event: ViewImage) -> None:
        if not event.images:
            self.notify("This article has no images.", markup=False)
            return
        from tui_reader.ui.screens.image import ImageScreen

        reader = self.ctx.reader
        self.app.push_screen(
            ImageScreen(event.images, event.index, reader.load_image, self.open_url)
        )

    # -- highlights and notes: the Highlighter does the work ------------------------------

    def on_document_shown(self, event: DocumentShown) -> None:
        self.highlights.document_shown(event.article_id, event.document)
        self._restore_position(event)

    def on_cursor_moved(self, event: CursorMoved) -> None:
        self.highlights.cursor_moved(event.start, event.end)

    def on_highlight_chosen(self, event: HighlightChosen) -> None:
        self.highlights.chosen(event.entry)

    def on_open_article(self, event: OpenArticle) -> None:
        self.highlights.go_to(event.highlight_id)
        self.open_article_by_id(event.article_id)

    def action_highlight(self) -> None:
        self.highlights.highlight()

    def action_cycle_color(self) -> None:
        self.highlights.cycle_color()

    def action_edit_tags(self) -> None:
        self.highlights.edit_tags()

    def action_edit_note(self) -> None:
        self.highlights.edit_note()

    def action_delete_highlight(self) -> None:
        self.highlights.delete_highlight()

    def action_undo_delete(self) -> None:
        """``u``: the newest of this session's highlight deletions and bulk mark-reads."""
        if self.lists.can_undo(len(self.highlights.notes.deleted)):
            self.lists.undo()
        else:
            self.highlights.undo_delete()

    def action_all_highlights(self) -> None:
        self.highlights.all_highlights()

    def action_export_article(self) -> None:
        self.highlights.export_article()

    def export_all(self) -> None:
        """Export every article with highlights or a note (the palette's "Export all notes")."""
        self.highlights.export_all()

    # -- articles: next, previous, read, star ---------------------------------------------

    def _target(self, doing: str) -> Article | None:
        """The article an action is about: the highlighted row when the article list has the
        focus, else the one in the reading pane when it is on show. Else (the feeds have the
        focus: the list's cursor is only where the feed's list begins) none, and ``doing``
        ("star", ...) is said to act on what it can act on."""
        if self.focused is self.articles and self.articles.current is not None:
            return self.articles.current
        reading_shown = not self.has_class("-no-reader")  # as _update_view laid it out
        if self.current is not None and (self.focused is not self.feeds or reading_shown):
            return self.current
        if self.current is None and self.focused is not self.feeds:
            return self.articles.current
        self.notify(
            f"To {doing} an article, highlight it in the article list (tab) or open it.",
            markup=False,
            timeout=4,
        )
        return None

    def _step(self, delta: int, *, unread: bool = False) -> None:
        rows = self.articles.articles
        if not rows:
            self.notify("No articles in this list.", markup=False)
            return
        here = self.articles.index_of(self.current.id) if self.current else -1
        if here < 0:
            here = self.articles.cursor - (1 if delta > 0 else -1)
        i = here + delta
        if unread:
            while 0 <= i < len(rows) and rows[i].read:
                i += delta
        if not 0 <= i < len(rows):
            if self.articles.has_more and delta > 0:
                self.articles.near_end()
                self.notify("Loading more articles…", markup=False)
            elif unread and delta > 0:
                self._next_unread_feed()
            else:
                what = "unread article" if unread else "article"
                where = "next" if delta > 0 else "previous"
                self.notify(f"No {where} {what} in this list.", markup=False)
            return
        self.articles.move_cursor(i, announce=False)
        self.open_article(rows[i])

    def _next_unread_feed(self) -> None:
        """As newsboat's N at the end of a list: on to the next feed (after this list's place
        in the feeds, then from the top) with unread articles, at its first unread one."""
        entries = self.feeds.entries
        here = self.feeds.index_of(self.source)
        order = list(range(here + 1, len(entries))) + list(range(0, max(here, 0)))
        for i in order:
            source = entries[i].source
            if source.kind != "feed" or source.feed_id is None or entries[i].count <= 0:
                continue
            if source == self.source:
                continue
            unread = self.ctx.reader.articles(feed_id=source.feed_id, unread_only=True, limit=1)
            if not unread:
                continue
            article = unread[0]
            self.show_source(source, keep_id=article.id)
            self.open_article(article)
            self.notify(f"Next unread feed: {safe(source.label)[:200]}", markup=False, timeout=3)
            return
        self.notify("No unread articles left.", markup=False)

    def action_next_article(self) -> None:
        self._step(1)

    def action_previous_article(self) -> None:
        self._step(-1)

    def action_next_unread(self) -> None:
        self._step(1, unread=True)

    def _replace(self, article: Article) -> None:
        self.articles.update_article(article)
        if self.current is not None and self.current.id == article.id:
            self.current = article

    def _set_read(self, article: Article, read: bool) -> None:
        if article.read == read:
            return
        self._replace(replace(article, read=read))
        self.feeds.adjust_unread(article.feed_id, -1 if read else 1)
        self.ctx.writer.submit(lambda r: r.set_read([article.id], read), "read state")

    def action_toggle_read(self) -> None:
        article = self._target("mark read or unread")
        if article is not None:
            self._set_read(article, not article.read)
            if self.focused is self.feeds:  # not the row under a cursor: say which
                state = "Unread" if article.read else "Read"
                self.notify(f"{state}: {safe(article.display_title)[:200]}", markup=False)

    def action_star(self) -> None:
        article = self._target("star")
        if article is None:
            return
        starred = not article.starred
        self._replace(replace(article, starred=starred))
        self.ctx.writer.submit(lambda r: r.set_starred(article.id, starred), "star")
        said = "Starred." if starred else "Unstarred."
        if self.focused is self.feeds:  # not the row under a cursor: say which
            said = f"{said[:-1]}: {safe(article.display_title)[:200]}"
        self.notify(said, markup=False)

    # -- enclosures: an article's podcast and video files ---------------------------------

    def _enclosure_lines(self) -> tuple[str, ...]:
        """A line each under the article's header, the first saying the key that opens them."""
        from tui_reader.ui.keys import BY_ACTION, effective_keys, key_label

        spec = BY_ACTION["enclosures"]
        key = key_label(effective_keys(spec, getattr(self.app, "keymap", {})))
        many = len(self.enclosures) > 1
        lines = [
            f"Enclosure {n}: {e.label}" if many else f"Enclosure: {e.label}"
            for n, e in enumerate(self.enclosures, 1)
        ]
        if lines:
            lines[0] += f" ({key}: open)"
        return tuple(lines)

    def action_enclosures(self) -> None:
        article = self._target("list the enclosures of")
        if article is None:
            return
        enclosures = self.ctx.reader.enclosures(article.id)
        if not enclosures:
            self.notify("This article has no enclosures (podcast or video files).", markup=False)
            return
        from tui_reader.ui.screens.enclosures import Chosen, EnclosuresScreen

        def chosen(choice: Chosen | None) -> None:
            if choice is None:
                return
            what, enclosure = choice
            if what == "copy":
                self.app.copy_to_clipboard(enclosure.url)  # checked http(s), cleaned
                self.notify(f"Copied {safe(enclosure.url)[:200]}", markup=False, timeout=3)
            else:
                self.open_url(enclosure.url)

        self.app.push_screen(EnclosuresScreen(enclosures), chosen)

    # -- links and the browser ------------------------------------------------------------

    def action_open_browser(self) -> None:
        article = self._target("open")
        if article is None:
            return
        if not article.url:
            self.notify("This article has no link.", markup=False)
            return
        self.open_url(article.url)

    def open_url(self, url: str) -> None:
        if not is_web_url(url):
            self.notify(
                f"Only http(s) links open in a browser; not {safe(url)[:200]}",
                severity="warning",
                markup=False,
            )
            return
        self._open_url(url)

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        from tui_reader.ui.browser import NotAWebLink, open_in_browser

        try:
            open_in_browser(url)
        except (NotAWebLink, OSError) as exc:
            self.app.call_from_thread(self._warn, f"Could not open a browser: {exc}")
            return
        self.app.call_from_thread(self.notify, f"Opened {safe(url)[:200]}", markup=False, timeout=3)

    def action_copy_link(self) -> None:
        """Copy the article's link, whatever its scheme (copying runs nothing), as clean text:
        no control, bidi or invisible character reaches the clipboard."""
        article = self._target("copy the link of")
        if article is None:
            return
        link = safe(article.url)
        if not link:
            self.notify("This article has no link.", markup=False)
            return
        self.app.copy_to_clipboard(link)
        self.notify(f"Copied {link[:200]}", markup=False, timeout=3)

    def _warn(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False)

    # -- search and feed errors -----------------------------------------------------------

    def action_search(self) -> None:
        from tui_reader.ui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.ctx.reader), self._search_done)

    def _search_done(self, result: SearchResult | None) -> None:
        if result is None:
            return
        source = result.source
        self.source = source
        self.articles.border_title = Content(safe(source.label))
        self.articles.set_articles(source, result.articles, snippets=result.snippets)
        self.articles.move_cursor(result.chosen, announce=False)
        self.open_article(result.articles[result.chosen], find=result.query)
        self.pane.focus()

    def action_feed_errors(self) -> None:
        def chosen(feed_id: int | None) -> None:
            feed = self.feeds.feed(feed_id)
            if feed is not None:
                from tui_reader.ui.sources import feed_source

                self.show_source(feed_source(feed.id, feed.display_title), focus_list=True)

        from tui_reader.ui.screens.feed_errors import FeedErrorsScreen

        self.app.push_screen(FeedErrorsScreen(self.feeds.errors), chosen)

    # -- refresh --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.refreshing:
            self.notify("Already refreshing.", markup=False)
            return
        self._start_refresh(len(self.feeds.feeds), auto=False)

    def _start_refresh(self, total: int, *, auto: bool, feed_ids: list[int] | None = None) -> None:
        self.refreshing = True
        self._watch.pause(True)  # the refresh's end reloads the lists
        made = not self.query("#refresh-bar")
        label, bar = self._refresh_bar()
        bar.update(total=max(total, 1), progress=0)
        label.update(Content("Refreshing…"), layout=False)
        if made:  # its mount (styles, first render) and its show (a new layout): two frames
            self.call_after_refresh(self._show_refresh_bar, True)
        else:
            self._show_refresh_bar(True)
        self._refresh(auto, feed_ids)

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh(self, auto: bool = False, feed_ids: list[int] | None = None) -> None:
        shown = 0.0

        def progress(p: RefreshProgress) -> None:
            # The bar shows the latest state only: at most PROGRESS_EVERY apart (and the
            # last), so 500 feeds are not 500 waits for the loop and 500 redraws.
            nonlocal shown
            now = time.monotonic()
            if now - shown < self.PROGRESS_EVERY and p.done < p.total:
                return
            shown = now
            self.app.call_from_thread(self._refresh_progress, p)

        # In a child process (Reader.refresh_in_child): on a thread here, the refresh's work
        # held the interpreter lock away from the event loop for ~100 ms at a time.
        from tui_reader.reader import RefreshCancelled

        try:
            job = self.ctx.reader.refresh_in_child(
                feed_ids, only_due=auto, progress_every=self.PROGRESS_EVERY
            )
            self._refresh_job = job
            if self._unmounted:  # the screen went while the child started
                job.cancel()
            summary = job.wait(progress)
        except RefreshCancelled:
            return  # the app is quitting: nobody to tell
        except Exception as exc:
            self.app.call_from_thread(self._refresh_done, None, str(exc), auto)
            return
        finally:
            self._refresh_job = None
        self.app.call_from_thread(self._refresh_done, summary, "", auto)

    _refresh_job: RefreshJob | None = None  # the refresh running in its child process
    _unmounted = False

    def _cancel_refresh(self) -> None:
        """End a refresh's child process (the app quits): TERM, then KILL after a grace."""
        self._unmounted = True
        job = self._refresh_job
        if job is not None:
            job.cancel()

    PROGRESS_EVERY = 0.1  # seconds between two updates of the refresh bar

    # Automatic refresh ([refresh] auto): soon after start and then every minute, the feeds
    # the list already holds are looked at; those that are due are refreshed.
    AUTO_FIRST_CHECK = 2.0
    AUTO_CHECK_EVERY = 60.0

    def _start_auto_refresh(self) -> None:
        if self.ctx.config.refresh.auto or self.ctx.config.sync.auto:  # sync: Reader.refresh
            self.set_timer(self.AUTO_FIRST_CHECK, self._auto_check)
            self.set_interval(self.AUTO_CHECK_EVERY, self._auto_check)

    _feeds_known = False  # the feed list has been read once (an empty list is one too)

    def _auto_check(self) -> None:
        if self.refreshing:
            return
        if not self._feeds_known:  # the first check came before the list: look again soon
            self.set_timer(0.25, self._auto_check)
            return
        now = time.time()
        due = sum(1 for f in self.feeds.feeds if f.next_fetch is None or f.next_fetch <= now)
        if due:
            self._start_refresh(due, auto=True)

    def _refresh_progress(self, p: RefreshProgress) -> None:
        done = p.done
        total = p.total or None
        title = p.feed.display_title
        label, bar = self._refresh_bar()
        bar.update(total=total, progress=done)
        # The line's size is fixed (one row, the width left of the bar): a new text is a
        # repaint of it, not a layout of the whole screen (~15 ms at every update).
        label.update(
            Content.from_markup(
                "Refreshing $done/$total  $feed",
                done=str(done),
                total=str(total or "?"),
                feed=safe(title)[:60],
            ),
            layout=False,
        )

    def _refresh_done(self, summary: RefreshSummary | None, error: str, auto: bool = False) -> None:
        self.refreshing = False
        self._show_refresh_bar(False)
        self._watch.pause(False)
        if summary is None:
            self.notify(f"Refresh failed: {error}", severity="error", markup=False)
            self._watch.rebase()
            self._reload_all()  # the feeds stored before it failed are kept: show them
            return
        new = summary.new_articles
        failed = summary.failed
        for note in summary.notes[:3]:  # a sync's errors (no one feed's)
            self.notify(f"Sync: {note}", severity="warning", markup=False)
        if auto and not new and not failed:
            self.load_feeds()  # nothing to tell; the feeds' next fetch times did change
            return
        message = f"{new} new article{'s' if new != 1 else ''}."
        if failed:
            message += f" {len(failed)} feed{'s' if len(failed) != 1 else ''} failed: press E."
        severity: SeverityLevel = "warning" if failed else "information"
        self._watch.rebase()
        # Said with the rows: enter on the word opens one of them.
        self._reload_all(then=lambda: self.notify(message, severity=severity, markup=False))

    # -- whole lists and feeds: ListActions and FeedActions do the work -------------------

    def action_mark_list_read(self) -> None:
        self.lists.mark_list_read()

    def action_mark_all_read(self) -> None:
        self.lists.mark_all_read()

    def action_refresh_feed(self) -> None:
        self.lists.refresh_feed(self.current)

    def action_sort_list(self) -> None:
        self.lists.sort_list()

    def action_toggle_show_read(self) -> None:
        self.lists.toggle_show_read()

    def action_run_command(self, index: int) -> None:
        self.lists.run_command(index, self.pane.document, self.current)

    def action_add_feed(self) -> None:
        self.feed_actions.add_feed()

    def action_rename_feed(self) -> None:
        self.feed_actions.rename_feed()

    def action_move_feed(self) -> None:
        self.feed_actions.move_feed()

    def action_remove_feed(self) -> None:
        self.feed_actions.remove()

    def action_save_search(self) -> None:
        self.feed_actions.save_search()

    def on_read_changed(self, event: ReadChanged) -> None:
        ids = event.article_ids
        if self.current is not None and self.current.id in ids:
            self.current = replace(self.current, read=event.read)
        for article in self.articles.articles:
            if article.id in ids:
                self.articles.update_article(replace(article, read=event.read))
        self._reload_all()

    def on_lists_changed(self, event: ListsChanged) -> None:
        self.load_feeds()
        self.load_articles(self.source, keep_id=event.keep_id)

    def on_show_list(self, event: ShowList) -> None:
        self.show_source(event.source, focus_list=event.focus_list)

    def on_refresh_feeds(self, event: RefreshFeeds) -> None:
        if self.refreshing:
            self.notify("Already refreshing.", markup=False, timeout=4)
            return
        self._start_refresh(len(event.feed_ids), auto=False, feed_ids=event.feed_ids)

    # -- continuity: other processes' writes, and the session to come back to -------------

    def _store_changed(self, seen: Snapshot) -> None:
        """Another connection committed (ui/watch.py): reload the lists if what they show
        changed. The app's own writes are shown already, so they reload nothing."""
        if self.refreshing or not self.is_mounted or self._watch.stopped:
            # The refresh reloads everything when it ends; a screen being torn down (the
            # watcher's call may arrive after unmount began) has no lists to reload.
            return
        try:
            shown = self.feeds.feeds
        except NoMatches:
            return  # the app is closing: its widgets are going
        if seen.feeds == shown and not seen.new_articles:
            return
        self._feeds_loaded(seen.feeds)
        if self.source.kind != "search":
            row = self.articles.current
            self.load_articles(self.source, keep_id=row.id if row is not None else None)

    def on_unmount(self) -> None:
        self._watch.stop()
        self._cancel_refresh()

    def _restore_lists(self, session: Session) -> None:
        """Show the list, and open the article, the last session left (see ui/session.py)."""
        self.load_feeds()
        if session.article is not None:
            self.load_articles(self.source, keep_id=session.article, open_it=True)
            if not session.reading:
                self.call_after_refresh(self.articles.focus)
        else:
            self.load_articles(self.source, keep_id=session.highlighted)

    def _restore_position(self, event: DocumentShown) -> None:
        """Put the reading position back where the last session left it, in the article it
        left open, or where this session left an article opened again (n then p: it came
        back at its top). Once its full text is on show; a position past the text is not
        used."""
        session = self.session
        loading = self.query_one("#reader").has_class("-loading")
        if session is not None and event.article_id == session.article:
            where = (session.top, session.gap, session.cursor)
            if not loading:
                self.session = None  # placed for good: later documents are the user's
        elif event.article_id in self._places:
            where = self._places[event.article_id]
            if not loading:
                del self._places[event.article_id]
        else:
            return
        text = event.document.text
        top, gap, cursor = where

        def place() -> None:
            if cursor is not None and cursor < len(text):
                self.pane.set_cursor(cursor, scroll=False)
            if top is not None and top < len(text):
                y = max(0, self.pane.line_of_offset(top) - gap)
                self.pane.scroll_to(y=y, animate=False)

        self.call_after_refresh(place)

    def _remember_place(self) -> None:
        """Where the article on show is read, kept for this session (see _restore_position)."""
        from tui_reader.ui.session import capture

        now = capture(self)
        if now.article is not None and (now.top or now.cursor):
            self._places.pop(now.article, None)
            self._places[now.article] = (now.top, now.gap, now.cursor)
            while len(self._places) > PLACES_KEPT:
                del self._places[next(iter(self._places))]  # (the oldest)

    def save_session(self) -> None:
        """Write where the screen is now, if that changed (on a timer, and when quitting)."""
        if self.session is not None and self.current is None:
            return  # still coming back: nothing to overwrite the saved place with yet
        now = capture(self)
        text = now.to_json()
        if text != self._saved_session:
            write_session(self.ctx.reader.database, now)
            self._saved_session = text
