"""Search (``/``): full text over titles and bodies; results as an article list.

Typing searches as you go (in a thread worker, through the Reader); enter in the box goes to the
results; enter on a result closes the dialog and the main screen shows the results with that
article open at its first match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui_reader.models import Article, SearchHit
from tui_reader.reader import Reader
from tui_reader.sanitize import clean_line
from tui_reader.ui.messages import RowSelected
from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.sources import SEARCH_LIMIT, ListSource, search_source
from tui_reader.ui.styles import screen_styles
from tui_reader.ui.widgets.article_list import ArticleList


@dataclass(frozen=True)
class SearchResult:
    query: str
    articles: tuple[Article, ...]
    chosen: int  # index in articles
    snippets: dict[int, str]

    @property
    def source(self) -> ListSource:
        return search_source(self.query)


class SearchScreen(Dialog[SearchResult | None]):
    CSS_PATH = screen_styles("dialogs.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="close_search")
    ]
    DEBOUNCE = 0.15

    def __init__(self, reader: Reader, query: str = "") -> None:
        super().__init__()
        self.reader = reader
        self.initial = query
        self.hits: list[SearchHit] = []
        self.query_text = ""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box") as box:
            box.border_title = "Search"
            box.border_subtitle = "enter: results · esc: close"
            yield Input(value=self.initial, placeholder='words, or a "quoted phrase"')
            yield Static(Content(""), id="search-status")
            yield ArticleList(snippets=True, id="search-results")

    def on_mount(self) -> None:
        if self.initial:
            self.run_search(self.initial)

    @property
    def results(self) -> ArticleList:
        return self.query_one("#search-results", ArticleList)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        query = event.value
        self._timer = self.set_timer(self.DEBOUNCE, lambda: self.run_search(query))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        if event.value.strip() != self.query_text:
            self.run_search(event.value, then_focus=True)
        elif self.hits:
            self.results.focus()

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, then_focus: bool = False) -> None:
        query = query.strip()
        hits: list[SearchHit] = []
        error = ""
        if query:
            try:
                hits = self.reader.search(query, limit=SEARCH_LIMIT)
            except Exception as exc:
                error = f"Search failed: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, hits, error, then_focus)

    def _show(self, query: str, hits: list[SearchHit], error: str, then_focus: bool) -> None:
        self.query_text = query
        self.hits = hits
        status = self.query_one("#search-status", Static)
        if error:
            status.update(Content(error))
        elif not query:
            status.update(Content(""))
        else:
            n = len(hits)
            more = "+" if n >= SEARCH_LIMIT else ""
            status.update(
                Content.from_markup(
                    "$n$more result$s for “$query”",
                    n=str(n),
                    more=more,
                    s="" if n == 1 else "s",
                    query=clean_line(query),
                )
            )
        self.results.set_articles(
            search_source(query),
            [h.article for h in hits],
            snippets={h.article.id: h.snippet for h in hits},
        )
        if then_focus and hits:
            self.results.focus()

    def on_row_selected(self, event: RowSelected) -> None:
        event.stop()
        if not self.hits:
            return
        self.dismiss(
            SearchResult(
                self.query_text,
                tuple(h.article for h in self.hits),
                event.index,
                {h.article.id: h.snippet for h in self.hits},
            )
        )
