"""The open article's highlights and note, and the session's undo list.

:class:`Annotations` holds the state; every call to the :class:`~tui_reader.reader.Reader`
goes through the app's :class:`~tui_reader.ui.writer.ReaderWriter` (one thread, one write at a
time and in order), so the event loop never waits on SQLite and a highlight made and then
recoloured at once is written in that order. Placing the highlights in the text on show (and
re-anchoring them when that text is the stored one) is the Reader's
(:meth:`~tui_reader.reader.Reader.place_highlights`): nothing here reads a stored document.
Each write is committed before its coroutine returns: what the screen shows as saved is on
disk.

No Textual here beyond colours: the main screen calls these coroutines from async workers and
paints what they return; the tests drive it with a real store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from rich.style import Style as RichStyle
from textual.color import Color

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.document import Document
from tui_reader.models import Highlight, document_order
from tui_reader.reader import PlacedHighlights, Reader
from tui_reader.ui.highlight_colors import next_color, resolve, tint_style
from tui_reader.ui.selection import trimmed
from tui_reader.ui.writer import ReaderWriter

T = TypeVar("T")


class SaveError(Exception):
    """A write failed; the message says what could not be saved and why (one line)."""


class AlreadyHighlighted(SaveError):
    """The passage is highlighted already: by another reader open on the store since this
    one loaded the article (each checked only its own view: two highlights of one passage)."""

    def __init__(self, highlight: Highlight) -> None:
        super().__init__("Already highlighted")
        self.highlight = highlight


class ChangedElsewhere(SaveError):
    """A note changed by another program (another reader open on the store, an import)
    while it was being edited here: not written over. ``theirs`` is the note as it is now."""

    def __init__(self, what: str, theirs: str) -> None:
        super().__init__(f"The {what} was changed elsewhere while you edited it")
        self.theirs = theirs


class Annotations:
    """Highlights and note of the article in the reading pane."""

    def __init__(
        self, writer: ReaderWriter, colors: Sequence[HighlightColor] = DEFAULT_COLORS
    ) -> None:
        self.writer = writer
        self.colors: tuple[HighlightColor, ...] = tuple(colors) or DEFAULT_COLORS
        self.article_id: int | None = None
        self.text = ""
        self.highlights: list[Highlight] = []
        self.note = ""
        self.loaded = False
        self.deleted: list[Highlight] = []  # this session's deletions, the last one last

    # -- the article --------------------------------------------------------------------------

    def open(self, article_id: int | None, document: Document) -> None:
        """A document is on show: forget the last one's highlights (call :meth:`load` next)."""
        self.article_id = article_id
        self.text = document.text
        self.highlights = []
        self.note = ""
        self.loaded = False

    async def load(self) -> PlacedHighlights | None:
        """Read the open article's highlights and note (after every write asked for before);
        None if another article was opened meanwhile."""
        article_id, text = self.article_id, self.text
        if article_id is None:
            return None
        loaded = await self._call(
            "highlights", lambda r: r.place_highlights(article_id, text), "read"
        )
        if self.article_id != article_id or self.text != text:
            return None
        self.highlights = list(loaded.highlights)
        self.note = loaded.note
        self.loaded = True
        return loaded

    # -- what is there ------------------------------------------------------------------------

    @property
    def anchored(self) -> list[Highlight]:
        return [h for h in self.highlights if h.anchored]

    @property
    def unanchored(self) -> list[Highlight]:
        return [h for h in self.highlights if not h.anchored]

    def get(self, highlight_id: str) -> Highlight | None:
        return next((h for h in self.highlights if h.id == highlight_id), None)

    def at(self, span: tuple[int, int] | None) -> Highlight | None:
        """The highlight under the reading cursor (``span``, its sentence): the one holding the
        sentence's start, else the first one overlapping it."""
        if span is None:
            return None
        start, end = span
        holding = [
            h
            for h in self.anchored
            if h.start is not None and h.end is not None and h.start <= start < h.end
        ]
        if holding:
            return min(holding, key=lambda h: ((h.end or 0) - (h.start or 0), h.created))
        for h in self.anchored:
            if h.start is not None and h.end is not None and h.start < end and start < h.end:
                return h
        return None

    def paint(self, background: Color) -> list[tuple[int, int, RichStyle]]:
        """(start, end, style) of every anchored highlight, for the reading pane."""
        styles: dict[str, RichStyle] = {}
        out: list[tuple[int, int, RichStyle]] = []
        for h in self.anchored:
            assert h.start is not None and h.end is not None
            style = styles.get(h.color)
            if style is None:
                style = styles[h.color] = tint_style(resolve(h.color, self.colors), background)
            out.append((h.start, h.end, style))
        return out

    # -- writes -------------------------------------------------------------------------------

    async def _call(self, what: str, work: Callable[[Reader], T], verb: str = "save") -> T:
        """Run ``work(reader)`` on the writer's thread, after every write asked for before it;
        SaveError ("Could not <verb> the <what>: why") if it fails."""
        result: list[T] = []
        error: list[BaseException] = []

        def run(reader: Reader) -> None:
            try:
                result.append(self.writer.patient(work, what))
            except Exception as exc:
                error.append(exc)

        await asyncio.wrap_future(self.writer.submit(run, what))
        if error:
            if isinstance(error[0], SaveError):
                raise error[0]
            raise SaveError(f"Could not {verb} the {what}: {error[0]}") from error[0]
        if not result:
            raise SaveError(f"Could not {verb} the {what}: the app is closing")
        return result[0]

    def _keep(self, h: Highlight) -> None:
        """Show ``h`` (new or changed) if it belongs to the open article."""
        if h.article_id != self.article_id:
            return
        self.highlights = document_order([*(x for x in self.highlights if x.id != h.id), h])

    def span_to_highlight(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """``span`` as it would be saved: trimmed of white space; None if nothing is left."""
        return trimmed(self.text, span) if span is not None else None

    def duplicate_of(self, span: tuple[int, int]) -> Highlight | None:
        """A live highlight over exactly ``span``."""
        return next((h for h in self.anchored if (h.start, h.end) == span), None)

    async def add(self, span: tuple[int, int], color: str | None = None) -> Highlight:
        """Highlight ``span`` of the open article's text (trimmed of white space) in
        ``color`` (a name; the first configured one by default). Saved when this returns."""
        article_id, text = self.article_id, self.text
        if article_id is None:
            raise SaveError("No article is open.")
        cut = self.span_to_highlight(span)
        if cut is None:
            raise SaveError("Nothing to highlight there.")
        name = color or self.colors[0].name

        def work(reader: Reader) -> Highlight:
            there = reader.highlight_over(article_id, text, cut[0], cut[1])
            if there is not None:
                raise AlreadyHighlighted(there)
            return reader.add_highlight(article_id, text, cut[0], cut[1], name)

        try:
            h = await self._call("highlight", work)
        except AlreadyHighlighted as exc:
            if self.text == text:
                self._keep(exc.highlight)
            raise
        if self.text == text:
            self._keep(h)
        return h

    async def update(
        self,
        h: Highlight,
        *,
        color: str | None = None,
        tags: Sequence[str] | None = None,
        note: str | None = None,
        note_was: str | None = None,
    ) -> Highlight:
        """Change a highlight's colour, tags or note; saved when this returns. With
        ``note_was`` (the note when its editing began), ChangedElsewhere if the stored note
        is another by now."""
        what = "colour" if color is not None else "tags" if tags is not None else "note"

        def work(reader: Reader) -> Highlight:
            if note is not None and note_was is not None:
                stored = reader.live_highlight(h.id)
                if stored is None:  # (deleted in another reader: the note went nowhere)
                    raise SaveError("The highlight was deleted elsewhere while you wrote its note")
                if stored.note not in (note_was, note.strip()):
                    raise ChangedElsewhere("note", stored.note)
            return reader.update_highlight(h.id, color=color, tags=tags, note=note)

        saved = await self._call(what, work)
        if h.article_id == self.article_id:
            # Keep the offsets shown (they may be a placement for display only).
            current = self.get(h.id) or h
            saved = replace(saved, start=current.start, end=current.end)
            self._keep(saved)
        return saved

    async def cycle_color(self, h: Highlight) -> Highlight:
        """Give ``h`` the next configured colour."""
        return await self.update(h, color=next_color(h.color, self.colors))

    async def set_article_note(self, note: str, *, was: str | None = None) -> str:
        """Save the open article's note (an empty one deletes it); returns it as saved. With
        ``was`` (the note when its editing began), ChangedElsewhere if the stored note is
        another by now."""
        article_id = self.article_id
        if article_id is None:
            raise SaveError("No article is open.")

        def work(reader: Reader) -> str:
            if was is not None:
                theirs = reader.article_note(article_id)
                if theirs not in (was, note.strip()):
                    raise ChangedElsewhere("article note", theirs)
            reader.set_article_note(article_id, note)
            return reader.article_note(article_id)

        saved = await self._call("article note", work)
        if self.article_id == article_id:
            self.note = saved
        return saved

    async def delete(self, h: Highlight) -> None:
        """Delete ``h`` (hidden, kept for :meth:`undo` during the session)."""
        await self._call("deletion", lambda r: r.delete_highlight(h.id))
        self.deleted.append(h)
        self.highlights = [x for x in self.highlights if x.id != h.id]

    async def undo(self) -> Highlight | None:
        """Bring back the last highlight deleted in this session; None if there is none."""
        if not self.deleted:
            return None
        h = self.deleted[-1]

        def work(reader: Reader) -> Highlight | None:
            reader.restore_highlight(h.id)
            return reader.highlight(h.id)

        restored = await self._call("undo", work)
        self.deleted.pop()
        if restored is None:
            return None
        if restored.article_id == self.article_id:
            await self.load()  # placed in the text on show, as any other
            return self.get(restored.id) or restored
        return restored

    async def known_tags(self) -> list[str]:
        """Every tag in use, most used first (for completing tags)."""
        tags = await self._call("tags", lambda r: r.highlight_tags(), "read")
        return [t for t, _ in sorted(tags, key=lambda item: (-item[1], item[0].casefold()))]
