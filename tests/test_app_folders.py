"""Nested OPML folders in the feed list: a tree, counts that include subfolders, foldable."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import BASE_TIME, Data, main, settle, titles
from tui_reader.feeds.opml import import_opml
from tui_reader.models import EntryData

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
<outline text="Tech">
  <outline type="rss" text="Gadgets" xmlUrl="https://gadgets.example/feed"/>
  <outline text="Old">
    <outline type="rss" text="Retro" xmlUrl="https://retro.example/feed"/>
    <outline text="Older">
      <outline type="rss" text="Ancient" xmlUrl="https://ancient.example/feed"/>
    </outline>
  </outline>
</outline>
<outline text="Arts"><outline type="rss" text="Paint" xmlUrl="https://paint.example/feed"/>
</outline>
</body></opml>"""


def subscribe(data: Data, tmp_path: Path) -> dict[str, int]:
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML)
    result = import_opml(data.store, opml)
    feeds = {f.title: f for f in result.added}
    unread = {"Gadgets": 2, "Retro": 3, "Ancient": 1, "Paint": 4}
    for title, n in unread.items():
        data.store.upsert_entries(
            feeds[title],
            [
                EntryData(
                    guid=f"{title}-{i}",
                    url=f"https://{title.lower()}.example/{i}",
                    title=f"{title} post {i}",
                    published=BASE_TIME - i,
                )
                for i in range(n)
            ],
        )
    return {t: f.id for t, f in feeds.items()}


def tree(screen: object) -> list[tuple[str, int, int]]:
    """(label, indent, count) of the feed list's entries after the four special lists."""
    entries = screen.feeds.entries[4:]  # type: ignore[attr-defined]
    return [(e.label, e.indent, e.count) for e in entries if e.feed is None or e.feed.url]


async def test_nested_folders_show_as_a_tree_that_folds(data: Data, tmp_path: Path) -> None:
    subscribe(data, tmp_path)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        rows = [
            r
            for r in tree(screen)
            if r[0] in {"Tech", "Gadgets", "Old", "Retro", "Older", "Ancient", "Arts", "Paint"}
        ]
        assert rows == [
            ("Arts", 0, 4),
            ("Paint", 2, 4),
            ("Tech", 0, 6),  # its own feed and everything in Old
            ("Gadgets", 2, 2),
            ("Old", 2, 4),
            ("Retro", 4, 3),
            ("Older", 4, 1),
            ("Ancient", 6, 1),
        ]
        labels = [e.label for e in screen.feeds.entries]
        assert "Tech/Old" not in labels  # no flattened sibling

        # Tech lists the articles of its subfolders too.
        screen.feeds.focus()
        await pilot.press("g", *(["j"] * labels.index("Tech")))
        await settle(pilot)
        assert (
            sorted(t.split()[0] for t in titles(app))
            == ["Ancient"] + ["Gadgets"] * 2 + ["Retro"] * 3
        )

        # left folds it; its count stays, its contents go; right brings them back.
        await pilot.press("left")
        await pilot.pause()
        labels = [e.label for e in screen.feeds.entries]
        assert "Gadgets" not in labels and "Old" not in labels and "Ancient" not in labels
        assert screen.feeds.current is not None and screen.feeds.current.label == "Tech"
        assert screen.feeds.current.count == 6 and screen.feeds.current.folded
        await pilot.press("right")
        await pilot.pause()
        labels = [e.label for e in screen.feeds.entries]
        assert "Ancient" in labels

        # left on a feed goes to its folder; reading an article updates every folder above.
        await pilot.press(*(["j"] * (labels.index("Ancient") - labels.index("Tech"))))
        await settle(pilot)
        assert screen.feeds.current is not None and screen.feeds.current.label == "Ancient"
        await pilot.press("enter", "enter")  # open the Ancient post
        await settle(pilot)

        def counts_now() -> dict[str, int]:
            return {e.label: e.count for e in screen.feeds.entries}

        # The read mark is written by the ordered writer's thread; the counts follow it.
        for _ in range(200):
            if counts_now()["Ancient"] == 0:
                break
            await pilot.pause(0.05)
        counts = counts_now()
        assert (counts["Tech"], counts["Old"], counts["Older"], counts["Ancient"]) == (5, 3, 0, 0)
        screen.feeds.focus()
        await pilot.pause()
        await pilot.press("left")
        await pilot.pause()
        assert screen.feeds.current is not None and screen.feeds.current.label == "Older"


async def test_a_click_on_a_folders_mark_folds_and_unfolds_it(data: Data, tmp_path: Path) -> None:
    subscribe(data, tmp_path)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        feeds = screen.feeds
        row = next(i for i, e in enumerate(feeds.entries) if e.heading and e.label == "Tech")
        y = row - int(feeds.scroll_offset.y)
        labels = [e.label for e in feeds.entries]
        assert "Gadgets" in labels
        await pilot.click(feeds, offset=(feeds.gutter.left + 2, feeds.gutter.top + y))
        await pilot.pause()
        assert "Tech" in feeds.folded and "Gadgets" not in [e.label for e in feeds.entries]
        await pilot.click(feeds, offset=(feeds.gutter.left + 2, feeds.gutter.top + y))
        await pilot.pause()
        assert "Tech" not in feeds.folded and [e.label for e in feeds.entries] == labels
        # A click on the folder's name chooses it: its articles are listed, nothing folds.
        await pilot.click(feeds, offset=(feeds.gutter.left + 6, feeds.gutter.top + y))
        await settle(pilot)
        assert not feeds.folded and feeds.cursor == row
        assert set(titles(app)) >= {"Gadgets post 0", "Retro post 0"}
