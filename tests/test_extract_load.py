"""load_document against a real HTTP server and a real store: fetch, store, read offline,
re-extract on a version change, store failures with the URL to open in a browser."""

from __future__ import annotations

from tests import httpserver
from tests.httpserver import Response
from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.extract import EXTRACTOR_VERSION, ExtractionError, load_document
from tui_reader.models import Article, EntryData
from tui_reader.store import Store

SENTENCE = "The harbour reopened after the storm, and the ferries ran again on Sunday morning."
PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Harbour reopens | Coast News</title><meta property="og:site_name" content="Coast News">
</head><body><nav><a href="/">Home</a></nav><article><h1>Harbour reopens</h1>
{"".join(f"<p>{SENTENCE} Paragraph {i} of the page.</p>" for i in range(6))}
</article><footer>© Coast News</footer></body></html>"""
HTML = "text/html; charset=utf-8"


def add_article(store: Store, url: str, *, content: str = "", summary: str = "") -> Article:
    feed, _ = store.add_feed("https://coast.example/feed.xml", title="Coast News")
    store.upsert_entries(
        feed,
        [
            EntryData(
                guid=url or "no-url",
                url=url,
                title="Harbour reopens",
                content=content,
                summary=summary,
            )
        ],
    )
    return store.list_articles(feed_id=feed.id)[0]


def page_requests(server: httpserver.TestServer, path: str) -> int:
    return sum(1 for r in server.requests if r.path == path)


def test_fetch_store_then_read_offline(store: Store, server: httpserver.TestServer) -> None:
    url = server.route("/harbour", PAGE, content_type=HTML)
    article = add_article(store, url, summary="<p>The harbour reopened. Read more</p>")
    doc = load_document(store, article.id, Config())
    assert "Paragraph 0 of the page." in doc.text and "Paragraph 5 of the page." in doc.text
    assert "Home" not in doc.text and "Coast News" not in doc.text
    assert (doc.title, doc.site_name) == ("Harbour reopens", "Coast News")
    body = store.get_body(article.id)
    assert (body.doc_source, body.doc_version, body.doc_error) == ("page", EXTRACTOR_VERSION, "")
    assert Document.from_json(body.doc_json) == doc
    assert page_requests(server, "/harbour") == 1

    server.stop()  # offline from here on
    assert load_document(store, article.id, Config()) == doc
    assert page_requests(server, "/harbour") == 1


def test_other_extractor_version_is_extracted_again(
    store: Store, server: httpserver.TestServer
) -> None:
    url = server.route("/harbour", PAGE, content_type=HTML)
    article = add_article(store, url)
    stale = Document(title="Old", blocks=Document.from_plain_text("old text").blocks)
    store.save_document(
        article.id, doc_json=stale.to_json(), text=stale.text, version="0-old", source="page"
    )
    doc = load_document(store, article.id, Config())
    assert "Paragraph 3 of the page." in doc.text
    assert store.get_body(article.id).doc_version == EXTRACTOR_VERSION
    assert page_requests(server, "/harbour") == 1
    load_document(store, article.id, Config(), force=True)
    assert page_requests(server, "/harbour") == 2


def test_whole_feed_content_needs_no_fetch(store: Store, server: httpserver.TestServer) -> None:
    url = server.route("/harbour", PAGE, content_type=HTML)
    content = "".join(f"<p>{SENTENCE} Feed paragraph {i}, long enough.</p>" for i in range(12))
    article = add_article(store, url, content=content)
    doc = load_document(store, article.id, Config())
    assert "Feed paragraph 11" in doc.text
    assert store.get_body(article.id).doc_source == "feed"
    assert page_requests(server, "/harbour") == 0


def test_teaser_content_fetches_the_page(store: Store, server: httpserver.TestServer) -> None:
    url = server.route("/harbour", PAGE, content_type=HTML)
    teaser = f"<p>{SENTENCE}</p><p><a href='{url}'>Continue reading…</a></p>"
    article = add_article(store, url, content=teaser)
    doc = load_document(store, article.id, Config())
    assert "Paragraph 5 of the page." in doc.text
    assert store.get_body(article.id).doc_source == "page"


def test_failure_is_stored_and_names_the_url(store: Store, server: httpserver.TestServer) -> None:
    url = server.route("/gone", Response("gone", 404, content_type="text/plain"))
    article = add_article(store, url)
    try:
        load_document(store, article.id, Config())
    except ExtractionError as exc:
        message = str(exc)
    else:
        raise AssertionError("no error for a 404 page")
    assert url in message and "404" in message and "browser" in message
    body = store.get_body(article.id)
    assert url in body.doc_error and body.doc_json == ""


def test_binary_page_fails_clearly(store: Store, server: httpserver.TestServer) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    url = server.route("/image", Response(png, content_type=HTML))
    article = add_article(store, url)
    try:
        load_document(store, article.id, Config())
    except ExtractionError as exc:
        assert url in str(exc) and "PNG image" in str(exc)
    else:
        raise AssertionError("no error for binary data")


def test_failed_fetch_falls_back_to_the_summary(
    store: Store, server: httpserver.TestServer
) -> None:
    url = server.route("/gone", Response("gone", 404, content_type="text/plain"))
    article = add_article(store, url, summary="<p>The harbour reopened on Sunday. Read more</p>")
    doc = load_document(store, article.id, Config())
    assert doc.text.startswith("The harbour reopened on Sunday.")
    assert url in doc.notice and "summary" in doc.notice
    assert url in store.get_body(article.id).doc_error


def test_no_url_and_no_content(store: Store) -> None:
    article = add_article(store, "")
    try:
        load_document(store, article.id, Config())
    except ExtractionError as exc:
        assert "no web address" in str(exc)
    else:
        raise AssertionError("no error for an entry with nothing to show")


def test_unknown_article(store: Store) -> None:
    try:
        load_document(store, 12345, Config())
    except ExtractionError as exc:
        assert "12345" in str(exc)
    else:
        raise AssertionError("no error for an unknown article")


def test_stored_copy_kept_when_the_page_is_gone(
    store: Store, server: httpserver.TestServer
) -> None:
    """A refresh (or a new extractor version) that cannot reach the page keeps the stored
    text and says so."""
    url = server.route("/harbour", PAGE, content_type=HTML)
    article = add_article(store, url)
    first = load_document(store, article.id, Config())
    server.routes["/harbour"] = Response("gone", 404, content_type="text/plain")
    again = load_document(store, article.id, Config(), force=True)
    assert again.text == first.text
    assert url in again.notice and "stored earlier" in again.notice
    assert Document.from_json(store.get_body(article.id).doc_json) == first


def test_short_content_without_a_page_is_the_article(store: Store) -> None:
    """No web address (like the bundled welcome feed): the feed's text is all there is, so it
    is shown as the article, without a 'could not extract' notice."""
    article = add_article(store, "", content="<p>A short note about the reader.</p>")
    doc = load_document(store, article.id, Config())
    assert doc.text == "A short note about the reader."
    assert doc.notice == ""
    assert store.get_body(article.id).doc_source == "feed"


def test_welcome_articles_open_without_a_notice(store: Store) -> None:
    from tui_reader.feeds.welcome import ensure_welcome

    assert ensure_welcome(store)
    articles = store.list_articles()
    assert len(articles) >= 4
    for article in articles:
        doc = load_document(store, article.id, Config())
        assert doc.notice == "" and doc.word_count() > 20, article.title


def test_the_feeds_date_comes_before_a_date_read_from_the_page(
    store: Store, server: httpserver.TestServer
) -> None:
    """The page's metadata gives no date; its address does (htmldate would read it), but the
    feed's entry says when it was published, and that is the article's date."""
    url = server.route("/news/2020/01/02/harbour", PAGE, content_type=HTML)
    feed, _ = store.add_feed("https://coast.example/feed.xml", title="Coast News")
    dated = EntryData(guid=url, url=url, title="Harbour reopens", published=1_700_000_000.0)
    undated = EntryData(guid=url + "?2", url=url + "?2", title="Harbour, again")
    store.upsert_entries(feed, [dated, undated])
    by_title = {a.title: a for a in store.list_articles(feed_id=feed.id)}
    doc = load_document(store, by_title["Harbour reopens"].id, Config())
    assert doc.published == "2023-11-14T22:13:20+00:00"
    assert load_document(store, by_title["Harbour, again"].id, Config()).published == "2020-01-02"
