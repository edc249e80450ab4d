"""html_to_text against a reader of HTML not written here: Python's html.parser.

Every corpus entry's HTML (content and summary) is read by both; the characters each keeps as
text (whitespace aside: where lines and paragraphs break is html_to_text's own rule) must be
the same. The reference drops what html_to_text drops with its text (script, style, template,
noscript, svg, math, head). Where the two differ by design, the entry is left out, counted:
an element of those never closed (html.parser hides the rest of the document; html_to_text
keeps it, as text is better kept than lost when a feed cuts its HTML short).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tui_reader.htmltext import html_to_text
from tui_reader.sanitize import clean_text

from .conftest import CORPUS

_DROPPED = frozenset({"script", "style", "template", "noscript", "svg", "math", "head"})


class _Text(HTMLParser):
    """The text html.parser finds, outside the dropped elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.inside = 0  # open dropped elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside += tag in _DROPPED

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED and self.inside:
            self.inside -= 1

    def handle_data(self, data: str) -> None:
        if not self.inside:
            self.parts.append(data)


def _chars(text: str) -> str:
    return "".join(clean_text(text).split())


@pytest.mark.skipif(not (CORPUS / "feeds").is_dir(), reason="corpus not present")
def test_html_to_text_keeps_the_text_html_parser_keeps() -> None:
    from tui_reader.feeds.parse import FeedError, parse_feed

    fragments: set[str] = set()
    for path in sorted((CORPUS / "feeds").glob("*.xml")):
        try:
            feed = parse_feed(path.read_bytes(), "http://example.org/feed.xml")
        except FeedError:
            continue
        fragments |= {x for e in feed.entries for x in (e.content, e.summary) if "<" in x}
    assert len(fragments) >= 1000
    differ = []
    cut_short = 0
    for markup in sorted(fragments):
        reference = _Text()
        reference.feed(markup)
        reference.close()
        if reference.inside:
            cut_short += 1
            continue
        if _chars(html_to_text(markup)) != _chars("".join(reference.parts)):
            differ.append(markup[:200])
    assert differ == []
    assert cut_short <= 0.01 * len(fragments)
