"""``tui-reader read URL`` of a page that is stored already opens that article: one copy, so
its highlights never split between two."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import httpserver
from tests.test_app import main, settle
from tests.test_app_data import Data, data_fixture  # noqa: F401
from tui_reader.cli.reading import _save_file, saved_page_for
from tui_reader.config import Config
from tui_reader.reader import Reader, add_highlight
from tui_reader.sanitize import url_key


def reader(data: Data) -> Reader:
    """The façade over the test's database (the CLI's way to it; its connection goes with
    it)."""
    return Reader(data.paths, Config())


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example/1",
        "HTTPS://NEWS.Example/1",
        "http://news.example/1",
        "https://news.example:443/1",
        "http://news.example:80/1/",
        "https://news.example/1#comments",
        "https://news.example/1?utm_source=rss&utm_medium=feed",
        "https://news.example/1?fbclid=abc",
        " https://news.example./1 ",
    ],
)
def test_spellings_of_one_link_have_one_key(variant: str) -> None:
    assert url_key(variant) == url_key("https://news.example/1")


@pytest.mark.parametrize(
    "other",
    [
        "https://news.example/2",
        "https://news.example/1/2",
        "https://news.example:8080/1",
        "https://other.example/1",
        "https://news.example/1?page=2",
        "ftp://news.example/1",
    ],
)
def test_other_pages_have_other_keys(other: str) -> None:
    assert url_key(other) != url_key("https://news.example/1")


def test_query_order_does_not_count() -> None:
    assert url_key("https://x.example/a?b=2&a=1") == url_key("https://x.example/a?a=1&b=2")


def test_reading_a_feed_articles_link_opens_that_article(data: Data) -> None:
    before = data.store.article_count()
    found = saved_page_for(reader(data), "HTTP://News.Example:80/1/?utm_source=rss#top")
    assert found == data.articles["News story 1"]
    assert data.store.article_count() == before  # no copy under Saved


def test_reading_one_page_twice_keeps_one_saved_copy(data: Data) -> None:
    first = saved_page_for(reader(data), "https://pages.example/essay")
    before = data.store.article_count()
    again = saved_page_for(reader(data), "http://pages.example/essay/?utm_campaign=x")
    assert again == first and data.store.article_count() == before


def test_a_copy_with_highlights_wins_over_a_bare_one(data: Data) -> None:
    saved = data.store.add_saved_page("https://news.example/3/", title="An older copy")
    add_highlight(data.store, saved.id, "Some text here.", 0, 4, "key point")
    assert saved_page_for(reader(data), "https://news.example/3") == saved.id


def test_a_saved_file_whose_canonical_link_is_stored_opens_that_article(
    data: Data, tmp_path: Path
) -> None:
    page = tmp_path / "saved.html"
    page.write_text(
        '<html><head><title>Story 2</title><link rel="canonical"'
        ' href="https://news.example/2?utm_source=share"></head><body><article>'
        + "<p>The story, saved from the browser, long enough to be the article.</p>" * 20
        + "</article></body></html>"
    )
    before = data.store.article_count()
    assert _save_file(reader(data), page, Config()) == data.articles["News story 2"]
    assert data.store.article_count() == before


async def test_a_page_whose_canonical_link_is_stored_opens_the_stored_article(
    data: Data, server: httpserver.TestServer
) -> None:
    page = (
        '<html><head><title>Story 4 (AMP)</title><link rel="canonical"'
        ' href="https://news.example/4"></head><body><article>'
        + "<p>The AMP version of story four, long enough to count as text.</p>" * 20
        + "</article></body></html>"
    )
    url = server.route("/amp/story-4", page, content_type="text/html; charset=utf-8")
    copy = saved_page_for(reader(data), url)  # not known by this link: a Saved article
    assert copy not in data.articles.values()
    app = data.app(open_article=copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.current is not None
        assert screen.current.id == data.articles["News story 4"]
        assert screen.pane.document is not None
    assert data.store.get_article(copy) is None  # the empty copy is gone
