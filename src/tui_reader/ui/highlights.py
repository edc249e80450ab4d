"""Highlights and notes of the article on show: a component of the main screen.

:class:`Highlighter` is given the reading pane and the sidebar it works with (nothing is
inherited, nothing looked up by id). It loads the highlights of the article on show (each time
the pane shows a document), paints them in the pane, fills the sidebar, and does the work of
``h`` (highlight), ``c`` (colour), ``t`` (tags), ``a`` (note), ``x`` (delete, asking first),
``u`` (undo), ``H`` (all highlights) and ``e`` (export). The writes go through
:class:`~tui_reader.ui.annotations.Annotations` (the ordered writer): it says "saved" only once
the row is committed. To open another article it posts
:class:`~tui_reader.ui.messages.OpenArticle` to the screen.

The screen routes to it: the pane's :class:`~tui_reader.ui.messages.DocumentShown` and
:class:`~tui_reader.ui.messages.CursorMoved`, the sidebar's
:class:`~tui_reader.ui.messages.HighlightChosen`, and the "notes" keys of ``ui/keys.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui_reader.document import Document
from tui_reader.errors import ReaderError
from tui_reader.models import Article, Highlight, quote_or_label
from tui_reader.reader import Reader
from tui_reader.ui.context import Context
from tui_reader.ui.messages import OpenArticle
from tui_reader.ui.widgets.reading_pane import ReadingPane
from tui_reader.ui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from textual.theme import Theme

    from tui_reader.ui.annotations import Annotations
    from tui_reader.ui.widgets.highlight_list import Entry

# The writer of notes, the highlight list and the dialogs are imported on first use: the first
# screen shows no highlight.

CHANGED_ELSEWHERE = "── saved elsewhere meanwhile ──"
ON_THE_NOTE = (
    "That is the article's note: a edits it (emptied and saved, it is deleted);"
    " colours, tags and x are for highlights."
)
NO_HIGHLIGHT = "No highlight under the cursor (h highlights the sentence, v selects)."


class Highlighter:
    """Highlights and notes of the article in ``pane`` (see the module's docstring).

    ``screen``: where its workers run, its dialogs open and its messages go; ``current``: the
    article on show (the screen's to say).
    """

    def __init__(
        self,
        screen: Screen[Any],
        pane: ReadingPane,
        sidebar: Sidebar,
        ctx: Context,
        current: Callable[[], Article | None],
    ) -> None:
        self.screen = screen
        self.app = screen.app
        self.pane = pane
        self.sidebar = sidebar
        self.ctx = ctx
        self._current = current
        self._notes: Annotations | None = None
        self._go_to: str | None = None  # a highlight to show once its article is loaded
        self.app.theme_changed_signal.subscribe(screen, self._theme_changed)

    @property
    def current(self) -> Article | None:
        return self._current()

    @property
    def notes(self) -> Annotations:
        if self._notes is None:
            from tui_reader.ui.annotations import Annotations

            self._notes = Annotations(self.ctx.writer, self.ctx.config.colors)
        return self._notes

    def _theme_changed(self, theme: Theme) -> None:
        # The tints are blended with the pane's background: paint again in the new colours.
        self.screen.call_after_refresh(self.paint_highlights)

    def notify(self, message: str, **kwargs: Any) -> None:
        self.screen.notify(message, **kwargs)

    # -- running the writes ---------------------------------------------------------------

    def _run(self, work: Awaitable[None]) -> None:
        """Run ``work`` in a worker; a failure is a one-line message, never a traceback."""
        from tui_reader.ui.annotations import SaveError

        async def guarded() -> None:
            try:
                await work
            except SaveError as exc:
                self.notify(str(exc), severity="error", markup=False)
            except Exception as exc:
                self.notify(f"{type(exc).__name__}: {exc}", severity="error", markup=False)

        self.screen.run_worker(guarded(), group="notes", exit_on_error=False)

    def _say(self, message: str) -> None:
        self.notify(message, markup=False, timeout=4)

    # -- loading and painting -------------------------------------------------------------

    def document_shown(self, article_id: int | None, document: Document) -> None:
        """The pane shows a new document: load (and paint) its highlights."""
        self.notes.open(article_id, document)
        if article_id is None:
            self.paint_highlights()
            return
        self._run(self._load())

    async def _load(self) -> None:
        if await self.notes.load() is None:
            return  # another article came first
        self.paint_highlights()
        target = self.notes.get(self._go_to) if self._go_to else None
        self._go_to = None
        if target is not None:
            self._show_highlight(target)

    def paint_highlights(self) -> None:
        """Paint the highlights in the pane and list them (with the note) in the sidebar."""
        notes = self.notes
        self.pane.set_highlights(notes.paint(self.pane.colors[2]))
        self.sidebar.show(notes.highlights, notes.note)
        cursor = self.pane.cursor_range
        under = notes.at(cursor)
        if under is not None:
            self.sidebar.option_list.focus_entry(under.id)

    def _show_highlight(self, h: Highlight) -> None:
        if h.start is None:
            self._say(
                "That highlight is not found in the current text; its quote and note are kept."
            )
            return
        self.pane.set_cursor(h.start, scroll=False)
        self.pane.scroll_to_offset(h.start)
        if self.sidebar.count:
            self.sidebar.option_list.focus_entry(h.id)

    def go_to(self, highlight_id: str | None) -> None:
        """Show this highlight once the next article's highlights are loaded."""
        self._go_to = highlight_id

    def cursor_moved(self, start: int, end: int) -> None:
        """The sidebar follows the cursor to the highlight under it."""
        under = self.notes.at((start, end))
        sidebar = self.sidebar
        if under is not None and sidebar.count and self.screen.focused is not sidebar.option_list:
            sidebar.option_list.focus_entry(under.id)

    def chosen(self, entry: Entry) -> None:
        """An entry of the sidebar was chosen: edit the note, or show the highlight."""
        if entry.kind == "note":
            self.edit_note()
            return
        if entry.highlight is None:
            return
        current = self.notes.get(entry.highlight.id) or entry.highlight
        self._show_highlight(current)
        if current.anchored and self.screen.has_class("-no-reader"):  # show the pane, at the quote
            self.pane.focus()

    # -- what a key acts on ---------------------------------------------------------------

    def _ready(self) -> bool:
        if self.current is None or self.notes.article_id != self.current.id:
            self._say("Open an article first.")
            return False
        if not self.notes.loaded:
            self._say("The article's highlights are still loading.")
            return False
        return True

    def _sidebar_focused(self) -> bool:
        return self.sidebar.count > 0 and self.screen.focused is self.sidebar.option_list

    def _target_highlight(self) -> Highlight | None:
        """The highlight a key acts on: the sidebar's entry when the sidebar has the focus,
        else the one under the reading cursor."""
        if self._sidebar_focused():
            entry = self.sidebar.option_list.current
            return entry.highlight if entry is not None else None
        return self.notes.at(self.pane.cursor_range)

    def _color_label(self, h: Highlight) -> str:
        from tui_reader.ui.highlight_colors import color_name

        return color_name(h.color, self.notes.colors)

    # -- the keys (the screen's "notes" actions call these) --------------------------------

    def highlight(self) -> None:
        if not self._ready():
            return
        pane = self.pane
        span = pane.selection_range or pane.cursor_range
        cut = self.notes.span_to_highlight(span)
        if cut is None:
            self._say("Nothing to highlight here.")
            return
        pane.clear_selections()
        twin = self.notes.duplicate_of(cut)
        if twin is not None:
            self._say(f"Already highlighted ({self._color_label(twin)}); c changes its colour.")
            return
        self._run(self._add(cut))

    def _on_target(self, work: Callable[[Highlight], Awaitable[None]]) -> None:
        """Run ``work`` on the highlight under the cursor (or chosen in the sidebar)."""
        if not self._ready():
            return
        h = self._target_highlight()
        if h is None:
            # (On the sidebar's "Article note" entry the answer spoke of the reading cursor.)
            on_note = self._sidebar_focused() and self.sidebar.option_list.current is not None
            self._say(ON_THE_NOTE if on_note else NO_HIGHLIGHT)
            return
        self._run(work(h))

    async def _add(self, span: tuple[int, int]) -> None:
        from tui_reader.ui.annotations import AlreadyHighlighted

        try:
            h = await self.notes.add(span)
        except AlreadyHighlighted as exc:  # (by another reader on the store, meanwhile)
            self.paint_highlights()
            twin = exc.highlight
            self._say(f"Already highlighted ({self._color_label(twin)}); c changes its colour.")
            return
        self.paint_highlights()
        self._say(f"Highlighted ({self._color_label(h)}) — saved.")

    def cycle_color(self) -> None:
        self._on_target(self._cycle)

    async def _cycle(self, h: Highlight) -> None:
        h = await self.notes.cycle_color(h)
        self.paint_highlights()
        self._say(f"Colour: {self._color_label(h)} — saved.")

    def edit_tags(self) -> None:
        self._on_target(self._tags)

    async def _tags(self, h: Highlight) -> None:
        from tui_reader.ui.screens.note_editor import TagEditor

        known = await self.notes.known_tags()
        tags = await self.app.push_screen_wait(TagEditor(quote_or_label(h), h.tags, known))
        if tags is None or tuple(tags) == h.tags:
            return
        h = await self.notes.update(h, tags=tags)
        self.paint_highlights()
        shown = " ".join("#" + t for t in h.tags) or "none"
        self._say(f"Tags: {shown} — saved.")

    def edit_note(self) -> None:
        if not self._ready():
            return
        if self._sidebar_focused():
            entry = self.sidebar.option_list.current
            h = entry.highlight if entry is not None else None
        else:
            h = self.notes.at(self.pane.cursor_range)
        self._run(self._note(h))

    async def _note(self, h: Highlight | None) -> None:
        """Edit a highlight's note (``h``) or the article's. A note that cannot be saved (a
        full disk, the store locked past waiting) is not lost with its editor: the editor
        opens again with the text, saying why. A note another program changed meanwhile is
        not written over: the editor opens again with both versions."""
        from tui_reader.ui.annotations import ChangedElsewhere, SaveError
        from tui_reader.ui.screens.note_editor import NoteEditor

        if h is not None:
            title, subject, was = "Note on the highlight", quote_or_label(h), h.note
        else:
            article = self.current
            title = "Note on the article"
            subject = article.display_title if article is not None else ""
            was = self.notes.note
        draft, problem = was, ""
        while True:
            text = await self.app.push_screen_wait(NoteEditor(title, subject, draft, problem))
            if text is None or text.strip() == was:
                return
            try:
                if h is not None:
                    h = await self.notes.update(h, note=text, note_was=was)
                    saved = h.note
                else:
                    saved = await self.notes.set_article_note(text, was=was)
            except ChangedElsewhere as exc:
                draft = f"{text.rstrip()}\n\n{CHANGED_ELSEWHERE}\n\n{exc.theirs}"
                was, problem = exc.theirs, f"{exc}: both versions are here; save what to keep."
                continue
            except SaveError as exc:
                draft, problem = text, f"{exc}. Your text is kept here: save again, or escape."
                continue
            break
        self.paint_highlights()
        if h is not None:
            self._say("Note saved." if saved else "Note removed — saved.")
        else:
            self._say("Article note saved." if saved else "Article note removed — saved.")

    def delete_highlight(self) -> None:
        self._on_target(self._delete)

    async def _delete(self, h: Highlight) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen
        from tui_reader.ui.widgets.highlight_list import note_preview, shorten

        detail = "“" + shorten(quote_or_label(h), 200) + "”"
        if h.note:
            detail += "\nNote: " + note_preview(h.note, 120)
        sure = await self.app.push_screen_wait(
            ConfirmScreen(
                "Delete this highlight?",
                detail + "\n\nu brings it back during this session.",
                yes="Delete",
                no="Keep",
                title="Delete highlight",
            )
        )
        if not sure:
            return
        await self.notes.delete(h)
        self.paint_highlights()
        self._say("Highlight deleted — u brings it back.")

    def undo_delete(self) -> None:
        if not self.notes.deleted:
            self._say("No deleted highlight to bring back.")
            return
        self._run(self._undo())

    async def _undo(self) -> None:
        h = await self.notes.undo()
        if h is None:
            self._say("No deleted highlight to bring back.")
            return
        self.paint_highlights()
        if h.article_id == self.notes.article_id:
            self._say("Highlight restored — saved.")
            if h.anchored:
                self._show_highlight(h)
        else:
            self._say("Highlight restored in another article — saved.")

    def all_highlights(self) -> None:
        from tui_reader.ui.screens.all_highlights import AllHighlightsScreen, HighlightTarget

        def chosen(target: HighlightTarget | None) -> None:
            if target is None:
                return
            if self.current is not None and target.article_id == self.current.id:
                h = self.notes.get(target.highlight_id)
                if h is not None:
                    self._show_highlight(h)
                    self.pane.focus()
                    return
            self.screen.post_message(OpenArticle(target.article_id, target.highlight_id))

        self.app.push_screen(AllHighlightsScreen(self.ctx.reader, self.notes.colors), chosen)

    # -- export ---------------------------------------------------------------------------

    def export_article(self) -> None:
        article = self.current
        if article is None:
            self._say("Open an article first.")
            return
        self._export(article.id)

    def export_all(self) -> None:
        """Export every article with highlights or a note (the palette's "Export all notes")."""
        self._export(None)

    def _export(self, article_id: int | None) -> None:
        self.screen.run_worker(
            partial(self._export_now, article_id), thread=True, group="export", exit_on_error=False
        )

    def _export_now(self, article_id: int | None) -> None:
        """Runs in a thread worker, after every write asked for before (what the screen shows
        is what is exported); the outcome is said on the event loop."""
        self.ctx.writer.submit(lambda reader: None, "export").result()
        try:
            reader = self.ctx.reader
            folder = reader.export_folder()
            written = self._write_files(reader, article_id)
        except (ReaderError, OSError) as exc:  # ExportError is a ReaderError
            self.app.call_from_thread(
                self.notify, f"Export failed: {exc}", severity="error", markup=False, timeout=10
            )
            return
        except Exception as exc:  # a one-line message, never a traceback
            self.app.call_from_thread(
                self.notify, f"{type(exc).__name__}: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._exported, article_id, folder, written)

    @staticmethod
    def _write_files(reader: Reader, article_id: int | None) -> list[Path]:
        if article_id is None:
            return reader.export_all()
        if not reader.highlight_count(article_id) and not reader.article_note(article_id):
            return []  # a file of front matter alone helps no one
        return [reader.export_article(article_id)]

    def _exported(self, article_id: int | None, folder: Path, written: list[Path]) -> None:
        if article_id is not None and not written:
            self._say("Nothing to export: this article has no highlights or note yet.")
        elif article_id is not None:
            self._say(f"Exported to {written[0]}")
        elif not written:
            self._say("Nothing to export yet: no article has highlights or a note.")
        else:
            n = len(written)
            self._say(f"Exported {n} article{'s' if n != 1 else ''} to {folder}")
