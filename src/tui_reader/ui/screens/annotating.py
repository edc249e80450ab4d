"""The main screen's highlight and note keys, and the sidebar that lists them.

:class:`AnnotatingScreen` is the base of the main screen: it loads the highlights of the
article on show (each time the reading pane shows a document), paints them, fills the sidebar,
and runs ``h`` (highlight), ``c`` (colour), ``t`` (tags), ``a`` (note), ``x`` (delete, asking
first), ``u`` (undo), ``H`` (all highlights) and ``e`` (export). The writes go through
:class:`~tui_reader.ui.annotations.Annotations` (the ordered writer): the screen says "saved"
only once the row is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui_reader.models import Article, Highlight
from tui_reader.ui.context import Context
from tui_reader.ui.widgets.reading_pane import ReadingPane
from tui_reader.ui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from textual.theme import Theme

    from tui_reader.ui.annotations import Annotations
    from tui_reader.ui.widgets.highlight_list import HighlightList

# The writer of notes, the highlight list and the dialogs are imported on first use: the first
# screen shows no highlight.

NO_HIGHLIGHT = "No highlight under the cursor (h highlights the sentence, v selects)."


class AnnotatingScreen(Screen[None]):
    """Highlights and notes of the article in the reading pane (see the module's docstring).

    The subclass provides ``ctx``, ``current`` (the article on show), a ReadingPane ``#pane``,
    a Sidebar ``#sidebar`` and :meth:`open_article_by_id`.
    """

    ctx: Context
    current: Article | None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._notes: Annotations | None = None
        self._go_to: str | None = None  # a highlight to show once its article is loaded

    @property
    def notes(self) -> Annotations:
        if self._notes is None:
            from tui_reader.ui.annotations import Annotations

            self._notes = Annotations(self.ctx.writer, self.ctx.config.colors)
        return self._notes

    @property
    def pane(self) -> ReadingPane:
        return self.query_one("#pane", ReadingPane)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    def open_article_by_id(self, article_id: int) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        # (Textual runs every class's on_mount: the main screen's as well as this one.)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        # The tints are blended with the pane's background: paint again in the new colours.
        self.call_after_refresh(self.paint_highlights)

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

        self.run_worker(guarded(), group="notes", exit_on_error=False)

    def _say(self, message: str) -> None:
        self.notify(message, markup=False, timeout=4)

    # -- loading and painting -------------------------------------------------------------

    def on_reading_pane_document_shown(self, event: ReadingPane.DocumentShown) -> None:
        self.notes.open(event.article_id, event.document)
        if event.article_id is None:
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

    def on_reading_pane_cursor_moved(self, event: ReadingPane.CursorMoved) -> None:
        """The sidebar follows the cursor to the highlight under it."""
        under = self.notes.at((event.start, event.end))
        sidebar = self.sidebar
        if under is not None and sidebar.count and self.focused is not sidebar.option_list:
            sidebar.option_list.focus_entry(under.id)

    def on_highlight_list_chosen(self, event: HighlightList.Chosen) -> None:
        entry = event.entry
        if entry.kind == "note":
            self.action_edit_note()
            return
        if entry.highlight is None:
            return
        current = self.notes.get(entry.highlight.id) or entry.highlight
        self._show_highlight(current)
        if current.anchored and self.has_class("-no-reader"):  # show the pane, at the quote
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
        return self.sidebar.count > 0 and self.focused is self.sidebar.option_list

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

    # -- the keys -------------------------------------------------------------------------

    def action_highlight(self) -> None:
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
            self._say(NO_HIGHLIGHT)
            return
        self._run(work(h))

    async def _add(self, span: tuple[int, int]) -> None:
        h = await self.notes.add(span)
        self.paint_highlights()
        self._say(f"Highlighted ({self._color_label(h)}) — saved.")

    def action_cycle_color(self) -> None:
        self._on_target(self._cycle)

    async def _cycle(self, h: Highlight) -> None:
        h = await self.notes.cycle_color(h)
        self.paint_highlights()
        self._say(f"Colour: {self._color_label(h)} — saved.")

    def action_edit_tags(self) -> None:
        self._on_target(self._tags)

    async def _tags(self, h: Highlight) -> None:
        from tui_reader.ui.screens.note_editor import TagEditor

        known = await self.notes.known_tags()
        tags = await self.app.push_screen_wait(TagEditor(h.quote, h.tags, known))
        if tags is None or tuple(tags) == h.tags:
            return
        h = await self.notes.update(h, tags=tags)
        self.paint_highlights()
        shown = " ".join("#" + t for t in h.tags) or "none"
        self._say(f"Tags: {shown} — saved.")

    def action_edit_note(self) -> None:
        if not self._ready():
            return
        if self._sidebar_focused():
            entry = self.sidebar.option_list.current
            h = entry.highlight if entry is not None else None
        else:
            h = self.notes.at(self.pane.cursor_range)
        self._run(self._note(h))

    async def _note(self, h: Highlight | None) -> None:
        from tui_reader.ui.screens.note_editor import NoteEditor

        if h is not None:
            text = await self.app.push_screen_wait(
                NoteEditor("Note on the highlight", h.quote, h.note)
            )
            if text is None or text.strip() == h.note:
                return
            h = await self.notes.update(h, note=text)
            self.paint_highlights()
            self._say("Note saved." if h.note else "Note removed — saved.")
            return
        article = self.current
        title = article.display_title if article is not None else ""
        text = await self.app.push_screen_wait(
            NoteEditor("Note on the article", title, self.notes.note)
        )
        if text is None or text.strip() == self.notes.note:
            return
        saved = await self.notes.set_article_note(text)
        self.paint_highlights()
        self._say("Article note saved." if saved else "Article note removed — saved.")

    def action_delete_highlight(self) -> None:
        self._on_target(self._delete)

    async def _delete(self, h: Highlight) -> None:
        from tui_reader.ui.screens.confirm import ConfirmScreen
        from tui_reader.ui.widgets.highlight_list import note_preview, shorten

        detail = "“" + shorten(h.quote, 200) + "”"
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

    def action_undo_delete(self) -> None:
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

    def action_all_highlights(self) -> None:
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
            self._go_to = target.highlight_id
            self.open_article_by_id(target.article_id)

        self.app.push_screen(AllHighlightsScreen(self.ctx.store_path, self.notes.colors), chosen)

    # -- export ---------------------------------------------------------------------------

    def action_export_article(self) -> None:
        article = self.current
        if article is None:
            self._say("Open an article first.")
            return
        self._run(self._export(article.id))

    def export_all(self) -> None:
        """Export every article with highlights or a note (the palette's "Export all notes")."""
        self._run(self._export(None))

    async def _export(self, article_id: int | None) -> None:
        from tui_reader.export import ExportError

        await self.ctx.writer.flush()  # what the screen shows is what is exported
        try:
            folder, written = await asyncio.to_thread(self._export_now, article_id)
        except (ExportError, OSError) as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False, timeout=10)
            return
        if article_id is not None and not written:
            self._say("Nothing to export: this article has no highlights or note yet.")
        elif article_id is not None:
            self._say(f"Exported to {written[0]}")
        elif not written:
            self._say("Nothing to export yet: no article has highlights or a note.")
        else:
            n = len(written)
            self._say(f"Exported {n} article{'s' if n != 1 else ''} to {folder}")

    def _export_now(self, article_id: int | None) -> tuple[Path, list[Path]]:
        """Runs on a thread, with its own connection."""
        from tui_reader.export import export_all, export_article, export_folder
        from tui_reader.store import Store

        folder = export_folder(self.ctx.paths, self.ctx.config)
        colors = self.ctx.config.colors
        with Store.open(self.ctx.store_path) as store:
            if article_id is not None:
                if not store.list_highlights(article_id) and not store.get_article_note(article_id):
                    return folder, []  # a file of front matter alone helps no one
                return folder, [export_article(store, article_id, folder, colors=colors)]
            return folder, export_all(store, folder, colors=colors)
