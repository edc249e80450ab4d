"""The reading pane's and the lists' component-class styles are resolved when first used, not
at each of their style passes during start-up (issue 17: they were most of the style passes
before the first screen), and are the same styles Textual resolves once warmed."""

from __future__ import annotations

import pytest
from rich.style import Style

from tests.conftest import Data
from tui_reader.config import Config
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens import main as main_screen
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.widgets.reading_pane import ReadingPane
from tui_reader.ui.widgets.rows import RowList
from tui_reader.ui.widgets.styling import component_style


def _pane(app: ReaderApp) -> ReadingPane:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen.pane


def _all_styles(pane: ReadingPane) -> dict[str, Style]:
    return {name: component_style(pane, name) for name in sorted(ReadingPane.COMPONENT_CLASSES)}


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_screen, "WARM_AFTER", 600.0)  # no warming during the test


@pytest.mark.usefixtures("cold")
async def test_the_pane_resolves_no_component_class_at_start_up(data: Data) -> None:
    app = ReaderApp(data.paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = _pane(app)
        resolved = set(pane._component_styles)
        # Textual resolves all of them at each style pass; here only what was drawn.
        assert len(resolved) < len(ReadingPane.COMPONENT_CLASSES) // 2
        pane.get_component_styles("reading-pane--h2")
        assert "reading-pane--h2" in pane._component_styles


@pytest.mark.usefixtures("cold")
async def test_styles_are_the_same_lazy_and_warmed_focused_or_not_and_after_a_theme(
    data: Data,
) -> None:
    app = ReaderApp(data.paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = _pane(app)
        lazy_blurred = _all_styles(pane)
        pane.focus()
        await pilot.pause()
        lazy_focused = _all_styles(pane)
        app.theme = "textual-light"
        await pilot.pause()
        lazy_light = _all_styles(pane)
        assert lazy_light != lazy_focused  # the theme reached the lazily resolved styles

        pane.warm_component_styles()
        assert set(pane._component_styles) == ReadingPane.COMPONENT_CLASSES
        assert _all_styles(pane) == lazy_light
        app.theme = "textual-dark"
        await pilot.pause()
        assert _all_styles(pane) == lazy_focused
        app.set_focus(None)
        await pilot.pause()
        assert _all_styles(pane) == lazy_blurred


async def test_the_main_screen_warms_the_pane_after_start_up(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_screen, "WARM_AFTER", 0.05)
    app = ReaderApp(data.paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        pane = _pane(app)
        for _ in range(200):
            if pane._components_warm:
                break
            await pilot.pause(0.02)
        assert pane._components_warm
        assert set(pane._component_styles) == ReadingPane.COMPONENT_CLASSES


def _lists(app: ReaderApp) -> list[RowList]:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return [screen.feeds, screen.articles]


def _list_styles(rows: RowList) -> dict[str, Style]:
    return {name: component_style(rows, name) for name in sorted(RowList.COMPONENT_CLASSES)}


@pytest.mark.usefixtures("cold")
async def test_the_lists_resolve_only_the_classes_they_draw_at_start_up(data: Data) -> None:
    app = ReaderApp(data.paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        feeds, articles = _lists(app)
        # Textual resolves all seven at each style pass; here only what was drawn: articles
        # are never drawn as errors, feeds never dimmed.
        assert "row-list--error" not in articles._component_styles
        assert "row-list--dim" not in feeds._component_styles
        for rows in (feeds, articles):
            assert len(rows._component_styles) < len(RowList.COMPONENT_CLASSES)


@pytest.mark.usefixtures("cold")
async def test_list_styles_are_the_same_lazy_and_warmed_focused_or_not_and_after_a_theme(
    data: Data,
) -> None:
    app = ReaderApp(data.paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        feeds, articles = _lists(app)
        articles.focus()
        await pilot.pause()
        lazy_focused = _list_styles(articles)
        articles.blur()
        await pilot.pause()
        lazy_blurred = _list_styles(articles)
        app.theme = "textual-light"
        await pilot.pause()
        lazy_light = _list_styles(articles)
        assert lazy_light != lazy_blurred  # the theme reached the lazily resolved styles
        light_feeds = _list_styles(feeds)

        for rows in (feeds, articles):
            rows.warm_component_styles()
            assert set(rows._component_styles) == RowList.COMPONENT_CLASSES
        assert _list_styles(articles) == lazy_light
        assert _list_styles(feeds) == light_feeds
        app.theme = "textual-dark"
        await pilot.pause()
        assert _list_styles(articles) == lazy_blurred
        articles.focus()
        await pilot.pause()
        assert _list_styles(articles) == lazy_focused


async def test_the_main_screen_warms_the_lists_after_start_up(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_screen, "WARM_AFTER", 0.05)
    app = ReaderApp(data.paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        lists = _lists(app)
        for _ in range(200):
            if all(rows._components_warm for rows in lists):
                break
            await pilot.pause(0.02)
        for rows in lists:
            assert rows._components_warm
            assert set(rows._component_styles) == RowList.COMPONENT_CLASSES
