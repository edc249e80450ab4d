"""A page that only points at another (a meta refresh with a short delay and an address) is
followed as a browser follows it, by the app (load_document) and the CLI (Reader.extract_url):
a real HTTP server on 127.0.0.1, a real store. What is no pointer stays the page it is."""

from __future__ import annotations

import pytest

from tests import httpserver
from tests.test_extract_load import HTML, PAGE, add_article, page_requests
from tui_reader.config import Config
from tui_reader.extract import load_document
from tui_reader.extract.pointer import refresh_target
from tui_reader.paths import Paths
from tui_reader.reader import Reader
from tui_reader.store import Store

STUB = """<!DOCTYPE html><html><head><meta charset="utf-8">{meta}
<title>Redirecting&hellip;</title></head><body><p>Redirecting to
<a href="/harbour">the article</a>&hellip;</p></body></html>"""
# A page with its own article and a refresh that is no pointer.
OWN = PAGE.replace("<title>", "{meta}<title>")


def meta(content: str) -> str:
    return f'<meta http-equiv="refresh" content="{content}">'


@pytest.mark.parametrize(
    "content",
    [
        "0; url=/harbour",
        "0;URL='/harbour'",
        '3 ,url = "HARBOUR_ABS"',
        "1.5; /harbour",
        "0; url=/harbour#top",
        ".5;url=/harbour",
    ],
)
def test_a_stub_pointing_at_the_article_gives_the_article(
    store: Store, server: httpserver.TestServer, content: str
) -> None:
    article_url = server.route("/harbour", PAGE, content_type=HTML)
    content = content.replace("HARBOUR_ABS", article_url).replace('"', "&quot;")
    stub = server.route("/moved", STUB.format(meta=meta(content)), content_type=HTML)
    article = add_article(store, stub)
    doc = load_document(store, article.id, Config())
    assert "Paragraph 5 of the page." in doc.text and "Redirecting" not in doc.text
    assert doc.url == article_url
    assert page_requests(server, "/moved") == page_requests(server, "/harbour") == 1


def test_the_cli_follows_it_too(paths: Paths, server: httpserver.TestServer) -> None:
    article_url = server.route("/harbour", PAGE, content_type=HTML)
    stub = server.route("/moved", STUB.format(meta=meta("0; url=/harbour")), content_type=HTML)
    with Reader(paths, Config()) as reader:
        doc = reader.extract_url(stub)
    assert "Paragraph 0 of the page." in doc.text and doc.url == article_url


@pytest.mark.parametrize(
    ("head", "why"),
    [
        (meta("300; url=/front"), "a long delay: a page reloading its site"),
        (meta("60"), "no address: a page reloading itself"),
        (meta("0; url=/story"), "itself"),
        (meta("0; url=/story?x#y").replace("/story?x", "/story"), "itself, another fragment"),
        (f"<noscript>{meta('0; url=/front')}</noscript>", "for browsers without scripts"),
        (f"<!-- {meta('0; url=/front')} -->", "in a comment"),
        (f"<script>var m = '{meta('0; url=/front')}';</script>", "in a script"),
        (meta("0; url=javascript:alert(1)"), "not http(s)"),
        (meta("soon; url=/front"), "no delay"),
        (meta("0x; url=/front"), "a delay not followed by a separator"),
        (meta("0; url=http://[::1"), "an address that is none (urljoin raises)"),
        (meta("0; url=https://a.example:99999/"), "a port out of range"),
        ('<meta name="refresh" content="0; url=/front">', "not http-equiv"),
    ],
)
def test_what_is_no_pointer_stays_the_page(
    store: Store, server: httpserver.TestServer, head: str, why: str
) -> None:
    server.route("/front", "<html><body><p>Front page.</p></body></html>", content_type=HTML)
    url = server.route("/story", OWN.replace("{meta}", head), content_type=HTML)
    article = add_article(store, url)
    doc = load_document(store, article.id, Config())
    assert "Paragraph 5 of the page." in doc.text, why
    assert page_requests(server, "/front") == 0, why


def test_pointers_in_a_loop_end(store: Store, server: httpserver.TestServer) -> None:
    a = server.route("/a", OWN.replace("{meta}", meta("0; url=/b")), content_type=HTML)
    server.route("/b", STUB.format(meta=meta("0; url=/a")), content_type=HTML)
    article = add_article(store, a)
    doc = load_document(store, article.id, Config())
    assert "Redirecting" in doc.text  # /b, the page the browser would be on: no hang
    assert page_requests(server, "/a") == page_requests(server, "/b") == 1


def test_a_chain_is_followed_a_few_hops_only(store: Store, server: httpserver.TestServer) -> None:
    for i in range(6):
        server.route(f"/p{i}", STUB.format(meta=meta(f"0; url=/p{i + 1}")), content_type=HTML)
    article = add_article(store, server.url("/p0"))
    load_document(store, article.id, Config())
    assert [page_requests(server, f"/p{i}") for i in range(6)] == [1, 1, 1, 1, 0, 0]


def test_a_pointer_that_fails_leaves_the_page_that_made_it(
    store: Store, server: httpserver.TestServer
) -> None:
    url = server.route("/story", OWN.replace("{meta}", meta("0; url=/gone")), content_type=HTML)
    article = add_article(store, url)
    doc = load_document(store, article.id, Config())
    assert "Paragraph 5 of the page." in doc.text and doc.url == url
    assert page_requests(server, "/gone") == 1


def test_only_html_is_read_for_a_pointer(store: Store, server: httpserver.TestServer) -> None:
    text = "Notes.\n" + meta("0; url=/front") + "\n" + "A plain text file. " * 20
    server.route("/front", "<html><body><p>Front page.</p></body></html>", content_type=HTML)
    url = server.route("/notes.txt", text, content_type="text/plain; charset=utf-8")
    assert refresh_target(text.encode(), url, "text/plain") is None
    assert refresh_target(text.encode(), url, "") == server.url(
        "/front"
    )  # (no type said: it may be HTML)
    article = add_article(store, url)
    assert "A plain text file." in load_document(store, article.id, Config()).text
    assert page_requests(server, "/front") == 0


def test_the_address_keeps_its_case_and_entities_are_decoded() -> None:
    page = b'<META HTTP-EQUIV=Refresh CONTENT="0;URL=/Path/To?a=1&amp;b=2">'
    assert refresh_target(page, "https://news.example/x", "text/html") == (
        "https://news.example/Path/To?a=1&b=2"
    )
    unquoted = b"<meta http-equiv=refresh content=0;url=/Next>"
    assert refresh_target(unquoted, "https://news.example/x") == "https://news.example/Next"
