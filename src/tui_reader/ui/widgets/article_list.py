"""The article list: title, feed, date and read/star marks, two lines per article.

Rows arrive a page at a time (see :class:`tui_reader.ui.sources.ListSource`); when the cursor
or the view nears the last loaded row the list reads the next page itself, through the Reader
it was given, in a thread worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual import work

from tui_reader.listview import DEFAULT, ListView
from tui_reader.models import Article
from tui_reader.reader import Reader
from tui_reader.timestamps import format_local
from tui_reader.ui.render import cells, safe
from tui_reader.ui.sources import NEXT_PAGE, ListSource
from tui_reader.ui.widgets.rows import RowList, changed_rows, fit


def format_date(timestamp: float | None) -> str:
    """A short, fixed-width-ish date: "3 Mar 2024"."""
    if not timestamp:
        return ""
    return format_local(timestamp, "%-d %b %Y")


class ArticleList(RowList):
    row_height = 2
    empty_text = "No articles here."

    def __init__(
        self, *, reader: Reader | None = None, snippets: bool = False, id: str | None = None
    ) -> None:
        """``reader``: where the next pages come from (None: the list is given whole)."""
        super().__init__(id=id)
        self.reader = reader
        self.source: ListSource | None = None
        self.view: ListView = DEFAULT  # the list's order and read filter (its next pages too)
        self.articles: list[Article] = []
        self.snippets: dict[int, str] = {}
        self.has_more = False
        self.loading_more = False
        self.open_id: int | None = None  # the article in the reading pane
        if snippets:
            self.row_height = 3

    # -- data -----------------------------------------------------------------------------

    def set_articles(
        self,
        source: ListSource,
        articles: Sequence[Article],
        *,
        has_more: bool = False,
        keep_id: int | None = None,
        snippets: dict[int, str] | None = None,
        view: ListView = DEFAULT,
    ) -> None:
        """Show a new list (read in ``view``'s order: its next pages are too); the cursor goes
        to ``keep_id`` if it is in it; else, the same list read again, to the row that took
        its place (the article it was on went: hidden once read), else the top."""
        same = self.source == source
        old = self.articles
        new_snippets = dict(snippets or {})
        same_snippets = new_snippets == self.snippets
        self.source = source
        self.view = view
        self.articles = list(articles)
        self.snippets = new_snippets
        self.has_more = has_more
        self.loading_more = False
        cursor = 0
        found = self.index_of(keep_id) if keep_id is not None else -1
        if found >= 0:
            cursor = found
        elif same:
            cursor = max(0, min(self.cursor, len(self.articles) - 1))
        if not same:
            self.scroll_to(y=0, animate=False)
        if same and same_snippets:  # the same list read again: redraw what changed in it
            self.rows_updated(changed_rows(old, self.articles), cursor)
        else:
            self.rows_changed(cursor)
        self.scroll_to_row(self.cursor)

    def append(self, articles: Sequence[Article], *, has_more: bool) -> None:
        known = {a.id for a in self.articles}
        self.articles.extend(a for a in articles if a.id not in known)
        self.has_more = has_more
        self.loading_more = False
        self.rows_changed()

    def index_of(self, article_id: int) -> int:
        for i, article in enumerate(self.articles):
            if article.id == article_id:
                return i
        return -1

    def update_article(self, article: Article) -> None:
        """Redraw one article after its read or starred state changed."""
        i = self.index_of(article.id)
        if i >= 0:
            self.articles[i] = article
            self.refresh_row(i)

    @property
    def current(self) -> Article | None:
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor]
        return None

    def set_open(self, article_id: int | None) -> None:
        old = self.index_of(self.open_id) if self.open_id is not None else -1
        self.open_id = article_id
        if old >= 0:
            self.refresh_row(old)
        new = self.index_of(article_id) if article_id is not None else -1
        if new >= 0:
            self.refresh_row(new)

    def row_count(self) -> int:
        return len(self.articles)

    def near_end(self) -> None:
        if self.has_more and not self.loading_more and self.source is not None:
            if self.reader is None:
                return
            self.loading_more = True
            self._load_more(self.reader, self.source, len(self.articles), self.view)

    @work(thread=True, group="more")
    def _load_more(self, reader: Reader, source: ListSource, offset: int, view: ListView) -> None:
        rows = source.fetch(reader, NEXT_PAGE + 1, offset, view)
        self.app.call_from_thread(self._more_loaded, source, rows, offset)

    def _more_loaded(self, source: ListSource, rows: list[Article], offset: int) -> None:
        if self.source != source or len(self.articles) != offset:
            self.loading_more = False  # another list came meanwhile
            return
        self.append(rows[:NEXT_PAGE], has_more=len(rows) > NEXT_PAGE)

    # -- drawing --------------------------------------------------------------------------

    def render_row(self, index: int, line: int, width: int, style: Style) -> list[Segment]:
        article = self.articles[index]
        if line == 0:
            mark = "●" if not article.read else " "
            star = "★" if article.starred else " "
            opened = article.id == self.open_id
            title_style = style + (self.style("strong") if not article.read else self.style("dim"))
            if opened:
                title_style += self.style("accent")
            return [
                Segment(mark, style + self.style("accent")),
                Segment(star, style + self.style("accent")),
                Segment(" ", style),
                Segment(fit(safe(article.display_title), width - 3), title_style),
            ]
        if line == 1:
            date = format_date(article.published or article.added)
            source = safe(article.source_title) or ("Saved" if article.feed_id is None else "")
            source = fit(source, width - 3 - (cells(date) + 2 if date else 0))
            pad = max(1, width - 3 - cells(source) - cells(date))
            dim = style + self.style("dim")
            return [
                Segment("   ", style),
                Segment(source, dim),
                Segment(" " * pad, style),
                Segment(date, dim),
            ]
        snippet = safe(self.snippets.get(article.id, ""))
        return [Segment("   ", style), Segment(fit(snippet, width - 3), style + self.style("dim"))]
