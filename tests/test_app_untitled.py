"""Items without a title are named by the start of their text, then their date — never a
column of near-identical URLs."""

from __future__ import annotations

from tests.conftest import Data, main, settle
from tui_reader.feeds.parse import parse_feed
from tui_reader.models import Article, lead_title
from tui_reader.ui.sources import feed_source

UNTITLED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Scripting</title><link>http://scripting.example/</link>
<item><link>http://scripting.example/2017/06/26.html#a1</link><guid>a1</guid>
<pubDate>Mon, 26 Jun 2017 15:00:00 GMT</pubDate>
<description>&lt;p&gt;Apple's new  &lt;b&gt;file system&lt;/b&gt;
is out, and my scripts broke in three places. Here is how I fixed them.&lt;/p&gt;
</description></item>
<item><link>http://scripting.example/2017/06/26.html#a2</link><guid>a2</guid>
<pubDate>Mon, 26 Jun 2017 14:00:00 GMT</pubDate>
<description>Short one.</description></item>
<item><link>http://scripting.example/2017/06/26.html#a3</link><guid>a3</guid>
<pubDate>Mon, 26 Jun 2017 12:00:00 GMT</pubDate></item>
<item><title>A titled post</title><link>http://scripting.example/2017/06/26.html#a4</link>
<guid>a4</guid><pubDate>Mon, 26 Jun 2017 11:00:00 GMT</pubDate>
<description>Its text is not its title.</description></item>
</channel></rss>"""


def row_text(screen: object, index: int) -> str:
    articles = screen.articles  # type: ignore[attr-defined]
    strip = articles.render_line(index * articles.row_height - int(articles.scroll_y))
    return "".join(segment.text for segment in strip).strip()


async def test_untitled_items_show_their_first_words_then_their_date(data: Data) -> None:
    parsed = parse_feed(UNTITLED, "http://scripting.example/rss.xml")
    feed, _ = data.store.add_feed("http://scripting.example/rss.xml", title="Scripting")
    data.store.upsert_entries(feed, parsed.entries)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.show_source(feed_source(feed.id, "Scripting"), focus_list=True)
        await settle(pilot)
        names = [a.display_title for a in screen.articles.articles]
        assert names == [
            "Apple's new file system is out, and my…",
            "Short one.",
            "26 June 2017",
            "A titled post",
        ]
        shown = [row_text(screen, i) for i in range(4)]
        for name, row in zip(names, shown, strict=True):
            assert name[:30] in row  # as far as the list is wide
        assert not any("scripting.example" in row for row in shown)
        # The reading pane's header names it the same way.
        await pilot.press("enter")
        await settle(pilot)
        header = screen.pane.rendered
        assert header is not None
        assert "Apple's new file system" in "".join(
            "".join(s.text for s in screen.pane.render_line(y)) for y in range(3)
        )


def test_lead_title_is_a_few_words_on_one_line() -> None:
    assert lead_title("") == ""
    assert lead_title("  one\n\ttwo  ") == "one two"
    assert lead_title(" ".join(["word"] * 20)) == " ".join(["word"] * 8) + "…"
    long = "x" * 500
    assert lead_title(long) == "x" * 60 + "…"  # one endless word (or a CJK run) is cut
    assert lead_title("\x1b[31mred\x1b[0m alert") == "red alert"  # escapes never pass


def test_an_untitled_article_without_text_or_date_falls_back_to_its_url() -> None:
    article = Article(id=1, uid="u", feed_id=None, url="https://x.example/a", added=0.0)
    assert article.display_title == "https://x.example/a"
    assert Article(id=1, uid="u", feed_id=None).display_title == "(untitled)"
