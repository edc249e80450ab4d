"""Every highlight of every article (``H``, and "All highlights" in the palette), newest first,
filtered by words (full-text search over quotes, notes and tags), tag, colour, feed and date.
Choosing one returns where it is, and the main screen opens the article there.

Queries run in a thread worker, through the Reader, as the user types.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui_reader.config import HighlightColor
from tui_reader.models import POSITION_ONLY_LABEL, Article, Highlight
from tui_reader.reader import Reader
from tui_reader.timestamps import format_local
from tui_reader.ui.highlight_colors import color_name, resolve, swatch_style
from tui_reader.ui.render import safe
from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.styles import screen_styles
from tui_reader.ui.widgets.highlight_list import QUOTE_CHARS, SWATCH, note_preview, shorten
from tui_reader.ui.widgets.keyed import KeyedOptionList

LIMIT = 500
_DAYS = re.compile(r"^(\d{1,5})\s*d$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class HighlightTarget:
    """Where a chosen highlight is: its article and its offset (None if unanchored)."""

    article_id: int
    highlight_id: str
    offset: int | None


@dataclass(frozen=True)
class Filters:
    query: str = ""
    tag: str | None = None
    color: str | None = None
    feed_id: int | None = None
    since: float | None = None
    until: float | None = None


def parse_when(text: str, *, end_of_day: bool = False, now: float | None = None) -> float | None:
    """A time from ``YYYY-MM-DD`` (local midnight; with ``end_of_day``, the next one),
    ``today``, ``yesterday``, ``7d`` (days ago) or an ISO date-time; None for blank text.
    ValueError with a one-line message otherwise."""
    raw = text.strip().lower()
    if not raw:
        return None
    midnight = datetime.fromtimestamp(time.time() if now is None else now).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    extra = timedelta(days=1) if end_of_day else timedelta(0)
    m = _DAYS.match(raw)
    try:
        if m:
            return (midnight - timedelta(days=int(m.group(1))) + extra).timestamp()
        if raw in ("today", "yesterday"):
            return (midnight - timedelta(days=raw == "yesterday") + extra).timestamp()
        when = datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
        if _DAY.match(raw):
            when += extra
        return when.timestamp()
    except (ValueError, OverflowError, OSError):  # not a date, or one no calendar holds
        raise ValueError(
            f"cannot read {safe(text)[:40]!r} as a date (YYYY-MM-DD, today, 7d)"
        ) from None


def result_content(
    h: Highlight, article: Article | None, colors: tuple[HighlightColor, ...]
) -> Content:
    """One result: the article's title, then colour, tags and date, the quote and the note."""
    title = safe(article.display_title) if article is not None else "(article gone)"
    source = safe(article.source_title) if article is not None else ""
    when = format_local(h.created, "%Y-%m-%d", "date unknown")
    tags = " ".join("#" + safe(t) for t in h.tags)
    parts = [Content.styled(title, "bold")]
    if source:
        parts += [Content("  "), Content.styled(source, "$text-muted")]
    parts += [
        Content("\n"),
        Content.styled(SWATCH + " ", swatch_style(resolve(h.color, colors))),
        Content.styled(safe(color_name(h.color, colors)), "$text-muted"),
        Content("  "),
        Content.styled(when, "$text-muted"),
    ]
    if tags:
        parts += [Content("  "), Content.styled(tags, "$text-accent")]
    if h.position_only:  # imported with only a position: no quote until it is placed
        parts += [Content("\n"), Content.styled(POSITION_ONLY_LABEL, "italic $text-warning")]
    else:
        if not h.anchored:
            parts += [
                Content("  "),
                Content.styled("(not found in the current text)", "$text-warning"),
            ]
        parts.append(Content("\n“" + shorten(h.quote, QUOTE_CHARS * 2) + "”"))
    preview = note_preview(h.note, 160)
    if preview:
        parts += [Content("\n"), Content.styled("✎ " + preview, "italic $text-muted")]
    return Content("").join(parts)


class AllHighlightsScreen(Dialog[HighlightTarget | None]):
    CSS_PATH = screen_styles("notes.tcss")
    # Narrow terminals: the five filters two a row (in one row they got 7 columns each, their
    # placeholders drawn a letter a line).
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it an instance variable)
        (0, "-narrow"),
        (90, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="close_all_highlights"),
    ]
    DEBOUNCE = 0.15

    def __init__(self, reader: Reader, colors: tuple[HighlightColor, ...]) -> None:
        super().__init__()
        self.reader = reader
        self.highlight_colors = colors
        self.results: list[Highlight] = []
        self.articles: dict[int, Article] = {}
        self.filters = Filters()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="all-box") as box:
            box.border_title = "All highlights"
            box.border_subtitle = "enter: open the article there · tab: next filter · esc: close"
            yield Input(placeholder="words in quotes, notes or tags", id="all-query")
            with Horizontal(id="all-filters"):
                yield Select[str]([], prompt="any tag", id="all-tag")
                yield Select[str](
                    [(Content(c.name), c.name) for c in self.highlight_colors],
                    prompt="any colour",
                    id="all-color",
                )
                yield Select[int]([], prompt="any feed", id="all-feed")
                yield Input(placeholder="since: 7d or a date", id="all-since")
                yield Input(placeholder="until: a date", id="all-until")
            yield Static(Content(""), id="all-status")
            yield KeyedOptionList(id="all-results", markup=False)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#all-results", OptionList)

    def on_mount(self) -> None:
        self.query_one("#all-query", Input).focus()
        self._load_choices()
        self.run_query(Filters())

    @work(thread=True, group="all-choices")
    def _load_choices(self) -> None:
        tags = self.reader.highlight_tags()
        feeds = [(f.display_title, f.id) for f in self.reader.feeds()]
        self.app.call_from_thread(self._choices_loaded, tags, feeds)

    def _choices_loaded(self, tags: list[tuple[str, int]], feeds: list[tuple[str, int]]) -> None:
        self.query_one("#all-tag", Select).set_options(
            (Content(f"#{safe(t)} ({n})"), t) for t, n in tags
        )
        self.query_one("#all-feed", Select).set_options(
            (Content(safe(title)), feed_id) for title, feed_id in feeds
        )

    # -- filters ------------------------------------------------------------------------------

    def _read_filters(self) -> Filters | str:
        """The filters as set now, or a message saying what cannot be read."""
        tag = self.query_one("#all-tag", Select).value
        color = self.query_one("#all-color", Select).value
        feed = self.query_one("#all-feed", Select).value
        try:
            since = parse_when(self.query_one("#all-since", Input).value)
            until = parse_when(self.query_one("#all-until", Input).value, end_of_day=True)
        except ValueError as exc:
            return str(exc)
        return Filters(
            query=self.query_one("#all-query", Input).value.strip(),
            tag=tag if isinstance(tag, str) else None,
            color=color if isinstance(color, str) else None,
            feed_id=feed if isinstance(feed, int) else None,
            since=since,
            until=until,
        )

    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE, self._apply)

    def _apply(self) -> None:
        filters = self._read_filters()
        if isinstance(filters, str):
            self.query_one("#all-status", Static).update(Content(filters))
            return
        self.run_query(filters)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._apply()
        if self.results:
            self.option_list.focus()

    # -- results ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="all-query")
    def run_query(self, filters: Filters) -> None:
        error = ""
        found: list[Highlight] = []
        articles: dict[int, Article] = {}
        try:
            reader = self.reader
            found = reader.all_highlights(
                filters.query,
                filters.tag,
                filters.color,
                filters.feed_id,
                filters.since,
                filters.until,
            )[: LIMIT + 1]
            for h in found[:LIMIT]:
                if h.article_id not in articles:
                    article = reader.article(h.article_id)
                    if article is not None:
                        articles[h.article_id] = article
        except Exception as exc:
            error = f"Could not read the highlights: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, filters, found, articles, error)

    def _show(
        self,
        filters: Filters,
        found: list[Highlight],
        articles: dict[int, Article],
        error: str,
    ) -> None:
        self.filters = filters
        self.results = found[:LIMIT]
        self.articles = articles
        status = self.query_one("#all-status", Static)
        n = len(self.results)
        if error:
            status.update(Content(error))
        elif n == 0:
            status.update(Content("No highlights match." if _any(filters) else "No highlights."))
        else:
            more = f" (the newest {LIMIT})" if len(found) > LIMIT else ""
            status.update(Content(f"{n} highlight{'s' if n != 1 else ''}{more}"))
        options: list[Option | None] = []
        for i, h in enumerate(self.results):
            if i:
                options.append(None)
            options.append(
                Option(
                    result_content(h, articles.get(h.article_id), self.highlight_colors), id=h.id
                )
            )
        self.option_list.set_options(options)
        if self.results:
            self.option_list.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        h = next((x for x in self.results if x.id == event.option.id), None)
        if h is not None:
            self.dismiss(HighlightTarget(h.article_id, h.id, h.start))


def _any(filters: Filters) -> bool:
    return filters != Filters()
