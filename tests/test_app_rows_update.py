"""Lists read again (after a refresh, another process's write) redraw only the rows that
changed: what is drawn is what a full redraw draws (order, removed and new rows, counts), the
cursor stays on its entry, and unchanged rows are not drawn again. Real app, real store."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.conftest import Data, main, settle
from tui_reader.ui.widgets.rows import RowList


def drawn(rows: RowList) -> list[str]:
    """The list's lines as they are drawn now (cached lines included)."""
    return [rows.render_line(y).text for y in range(rows.scrollable_content_region.height)]


def redrawn(rows: RowList) -> list[str]:
    """The list's lines drawn afresh."""
    rows._strips.clear()
    return drawn(rows)


def count_renders(rows: RowList, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows drawn from now on."""
    seen: list[int] = []
    render = rows.render_row

    def counted(index: int, *args: Any) -> Any:
        seen.append(index)
        return render(index, *args)

    monkeypatch.setattr(rows, "render_row", counted)
    return seen


async def shown(pilot: Pilot[Any], rows: RowList) -> list[str]:
    await pilot.pause()
    return drawn(rows)


async def test_feed_list_update_keeps_order_cursor_and_shows_new_and_removed_rows(
    data: Data,
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        feeds = main(app).feeds
        tech = feeds.index_of(next(e.source for e in feeds.entries if e.label == "Tech Notes"))
        feeds.move_cursor(tech, announce=False)
        before = await shown(pilot, feeds)
        old = list(feeds.feeds)
        broken = next(f for f in old if f.id == data.broken)
        new = replace(old[0], id=9999, title="Brand new feed", unread=7)
        changed = [new, *reversed([f for f in old if f is not broken])]
        feeds.set_feeds(changed)
        now = await shown(pilot, feeds)
        assert now != before
        assert now == redrawn(feeds)  # as a full redraw draws it
        text = "\n".join(now)
        assert "Brand new feed" in text and "Broken Feed" not in text
        order = [e.label for e in feeds.entries if e.feed is not None]
        assert order == [f.display_title for f in changed if not f.folder] + [
            f.display_title for f in changed if f.folder
        ]
        current = feeds.current
        assert current is not None and current.label == "Tech Notes"  # the cursor followed
        assert "Tech Notes" in now[feeds.cursor]
        feeds.set_feeds(old)  # and back: the removed feed returns, the new one goes
        assert await shown(pilot, feeds) == before


async def test_a_feed_list_read_again_draws_only_the_rows_that_changed(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        feeds = main(app).feeds
        await shown(pilot, feeds)
        renders = count_renders(feeds, monkeypatch)
        feeds.set_feeds(list(feeds.feeds))  # the same feeds, read again
        await shown(pilot, feeds)
        assert renders == []
        tech = [replace(f, unread=f.unread + 3) if f.id == data.tech else f for f in feeds.feeds]
        feeds.set_feeds(tech)
        now = await shown(pilot, feeds)
        labels = {feeds.entries[i].label for i in renders}
        assert labels == {"All", "Unread", "Tech Notes"}  # the counts that moved
        assert now == redrawn(feeds)


async def test_article_list_update_keeps_the_cursor_and_draws_changes_only(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        articles = screen.articles
        rows = list(articles.articles)
        assert len(rows) >= 4 and articles.source is not None
        source = articles.source
        articles.move_cursor(2, announce=False)
        kept = rows[2]
        before = await shown(pilot, articles)
        renders = count_renders(articles, monkeypatch)
        articles.set_articles(source, rows, keep_id=kept.id)  # read again, nothing new
        assert await shown(pilot, articles) == before
        assert renders == []
        # One new at the top, one gone, one read: the cursor stays on its article.
        fresh = replace(rows[0], id=99999, title="A fresh story")
        flipped = replace(rows[3], read=not rows[3].read)
        changed = [fresh, rows[0], kept, flipped, *rows[4:]]
        articles.set_articles(source, changed, keep_id=kept.id)
        now = await shown(pilot, articles)
        assert set(renders) == {0, 1, 3}  # the unchanged cursor row and the rest are kept
        assert now == redrawn(articles)  # as a full redraw draws it
        assert articles.current == kept and articles.cursor == 2
        assert "A fresh story" in now[0]
        assert rows[1].title not in "\n".join(now)


async def test_rows_changed_off_screen_are_redrawn_when_scrolled_to_not_before(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        feeds = main(app).feeds
        base = feeds.feeds[0]
        many = [replace(base, id=1000 + n, title=f"Feed {n:03}", unread=n) for n in range(60)]
        feeds.set_feeds(many)
        await pilot.pause()
        feeds.move_cursor(len(feeds.entries) - 1)  # to the bottom: its lines are drawn
        bottom = await shown(pilot, feeds)
        feeds.move_cursor(0)
        await pilot.pause()
        refreshed: list[int] = []
        lines = feeds.refresh_lines

        def counted(y: int, count: int = 1) -> None:
            refreshed.append(y)
            lines(y, count)

        monkeypatch.setattr(feeds, "refresh_lines", counted)
        feeds.set_feeds([replace(f, unread=f.unread + 1) for f in many])  # every count
        await pilot.pause()
        assert 0 < len(refreshed) <= feeds.rows_per_page + 1  # those on screen only
        monkeypatch.undo()
        feeds.move_cursor(len(feeds.entries) - 1)
        now = await shown(pilot, feeds)
        assert now != bottom and now == redrawn(feeds)  # nothing stale below
        assert "Feed 059" in now[-1] and now[-1].rstrip().endswith("60")
