"""Keys under Pilot, against a real store: the footer at every width, where the focus goes,
which list the movement keys move, and what m, s, N, the help and the palette act on."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from tests.conftest import Data, main, rich_document, save_doc, settle
from tui_reader.config import Config
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.search import SearchScreen
from tui_reader.ui.sources import feed_source
from tui_reader.ui.widgets.reading_pane import ReadingPane

SIZES = [(80, 24), (100, 30), (120, 40)]


def footer_keys(app: ReaderApp) -> list[tuple[int, int, str]]:
    """(x, width, text) of every key the footer shows, left to right."""
    footer = app.screen.query_one(Footer)
    keys = [(k.region.x, k.region.width, str(k.render())) for k in footer.query(FooterKey)]
    return sorted(keys)


def assert_footer_fits(app: ReaderApp, width: int) -> None:
    keys = footer_keys(app)
    texts = [text for _x, _w, text in keys]
    assert "? Keys" in texts and "q Quit" in texts, texts
    assert texts[-1].endswith("Palette"), texts
    for (x, w, text), (next_x, _, next_text) in pairwise(keys):
        assert x + w <= next_x, f"{text!r} runs into {next_text!r}: {keys}"
    last_x, last_w, _ = keys[-1]
    assert last_x + last_w <= width, keys


def footer_line(app: ReaderApp) -> str:
    """The footer as the README writes it: the keys, then "▏" and the palette key."""
    texts = [text for _x, _w, text in footer_keys(app)]
    return " ".join(texts[:-1]) + " ▏" + texts[-1]


def readme_footers() -> dict[str, tuple[str, str]]:
    """The README's footer table: size → (list focused, reading pane focused)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+x\d+) \| `([^`]*)` \| `([^`]*)` \|$", readme, re.MULTILINE)
    return {size: (lists, pane) for size, lists, pane in rows}


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_keeps_help_and_quit_and_fits_at_every_width(
    data: Data, size: tuple[int, int]
) -> None:
    """... and is what the README says it is."""
    in_readme = readme_footers()[f"{size[0]}x{size[1]}"]
    app = data.app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert_footer_fits(app, size[0])
        assert footer_line(app) == in_readme[0]
        await pilot.press("enter")  # the reading pane: more keys to show
        await settle(pilot)
        assert app.focused is main(app).pane
        assert_footer_fits(app, size[0])
        assert footer_line(app) == in_readme[1]


async def test_the_footer_is_laid_out_again_when_the_terminal_narrows(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert_footer_fits(app, 80)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert_footer_fits(app, 120)
        assert "a Note" in [text for _x, _w, text in footer_keys(app)]


@pytest.mark.parametrize("size", SIZES)
async def test_an_article_opened_at_start_has_the_focus(data: Data, size: tuple[int, int]) -> None:
    """``tui-reader read URL`` (an article to open at start): the keys act on the reading pane,
    and a narrow screen shows it."""
    article = data.store.add_saved_page("https://pages.example/one", title="One page")
    save_doc(data.store, article.id, rich_document(0))
    app = data.app(open_article=article.id)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.current is not None and screen.current.id == article.id
        assert app.focused is screen.pane
        assert screen.has_class("-view-reader")
        start = screen.pane.cursor_range
        row = screen.articles.cursor
        await pilot.press("j", "j")
        assert screen.pane.cursor_range != start and screen.pane.cursor_range[0] > start[0]
        assert screen.articles.cursor == row


async def test_j_and_k_move_in_the_sidebar(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h", "j", "h", "j", "h")  # three highlights
        await settle(pilot)
        await pilot.press("tab")  # the reading pane → the sidebar
        sidebar = screen.sidebar.option_list
        assert app.focused is sidebar
        sidebar.highlighted = 0
        await pilot.press("j")
        assert sidebar.highlighted == 1
        await pilot.press("G")
        assert sidebar.highlighted == sidebar.option_count - 1 == 2
        await pilot.press("k")
        assert sidebar.highlighted == 1
        await pilot.press("g")
        assert sidebar.highlighted == 0


async def test_j_k_g_and_G_scroll_the_help(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        assert app.focused is body and body.max_scroll_y > 0
        await pilot.press("j", "j")
        await settle(pilot)
        assert body.scroll_y == 2
        await pilot.press("k")
        await settle(pilot)
        assert body.scroll_y == 1
        await pilot.press("G")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_y == 0


def messages(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


def marks(data: Data) -> set[tuple[str, bool, bool]]:
    """(title, read, starred) of every article read or starred."""
    return {(a.title, a.read, a.starred) for a in data.store.list_articles() if a.read or a.starred}


async def test_m_and_s_with_the_feeds_focused_never_act_on_a_row_no_one_chose(
    data: Data,
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        before = marks(data)
        await pilot.press("shift+tab")  # the article list → the feeds
        assert app.focused is screen.feeds
        await pilot.press("j", "s")  # another feed; nothing is open
        assert any("To star an article" in m for m in messages(app)), messages(app)
        await pilot.press("m")
        assert any("To mark read or unread an article" in m for m in messages(app))
        await settle(pilot)
        await app.flush_writes()
        assert marks(data) == before
        # With an article open (and on show), they act on it and say which.
        await pilot.press("tab", "enter")
        await settle(pilot)
        opened = screen.current
        assert opened is not None
        await pilot.press("escape", "escape")  # back to the list, then to the feeds
        assert app.focused is screen.feeds
        await pilot.press("s")
        await app.flush_writes()
        starred = data.store.get_article(opened.id)
        assert starred is not None and starred.starred
        assert f"Starred: {opened.title}" in messages(app)


async def test_m_and_s_on_a_narrow_screen_act_only_on_what_is_shown(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")  # open the first article: the pane is all that shows
        await settle(pilot)
        opened = screen.current
        assert opened is not None and screen.has_class("-view-reader")
        await pilot.press("escape", "escape")  # the feeds: the article is not on show
        assert app.focused is screen.feeds
        before = marks(data)
        await pilot.press("s")
        await app.flush_writes()
        assert marks(data) == before
        assert any("To star an article" in m for m in messages(app))


async def palette(pilot: Pilot[None], typed: str) -> None:
    """Type ``typed`` in the palette and take its first entry."""
    await pilot.press("ctrl+p", *typed)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("typed", ["Feed: Tech Notes", "feed:tech notes", "Tech Notes"])
async def test_a_palette_entry_typed_as_shown_finds_it(data: Data, typed: str) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await palette(pilot, typed)
        assert isinstance(app.screen, MainScreen)
        assert screen.source.kind == "feed" and screen.source.label == "Tech Notes"


async def test_an_article_opened_from_the_palette_brings_its_list(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await palette(pilot, "Feed: Tech Notes")
        assert screen.source.label == "Tech Notes"
        story = data.articles["News story 2"]
        await palette(pilot, "Article: News story 2")
        assert screen.source.kind == "feed" and screen.source.feed_id == data.news
        assert screen.feeds.current is not None and screen.feeds.current.source == screen.source
        assert screen.articles.current is not None and screen.articles.current.id == story
        await pilot.press("n")  # the next article of the same feed
        await settle(pilot)
        assert screen.current is not None and screen.current.title == "News story 3"
        await pilot.press("p", "p")
        await settle(pilot)
        assert screen.current is not None and screen.current.title == "News story 1"


async def test_N_at_the_end_of_a_list_goes_on_to_the_next_feed_with_unread(data: Data) -> None:
    """Daily News is the last feed of the list: N goes round to the first feed with unread
    articles, past those with none (the hostile feed's one article is read here)."""
    data.store.set_read([a.id for a in data.store.list_articles(feed_id=data.hostile)], True)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        news = screen.feeds.entries[screen.feeds.index_of(feed_source(data.news, ""))].source
        screen.show_source(news, focus_list=True)
        await settle(pilot)
        await pilot.press("G", "enter")  # the last article of Daily News
        await settle(pilot)
        assert screen.current is not None and screen.current.title == "News story 4"
        await pilot.press("N")
        await settle(pilot)
        assert screen.source.kind == "feed" and screen.source.feed_id == data.tech
        assert screen.feeds.current is not None and screen.feeds.current.source == screen.source
        assert screen.current is not None and screen.current.title == "Tech note 0"
        assert screen.articles.current is not None
        assert screen.articles.current.title == "Tech note 0"
        assert screen.articles.current.read  # opened: read, in the list too
        await app.flush_writes()
        tech0 = data.store.get_article(data.articles["Tech note 0"])
        assert tech0 is not None and tech0.read
        # When no feed has any unread article left, N says so and stays.
        everything = [a.id for a in data.store.list_articles()]
        data.store.set_read(everything, True)
        screen.load_feeds()
        screen.load_articles(screen.source)
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert screen.source.feed_id == data.tech
        assert "No unread articles left." in messages(app)


async def test_keys_config_takes_key_names_in_any_case_and_refuses_nonsense(data: Data) -> None:
    keys = {"refresh": "ctrl+shift+banana", "search": "F5", "star": "Ctrl+X", "top": "Home"}
    app = data.app(Config(keys=keys))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = messages(app)
        assert any(m.startswith("keys.refresh: 'ctrl+shift+banana' is not a key") for m in said)
        assert all("\\n" not in m for m in said)
        assert not any("keys.search" in m or "keys.star" in m for m in said), said
        shown = [text for _x, _w, text in footer_keys(app)]
        assert "r Refresh" in shown and not any("banana" in t for t in shown), shown
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+x")
        await app.flush_writes()
        article = data.store.get_article(data.articles["News story 0"])
        assert article is not None and article.starred


async def test_notifications_do_not_pile_up_over_the_text(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "s", "s", "s", "s")
        await settle(pilot)
        toasts = list(app.screen.query(Toast))
        assert [str(t.render()) for t in toasts] == ["Unstarred.", "Starred."]
        # One line each, the newest on the footer's row, over nothing above the one before.
        assert [(t.region.height, t.region.y) for t in toasts] == [(1, 38), (1, 39)]
        # A warning stays while newer notices come.
        app.notify("Something failed.", severity="warning", markup=False)
        await pilot.press("s", "s")
        await settle(pilot)
        shown = sorted(str(t.render()) for t in app.screen.query(Toast))
        assert shown == ["Something failed.", "Starred.", "Unstarred."]
        # The help is read in full: no notification over it, its own or the screen's below.
        await pilot.press("question_mark")
        await settle(pilot)
        toasts = [t for screen in app.screen_stack for t in screen.query(Toast)]
        assert toasts and not any(t.visible for t in toasts)


@pytest.mark.parametrize("theme", ["textual-light", "solarized-light", "textual-dark", "nord"])
async def test_the_reading_cursor_has_a_look_of_its_own_in_every_theme(
    data: Data, theme: str
) -> None:
    """Not underlined like a link: a background from the theme, which stands out from the
    page in light themes too, and differs from a selection's."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = main(app).pane
        cursor = pane._component("cursor")
        assert not cursor.underline
        assert cursor.bgcolor is not None and pane.rich_style.bgcolor is not None
        ours = cursor.bgcolor.get_truecolor()
        page = pane.rich_style.bgcolor.get_truecolor()
        assert sum(abs(a - b) for a, b in zip(ours, page, strict=True)) >= 60, (ours, page)
        selection = pane._component("selection").bgcolor
        assert selection is not None and selection.get_truecolor() != ours
        # And it is what the pane paints under the sentence at the cursor, which still shows
        # (bold) once the sentence is highlighted.
        start, _end = pane.cursor_range
        assert painted(pane)[start] == (ours, True)
        await pilot.press("h")
        await settle(pilot)
        bg, bold = painted(pane)[start]
        assert bg != ours and bold
        await pilot.press("j")
        assert painted(pane)[start] == (bg, False)  # the highlight alone


def painted(pane: ReadingPane) -> dict[int, tuple[object, bool]]:
    """(background, bold) of each text offset where a segment starts, as the pane draws it."""
    out: dict[int, tuple[object, bool]] = {}
    for y in range(pane.scrollable_content_region.height):
        for segment in pane.render_line(y):
            style = segment.style
            meta = style.meta if style is not None else {}
            if "offset" in meta and style is not None:
                bg = style.bgcolor.get_truecolor() if style.bgcolor is not None else None
                out[meta["offset"][0]] = (bg, bool(style.bold))
    return out


async def test_ctrl_z_suspends_and_a_resume_draws_everything_again(data: Data) -> None:
    """Ctrl-Z did nothing (the app could not be put in the background); after a stop and
    fg, the screen stayed blank but for the rows a key changed."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bound = app._bindings.key_to_bindings.get("ctrl+z", [])
        assert [b.action for b in bound] == ["suspend_process"]
        painted: list[bool] = []
        real = app.screen.refresh

        def refresh(*args: object, **kwargs: object) -> object:
            painted.append(bool(kwargs.get("repaint")))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        app.screen.refresh = refresh  # type: ignore[method-assign]
        app.app_resume_signal.publish(app)
        await pilot.pause()
        assert True in painted
