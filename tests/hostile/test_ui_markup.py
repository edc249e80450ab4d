"""Markup in feed and page text, in the app: `[bold red]`, `[link=...]`, `[@click=app.quit]`,
`[$accent @click=...]`, `[/]`, unbalanced tags, `\\[escaped]` and a trailing backslash, in
feed names and folders, article titles, authors, summaries, page text, links, highlight quotes,
notes and tags, feed errors, search, the palette, notifications and the help screen.

Every case reads the screen back as Textual composed it: the text is there literally, no cell
carries a link or an action, clicking on it runs nothing, and (twin runs, see ui_support) the
screen's styles are cell for cell those of the same screen with plain letters in its place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets._toast import Toast

from tests.conftest import main, settle
from tests.hostile.ui_support import (  # noqa: F401
    MARKUP,
    Cell,
    Field,
    active_styles,
    browser_fixture,
    find_on_screen,
    hostile,
    screen_cells,
    screen_lines,
    squash,
    style_differences,
    twin,
    wait_for_screen,
    widget_text,
)
from tui_reader.config import Config
from tui_reader.document import Block, Document, Span
from tui_reader.extract import EXTRACTOR_VERSION
from tui_reader.feeds.welcome import WELCOME_SETTING
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.all_highlights import AllHighlightsScreen
from tui_reader.ui.screens.feed_errors import FeedErrorsScreen
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.links import LinksScreen
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.note_editor import NoteEditor, TagEditor
from tui_reader.ui.screens.search import SearchScreen

pytestmark = pytest.mark.hostile(category="markup")

BASE_TIME = 1_700_000_000.0
SIZE = (200, 60)
# Where an action or a link would be if the markup took effect: clicked in the hostile run.
CLICK_TARGETS = ("[@click=app.quit]", "@click=app.quit]", "[link=https://evil]")
MAX_CLICKS = 4


@dataclass
class Filled:
    path: Path
    articles: list[int] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # strings shown (whole, maybe wrapped)
    links: list[str] = field(default_factory=list)


def fill(path: Path, text: Field) -> Filled:
    """One feed per payload (every other one in a folder of its own) whose last refresh failed
    with the payload in its error; one article each whose title, author and summary carry it.
    The first article has a stored document with every payload as a paragraph, a link whose
    text and address carry one, two highlights with notes and tags, and an article note.
    ``text`` makes each string (hostile, or its plain twin)."""
    out = Filled(path)
    with Store.open(path) as store:
        store.set_setting(WELCOME_SETTING, "1")
        for i, payload in enumerate(MARKUP):
            # "/" separates nested folders (OPML import and `add --folder` store a name's own
            # slash as "∕"): the name is one folder, its markup intact.
            folder = text(f"D{i}", payload).replace("/", "∕") if i % 2 == 0 else ""
            feed, _ = store.add_feed(
                f"https://f{i}.example/feed.xml", title=text(f"F{i}", payload), folder=folder
            )
            store.record_fetch(feed.id, status="error", error=text(f"E{i}", payload))
            store.upsert_entries(
                feed,
                [
                    EntryData(
                        guid=f"g{i}",
                        url=f"http://127.0.0.1:9/{i}",  # refused at once: no page to fetch
                        title=text(f"T{i}", payload),
                        author=text(f"A{i}", payload),
                        published=BASE_TIME - i * 3600,
                        summary=f"<p>{text(f'S{i}', payload)}</p>",
                        text=text(f"S{i}", payload),
                    )
                ],
            )
            out.expected += [text(f"F{i}", payload), text(f"T{i}", payload)]
            if folder:
                out.expected.append(folder)
        ids = {a.title: a.id for a in store.list_articles()}
        out.articles = [ids[text(f"T{i}", p)] for i, p in enumerate(MARKUP)]
        paragraphs = [text(f"B{i}", p) for i, p in enumerate(MARKUP)]
        link_text = text("L", MARKUP[2])  # shown as "L[1] ...[2]"
        out.links = [
            text("https://e.x/1", MARKUP[2]).replace(" ", ""),
            text("https://e.x/2", MARKUP[1]).replace(" ", ""),
        ]
        spans = (Span(0, 1, "link", out.links[0]), Span(2, len(link_text), "link", out.links[1]))
        blocks = [Block("paragraph", p) for p in paragraphs]
        blocks.append(Block("paragraph", link_text, spans=spans))
        doc = Document(
            title=text("DT", MARKUP[0]), byline=text("BY", MARKUP[3]), blocks=tuple(blocks)
        )
        store.save_document(
            out.articles[0],
            doc_json=doc.to_json(),
            text=doc.text,
            version=EXTRACTOR_VERSION,
            source="page",
        )
        out.expected += [*paragraphs, link_text[:1] + "[1]" + link_text[1:] + "[2]", *out.links]
        body = doc.text
        for i in (2, 3):
            start = body.index(paragraphs[i])
            add_highlight(
                store,
                out.articles[0],
                body,
                start,
                start + len(paragraphs[i]),
                "key point",
                tags=[text(f"g{i}", MARKUP[i]).replace(" ", "")],
                note=text(f"N{i}", MARKUP[i]),
            )
            out.expected += [text(f"N{i}", MARKUP[i]), text(f"#g{i}", MARKUP[i]).replace(" ", "")]
        store.set_article_note(out.articles[0], text("AN", MARKUP[1]))
        out.expected.append(text("AN", MARKUP[1]))
    return out


@dataclass
class Shot:
    name: str
    cells: list[list[Cell]]
    text: str  # the named widgets' text
    active: list[str]


Shoot = Callable[[str, Sequence[Widget]], None]
Scenario = Callable[[Pilot[None], ReaderApp, Filled, Shoot], Awaitable[None]]


async def run(
    paths: Paths,
    filled: Filled,
    scenario: Scenario,
    config: Config | None = None,
    *,
    click: bool = False,
) -> list[Shot]:
    """Run the app on ``filled``'s store through ``scenario``, which takes shots of the screen
    (the named widgets' text is read too); with ``click``, the scenario is followed by clicks
    on whatever on the screen it ends on would be an action or a link if the markup took
    effect, and the app must still run after each."""
    app = ReaderApp(paths, config or Config(), store_path=filled.path)
    shots: list[Shot] = []

    def shoot(name: str, widgets: Sequence[Widget]) -> None:
        for widget in [*app.screen.query(Input), *app.screen.query(TextArea)]:
            widget.cursor_blink = False
        text = "\n".join(widget_text(app, w) for w in widgets)
        shots.append(Shot(name, screen_cells(app), text, active_styles(app)))

    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await scenario(pilot, app, filled, shoot)
        await settle(pilot)
        assert app.is_running, "the app quit"
        if click:
            targets = [
                (x + len(target), y)
                for target in CLICK_TARGETS
                for x, y in find_on_screen(app, target)
            ]
            assert targets, "nothing to click on"
            for x, y in targets[:MAX_CLICKS]:
                await pilot.click(offset=(min(x, SIZE[0] - 1), y))
                assert app.is_running, f"a click at ({x}, {y}) quit the app"
    return shots


async def against_twin(
    paths: Paths,
    tmp_path: Path,
    scenario: Scenario,
    expected: Callable[[Filled], list[str]] = lambda f: f.expected,
    config: Config | None = None,
) -> list[Shot]:
    """Run ``scenario`` on the hostile store and on its twin: every shot of the hostile run
    shows its strings literally, has no link or action, and has the twin's styles."""
    bad = fill(tmp_path / "hostile.sqlite3", hostile)
    plain = fill(tmp_path / "twin.sqlite3", twin)
    shots = await run(paths, bad, scenario, config, click=True)
    twins = await run(paths, plain, scenario, config)
    assert [s.name for s in shots] == [s.name for s in twins]
    seen = squash("\n".join(s.text for s in shots))
    missing = [s for s in expected(bad) if squash(s) not in seen]
    assert not missing, f"not shown literally: {missing}\n" + "\n".join(s.text for s in shots)
    for shot, plain_shot in zip(shots, twins, strict=True):
        assert not shot.active, f"{shot.name}: cells with links or actions: {shot.active[:5]}"
        diff = style_differences(shot.cells, plain_shot.cells)
        assert not diff, f"{shot.name}: styles differ from the plain twin's:\n" + "\n".join(diff)
    return shots


# -- the main screen ---------------------------------------------------------------------------


async def main_screen_scenario(
    pilot: Pilot[None], app: ReaderApp, filled: Filled, shoot: Shoot
) -> None:
    screen = main(app)
    await pilot.press("enter")  # the first article: its document, highlights and notes
    await settle(pilot)
    assert screen.sidebar.is_shown
    shoot("article", [screen.feeds, screen.articles, screen.pane, screen.sidebar.option_list])
    # An article with no stored text: its summary and author, and the failed fetch's notice.
    screen.articles.focus()
    await pilot.press("j", "j", "j", "enter")
    await settle(pilot)
    assert screen.current is not None and screen.current.id == filled.articles[3]
    shoot("summary", [screen.pane])


async def test_lists_pane_and_sidebar_show_markup_literally(
    paths: Paths, tmp_path: Path, browser: list[str]
) -> None:
    def expected(f: Filled) -> list[str]:
        return [*f.expected, hostile("S3", MARKUP[3]), hostile("A3", MARKUP[3])]

    await against_twin(paths, tmp_path, main_screen_scenario, expected)
    assert browser == []


async def dialogs_scenario(
    pilot: Pilot[None], app: ReaderApp, filled: Filled, shoot: Shoot
) -> None:
    """The feed errors, the links of the article, all highlights, a note and its tags."""
    await pilot.press("E")
    await settle(pilot)
    assert isinstance(app.screen, FeedErrorsScreen)
    shoot("feed errors", [app.screen.query_one(OptionList)])
    await pilot.press("escape", "enter")  # back; open the first article
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)  # (shot at once, the dialog was sometimes not drawn yet: a flaky diff)
    assert isinstance(app.screen, LinksScreen)
    shoot("links", [app.screen.query_one(OptionList)])
    await pilot.press("escape", "H")
    await settle(pilot)
    assert isinstance(app.screen, AllHighlightsScreen)
    shoot("all highlights", [app.screen.option_list])
    await pilot.press("escape", "j", "j", "a")  # the cursor on the first highlight: its note
    await wait_for_screen(pilot, NoteEditor)
    assert isinstance(app.screen, NoteEditor)
    shoot("note", [app.screen.query_one("#note-subject", Static), app.screen.editor])
    await pilot.press("escape", "t")
    await wait_for_screen(pilot, TagEditor)
    assert isinstance(app.screen, TagEditor)
    shoot("tags", [app.screen.query_one("#tags-subject", Static), app.screen.query_one(Input)])
    await pilot.press("escape")


async def test_dialogs_show_markup_literally(paths: Paths, tmp_path: Path) -> None:
    def expected(f: Filled) -> list[str]:
        errors = [hostile(f"E{i}", p) for i, p in enumerate(MARKUP)]
        return [*errors, *f.links, hostile("N2", MARKUP[2]), hostile("T0", MARKUP[0])]

    await against_twin(paths, tmp_path, dialogs_scenario, expected)


# -- search, the palette, notifications, the help screen -------------------------------------


async def test_a_search_for_markup_shows_it_literally(paths: Paths, tmp_path: Path) -> None:
    filled = fill(tmp_path / "hostile.sqlite3", hostile)
    query = "[@click=app.quit]z[/]"

    async def scenario(pilot: Pilot[None], app: ReaderApp, f: Filled, shoot: Shoot) -> None:
        await pilot.press("slash", *query[:3])  # typed; the rest set at once (faster)
        app.screen.query_one(Input).value = query
        await pilot.press("enter")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert search.query_one(Input).value == query
        assert f.articles[2] in [h.article.id for h in search.hits]
        shoot("search", [search.query_one("#search-status", Static), search.results])
        await pilot.press("enter")  # the result: the article, at the match
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        shoot("opened", [app.screen.pane])

    shots = await run(paths, filled, scenario, click=True)
    text = squash("\n".join(s.text for s in shots))
    for shown in (f"2 results for “{query}”", hostile("T2", query), hostile("S2", query)):
        assert squash(shown) in text, shots[0].text
    assert not [s.active for s in shots if s.active]


async def test_the_palette_lists_hostile_articles_literally_and_opens_them(
    paths: Paths, tmp_path: Path
) -> None:
    filled = fill(tmp_path / "hostile.sqlite3", hostile)
    wanted = hostile("T3", MARKUP[3])

    async def scenario(pilot: Pilot[None], app: ReaderApp, f: Filled, shoot: Shoot) -> None:
        await pilot.press("ctrl+p", *"accent")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(OptionList)
        prompts = [str(option.prompt) for option in options.options]
        assert f"Article: {wanted}" in [p.split("  ")[0] for p in prompts], prompts
        shoot("palette", [options])
        index = next(i for i, p in enumerate(prompts) if p.startswith(f"Article: {wanted}"))
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        screen = main(app)
        assert screen.current is not None and screen.current.id == f.articles[3]

    shots = await run(paths, filled, scenario, click=True)
    assert squash(f"Article: {wanted}") in squash(shots[0].text)
    assert squash(hostile("F3", MARKUP[3])) in squash(shots[0].text)  # the feed's hit
    assert not shots[0].active


async def test_notifications_show_hostile_text_literally(paths: Paths, tmp_path: Path) -> None:
    filled = fill(tmp_path / "hostile.sqlite3", hostile)

    async def scenario(pilot: Pilot[None], app: ReaderApp, f: Filled, shoot: Shoot) -> None:
        await pilot.press("enter", "e")  # export the first article: the file is named after it
        await settle(pilot)
        await app.flush_writes()
        await settle(pilot)
        main(app).notify(hostile("Notified", MARKUP[3]), markup=False)  # the same path as all
        await pilot.pause()
        shoot("toasts", list(app.screen.query(Toast)))

    shots = await run(paths, filled, scenario, click=True)
    exported = list(paths.export_dir.glob("*.md"))
    assert len(exported) == 1, exported
    text = squash(shots[0].text)
    assert squash(f"Exported to {exported[0]}") in text, shots[0].text
    assert squash(hostile("Notified", MARKUP[3])) in text
    assert not shots[0].active


KEYS = {"[@click=app.quit]z[/]": "x", "star": "[b]", "refresh": "ctrl+r,[link=https://evil]"}


async def help_scenario(pilot: Pilot[None], app: ReaderApp, f: Filled, shoot: Shoot) -> None:
    shoot("warnings", list(app.screen.query(Toast)))
    await pilot.press("question_mark")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen)
    shoot("help", [app.screen.query_one("#help-text", Static)])


async def test_hostile_key_names_in_the_config_get_literal_warnings(
    paths: Paths, tmp_path: Path
) -> None:
    """An unknown action and values that are no keys: a warning each, showing them literally;
    the help screen shows the keys in force (the defaults where nothing usable was given)."""
    filled = fill(tmp_path / "hostile.sqlite3", hostile)
    shots = await run(paths, filled, help_scenario, Config(keys=KEYS), click=True)
    warnings = squash(shots[0].text)
    assert squash("keys.[@click=app.quit]z[/]: no such action") in warnings, shots[0].text
    assert squash("keys.star: '[b]' is not a key") in warnings, shots[0].text
    assert squash("keys.refresh: '[link=https://evil]' is not a key") in warnings, shots[0].text
    help_text = shots[1].text
    star = next(line for line in help_text.splitlines() if "[star]" in line)
    refresh = next(line for line in help_text.splitlines() if "[refresh]" in line)
    assert star.split()[0] == "s" and refresh.split()[0] == "ctrl+r", (star, refresh)
    assert "[b]" not in help_text and "evil" not in help_text
    assert not [s.active for s in shots if s.active]
