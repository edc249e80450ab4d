"""The reading pane: a Line-API widget that draws a :class:`Document` wrapped at a measure.

Every drawn character knows its offset in ``Document.text`` (see :mod:`tui_reader.ui.render`),
so the pane can paint ranges of the text (highlights, search matches, a selection, the reading
cursor) and turn a mouse position into an offset. Lines are turned into strips only when shown,
kept in an LRU cache keyed by everything that changes a drawn line (as toolong's log lines
are): its index, the width, the layout, the styles' version and the painted ranges over it.
Nothing is invalidated by hand: a moved cursor or a new highlight changes the key of the lines
it touches, and only those are drawn again.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.timer import Timer

from tui_reader.document import Document
from tui_reader.ui.keys import bindings
from tui_reader.ui.messages import CursorMoved, DocumentShown, FollowLink, ViewImage
from tui_reader.ui.render import (
    FLAG_NAMES,
    Header,
    Line,
    Rendered,
    cells,
    header_for,
    render_document,
)
from tui_reader.ui.widgets.inline_images import InlineImages
from tui_reader.ui.widgets.styling import LazyComponentStyles, component_style

if TYPE_CHECKING:
    from tui_reader.ui.selection import TextSelection, TextUnits

# Sentences and selections (tui_reader.ui.selection, .textunits) are imported with the first
# document or key that needs them: the first screen's pane is empty.

LayerItem = tuple[int, int, "str | Style"]

MIN_WIDTH = 20
_SELECTING = frozenset({"extend_selection", "extend_selection_line", "swap_selection_ends"})
PLACEHOLDER = "Choose an article and press enter to read it here."
STRIP_CACHE = 2000  # drawn lines kept (a few screens' worth, at every width seen lately)
# Laying out: the first screens at once, the rest a slice at a time when the loop is idle
# (see _lay_out_rest), so a long article shows as soon as its first screen is laid out.
FIRST_SCREENS = 2  # screens' worth of lines laid out when a document is shown
LAYOUT_SLICE = 0.004  # seconds of laying out per idle step
LAYOUT_EVERY = 0.02  # seconds between idle steps

# What a drawn line depends on: (line index, width, layout version, styles version, marks).
StripKey = tuple[int, int, int, int, tuple[tuple[int, int, Style], ...]]


@dataclass
class _Layer:
    items: list[tuple[int, int, Style]]
    starts: list[int]
    longest: int


def _layer(items: Iterable[tuple[int, int, str | Style]]) -> _Layer:
    parsed: list[tuple[int, int, Style]] = []
    for start, end, style in items:
        if end <= start:
            continue
        parsed.append((start, end, style if isinstance(style, Style) else _parse_style(style)))
    parsed.sort(key=lambda item: (item[0], item[1]))
    longest = max((e - s for s, e, _ in parsed), default=0)
    return _Layer(parsed, [s for s, _, _ in parsed], longest)


_STYLE_CACHE: dict[str, Style] = {}


def _parse_style(text: str) -> Style:
    style = _STYLE_CACHE.get(text)
    if style is None:
        try:
            style = Style.parse(text)
        except Exception:  # a bad colour name from the config: draw it plainly
            style = Style(reverse=True)
        _STYLE_CACHE[text] = style
    return style


class ReadingPane(LazyComponentStyles, ScrollView, can_focus=True):
    """The article, wrapped at ``measure`` columns and centred.

    Coordinates: *offsets* index ``document.text``; *lines* index the laid-out lines (the
    virtual canvas, 0 at the top of the article); *content* x/y are relative to the pane's
    content region (``event.get_content_offset(pane)``).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"reading-pane--{name}" for _, name in FLAG_NAMES),
        "reading-pane--cursor",
        "reading-pane--selection",
        "reading-pane--match",
    }

    BINDINGS: ClassVar[list[BindingType]] = bindings("pane")

    def __init__(
        self, *, measure: int = 80, name: str | None = None, id: str | None = None
    ) -> None:
        super().__init__(name=name, id=id)
        self.measure = max(measure, MIN_WIDTH)
        self.document: Document | None = None
        self.article_id: int | None = None
        self.header = Header()
        self.notice: tuple[str, ...] = ()
        self._rendered: Rendered | None = None
        self._layout_timer: Timer | None = None  # lays out the rest of a long document
        self._strips: LRUCache[StripKey, Strip] = LRUCache(STRIP_CACHE)
        self._layout_version = 0  # a new layout (document, width, measure)
        self._style_version = 0  # new styles (a theme, a CSS change)
        self._flag_styles: dict[int, Style] = {}
        self._base_style: Style | None = None  # rich_style (walks the ancestors): kept
        self._components: dict[str, Style] = {}
        self._layers: dict[str, _Layer] = {}
        self._selection: tuple[int, int] | None = None  # painted keyboard selection
        self._pointer_line_end: int | None = None  # end of the text line under the pointer
        self._keyboard: TextSelection | None = None  # the keyboard selection (v, w, b...)
        self._units: TextUnits | None = None
        self._sentence_list: list[tuple[int, int]] | None = []  # None: not split yet
        self._first_sentence: tuple[int, int] | None = None
        self._cursor = -1
        self._moving_cursor = False
        self.inline_images = InlineImages(self)  # pictures in place of [image: alt] lines

    # -- showing a document ---------------------------------------------------------------

    def show_document(
        self,
        document: Document,
        *,
        article_id: int | None = None,
        header: Header | None = None,
        notice: Sequence[str] = (),
        keep_position: bool = False,
    ) -> None:
        """Show ``document``. ``header`` replaces its own title/byline line; ``notice`` lines
        (an error and what to do; by default the document's own ``notice``) are boxed above
        the text. ``keep_position`` keeps the cursor
        and scroll where they are when the same article is shown again (e.g. its full text
        replacing its summary keeps the cursor's offset if it still exists)."""
        same = keep_position and article_id is not None and article_id == self.article_id
        old_cursor = self.cursor_range
        self.document = document
        self.article_id = article_id
        self.header = header if header is not None else header_for(document)
        self.notice = tuple(notice) or ((document.notice,) if document.notice else ())
        self._layers.clear()
        self._selection = None
        self._keyboard = None
        self._units = None
        from tui_reader.ui.textunits import first_sentence

        # The first sentence now (the cursor starts on it); all of them when first needed.
        self._sentence_list = None
        self._first_sentence = first_sentence(document)
        self._cursor = 0 if self._first_sentence is not None else -1
        self._rendered = None
        if self.text_selection is not None:
            self.screen.clear_selection()
        self._layout_now()
        if same and old_cursor is not None and old_cursor[0] < len(document.text):
            self.set_cursor(old_cursor[0])
        else:
            self.scroll_to(y=0, animate=False)
        self.post_message(DocumentShown(self, article_id, document))
        self.refresh()

    def clear(self) -> None:
        """Show nothing."""
        self.show_document(Document(), header=Header())

    @property
    def rendered(self) -> Rendered | None:
        """The current layout (None before the pane has a size)."""
        return self._rendered

    @property
    def text_width(self) -> int:
        """Columns of text per line at the current size."""
        return self._text_width(self.scrollable_content_region.width)

    def _text_width(self, region_width: int) -> int:
        width = region_width or self.size.width
        return max(MIN_WIDTH, min(self.measure, width - 2))

    @property
    def _margin(self) -> int:
        width = self.scrollable_content_region.width
        return max(0, (width - self._text_width(width)) // 2)

    def set_measure(self, measure: int) -> None:
        self.measure = max(measure, MIN_WIDTH)
        self._relayout()

    def _layout_now(self) -> None:
        """Lay the document out for the current width (if the pane has a size yet)."""
        if not self.scrollable_content_region.width:
            self._rendered = None
            self.virtual_size = Size(0, 0)
            return
        if self.document is None:
            self._rendered = render_document(Document(), self.text_width, Header(meta=PLACEHOLDER))
        else:
            first = FIRST_SCREENS * max(self.scrollable_content_region.height, 24)
            self._rendered = render_document(
                self.document,
                self.text_width,
                self.header,
                self.notice,
                self.inline_images.picture_rows,
                first=first,
            )
        self._layout_version += 1
        self._size_to_layout()
        if not self._rendered.complete and self._layout_timer is None:
            self._layout_timer = self.set_interval(LAYOUT_EVERY, self._lay_out_rest)

    def _size_to_layout(self) -> None:
        """The scrollable size: the layout's lines (an estimate until it is complete)."""
        rendered = self._rendered
        if rendered is not None:
            size = Size(self.scrollable_content_region.width, rendered.line_count)
            if size != self.virtual_size:
                self.virtual_size = size

    def _lay_out_rest(self) -> None:
        """An idle step: lay out some more of the document, the sentences once it is all."""
        rendered = self._rendered
        if rendered is not None and not rendered.complete:
            rendered.lay_out_some(LAYOUT_SLICE)
            self._size_to_layout()
            return
        if self._layout_timer is not None:
            self._layout_timer.stop()
            self._layout_timer = None
        _ = self._sentences  # ahead of the first key that needs them

    def finish_layout(self) -> None:
        """Lay out the whole document now (its exact length is needed)."""
        if self._rendered is not None and not self._rendered.complete:
            self._rendered.finish()
            self._size_to_layout()

    def _relayout(self) -> None:
        """Lay out again (new width or measure), keeping the top line's text in view."""
        top = self._top_offset() if self.scroll_offset.y > 0 else None
        self._layout_now()
        if top is not None and self._rendered is not None:
            self.scroll_to(y=self._rendered.line_of_offset(top), animate=False)
        self.refresh()

    def _top_offset(self) -> int | None:
        rendered = self._rendered
        if rendered is None:
            return None
        first = int(self.scroll_offset.y)
        for index in range(first, first + max(self.size.height, 1)):
            line = rendered.line(index)
            if line is not None and line.start >= 0:
                return line.start
        return None

    def on_resize(self, event: events.Resize) -> None:
        rendered = self._rendered
        if rendered is None or rendered.width != self.text_width:
            self._relayout()
        else:
            self._size_to_layout()

    def _check_layout(self, width: int | None = None) -> None:
        """Lay out again if the width changed. Textual does not always send a Resize when a
        neighbour appears or goes (the sidebar), so drawing and mapping check for themselves.
        ``width``: the content region's, when the caller has it."""
        rendered = self._rendered
        if width is None:
            width = self.scrollable_content_region.width
        if not width:
            return
        if rendered is None or rendered.width != self._text_width(width):
            self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._flag_styles.clear()
        self._components.clear()
        self._style_version += 1

    # -- mapping between offsets, lines and the screen ------------------------------------

    def line_of_offset(self, offset: int) -> int:
        """The line (0 = top of the article) that shows ``offset`` of ``document.text``."""
        self._check_layout()
        rendered = self._rendered
        if rendered is None:
            return 0
        laid = rendered.laid_out
        line = rendered.line_of_offset(offset)
        if rendered.laid_out != laid:  # laid out further: the scrollable height is better known
            self._size_to_layout()
        return line

    def offset_at(self, x: int, y: int) -> int | None:
        """The text offset under content-region position (x, y) — e.g. from
        ``event.get_content_offset(pane)`` — or the nearest one on that line; None if that
        line shows no text (a title, a blank line)."""
        self._check_layout()
        if self._rendered is None:
            return None
        line = int(self.scroll_offset.y) + y
        return self._rendered.offset_at(line, x - self._margin)

    def scroll_to_offset(self, offset: int, *, center: bool = True, animate: bool = False) -> None:
        """Scroll so that the line showing ``offset`` is in view (centred by default)."""
        line = self.line_of_offset(offset)
        self._scroll_to_line(line, center=center, animate=animate)

    def _scroll_to_line(
        self, line: int, *, last: int | None = None, center: bool = False, animate: bool = False
    ) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_offset.y)
        last = line if last is None else last
        if center:
            target = line - height // 3
        elif line < top:
            target = line - 1
        elif last >= top + height:
            target = min(line - 1, last - height + 2)
        else:
            return
        self.scroll_to(y=max(0, target), animate=animate)

    def visible_lines(self) -> tuple[int, int]:
        """First line shown and the line after the last one shown."""
        top = int(self.scroll_offset.y)
        return top, top + self.scrollable_content_region.height

    # -- layers: highlights, search matches, selection ------------------------------------

    def set_layer(self, name: str, items: Iterable[tuple[int, int, str | Style]]) -> None:
        """Paint ranges of the text: ``items`` are (start, end, style) with a Rich style or a
        style string ("on yellow", "bold red on #333333"). Layers are painted in the order
        they were first set; setting one again replaces its items."""
        self._layers[name] = _layer(items)
        self.refresh()

    def clear_layer(self, name: str) -> None:
        if self._layers.pop(name, None) is not None:
            self.refresh()

    def set_highlights(self, items: Iterable[tuple[int, int, str | Style]]) -> None:
        """The article's highlights, as (start, end, style)."""
        self.set_layer("highlights", items)

    def set_matches(self, spans: Iterable[tuple[int, int]]) -> None:
        """Search matches, painted with the ``reading-pane--match`` style."""
        style = self._component("match")
        self.set_layer("matches", ((s, e, style) for s, e in spans))

    def set_selection(self, span: tuple[int, int] | None) -> None:
        """A keyboard selection (start, end), painted like a mouse selection; None clears."""
        if span is not None and span[1] <= span[0]:
            span = None
        self._selection = span
        self.refresh()

    @property
    def selection_range(self) -> tuple[int, int] | None:
        """What is selected: the keyboard selection, else the mouse selection, as offsets."""
        if self._selection is not None:
            return self._selection
        return self._mouse_selection()

    def _mouse_selection(self) -> tuple[int, int] | None:
        selection = self.text_selection
        if selection is None or self.document is None:
            return None
        length = len(self.document.text)
        start = selection.start.x if selection.start is not None else 0
        # A drag that ends off the text (on the scrollbar, the footer) has no end: it ran to
        # the end of the article (a highlight of thousands of characters). It ends at the end
        # of the last line the pointer was on.
        end = (
            selection.end.x
            if selection.end is not None
            else self._pointer_line_end
            if self._pointer_line_end is not None
            else length
        )
        start, end = max(0, min(start, length)), max(0, min(end, length))
        return (start, end) if end > start else None

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text (for copying), straight from the document."""
        span = self._mouse_selection()
        if span is None or self.document is None:
            return None
        return self.document.text[span[0] : span[1]], "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        if selection is not None and self._keyboard is not None:
            # A mouse selection replaces the keyboard's.
            self._keyboard = None
            self._selection = None
        self.refresh()
        self.refresh_bindings()

    # -- the keyboard selection (v, then w/b, )/(, }/{, arrows) ---------------------------

    @property
    def keyboard_selection(self) -> TextSelection | None:
        return self._keyboard

    @property
    def units(self) -> TextUnits:
        """Words, sentences and paragraphs of the document on show."""
        if self._units is None:
            from tui_reader.ui.selection import TextUnits

            self._units = TextUnits.of(self.document or Document(), self._sentences)
        return self._units

    def select(self, selection: TextSelection | None) -> None:
        """Set (or with None, drop) the keyboard selection, keeping its moving end in view."""
        self._keyboard = selection
        self.set_selection(selection.span if selection is not None else None)
        if selection is not None:
            line = self.line_of_offset(selection.head)
            self._moving_cursor = True
            try:
                self._scroll_to_line(line)
            finally:
                self._moving_cursor = False
        self.refresh_bindings()

    def clear_selections(self) -> None:
        """Drop the keyboard selection and the mouse selection."""
        self.select(None)
        if self.text_selection is not None:
            self.screen.clear_selection()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Selection keys give way (b pages up, the arrows move) when nothing is selected.
        if action in _SELECTING:
            return self._keyboard is not None
        if action == "clear_selection":
            return self.selection_range is not None
        if action == "start_selection":
            return self._first_sentence is not None
        return True

    def action_start_selection(self) -> None:
        """Select the word at the cursor (or take over the mouse's selection); again: stop."""
        from tui_reader.ui.selection import TextSelection, start_selection

        if self._keyboard is not None:
            self.select(None)
            return
        mouse = self._mouse_selection()
        if mouse is not None:
            self.screen.clear_selection()
            self.select(TextSelection(*mouse))
            return
        cursor = self.cursor_range
        if cursor is not None:
            self.select(start_selection(self.units, cursor[0]))

    def action_extend_selection(self, unit: str, forward: bool) -> None:
        from tui_reader.ui.selection import UNITS, extend

        if self._keyboard is not None and unit in UNITS:
            self.select(extend(self._keyboard, self.units, unit, bool(forward)))

    def action_extend_selection_line(self, delta: int) -> None:
        from tui_reader.ui.selection import line_target, move_to

        self._check_layout()
        if self._keyboard is None or self._rendered is None:
            return
        target = line_target(self._rendered, self._keyboard.head, int(delta))
        if target is not None:
            self.select(move_to(self._keyboard, target))

    def action_swap_selection_ends(self) -> None:
        if self._keyboard is not None:
            self.select(self._keyboard.swapped())

    def action_clear_selection(self) -> None:
        self.clear_selections()

    # -- the reading cursor ---------------------------------------------------------------

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of every sentence of the document, in order."""
        return self._sentences

    @property
    def _sentences(self) -> list[tuple[int, int]]:
        if self._sentence_list is None:
            from tui_reader.ui.textunits import sentence_spans

            document = self.document
            self._sentence_list = sentence_spans(document) if document is not None else []
        return self._sentence_list

    @property
    def cursor_index(self) -> int:
        """Index in :attr:`sentences` of the cursor's sentence (-1: no text)."""
        return self._cursor

    @property
    def cursor_range(self) -> tuple[int, int] | None:
        """(start, end) of the sentence under the reading cursor."""
        if self._cursor == 0 and self._sentence_list is None:
            return self._first_sentence  # the sentences are not split yet: no need
        if 0 <= self._cursor < len(self._sentences):
            return self._sentences[self._cursor]
        return None

    def set_cursor(self, offset: int, *, scroll: bool = True) -> None:
        """Put the cursor on the sentence holding ``offset`` (or the nearest before it)."""
        self._set_cursor_index(_unit_at(self._sentences, offset), scroll=scroll)

    def move_cursor(self, delta: int) -> None:
        """Move the cursor ``delta`` sentences (from the first one in view if it is not)."""
        if not self._sentences:
            return
        if not self._cursor_in_view():
            self._cursor = self._first_visible_sentence()
            if delta > 0:
                delta -= 1
            elif delta < 0:
                delta += 1
        self._set_cursor_index(self._cursor + delta)

    def _set_cursor_index(self, index: int, *, scroll: bool = True) -> None:
        if not self._sentences:
            return
        index = max(0, min(index, len(self._sentences) - 1))
        self._cursor = index
        start, end = self._sentences[index]
        if scroll:
            self._moving_cursor = True
            try:
                if index == 0:
                    # The first sentence: from the top, the header with it (one taller than
                    # the pane scrolled the title, byline and notice out of view).
                    self.scroll_to(y=0, animate=False)
                else:
                    self._scroll_to_line(
                        self.line_of_offset(start), last=self.line_of_offset(end - 1)
                    )
            finally:
                self._moving_cursor = False
        self.refresh()
        self.post_message(CursorMoved(self, start, end))

    def _cursor_in_view(self) -> bool:
        span = self.cursor_range
        if span is None or self._rendered is None:
            return False
        top, bottom = self.visible_lines()
        first = self.line_of_offset(span[0])
        last = self.line_of_offset(max(span[1] - 1, span[0]))
        return first < bottom and last >= top

    def _first_visible_sentence(self) -> int:
        rendered = self._rendered
        if rendered is None or not self._sentences:
            return max(self._cursor, 0)
        top, bottom = self.visible_lines()
        for index in range(top, bottom):
            line = rendered.line(index)
            if line is None:
                break
            if line.start >= 0:
                i = _unit_at(self._sentences, line.start)
                start = self._sentences[i][0]
                if self.line_of_offset(start) < top and i + 1 < len(self._sentences):
                    # The sentence began above the view: take the next if it starts in view.
                    nxt = self._sentences[i + 1]
                    if self.line_of_offset(nxt[0]) < bottom:
                        return i + 1
                return i
        return max(self._cursor, 0)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if (
            not self._moving_cursor
            and self._first_sentence is not None
            and not self._cursor_in_view()
        ):
            index = self._first_visible_sentence()
            if index != self._cursor:
                self._set_cursor_index(index, scroll=False)

    # -- actions --------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self._sentences:
            self.move_cursor(1)
        else:
            self.scroll_to(y=self.scroll_offset.y + 1, animate=False)

    def action_cursor_up(self) -> None:
        if self._sentences:
            self.move_cursor(-1)
        else:
            self.scroll_to(y=self.scroll_offset.y - 1, animate=False)

    def action_page_down(self) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.scroll_to(y=min(self.max_scroll_y, self.scroll_offset.y + step), animate=False)

    def action_page_up(self) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.scroll_to(y=max(0, self.scroll_offset.y - step), animate=False)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)
        if self._sentences:
            self._set_cursor_index(0, scroll=False)

    def action_bottom(self) -> None:
        self.finish_layout()
        self.scroll_to(y=self.max_scroll_y, animate=False)
        if self._sentences:
            self._set_cursor_index(len(self._sentences) - 1, scroll=False)

    def action_follow_link(self) -> None:
        self.post_message(FollowLink(self))

    def action_view_image(self) -> None:
        """The article's images, starting at the cursor's (nothing is fetched here)."""
        from tui_reader.ui.screens.image import article_images

        document = self.document or Document()
        top, _ = self.visible_lines()
        images, index = article_images(document, self.line_of_offset, top, self.cursor_range)
        self.post_message(ViewImage(self, images, index))

    async def _on_click(self, event: events.Click) -> None:
        # A double click selects the word under it, a triple click its sentence, as text
        # editors do (Textual's own selected the whole article, which `h` then highlighted).
        if event.chain >= 2:
            event.prevent_default()  # (Widget's handler: its select-all)
        else:
            await super()._on_click(event)
        point = event.get_content_offset(self)
        offset = self.offset_at(point.x, point.y) if point is not None else None
        if offset is None:
            return
        if event.chain == 1:
            self._set_cursor_index(_unit_at(self._sentences, offset), scroll=False)
        elif event.chain in (2, 3):
            from tui_reader.ui.selection import TextSelection

            if event.chain == 2:
                span = self.units.word_at(offset)
            else:
                index = _unit_at(self._sentences, offset)
                span = self._sentences[index] if 0 <= index < len(self._sentences) else None
            if span is not None:
                self.screen.clear_selection()
                self.select(TextSelection(*span))

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        if not event.button:
            return  # (only a drag makes a selection)
        point = event.get_content_offset(self)
        if point is not None:
            last = self.offset_at(10**6, point.y)  # (the last character of that line)
            if last is not None:
                self._pointer_line_end = last + 1

    # -- drawing --------------------------------------------------------------------------

    def _component(self, name: str) -> Style:
        style = self._components.get(name)
        if style is None:
            style = self._components[name] = component_style(self, f"reading-pane--{name}")
        return style

    def _style_for(self, flags: int) -> Style:
        style = self._flag_styles.get(flags)
        if style is None:
            style = self._base()
            for flag, name in FLAG_NAMES:
                if flags & flag:
                    style += self._component(name)
            self._flag_styles[flags] = style
        return style

    def _marks(self, line: Line) -> list[tuple[int, int, Style]]:
        """Painted ranges that touch ``line``, bottom first: the reading cursor, then the
        layers (highlights, matches...) in the order they were set, then the selection."""
        out: list[tuple[int, int, Style]] = []
        start, end = line.start, line.end
        cursor = self.cursor_range
        if cursor is not None and cursor[1] > start and cursor[0] < end:
            out.append((cursor[0], cursor[1], self._component("cursor")))
        for layer in self._layers.values():
            if not layer.items:
                continue
            found: list[tuple[int, int, Style]] = []
            i = bisect_left(layer.starts, end) - 1
            low = start - layer.longest
            while i >= 0 and layer.starts[i] >= low:
                s, e, style = layer.items[i]
                if e > start and s < end:
                    found.append((s, e, style))
                i -= 1
            out.extend(reversed(found))
        selection = self.selection_range
        if selection is not None and selection[1] > start and selection[0] < end:
            out.append((selection[0], selection[1], self._component("selection")))
        return out

    def _base(self) -> Style:
        """The pane's own style (its colours), kept until the styles change."""
        style = self._base_style
        if style is None:
            style = self._base_style = self.rich_style
        return style

    def _build_strip(
        self, line: Line, width: int, marks: list[tuple[int, int, Style]], margin: int
    ) -> Strip:
        rendered = self._rendered
        assert rendered is not None
        base = self._base()
        segments: list[Segment] = []
        if margin:
            segments.append(Segment(" " * margin, base))
        fill = self._style_for(line.fill) if line.fill else base
        col = 0
        last_end = -1  # the offset after the last mapped character drawn
        for run in line.runs:
            if run.col > col:
                segments.append(Segment(" " * (run.col - col), fill))
            style = self._style_for(run.flags | line.fill)
            if run.offset < 0:
                # Decoration inside a painted range (a link number mid-sentence) is painted.
                for s, e, mark in marks:
                    if s < last_end < e:
                        style = style + mark
                segments.append(Segment(run.text, style))
            elif not marks:
                segments.append(
                    Segment(run.text, style + Style.from_meta({"offset": (run.offset, 0)}))
                )
            else:
                segments.extend(_paint_run(run.text, run.offset, run.size, style, marks))
            if run.offset >= 0:
                last_end = run.offset + run.size
            col = run.col + cells(run.text)
        if col < rendered.width and line.fill:
            segments.append(Segment(" " * (rendered.width - col), fill))
            col = rendered.width
        used = margin + col
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # (worked out once a line, not five times)
        self._check_layout(width)
        index = int(self.scroll_offset.y) + y
        rendered = self._rendered
        line = None
        if rendered is not None:
            laid = rendered.laid_out
            line = rendered.line(index)
            if rendered.laid_out != laid:  # laid out on demand: the length is better known
                self.call_later(self._size_to_layout)
        if rendered is not None and y == 0:
            self.inline_images.near(rendered, index, self.scrollable_content_region.height)
        if line is None:
            # Every line past the text is the same blank line: made once, not once a line.
            key: StripKey = (-1, width, 0, self._style_version, ())
            blank = self._strips.get(key)
            if blank is None:
                blank = self._strips[key] = Strip.blank(width, self._base())
            return blank
        assert rendered is not None  # (a line was found in it)
        picture = self.inline_images.strip(rendered, index, width, self._margin)
        if picture is not None:
            return picture
        marks = self._marks(line) if line.start >= 0 else []
        key = (index, width, self._layout_version, self._style_version, tuple(marks))
        strip = self._strips.get(key)
        if strip is None:
            margin = max(0, (width - self._text_width(width)) // 2)
            strip = self._strips[key] = self._build_strip(line, width, marks, margin)
        if y == 0:
            strip = self._with_progress(strip)
        return strip

    def _with_progress(self, strip: Strip) -> Strip:
        """The top row with how much of the article has been on screen ("42%") at its right,
        in the margin beside the text, when the text is longer than the view and the margin
        has room. (Not cached: it changes with the scroll position, the line does not.)"""
        rendered = self._rendered
        height = self.scrollable_content_region.height
        total = rendered.line_count if rendered is not None else 0
        if self.document is None or total <= height:
            return strip
        from tui_reader.reading import percent_read

        done = percent_read(int(self.scroll_offset.y), height, total)
        label = f"{done}%"
        width = strip.cell_length
        if self._margin < len(label) + 2:
            return strip
        x = width - len(label) - 1
        tail = Strip([Segment(label + " ", self._component("meta"))])
        return Strip.join([strip.crop(0, x), tail])


def _unit_at(spans: list[tuple[int, int]], offset: int) -> int:
    from tui_reader.ui.textunits import unit_at

    return unit_at(spans, offset)


def _paint_run(
    text: str, offset: int, size: int, style: Style, marks: list[tuple[int, int, Style]]
) -> list[Segment]:
    """Segments for one run of text with painted ranges laid over it."""
    if size != len(text):
        # A tab drawn as spaces: painted as a whole.
        extra = [m for s, e, m in marks if s <= offset < e]
        for m in extra:
            style = style + m
        return [Segment(text, style + Style.from_meta({"offset": (offset, 0)}))]
    end = offset + size
    cuts = {0, size}
    for s, e, _ in marks:
        if s > offset and s < end:
            cuts.add(s - offset)
        if e > offset and e < end:
            cuts.add(e - offset)
    points = sorted(cuts)
    out: list[Segment] = []
    for a, b in pairwise(points):
        piece_style = style
        at = offset + a
        for s, e, m in marks:
            if s <= at < e:
                piece_style = piece_style + m
        out.append(Segment(text[a:b], piece_style + Style.from_meta({"offset": (offset + a, 0)})))
    return out
