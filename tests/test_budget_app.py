"""In the app, a page over the extraction budget: the pane shows the error, and the screen keeps
answering while the page is read (the work runs in a child process, which holds no lock of the
app's)."""

from __future__ import annotations

import itertools
import time

from tests import httpserver
from tests.conftest import Data, huge_page_html, main, settle
from tests.processes import leftover_processes
from tui_reader.budget import close_shared_workers
from tui_reader.config import Config, LimitsConfig
from tui_reader.ui.screens.main import WARM_AFTER

BUDGET = 2.0
# Generous: the most a 20 ms timer may be late while the page is read, even on a loaded
# machine running other tests (usually 0.1-0.4 s, the app's own garbage collection and
# rendering); with the page read in the app's own process, it was late by ~5 s.
LATE = 1.5


async def test_a_page_over_budget_shows_the_error_and_never_stalls_the_screen(
    data: Data, server: httpserver.TestServer
) -> None:
    url = server.route("/huge", huge_page_html(), content_type="text/html; charset=utf-8")
    article = data.store.add_saved_page(url, title="A huge page")
    config = Config(limits=LimitsConfig(extract_seconds=BUDGET))
    app = data.app(config, open_article=article.id)
    ticks: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        reader = main(app).query_one("#reader")
        deadline = time.monotonic() + 30  # (every wait in a test has an end)
        while not reader.has_class("-loading"):  # the page is being fetched and read
            assert time.monotonic() < deadline, "the pane never said it was loading"
            await pilot.pause(0.01)
        timer = app.set_interval(0.02, lambda: ticks.append(time.monotonic()))
        started = time.monotonic()
        while reader.has_class("-loading"):
            assert time.monotonic() < started + 30 * BUDGET, "the budget did not end the read"
            await pilot.pause(0.01)
        ended = time.monotonic()
        timer.stop()
        await settle(pilot)
        notice = " ".join(main(app).pane.notice)
        assert "Could not load the full text" in notice
        assert f"could not extract an article from {url}: the page took longer than 2 s" in notice
        assert "press o" in notice
    # The page was read for a good part of the budget after the pane said so (on a loaded
    # machine the pane's "loading" shows late, so not all of it), and the timer ran all along:
    # from the start of that window to its end, never late by LATE.
    assert ended - started >= BUDGET / 2
    late = max(b - a for a, b in itertools.pairwise([started, *ticks, ended]))
    assert late < LATE, f"the event loop stalled for {late:.2f} s"
    close_shared_workers()
    assert leftover_processes() == []


async def test_the_extraction_worker_is_started_ahead_of_need(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(WARM_AFTER + 0.5)
        await settle(pilot)
        assert len(leftover_processes()) == 1  # one worker, ready for the first article
    close_shared_workers()
    assert leftover_processes() == []
