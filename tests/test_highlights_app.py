"""Highlights and notes in the running app, under Pilot, against a real store: every way to make
one, colour, tag, note, edit, delete and undo — checked in the store's rows and in what the
reading pane paints."""

from __future__ import annotations

from pathlib import Path

from rich.color_triplet import ColorTriplet
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.conftest import HOSTILE_TITLE, Data, burst, main, open_row
from tui_reader.config import Config, ExportConfig
from tui_reader.models import Highlight
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.highlight_colors import resolve, tint_style
from tui_reader.ui.screens.all_highlights import AllHighlightsScreen
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.note_editor import NoteEditor, TagEditor
from tui_reader.ui.widgets.reading_pane import ReadingPane

FIRST = "Article 0 opens here."
SECOND = "The first paragraph has emphasis, strong text and code."
THIRD = "It links to the project page and to an archive."


async def opened(pilot: Pilot[None], row: int = 0) -> tuple[MainScreen, ReadingPane]:
    """Open the article on ``row`` of the list; the reading pane has the focus."""
    screen = await open_row(pilot, row)
    assert pilot.app.focused is screen.pane
    return screen, screen.pane


async def done(pilot: Pilot[None]) -> None:
    """Wait for the writes asked for (each runs in a worker) and the screen to catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rows(data: Data, pane: ReadingPane) -> list[Highlight]:
    """The article's live highlights, oldest first."""
    assert pane.article_id is not None
    return sorted(data.store.list_highlights(pane.article_id), key=lambda h: h.created)


def newest(data: Data, pane: ReadingPane) -> Highlight:
    return rows(data, pane)[-1]


def painted(pane: ReadingPane) -> dict[int, ColorTriplet | None]:
    """The background of every text offset on screen, as the pane draws it."""
    out: dict[int, ColorTriplet | None] = {}
    for y in range(pane.scrollable_content_region.height):
        for segment in pane.render_line(y):
            style = segment.style
            meta = style.meta if style is not None else {}
            if "offset" not in meta:
                continue
            offset = meta["offset"][0]
            bg = style.bgcolor.get_truecolor() if style and style.bgcolor else None
            for i in range(len(segment.text)):
                out[offset + i] = bg
    return out


def tint(pane: ReadingPane, name: str) -> ColorTriplet:
    """The background a highlight of colour ``name`` gets in this pane's theme."""
    colors = Config().colors
    style = tint_style(resolve(name, colors), pane.colors[2])
    assert style.bgcolor is not None
    return style.bgcolor.get_truecolor()


def assert_painted(pane: ReadingPane, h: Highlight, name: str) -> None:
    """Every character of ``h`` is painted in its colour's tint."""
    assert h.start is not None and h.end is not None
    shown = painted(pane)
    want = tint(pane, name)
    inside = [shown.get(i) for i in range(h.start, h.end) if not pane.document.text[i].isspace()]  # type: ignore[union-attr]
    assert inside and all(bg == want for bg in inside), (h.quote, name)


def messages(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_v_selects_and_each_unit_extends_then_h_saves(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        text = pane.document.text  # type: ignore[union-attr]

        async def highlight(*keys: str) -> Highlight:
            await pilot.press(*keys)
            assert pane.selection_range is not None  # painted while it grows
            await pilot.press("h")
            await done(pilot)
            assert pane.selection_range is None  # dropped once highlighted
            return newest(data, pane)

        # Words: v takes the word at the cursor, w adds one, b takes one back.
        h = await highlight("v", "w", "w")
        assert h.quote == "Article 0 opens" and h.color == "key point"
        assert h.start == 0 and h.text_hash
        assert_painted(pane, h, "key point")
        assert (await highlight("v", "w", "w", "b")).quote == "Article 0"
        # Sentences, from the next sentence: ) to its end, ( back over the one before.
        await pilot.press("j")
        assert (await highlight("v", "right_parenthesis")).quote == SECOND
        assert (await highlight("v", "right_parenthesis", "left_parenthesis")).quote == (
            FIRST + " " + SECOND
        )
        # Paragraphs: } to the end of the block, { back to its start.
        h = await highlight("v", "right_curly_bracket")
        assert h.quote.startswith(SECOND) and h.quote.endswith("Then it ends.")
        assert (await highlight("v", "left_curly_bracket")).quote == FIRST + " The"
        # Characters: the arrows, while something is selected.
        assert (await highlight("v", "right", "right")).quote == "The f"
        assert (await highlight("v", "left")).quote == "Th"
        # Lines: down moves the end to the line below, in the same column.
        h = await highlight("v", "down")
        assert h.start is not None and h.end is not None
        assert h.start == text.index(SECOND)
        assert pane.line_of_offset(h.end) == pane.line_of_offset(h.start) + 1
        # o: the other end moves; w then takes a word off the start.
        assert (await highlight("v", "w", "w", "o", "w")).quote == "first paragraph"
        assert len(rows(data, pane)) == 10
        assert app.is_running


async def test_h_alone_highlights_the_sentence_at_the_cursor(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("j", "j", "h")
        await done(pilot)
        h = newest(data, pane)
        assert h.quote == THIRD
        assert_painted(pane, h, "key point")
        # Nothing else is painted in a highlight colour.
        outside = {i for i, bg in painted(pane).items() if bg == tint(pane, "key point")}
        assert outside <= set(range(h.start or 0, h.end or 0))
        # Another theme: the tint is made again from its background.
        dark = tint(pane, "key point")
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert tint(pane, "key point") != dark
        assert_painted(pane, h, "key point")
        # The same again is refused, not duplicated.
        await pilot.press("h")
        await done(pilot)
        assert len(rows(data, pane)) == 1
        assert any("Already highlighted" in m for m in messages(app))
        # escape drops a selection (and only then: without one it goes back to the list).
        await pilot.press("v", "w", "escape")
        assert pane.selection_range is None and pilot.app.focused is pane
        await pilot.press("b")  # with nothing selected, b pages up as ever
        assert pane.selection_range is None
        await pilot.press("escape")
        focused = app.focused
        assert focused is screen.articles
        assert len(rows(data, pane)) == 1


async def test_mouse_selection_then_h(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        y = next(
            y for y in range(pane.size.height) if "first paragraph" in pane.render_line(y).text
        )
        x = pane.render_line(y).text.index("first paragraph")
        await pilot.mouse_down(pane, offset=(x, y))
        await pilot.hover(pane, offset=(x + len("first paragraph"), y))
        await pilot.mouse_up(pane, offset=(x + len("first paragraph"), y))
        await pilot.pause()
        assert pane.selection_range is not None
        await pilot.press("h")
        await done(pilot)
        h = newest(data, pane)
        assert h.quote == "first paragraph"
        assert_painted(pane, h, "key point")
        assert pane.text_selection is None


async def test_c_cycles_the_colour_of_the_highlight_under_the_cursor(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        await pilot.press("c")  # nothing under the cursor yet
        assert any("No highlight under the cursor" in m for m in messages(app))
        await pilot.press("h")
        await done(pilot)
        await pilot.press("c")
        await done(pilot)
        h = newest(data, pane)
        assert h.color == "disputed"
        assert_painted(pane, h, "disputed")
        await pilot.press("c", "c", "c")
        await done(pilot)
        assert newest(data, pane).color == "key point"
        assert_painted(pane, newest(data, pane), "key point")


async def test_t_edits_tags(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagEditor)
        app.screen.query_one(Input).value = "claim #economy"
        await pilot.press("enter")
        await done(pilot)
        assert newest(data, pane).tags == ("claim", "economy")
        shown = "\n".join(str(o.prompt) for o in screen.sidebar.option_list.options)
        assert "#claim #economy" in shown
        # Escape leaves them as they were.
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("x", "escape")
        await done(pilot)
        assert newest(data, pane).tags == ("claim", "economy")


async def test_a_writes_and_edits_notes_on_highlights_and_on_the_article(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"first", "enter")
        app.screen.query_one(TextArea).insert("second line")
        await pilot.press("ctrl+s")
        await done(pilot)
        assert newest(data, pane).note == "first\nsecond line"
        # Editing: the editor opens with the note; changes are saved.
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "first\nsecond line"
        app.screen.query_one(TextArea).insert(" edited")
        await pilot.press("ctrl+s")
        await done(pilot)
        assert newest(data, pane).note == "first\nsecond line edited"
        # escape cancels.
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await done(pilot)
        assert isinstance(app.screen, MainScreen)
        # With no highlight under the cursor: the article's note.
        await pilot.press("j", "a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("About the whole article")
        await pilot.press("ctrl+s")
        await done(pilot)
        assert data.store.get_article_note(pane.article_id or 0) == "About the whole article"
        shown = "\n".join(str(o.prompt) for o in screen.sidebar.option_list.options)
        assert "Article note" in shown and "About the whole article" in shown
        assert "first …" in shown  # the highlight's note, previewed


async def test_delete_asks_first_and_u_undoes(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        h = newest(data, pane)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await done(pilot)
        assert rows(data, pane) == [h]
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await done(pilot)
        assert rows(data, pane) == []
        assert data.store.is_highlight_deleted(h.id)  # hidden, not gone
        assert tint(pane, "key point") not in painted(pane).values()
        assert not screen.sidebar.is_shown
        await pilot.press("u")
        await done(pilot)
        assert [r.id for r in rows(data, pane)] == [h.id]
        assert_painted(pane, newest(data, pane), "key point")
        await pilot.press("u")
        assert any("No deleted highlight" in m for m in messages(app))


async def test_hostile_quote_note_and_tag_are_shown_literally(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main(app)
        await done(pilot)
        row = screen.articles.index_of(data.articles[HOSTILE_TITLE])
        screen, pane = await opened(pilot, row)
        await pilot.press("h")
        await done(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"[b]")  # typed: brackets are text in the editor
        app.screen.query_one(TextArea).insert(" [red]x[/red] $var [@click=app.quit]q[/]")
        await pilot.press("ctrl+s")
        await done(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"[b]", "enter")
        await done(pilot)
        h = newest(data, pane)
        assert h.quote == "[bold]not bold[/bold] [@click=app.quit]no click[/]"
        assert h.tags == ("[b]",)
        lst = screen.sidebar.option_list
        lines = [lst.render_line(y).text for y in range(lst.size.height)]
        shown = "\n".join(lines)
        assert "[bold]not bold[/bold]" in shown
        assert "[b] [red]x[/red] $var" in shown
        assert "#[b]" in shown
        assert app.is_running


async def test_sidebar_lists_unanchored_highlights_and_follows_the_cursor(data: Data) -> None:
    article_id = data.articles["News story 0"]
    gone = Highlight(
        id="hl-0000dead",
        article_id=article_id,
        quote="a sentence the article no longer has",
        note="my thoughts on it",
        color="fact",
    )
    assert data.store.insert_highlight(gone)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        sidebar = screen.sidebar
        assert sidebar.is_shown
        shown = "\n".join(str(o.prompt) for o in sidebar.option_list.options)
        assert "Not found in the current text (1)" in shown
        assert "a sentence the article no longer has" in shown and "my thoughts on it" in shown
        await pilot.press("j", "h")
        await done(pilot)
        made = newest(data, pane)
        assert sidebar.option_list.current is not None
        assert sidebar.option_list.current.key == made.id  # follows the cursor
        # Choosing the unanchored one says why it cannot be shown.
        sidebar.option_list.focus()
        sidebar.option_list.focus_entry(gone.id)
        await pilot.press("enter")
        await pilot.pause()
        assert any("not found in the current text" in m for m in messages(app))
        # Keys act on the sidebar's entry when it has the focus: a edits its note.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "my thoughts on it"
        await pilot.press("escape")
        await done(pilot)
        # i hides the sidebar, i shows it again.
        await pilot.press("i")
        assert not sidebar.is_shown
        await pilot.press("i")
        assert sidebar.is_shown


async def test_all_highlights_view_opens_the_article_at_the_highlight(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot, 3)
        other = pane.article_id
        await pilot.press("j", "j", "j", "h")
        await done(pilot)
        target = newest(data, pane)
        await pilot.press("escape")
        screen.articles.move_cursor(0)
        await pilot.press("enter")
        await done(pilot)
        assert pane.article_id != other
        await pilot.press("H")
        await done(pilot)
        assert isinstance(app.screen, AllHighlightsScreen)
        view = app.screen
        await pilot.press(*target.quote.split()[0], "enter")
        await done(pilot)
        assert [h.id for h in view.results] == [target.id]
        await pilot.press("enter")
        await done(pilot)
        assert isinstance(app.screen, MainScreen)
        assert pane.article_id == other
        cursor = pane.cursor_range
        assert cursor is not None and cursor[0] <= (target.start or 0) < cursor[1]
        top, bottom = pane.visible_lines()
        assert top <= pane.line_of_offset(target.start or 0) < bottom


async def test_e_exports_the_article_and_a_failure_is_one_clear_line(
    data: Data, tmp_path: Path
) -> None:
    out = tmp_path / "vault"
    app = data.app(Config(export=ExportConfig(folder=str(out))))
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("e")  # nothing highlighted yet: no file of front matter alone
        await done(pilot)
        assert list(out.glob("*.md")) == []
        assert "Nothing to export: this article has no highlights or note yet." in messages(app)
        await pilot.press("h")
        await done(pilot)
        await pilot.press("e")
        await done(pilot)
        files = list(out.glob("*.md"))
        assert len(files) == 1 and FIRST in files[0].read_text(encoding="utf-8")
        assert any(m == f"Exported to {files[0]}" for m in messages(app))
        # Everything, from the palette.
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Export all notes")
        await done(pilot)
        await pilot.press("enter")
        await done(pilot)
        assert any(m == f"Exported 1 article to {out}" for m in messages(app))
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    app = data.app(Config(export=ExportConfig(folder=str(blocked))))
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("e")
        await done(pilot)
        failed = [n for n in app._notifications if n.severity == "error"]
        assert len(failed) == 1 and failed[0].message.startswith("Export failed: ")
        assert "\n" not in failed[0].message and "Traceback" not in failed[0].message
        assert app.is_running


async def test_keys_can_be_remapped_and_are_listed(data: Data) -> None:
    app = data.app(Config(keys={"highlight": "z", "start_selection": "V"}))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        assert rows(data, pane) == []
        await pilot.press("V", "w", "z")
        await done(pilot)
        assert newest(data, pane).quote == "Article 0"
        footer = {b.binding.key: b.binding.description for b in screen.active_bindings.values()}
        assert footer.get("z") == "Highlight"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text").render())
        for words in ("Highlights and notes", "Selecting text", "[highlight]", "[edit_note]"):
            assert words in help_text
        assert "Export article" in help_text and "[undo_delete]" in help_text


LONG_NOTE = (
    "Check: were the executions independently verified? The report names two witnesses,"
    " both officials; ask the court for the logs."
)


async def test_a_note_typed_at_machine_speed_is_saved_whole(data: Data) -> None:
    """Keys and ctrl+s in one batch (a paste, a fast typist): the save takes the text after
    every key sent before it."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await burst(pilot, *LONG_NOTE, "ctrl+s")
        await done(pilot)
        assert newest(data, pane).note == LONG_NOTE
        # The article's note too (the cursor on a sentence with no highlight).
        await pilot.press("j", "a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await burst(pilot, *LONG_NOTE, "ctrl+s")
        await done(pilot)
        assert data.store.get_article_note(pane.article_id or 0) == LONG_NOTE


async def test_tags_typed_at_machine_speed_are_saved_whole(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagEditor)
        typed = "claim economy executions verification witnesses court-logs"
        await burst(pilot, *typed, "enter")
        await done(pilot)
        assert newest(data, pane).tags == tuple(typed.split())


async def test_all_highlights_filters_stay_readable_in_a_narrow_terminal(data: Data) -> None:
    """At 40 columns the five filters had 7 columns each in one row: their placeholders were
    drawn a letter a line. Narrow, they go two a row."""
    from textual.widgets import Input, Select

    app = data.app()
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.press("H")
        await done(pilot)
        assert isinstance(app.screen, AllHighlightsScreen)
        filters = app.screen.query_one("#all-filters")
        widths = [w.region.width for w in filters.query(Select)] + [
            w.region.width for w in filters.query(Input)
        ]
        assert len(widths) == 5 and min(widths) >= 14, widths
    wide = data.app()
    async with wide.run_test(size=(140, 40)) as pilot:  # wide: one row, as before
        await pilot.press("H")
        await done(pilot)
        assert isinstance(wide.screen, AllHighlightsScreen)
        rows = {w.region.y for w in wide.screen.query_one("#all-filters").children}
        assert len(rows) == 1


async def test_a_double_click_selects_a_word_and_a_drag_off_the_text_ends_on_its_line(
    data: Data,
) -> None:
    """Textual's double click selected the whole article, and a drag that went one cell past
    the text (the scrollbar, the footer) ran to its end: `h` highlighted thousands of
    characters."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        y = next(
            y for y in range(pane.size.height) if "first paragraph" in pane.render_line(y).text
        )
        x = pane.render_line(y).text.index("first paragraph")
        await pilot.double_click(pane, offset=(x + 2, y))
        await pilot.pause()
        span = pane.selection_range
        assert span is not None and pane.document is not None
        assert pane.document.text[span[0] : span[1]] == "first"
        await pilot.press("escape")
        # A drag from "first" along its line, then off the pane (onto the footer): to the
        # end of that line.
        await pilot.mouse_down(pane, offset=(x, y))
        await pilot.hover(pane, offset=(pane.size.width - 2, y))
        await pilot.hover(None, offset=(x, 39))
        await pilot.mouse_up(None, offset=(x, 39))
        await pilot.pause()
        span = pane.selection_range
        assert span is not None
        selected = pane.document.text[span[0] : span[1]]
        assert selected.startswith("first paragraph") and "\n" not in selected


async def test_a_key_given_to_an_action_is_taken_from_the_one_that_had_it(data: Data) -> None:
    """star = "x": x was bound to both, starred, and "delete highlight" had it too; now x
    stars, deleting keeps its other key (delete), and a notice says so. A key terminals send
    as another (ctrl+h is backspace) is refused with a notice."""
    from tui_reader.ui.screens.confirm import ConfirmScreen

    app = data.app(Config(keys={"star": "x", "highlight": "ctrl+h"}))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("h")  # (ctrl+h refused: h stays)
        await done(pilot)
        assert len(rows(data, pane)) == 1
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert screen.current is not None
        starred = data.store.get_article(screen.current.id)
        assert starred is not None and starred.starred
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        said = messages(app)
        assert any("delete_highlight keeps delete" in m for m in said)
        assert any("terminals send ctrl+h as backspace" in m for m in said)


async def test_deleting_the_last_highlight_from_the_sidebar_gives_the_focus_to_the_pane(
    data: Data,
) -> None:
    """The sidebar hid with the focus in it: no key answered until tab."""
    app = data.app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        screen.sidebar.option_list.focus()
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await done(pilot)
        assert rows(data, pane) == []
        assert app.focused is pane


async def test_r_says_what_it_does(data: Data) -> None:
    """R (fetch the article again) answered nothing, an article open or not."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main(app).articles.focus()
        await pilot.press("R")
        await pilot.pause()
        assert "Open an article first." in messages(app)
        await opened(pilot)
        await pilot.press("R")
        await done(pilot)
        assert "Fetching the page again…" in messages(app)


async def test_f_and_i_answer_from_the_lists_too(data: Data) -> None:
    """They did nothing, saying nothing, unless the reading pane had the focus."""
    app = data.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        main(app).articles.focus()
        await pilot.press("f")
        await pilot.pause()
        assert "Open an article first." in messages(app)
        screen, _pane = await opened(pilot)
        screen.articles.focus()
        await pilot.pause()
        before = len(messages(app))
        await pilot.press("I")
        await pilot.pause()
        assert len(messages(app)) > before or app.screen is not screen


async def test_keys_on_the_sidebars_article_note_entry_speak_of_the_note(data: Data) -> None:
    """x, c and t there answered about the reading cursor."""
    from tui_reader.ui.highlights import ON_THE_NOTE

    app = data.app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen, _pane = await opened(pilot)
        await pilot.press("j", "a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("About it")
        await pilot.press("ctrl+s")
        await done(pilot)
        screen.sidebar.option_list.focus()
        await pilot.pause()
        for key in ("x", "c", "t"):
            await pilot.press(key)
            await pilot.pause()
            assert messages(app)[-1] == ON_THE_NOTE, key
