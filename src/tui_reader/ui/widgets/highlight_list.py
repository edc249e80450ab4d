"""The sidebar's list: the article's note, its highlights in document order (colour, the quote
shortened, a preview of the note, tags), and those no longer found in its text.

Every entry is built from plain strings into :class:`~textual.content.Content`, so a quote, a
note or a tag is shown literally, whatever brackets or escape sequences it holds. Choosing an
entry (enter, or a click) posts :class:`~tui_reader.ui.messages.HighlightChosen`; the main
screen scrolls the
reading pane to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.models import POSITION_ONLY_LABEL, Highlight
from tui_reader.sanitize import cap_line
from tui_reader.ui.highlight_colors import color_name, resolve, swatch_style
from tui_reader.ui.messages import HighlightChosen
from tui_reader.ui.render import safe
from tui_reader.ui.widgets.keyed import KeyedOptionList

QUOTE_CHARS = 140
NOTE_CHARS = 90
ARTICLE_NOTE_CHARS = 240
SWATCH = "▌"
NOTE_ID = "article-note"
UNANCHORED_ID = "unanchored-heading"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line (white space and control characters folded), cut at a word with an
    ellipsis when longer than ``limit`` characters."""
    return cap_line(safe(" ".join(text.split())), limit)


def note_preview(note: str, limit: int = NOTE_CHARS) -> str:
    """The first line of a note (shortened), with an ellipsis when there is more."""
    lines = [line for line in note.splitlines() if line.strip()]
    if not lines:
        return ""
    first = shorten(lines[0], limit)
    if len(lines) > 1 and not first.endswith("…"):
        first += " …"
    return first


def highlight_content(h: Highlight, colors: Sequence[HighlightColor]) -> Content:
    """One highlight as the sidebar shows it (several lines; wrapped by the list)."""
    tags = " ".join("#" + safe(t) for t in h.tags)
    parts = [
        Content.styled(SWATCH + " ", swatch_style(resolve(h.color, colors))),
        Content.styled(safe(color_name(h.color, colors)) or "highlight", "$text-muted"),
    ]
    if tags:
        parts += [Content("  "), Content.styled(tags, "$text-accent")]
    if h.position_only:  # imported with only a position: no quote until it is placed
        parts += [Content("\n"), Content.styled(POSITION_ONLY_LABEL, "italic $text-warning")]
    else:
        parts += [Content("\n“" + shorten(h.quote, QUOTE_CHARS) + "”")]
    preview = note_preview(h.note)
    if preview:
        parts += [Content("\n"), Content.styled("✎ " + preview, "italic $text-muted")]
    return Content("").join(parts)


def article_note_content(note: str) -> Content:
    lines = [shorten(line, ARTICLE_NOTE_CHARS) for line in note.splitlines() if line.strip()]
    body = "\n".join(lines[:4]) + ("\n…" if len(lines) > 4 else "")
    return Content("").join(
        [Content.styled("Article note", "bold $text-accent"), Content("\n"), Content(body)]
    )


@dataclass(frozen=True)
class Entry:
    """One choosable entry: the article note, or a highlight (``offset``: where it starts in
    the text; None when unanchored)."""

    kind: Literal["note", "highlight"]
    highlight: Highlight | None = None

    @property
    def offset(self) -> int | None:
        return self.highlight.start if self.highlight is not None else None

    @property
    def key(self) -> str:
        return self.highlight.id if self.highlight is not None else NOTE_ID


class HighlightList(KeyedOptionList):
    """The article's note and highlights, for the sidebar."""

    def __init__(
        self,
        *,
        colors: Sequence[HighlightColor] = DEFAULT_COLORS,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.highlight_colors = tuple(colors) or DEFAULT_COLORS
        self.entries: dict[str, Entry] = {}
        self.highlights: tuple[Highlight, ...] = ()
        self.note = ""

    def show(self, highlights: Sequence[Highlight], note: str) -> None:
        """List ``note`` (if any) and ``highlights`` (document order, unanchored last), keeping
        the highlighted entry where it still exists."""
        keep = self.current.key if self.current is not None else None
        self.highlights = tuple(highlights)
        self.note = note
        self.entries = {}
        options: list[Option | None] = []
        if note.strip():
            self.entries[NOTE_ID] = Entry("note")
            options.append(Option(article_note_content(note), id=NOTE_ID))
        anchored = [h for h in highlights if h.anchored]
        unanchored = [h for h in highlights if not h.anchored]
        for h in anchored:
            if options:
                options.append(None)
            self.entries[h.id] = Entry("highlight", h)
            options.append(Option(highlight_content(h, self.highlight_colors), id=h.id))
        if unanchored:
            if options:
                options.append(None)
            heading = Content.styled(
                f"Not found in the current text ({len(unanchored)})", "bold $text-warning"
            )
            options.append(Option(heading, id=UNANCHORED_ID, disabled=True))
            for h in unanchored:
                self.entries[h.id] = Entry("highlight", h)
                options.append(Option(highlight_content(h, self.highlight_colors), id=h.id))
        self.set_options(options)
        if keep is not None and keep in self.entries:
            self.highlighted = self.get_option_index(keep)
        elif self.entries:
            self.highlighted = self.get_option_index(next(iter(self.entries)))

    @property
    def is_empty(self) -> bool:
        return not self.entries

    @property
    def current(self) -> Entry | None:
        """The highlighted entry."""
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return self.entries.get(option.id)

    def focus_entry(self, key: str) -> bool:
        """Move the list's cursor to the entry ``key`` (a highlight id or the note)."""
        if key not in self.entries:
            return False
        self.highlighted = self.get_option_index(key)
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.entries.get(event.option.id or "")
        if entry is not None:
            self.post_message(HighlightChosen(self, entry))
