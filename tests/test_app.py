"""The reading app under Pilot: every key, against a real store in a temp dir."""

from __future__ import annotations

import time
import webbrowser

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, ProgressBar

from tests import httpserver
from tests.conftest import HOSTILE_TITLE, Data, long_document, main, save_doc, settle, titles
from tui_reader.config import Config, ReaderConfig, RefreshConfig
from tui_reader.reader import add_highlight
from tui_reader.ui.screens.feed_errors import FeedErrorsScreen
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.links import LinksScreen
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.search import SearchScreen
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.feed_list import FeedList
from tui_reader.ui.widgets.reading_pane import ReadingPane


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What was sent to the web browser (the browser itself is the one thing not started)."""
    opened: list[str] = []

    def fake_open(url: str, new: int = 0, autoraise: bool = True) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return opened


async def test_start_shows_feeds_and_newest_articles_first(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        labels = [e.label for e in screen.feeds.entries]
        assert labels[:4] == ["All", "Unread", "Starred", "Saved"]
        assert "Daily News" in labels and "News" in labels and "Tech Notes" in labels
        assert titles(app)[:3] == ["News story 0", "Tech note 0", "News story 1"]
        assert app.focused is screen.articles
        assert screen.feeds.entries[0].count == 9  # unread, all feeds


async def test_j_k_move_in_lists_and_enter_opens_and_marks_read(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "j", "k", "down")
        assert screen.articles.current is not None
        assert screen.articles.current.title == "News story 1"
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.pane
        assert screen.pane.document is not None
        assert screen.pane.document.title == "Document title 1"
        await app.flush_writes()
        article = data.store.get_article(data.articles["News story 1"])
        assert article is not None and article.read
        # The counts follow.
        assert screen.feeds.entries[0].count == 8


async def test_tab_and_shift_tab_cycle_panes(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert app.focused is screen.articles
        await pilot.press("tab")
        assert app.focused is screen.pane
        await pilot.press("tab")
        assert app.focused is screen.feeds
        await pilot.press("shift+tab")
        assert app.focused is screen.pane
        await pilot.press("escape")
        assert app.focused is screen.articles


async def test_feed_list_selects_what_the_article_list_shows(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.feeds.focus()
        index = [e.label for e in screen.feeds.entries].index("Tech Notes")
        await pilot.press(*(["j"] * index))
        await settle(pilot)
        assert titles(app) == ["Tech note 0", "Tech note 1", "Tech note 2"]
        await pilot.press("enter")
        assert app.focused is screen.articles
        # A folder lists its feeds' articles.
        await pilot.press("shift+tab")
        await pilot.press("g")
        index = [e.label for e in screen.feeds.entries].index("News")
        await pilot.press(*(["down"] * index))
        await settle(pilot)
        assert titles(app) == [f"News story {i}" for i in range(5)]


async def test_n_p_and_N_move_between_articles(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current is not None and screen.current.title == "News story 0"
        await pilot.press("n")
        assert screen.current.title == "Tech note 0"
        await pilot.press("n", "p")
        assert screen.current.title == "Tech note 0"
        # Mark the next two read; N skips them.
        data.store.set_read([data.articles["News story 1"], data.articles["Tech note 1"]])
        screen.load_articles(screen.source)
        await settle(pilot)
        await pilot.press("N")
        assert screen.current.title == "News story 2"
        assert screen.articles.current is not None
        assert screen.articles.current.title == "News story 2"
        await pilot.press("p")
        assert screen.current.title == "News story 1"  # read, but p does not skip


async def test_reading_pane_moves_by_sentence(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        pane = screen.pane
        assert pane.document is not None
        text = pane.document.text
        first = pane.cursor_range
        assert first is not None and text[first[0] : first[1]] == "Article 0 opens here."
        await pilot.press("j")
        start, end = pane.cursor_range or (0, 0)
        assert text[start:end].startswith("The first paragraph has emphasis")
        await pilot.press("j", "j", "j", "j")
        start, end = pane.cursor_range or (0, 0)
        assert text[start:end] == "Second paragraph."  # the heading was one step
        await pilot.press("j")
        start, end = pane.cursor_range or (0, 0)
        assert text[start:end] == "Mr. Smith said it twice!"  # no break after "Mr."
        await pilot.press("k", "up")
        start, end = pane.cursor_range or (0, 0)
        assert text[start:end] == "A section heading"


async def test_space_b_g_G_scroll_the_pane(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        save_doc(data.store, data.articles["News story 0"], long_document(3000))
        await pilot.press("enter")
        await settle(pilot)
        pane = screen.pane
        assert pane.scroll_offset.y == 0
        await pilot.press("space")
        page = pane.scroll_offset.y
        assert page > 20
        await pilot.press("space")
        assert pane.scroll_offset.y == 2 * page
        await pilot.press("b")
        assert pane.scroll_offset.y == page
        # The cursor follows the view: it is on a sentence that is on screen.
        cursor = pane.cursor_range
        assert cursor is not None
        top, bottom = pane.visible_lines()
        assert top <= pane.line_of_offset(cursor[0]) < bottom
        await pilot.press("G")
        assert pane.scroll_offset.y == pane.max_scroll_y > 0
        assert pane.cursor_index == len(pane.sentences) - 1
        await pilot.press("g")
        assert pane.scroll_offset.y == 0
        assert pane.cursor_index == 0
        # j past the bottom of the view scrolls to keep the cursor visible.
        for _ in range(60):
            await pilot.press("j")
        cursor = pane.cursor_range
        assert cursor is not None
        top, bottom = pane.visible_lines()
        assert top > 0 and top <= pane.line_of_offset(cursor[0]) < bottom


async def test_s_stars_and_m_toggles_read(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        target = data.articles["News story 0"]
        await pilot.press("s")
        await app.flush_writes()
        article = data.store.get_article(target)
        assert article is not None and article.starred
        await pilot.press("m")
        await app.flush_writes()
        article = data.store.get_article(target)
        assert article is not None and article.read
        assert screen.feeds.entries[1].count == 8
        await pilot.press("m", "s")
        await app.flush_writes()
        article = data.store.get_article(target)
        assert article is not None and not article.read and not article.starred
        # Starred list.
        await pilot.press("s")
        await app.flush_writes()
        screen.show_source(screen.feeds.entries[2].source)
        await settle(pilot)
        assert titles(app) == ["News story 0"]


async def test_o_opens_the_article_in_a_browser_and_y_copies_its_link(
    data: Data, browser: list[str]
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert browser == ["https://news.example/0"]
        await pilot.press("j", "y")
        assert app.clipboard == "https://tech.example/0"


async def test_o_refuses_links_that_are_not_web_links(data: Data, browser: list[str]) -> None:
    data.store.add_saved_page("file:///etc/passwd", title="A local file")
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.show_source(screen.feeds.entries[3].source)  # Saved
        await settle(pilot)
        assert titles(app) == ["A local file"]
        await pilot.press("o")
        await settle(pilot)
        assert browser == []
        assert any("Only http(s)" in n.message for n in app._notifications)


async def test_f_lists_links_and_opens_one_by_number(data: Data, browser: list[str]) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, LinksScreen)
        assert app.screen.links == ["https://project.example/", "javascript:alert(1)"]
        await pilot.press("1", "enter")
        await settle(pilot)
        assert browser == ["https://project.example/"]
        # Link 2 is not a web link: refused.
        await pilot.press("f", "2", "enter")
        await settle(pilot)
        assert browser == ["https://project.example/"]


async def test_slash_searches_and_opens_the_match(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"zanzibar")
        await pilot.press("enter")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert len(search.hits) == 8  # every rich document has the needle
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.source.kind == "search"
        assert len(screen.articles.articles) == 8
        pane = screen.pane
        assert pane.document is not None
        cursor = pane.cursor_range
        assert cursor is not None
        assert "zanzibar" in pane.document.text[cursor[0] : cursor[1]]
        assert "matches" in pane._layers and pane._layers["matches"].items


async def test_r_refreshes_in_the_background_and_shows_feed_errors(
    data: Data, server: httpserver.TestServer
) -> None:
    feed_xml = """<?xml version="1.0"?><rss version="2.0"><channel><title>Served</title>
    <item><title>Fresh from the server</title><link>{link}</link><guid>s1</guid>
    <description>A fresh summary.</description></item></channel></rss>"""
    url = server.route("/feed.xml", feed_xml.replace("{link}", server.url("/story")))
    bad = server.route("/gone.xml", "gone", status=404, content_type="text/plain")
    data.store.add_feed(url, title="Served")
    data.store.add_feed(bad, title="Gone feed")
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("r")
        await settle(pilot)
        assert not screen.query_one("#refresh-bar").display
        bar = screen.query_one("#refresh-progress", ProgressBar)
        assert bar.total == bar.progress == 6  # one step per feed, reported as it went
        assert "Fresh from the server" in titles(app)
        gone = next(e for e in screen.feeds.entries if e.label == "Gone feed")
        assert gone.error
        messages = [n.message for n in app._notifications]
        assert any("failed" in m for m in messages)
        await pilot.press("E")
        assert isinstance(app.screen, FeedErrorsScreen)
        await pilot.press("q")  # (closes it, as in the help: it does not quit the app)
        await settle(pilot)
        assert app.screen is screen and app.is_running
        await pilot.press("E")
        assert isinstance(app.screen, FeedErrorsScreen)
        assert {f.title for f in app.screen.feeds} >= {"Gone feed", "Broken Feed"}
        index = [f.title for f in app.screen.feeds].index("Gone feed")
        await pilot.press(*(["down"] * index), "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.source.kind == "feed"
        assert screen.articles.articles == []


async def test_auto_refresh_fetches_only_the_feeds_that_are_due(
    data: Data, server: httpserver.TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MainScreen, "AUTO_FIRST_CHECK", 0.05)
    feed_xml = """<?xml version="1.0"?><rss version="2.0"><channel><title>Auto</title>
    <item><title>Arrived on its own</title><link>{link}</link><guid>a1</guid></item>
    </channel></rss>"""
    url = server.route("/auto.xml", feed_xml.replace("{link}", server.url("/a1")))
    later = time.time() + 3600
    for feed in data.store.list_feeds():  # the fixture's feeds: fetched, due in an hour
        data.store.record_fetch(
            feed.id, status=feed.last_status or "ok", error=feed.last_error, next_fetch=later
        )
    data.store.add_feed(url, title="Auto")  # never fetched: due now
    not_due, _ = data.store.add_feed(server.route("/later.xml", feed_xml), title="Later")
    data.store.record_fetch(not_due.id, status="ok", next_fetch=later)

    # Off (the default): nothing is fetched.
    async with data.app().run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await settle(pilot)
        assert server.requests == []

    app = data.app(Config(refresh=RefreshConfig(auto=True)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main(app)
        for _ in range(600):  # up to 30 s on a loaded machine; done as soon as it is said
            await pilot.pause(0.05)
            if "1 new article." in [n.message for n in app._notifications]:
                break
        await settle(pilot)
        assert [r.path for r in server.requests] == ["/auto.xml"]  # the due feed only
        assert "Arrived on its own" in titles(app)
        assert not screen.refreshing
        # A later check: nothing is due any more, so nothing is fetched or said.
        said = len(app._notifications)
        screen._auto_check()
        assert not screen.refreshing  # the list knows the feed is not due: no refresh at all
        await settle(pilot)
        assert [r.path for r in server.requests] == ["/auto.xml"]
        assert len(app._notifications) == said


async def test_article_without_text_is_fetched_in_a_worker(
    data: Data, server: httpserver.TestServer
) -> None:
    page = (
        "<html><head><title>Served page</title></head><body><article><h1>Served page</h1>"
        + "".join(
            f"<p>Paragraph {i} of the served page, long enough to count.</p>" for i in range(30)
        )
        + "</article></body></html>"
    )
    url = server.route("/page", page, content_type="text/html; charset=utf-8")
    article = data.store.add_saved_page(url, title="A page to fetch")
    app = data.app(open_article=article.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.source.kind == "saved"
        assert screen.current is not None and screen.current.id == article.id
        assert screen.pane.document is not None
        assert "Paragraph 29 of the served page" in screen.pane.document.text
        assert not screen.query_one("#reader").has_class("-loading")
        body = data.store.get_body(article.id)
        assert body.doc_json  # stored for next time


async def test_a_failed_fetch_shows_the_error_and_the_url_in_the_pane(
    data: Data, server: httpserver.TestServer
) -> None:
    url = server.route("/missing", "no", status=404, content_type="text/plain")
    article = data.store.add_saved_page(url, title="A missing page")
    app = data.app(open_article=article.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = main(app).pane
        notice = " ".join(pane.notice)
        assert "Could not load the full text" in notice
        assert url in notice
        assert "press o" in notice


async def test_R_fetches_the_page_again(data: Data, server: httpserver.TestServer) -> None:
    body = "<html><body><article>" + "<p>Version {v} text of the page here.</p>" * 40
    url = server.route("/again", body.replace("{v}", "one"), content_type="text/html")
    article = data.store.add_saved_page(url, title="Changing page")
    app = data.app(open_article=article.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = main(app).pane
        assert pane.document is not None and "Version one" in pane.document.text
        server.route("/again", body.replace("{v}", "two"), content_type="text/html")
        await pilot.press("R")
        await settle(pilot)
        assert pane.document is not None and "Version two" in pane.document.text


async def test_question_mark_shows_every_key(data: Data) -> None:
    app = data.app(Config(keys={"refresh": "ctrl+r"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for words in ("Refresh", "ctrl+r", "[refresh]", "Next unread", "Links", "Palette"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_ctrl_p_palette_runs_actions_and_jumps_to_feeds_and_articles(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Tech Notes")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.source.kind == "feed" and screen.source.label == "Tech Notes"
        await pilot.press("ctrl+p", *"zanzibar")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current is not None
        assert app.focused is screen.pane
        # An action by name.
        await pilot.press("ctrl+p", *"Star")
        await settle(pilot)
        await pilot.press("enter")
        await app.flush_writes()
        article = data.store.get_article(screen.current.id)
        assert article is not None and article.starred


async def test_themes_persist_and_the_config_overrides(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
        await app.flush_writes()
    assert data.store.get_setting("theme") == "nord"
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
    app = data.app(Config(reader=ReaderConfig(theme="gruvbox")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"


async def test_an_unknown_configured_theme_is_said_and_the_saved_one_kept(data: Data) -> None:
    data.store.set_setting("theme", "nord")
    app = data.app(Config(reader=ReaderConfig(theme="no-such-theme")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("no theme named 'no-such-theme'" in n.message for n in app._notifications)
    assert data.store.get_setting("theme") == "nord"


async def test_keys_are_remapped_from_the_config(data: Data) -> None:
    app = data.app(Config(keys={"star": "x", "nonsense": "z"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.press("x")
        await app.flush_writes()
        article = data.store.get_article(data.articles["News story 0"])
        assert article is not None and article.starred
        assert any("keys.nonsense" in n.message for n in app._notifications)


async def test_i_toggles_the_sidebar(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sidebar = main(app).sidebar
        assert not sidebar.is_shown and sidebar.has_class("-hidden")
        await pilot.press("i")
        assert sidebar.is_shown and not sidebar.has_class("-hidden")
        await pilot.press("i")
        assert not sidebar.is_shown and sidebar.has_class("-hidden")


async def test_q_quits(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_narrow_screen_shows_one_pane_at_a_time(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        left = screen.query_one("#left")
        reader = screen.query_one("#reader")
        assert screen.has_class("-narrow")
        assert left.display and not reader.display
        await pilot.press("enter")
        await settle(pilot)
        assert reader.display and not left.display
        assert screen.pane.size.width >= 78  # the reading pane takes the width
        await pilot.press("escape")
        assert left.display and not reader.display


async def test_hostile_text_is_shown_literally(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        hostile_id = data.articles[HOSTILE_TITLE]
        i = screen.articles.index_of(hostile_id)
        screen.articles.move_cursor(i)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running  # [@click=app.quit] did nothing
        # The feed list, the article list and the pane draw the text as it is.
        shown = "\n".join(
            "".join(seg.text for seg in strip)
            for widget in (screen.feeds, screen.articles, screen.pane)
            for strip in (widget.render_line(y) for y in range(widget.size.height))
        )
        assert "[bold red]x[/] [@click=app.quit]click[/]" in shown
        assert "[bold]not bold[/bold] [@click=app.quit]no click[/]" in shown
        assert "\x1b" not in shown
        # A notification with the title.
        await pilot.press("y")
        await pilot.press("s")
        assert app.is_running


async def test_a_click_puts_the_cursor_on_the_sentence_under_the_mouse(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        pane = screen.pane
        assert pane.document is not None
        target = pane.document.text.index("Dr. Jones agreed.")
        line = pane.line_of_offset(target)
        rendered = pane.rendered
        assert rendered is not None
        run = next(
            r
            for r in rendered.lines[line].runs
            if r.offset >= 0 and r.offset <= target < r.offset + r.size
        )
        x = pane._margin + run.col + (target - run.offset) + 2
        assert pane.offset_at(x, line) == target + 2
        await pilot.click(ReadingPane, offset=(x, line))
        cursor = pane.cursor_range
        assert cursor is not None
        assert pane.document.text[cursor[0] : cursor[1]] == "Dr. Jones agreed."


async def test_long_lists_load_more_as_the_cursor_nears_the_end(data: Data) -> None:
    from tui_reader.models import EntryData
    from tui_reader.store import Store

    with Store.open(data.paths.database) as store:
        feed, _ = store.add_feed("https://many.example/feed.xml", title="Many")
        store.upsert_entries(
            feed,
            [EntryData(guid=f"m{i}", title=f"Many {i}", published=1.6e9 - i) for i in range(1500)],
        )
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        articles: ArticleList = screen.articles
        assert len(articles.articles) == 200 and articles.has_more
        await pilot.press("G")
        await settle(pilot)
        assert len(articles.articles) == 1200
        await pilot.press("G")
        await settle(pilot)
        assert len(articles.articles) == 1509 and not articles.has_more
        assert isinstance(screen.feeds, FeedList)


async def test_the_palette_shows_hostile_titles_literally(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("ctrl+p", *"click")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        prompts = [str(option.prompt) for option in palette.query_one(OptionList).options]
        assert any("[@click=app.quit]click[/]" in p for p in prompts), prompts
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert screen.source.kind == "feed" and screen.source.feed_id == data.hostile


async def test_the_sidebar_lists_highlights_and_choosing_one_scrolls_the_pane(data: Data) -> None:
    article_id = data.articles["News story 0"]
    doc = long_document(3000)
    save_doc(data.store, article_id, doc)
    text = doc.text
    far = len(text) - 60
    far = text.index(" ", far) + 1
    add_highlight(data.store, article_id, text, 0, 4, "key point", note="[b]near[/b]")
    add_highlight(data.store, article_id, text, far, far + 5, "disputed")
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        pane = screen.pane
        assert pane.document is not None
        assert screen.sidebar.is_shown and screen.sidebar.region.width > 0
        screen.sidebar.option_list.focus()
        await pilot.press("end", "enter")
        await pilot.pause()
        top, bottom = pane.visible_lines()
        assert top <= pane.line_of_offset(far) < bottom and top > 0
        cursor = pane.cursor_range
        assert cursor is not None and cursor[0] <= far < cursor[1] + 1
        # Painted highlights land on the lines of their offsets.
        pane.set_highlights([(far, far + 5, "on red")])
        line = pane.line_of_offset(far) - top
        strip = pane.render_line(line)
        assert any(
            seg.style and seg.style.bgcolor and seg.style.bgcolor.name == "red" for seg in strip
        )


async def test_typing_in_the_search_box_never_runs_keys(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quiet rooms?", "enter")
        await settle(pilot)
        assert app.is_running
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert search.query_one(Input).value == "quiet rooms?"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_refresh_says_new_articles_once_the_list_shows_them(
    data: Data, server: httpserver.TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "3 new articles." came before the list was read again (a worker): enter pressed on
    that word opened nothing, or the article the cursor had been on. A slow list read shows
    the order: the message now comes with the rows."""
    import tui_reader.ui.screens.main as main_module

    read_list = main_module.first_page

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)
        return read_list(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(main_module, "first_page", slow)
    feed_xml = """<?xml version="1.0"?><rss version="2.0"><channel><title>Now</title>
    <item><title>Just in</title><link>{link}</link><guid>n1</guid></item>
    </channel></rss>"""
    data.store.add_feed(server.route("/now.xml", feed_xml.replace("{link}", server.url("/n1"))))
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        for _ in range(3000):  # up to 30 s on a loaded machine
            await pilot.pause(0.01)
            said = [n.message for n in app._notifications if "new article" in n.message]
            if said:
                break
        assert said and said[0].startswith("1 new article."), said
        assert "Just in" in titles(app)  # listed when it is said
