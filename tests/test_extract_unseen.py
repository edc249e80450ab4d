"""Rules for pages the extractor was not tuned on, each checked on real pages of the shared
corpus (``modern-pages``, scored against their ground-truth text with the benchmark's shingle
F1) and on small pages made here."""

from __future__ import annotations

import gzip
import json
from functools import cache

import pytest
from bench.shingles import page_f1, shingle_match

from tests.conftest import CORPUS
from tui_reader.extract import ExtractionError, extract_html

MODERN = CORPUS / "modern-pages"
needs_corpus = pytest.mark.skipif(not MODERN.is_dir(), reason="shared corpus not present")
PROSE = (
    "<p>The committee met on Tuesday to discuss the new budget for the coming year, and its"
    " members agreed that the library would stay open on Sundays after all.</p>"
)


@cache
def _truth() -> dict[str, dict[str, object]]:
    return dict(json.loads((MODERN / "ground-truth.json").read_text(encoding="utf-8")))


def _score(page_id: str) -> float:
    html = gzip.decompress((MODERN / "html" / f"{page_id}.html.gz").read_bytes())
    try:
        text = extract_html(html, "").text
    except ExtractionError:
        text = ""
    return page_f1(shingle_match(str(_truth()[page_id]["articleBody"]), text))


# --- <noscript> that holds the page -----------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("page_id", ["0504", "0506", "0554"])
def test_forum_pages_whose_text_is_in_noscript_are_read(page_id: str) -> None:
    """Forum pages made by script carry their posts in <noscript> only (the reader found no
    text at all on them before)."""
    assert _score(page_id) >= 0.8


def test_noscript_holding_the_page_is_kept_and_a_small_one_dropped() -> None:
    page = f"<html><body><div id='app'></div><noscript>{PROSE * 6}</noscript></body></html>"
    assert "library would stay open" in extract_html(page).text
    page = (
        f"<html><body><article>{PROSE * 6}</article>"
        "<noscript><p>Please enable JavaScript to see the comments.</p></noscript></body></html>"
    )
    assert "enable JavaScript" not in extract_html(page).text


# --- a <button> that swallowed the page --------------------------------------------------------


def test_text_inside_a_big_button_is_kept_and_button_labels_dropped() -> None:
    page = (
        "<html><body><button>Menu</button><main><button>"
        + PROSE * 6
        + "</button><button>Subscribe now</button></main></body></html>"
    )
    text = extract_html(page).text
    assert "library would stay open" in text
    assert "Subscribe now" not in text and "Menu" not in text


@needs_corpus
def test_page_nested_in_an_unclosed_button_is_read() -> None:
    assert _score("0044") >= 0.8


# --- a menu or banner that holds the page -------------------------------------------------------


def test_a_nav_holding_most_of_the_page_as_prose_is_not_a_menu() -> None:
    page = f"<html><body><nav><a href='/'>Home</a><div>{PROSE * 6}</div></nav></body></html>"
    assert "library would stay open" in extract_html(page).text
    menu = "".join(f"<li><a href='/{n}'>Section number {n}</a></li>" for n in range(60))
    page = f"<html><body><nav><ul>{menu}</ul></nav><article>{PROSE * 4}</article></body></html>"
    assert "Section number" not in extract_html(page).text


@needs_corpus
def test_page_inside_a_banner_role_is_read() -> None:
    assert _score("0304") >= 0.8


# --- no giving up: pages of "widget" boxes, and the last resort ---------------------------------


@needs_corpus
@pytest.mark.parametrize("page_id", ["0164", "0336", "0342"])
def test_pages_built_of_widget_boxes_are_read(page_id: str) -> None:
    """Page builders name every box "widget" or similar: pruning by class name emptied them."""
    assert _score(page_id) >= 0.75


def test_widget_named_boxes_with_prose_are_read() -> None:
    page = (
        "<html><body><div class='widget-area'><div class='widget-text'>"
        + PROSE * 6
        + "</div></div></body></html>"
    )
    assert "library would stay open" in extract_html(page).text
