"""A page that says its article is not free to read (schema.org's ``isAccessibleForFree``,
which news and newsletter sites give search engines for paywalled articles) gets a notice
above its text, in the app and from ``extract``: what was served may stop at the paywall.
Other pages get none."""

from __future__ import annotations

import json

import pytest

from tests import httpserver
from tests.test_extract_load import add_article
from tui_reader.cli import main
from tui_reader.config import Config
from tui_reader.extract import extract_html, load_document
from tui_reader.extract.pipeline import NOT_FREE_NOTICE
from tui_reader.store import Store

P = (
    "<p>The harbour authority said on Tuesday that the old pier would close for repairs after"
    " inspectors found cracks in three of its supporting columns. Engineers expect the work to"
    " last until the spring.</p><p>Local businesses near the pier said they feared a quiet"
    " winter, and one cafe owner said she would open shorter hours until April.</p>"
)


def page(head: str, body_attrs: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pier to close</title>{head}'
        f"</head><body{body_attrs}><article><h1>Pier to close</h1>{P}</article>"
        '<div class="paywall"><h2>Keep reading with a 7-day free trial</h2>'
        '<a href="/subscribe">Start trial</a></div></body></html>'
    )


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


NEWS = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Pier to close"}


@pytest.mark.parametrize(
    ("head", "why"),
    [
        (ld(NEWS | {"isAccessibleForFree": False}), "JSON-LD, a boolean"),
        (ld(NEWS | {"isAccessibleForFree": "False"}), "JSON-LD, a string"),
        (
            ld(NEWS | {"hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False}}),
            "a part of it",
        ),
        (ld({"@graph": [{"@type": "WebSite"}, NEWS | {"isAccessibleForFree": "false"}]}), "graph"),
        ('<meta itemprop="isAccessibleForFree" content="False">', "microdata"),
    ],
)
def test_a_page_that_says_it_is_not_free_gets_a_notice(head: str, why: str) -> None:
    doc = extract_html(page(head), "https://news.example/pier")
    assert doc.notice == NOT_FREE_NOTICE, why
    assert "supporting columns" in doc.text and "cafe owner" in doc.text, why


@pytest.mark.parametrize(
    "head",
    [
        "",
        ld(NEWS),
        ld(NEWS | {"isAccessibleForFree": True}),
        ld(NEWS | {"isAccessibleForFree": "True"}),
        # A product or course of the site's, on the article's page: not the article.
        ld([NEWS, {"@type": "Course", "isAccessibleForFree": False}]),
    ],
)
def test_other_pages_get_none(head: str) -> None:
    assert extract_html(page(head), "https://news.example/pier").notice == ""


def test_the_app_shows_it_and_keeps_it_with_the_article(
    store: Store, server: httpserver.TestServer
) -> None:
    head = ld(NEWS | {"isAccessibleForFree": False})
    url = server.route("/pier", page(head), content_type="text/html; charset=utf-8")
    article = add_article(store, url)
    assert load_document(store, article.id, Config()).notice == NOT_FREE_NOTICE
    server.stop()  # the stored copy keeps it
    assert load_document(store, article.id, Config()).notice == NOT_FREE_NOTICE


def test_extract_says_it_on_stderr_and_in_json(
    server: httpserver.TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    free = server.route("/free", page(""), content_type="text/html")
    paid = server.route(
        "/paid", page(ld(NEWS | {"isAccessibleForFree": False})), content_type="text/html"
    )
    assert main(["extract", "--format", "text", paid, free]) == 0
    out, err = capsys.readouterr()
    assert "supporting columns" in out and "for subscribers" not in out
    assert err == f"tui-reader: {paid}: {NOT_FREE_NOTICE}\n"
    assert main(["extract", "--format", "json", paid, free]) == 0
    notices = [json.loads(line)["notice"] for line in capsys.readouterr().out.splitlines()]
    assert notices == [NOT_FREE_NOTICE, ""]
