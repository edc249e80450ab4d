"""A picture's ``title`` that says something of it (a web comic's hover text, where its
punchline is; a photo's description) is its caption when it has none: it was lost. A short
title ("Click to enlarge", a file name) or one its alt text already says is no caption."""

from __future__ import annotations

import pytest

from tui_reader.extract import extract_html

P = (
    "<p>The harbour authority said on Tuesday that the old pier would close for repairs after"
    " inspectors found cracks in three of its supporting columns. Engineers expect the work to"
    " last until the spring, and ferries will use the eastern terminal meanwhile.</p>"
)
URL = "https://news.example/pier.html"
HOVER = "The secret ingredient is eleven years of unread newsletters, shredded."


def page(picture: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pier</title></head><body>'
        f"<article><h1>Pier</h1>{P}{picture}{P.replace('Tuesday', 'Monday')}</article>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    "picture",
    [
        f'<img src="/c.png" alt="Compost" title="{HOVER}" width="740" height="400">',
        f'<figure><img src="/c.png" alt="Compost" title="{HOVER}"></figure>',
        f'<p><img src="/c.png" title="{HOVER}" width="740" height="400"></p>',
    ],
)
def test_a_title_that_says_something_is_the_pictures_caption(picture: str) -> None:
    doc = extract_html(page(picture), URL)
    figures = [b for b in doc.blocks if b.kind == "figure"]
    assert [(f.text, f.src) for f in figures] == [(HOVER, "https://news.example/c.png")]


def test_a_figcaption_stays_the_caption() -> None:
    picture = (
        f'<figure><img src="/c.png" alt="Compost" title="{HOVER}">'
        "<figcaption>The pier at dawn, before the repairs.</figcaption></figure>"
    )
    doc = extract_html(page(picture), URL)
    assert [b.text for b in doc.blocks if b.kind == "figure"] == [
        "The pier at dawn, before the repairs."
    ]


@pytest.mark.parametrize(
    ("alt", "title"),
    [
        ("The pier", "Click to enlarge"),
        ("The pier", "pier-2024-05.jpg"),
        ("The old pier at dawn, before the repairs began", "the old pier at dawn"),
        ("Ferries at the eastern terminal in May", "Ferries at the eastern terminal in May"),
        # The alt again, reworded for search engines.
        ("focus on storytelling veranda top trends", "Focus on Storytelling - Veranda Top Trends"),
        ("blockchain technology market", "blockchain technology market size"),
    ],
)
def test_a_label_or_the_alt_again_is_no_caption(alt: str, title: str) -> None:
    picture = f'<img src="/c.png" alt="{alt}" title="{title}" width="740" height="400">'
    doc = extract_html(page(picture), URL)
    assert [b.text for b in doc.blocks if b.kind == "figure"] == [""]


def test_a_linked_pictures_title_is_the_links() -> None:
    picture = (
        '<a href="/reviews/solitaire"><img src="/c.png" title="Read the mobile app review of'
        ' Solitaire Clash" width="740" height="400"></a>'
    )
    doc = extract_html(page(picture), URL)
    assert "Read the mobile app review" not in doc.text
