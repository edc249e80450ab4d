"""The main screen's columns at every width: the reading text is never squeezed."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widget import Widget

from tests.test_app import main, settle
from tests.test_app_data import Data, data_fixture, rich_document  # noqa: F401
from tui_reader.reader import add_highlight
from tui_reader.ui.screens.main import MainScreen

Snap = Callable[..., bool]
READABLE = 57  # columns of text the pane keeps whenever anything else shares the screen


def highlight(data: Data) -> None:
    text = rich_document(0).text
    quote = "The needle word zanzibar appears here once."
    start = text.index(quote)
    add_highlight(
        data.store, data.articles["News story 0"], text, start, start + len(quote), "key point"
    )


def visible(widget: Widget) -> bool:
    return widget.display and widget.region.width > 0


def shown(screen: MainScreen) -> set[str]:
    ids = {"lists": "#left", "reader": "#reader", "sidebar": "#sidebar"}
    return {name for name, q in ids.items() if visible(screen.query_one(q))}


async def opened(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("enter")  # News story 0
    await settle(pilot)


async def focus(pilot: Pilot[None], screen: MainScreen, view: str) -> None:
    {"lists": screen.articles, "reader": screen.pane, "sidebar": screen.sidebar.option_list}[
        view
    ].focus()
    await pilot.pause()
    await pilot.pause()


async def test_the_text_keeps_a_readable_measure_at_every_width(data: Data) -> None:
    highlight(data)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")  # opens News story 0, which has a highlight
        await settle(pilot)
        assert screen.sidebar.is_shown
        for width in (*range(70, 170, 6), 93, 94, 99, 100, 119, 120, 133, 134):
            await pilot.resize_terminal(width, 30)
            for view in ("lists", "reader", "sidebar"):
                await focus(pilot, screen, view)
                columns = shown(screen)
                where = f"{width} columns, focus in {view}: {sorted(columns)}"
                assert view in columns, where  # what has the focus shows
                if "reader" in columns and len(columns) > 1:
                    assert screen.pane.text_width >= READABLE, where
                    rendered = screen.pane.rendered
                    assert rendered is not None and rendered.width >= READABLE, where
                if len(columns) == 1:
                    assert (
                        screen.query_one(
                            {"lists": "#left", "reader": "#reader", "sidebar": "#sidebar"}[view]
                        ).region.width
                        == width
                    ), where


async def test_the_lists_give_way_to_the_sidebar_first(data: Data) -> None:
    highlight(data)
    app = data.app()
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.pane
        assert shown(screen) == {"reader", "sidebar"}  # the lists hide, the notes stay
        await pilot.press("escape")  # back to the list: the lists and the pane
        await pilot.pause()
        assert shown(screen) == {"lists", "reader"}
        await pilot.resize_terminal(150, 40)
        await pilot.pause()
        assert shown(screen) == {"lists", "reader", "sidebar"}  # room for all three


async def test_i_shows_the_sidebar_where_it_fits_and_focuses_it_where_it_does_not(
    data: Data,
) -> None:
    app = data.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert shown(screen) == {"reader"}
        await pilot.press("i")  # no room beside the pane: the sidebar alone, focused
        await pilot.pause()
        assert screen.sidebar in app.focused.ancestors_with_self  # type: ignore[union-attr]
        assert shown(screen) == {"sidebar"}
        await pilot.press("i")
        await pilot.pause()
        assert app.focused is screen.pane and shown(screen) == {"reader"}
        await pilot.resize_terminal(110, 30)
        await pilot.press("i")  # beside the pane: it shows and the focus stays
        await pilot.pause()
        assert app.focused is screen.pane
        assert shown(screen) == {"reader", "sidebar"}


def test_snapshot_100x30_reading_with_the_sidebar(data: Data, snap_compare: Snap) -> None:
    highlight(data)
    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=opened)


def test_snapshot_120x40_reading_with_the_sidebar(data: Data, snap_compare: Snap) -> None:
    highlight(data)
    assert snap_compare(data.app(), terminal_size=(120, 40), run_before=opened)


def test_snapshot_80x24_the_sidebar_alone(data: Data, snap_compare: Snap) -> None:
    highlight(data)

    async def run_before(pilot: Pilot[None]) -> None:
        await opened(pilot)
        await pilot.press("tab")
        await settle(pilot)

    assert snap_compare(data.app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_100x30_lists_beside_the_text(data: Data, snap_compare: Snap) -> None:
    assert snap_compare(data.app(), terminal_size=(100, 30), run_before=opened)
