"""A list drawn with the Line API: only the rows on screen are ever built.

Textual's ``OptionList`` measures every option up front (about a second for 10,000 articles);
:class:`RowList` draws fixed-height rows on demand, so a list of any length paints at once.
Subclasses say how many rows there are and draw one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.ui.keys import bindings
from tui_reader.ui.messages import RowHighlighted, RowSelected
from tui_reader.ui.render import cells
from tui_reader.ui.widgets.styling import LazyComponentStyles, component_style


class RowList(LazyComponentStyles, ScrollView, can_focus=True):
    """Rows of ``row_height`` lines with a cursor; enter or a click selects a row.

    Its component classes are resolved when a row first draws with them (not at each style
    pass of start-up: mount, the screen's classes, focus) until warmed (styling.py)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("list")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--dim",
        "row-list--strong",
        "row-list--accent",
        "row-list--error",
        "row-list--empty",
    }

    row_height = 1
    empty_text = ""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.cursor = 0
        self._strips: dict[int, Strip] = {}
        self._strips_width = 0
        self._styles: dict[str, Style] = {}

    # -- what subclasses provide ----------------------------------------------------------

    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, index: int, line: int, width: int, style: Style) -> list[Segment]:
        """Segments for line ``line`` of row ``index`` (``style`` is the row's base)."""
        raise NotImplementedError

    def near_end(self) -> None:
        """Called when the cursor or the view gets near the last row (load more here)."""

    # -- state ----------------------------------------------------------------------------

    def rows_changed(self, cursor: int | None = None) -> None:
        """The rows changed: redraw, keeping the cursor in range (or moving it to ``cursor``)."""
        count = self.row_count()
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, count - 1)) if count else 0
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, count * self.row_height)
        self.refresh()

    def rows_updated(self, changed: Iterable[int], cursor: int | None = None) -> None:
        """Only the rows at ``changed`` (indexes, old or new) are different: those are
        redrawn, the others keep their drawn lines (a refresh of 500 feeds reloads lists that
        mostly did not change; redrawing them whole repainted both lists every time)."""
        count = self.row_count()
        old = self.cursor
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, count - 1)) if count else 0
        size = Size(self.scrollable_content_region.width, count * self.row_height)
        if size != self.virtual_size:
            self.virtual_size = size
        rows = set(changed)
        if self.cursor != old:
            rows.update((old, self.cursor))
        # Every changed row forgets its lines; only those on screen are redrawn now (after a
        # cold refresh, all 500 feeds' counts changed: 500 refreshes of regions off screen).
        top = int(self.scroll_offset.y)
        bottom = top + self.scrollable_content_region.height
        height = self.row_height
        for index in sorted(rows):
            self._forget_row(index)
            if index * height < bottom and (index + 1) * height > top:
                self.refresh_lines(index * height, height)

    def refresh_row(self, index: int) -> None:
        self._forget_row(index)
        self.refresh_lines(index * self.row_height, self.row_height)

    def _forget_row(self, index: int) -> None:
        """Drop the row's drawn lines (it is drawn anew when next shown)."""
        for line in range(index * self.row_height, (index + 1) * self.row_height):
            self._strips.pop(line, None)

    def move_cursor(self, index: int, *, scroll: bool = True, announce: bool = True) -> None:
        count = self.row_count()
        if not count:
            return
        index = max(0, min(index, count - 1))
        old = self.cursor
        self.cursor = index
        self.refresh_row(old)
        self.refresh_row(index)
        if scroll:
            self.scroll_to_row(index)
        if announce and index != old:
            self.post_message(RowHighlighted(self, index))
        if index >= count - 50:
            self.near_end()

    def scroll_to_row(self, index: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_offset.y)
        first = index * self.row_height
        last = first + self.row_height - 1
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif last >= top + height:
            self.scroll_to(y=last - height + 1, animate=False)

    @property
    def rows_per_page(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height)

    # -- actions --------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self.rows_per_page)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self.rows_per_page)

    def action_top(self) -> None:
        self.move_cursor(0)

    def action_bottom(self) -> None:
        self.move_cursor(self.row_count() - 1)

    def action_select(self) -> None:
        if self.row_count():
            self.post_message(RowSelected(self, self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        await super()._on_click(event)
        point = event.get_content_offset(self)
        if point is None:
            return
        index = (int(self.scroll_offset.y) + point.y) // self.row_height
        if 0 <= index < self.row_count():
            self.move_cursor(index, scroll=False)
            self.post_message(RowSelected(self, index))

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_row(self.cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_row(self.cursor)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.virtual_size = Size(
            self.scrollable_content_region.width, self.row_count() * self.row_height
        )

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        bottom = (int(new_value) + self.scrollable_content_region.height) // self.row_height
        if bottom >= self.row_count() - 50:
            self.near_end()

    # -- drawing --------------------------------------------------------------------------

    def style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = component_style(self, f"row-list--{name}")
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._strips_width:  # resized (with or without a Resize event)
            self._strips.clear()
            self._strips_width = width
        line_no = int(self.scroll_offset.y) + y
        strip = self._strips.get(line_no)
        if strip is not None:
            return strip
        width = self.scrollable_content_region.width
        base = self._styles.get("")  # the widget's own style, kept with the component styles
        if base is None:
            base = self._styles[""] = self.rich_style
        count = self.row_count()
        index, line = divmod(line_no, self.row_height)
        if index >= count:
            if count == 0 and line_no == 0 and self.empty_text:
                style = base + self.style("empty")
                strip = Strip([Segment(" " + self.empty_text, style)])
                return strip.crop_extend(0, width, base)
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + self.style("cursor" if self.has_focus else "cursor-blurred")
        segments = self.render_row(index, line, width, style)
        strip = Strip(segments).crop_extend(0, width, style)
        self._strips[line_no] = strip
        return strip


def changed_rows(old: Sequence[object], new: Sequence[object]) -> list[int]:
    """The indexes at which ``old`` and ``new`` differ (one that only one of them has
    included)."""
    short = min(len(old), len(new))
    diff = [i for i in range(short) if old[i] != new[i]]
    diff.extend(range(short, max(len(old), len(new))))
    return diff


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cells(text) <= width:
        return text
    out = []
    used = 0
    for ch in text:
        w = cells(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
