"""Text to an lxml tree, whatever the page throws at the parser."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from tui_reader.extract.errors import ExtractionError
from tui_reader.sanitize import TERMINAL_CONTROLS, clean_text
from tui_reader.scan import sub_to_last

# Generic containers: removed wholesale when a page nests deeper than the parser goes, so the
# text at the bottom is not lost (libxml2 drops everything below 256 levels).
_CONTAINER_TAGS = re.compile(
    r"</?(?:div|span|section|article|main|font|center|aside|header|footer|nav|small|big|"
    r"b|i|u|em|strong|blockquote|dl|dd|dt|ul|ol|li|table|tbody|thead|tr|td|th|form|label)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# A start tag of 1,024 characters or more ("{1024,}+" is possessive: each run read once).
_LONG_TAG = re.compile(r"<([a-zA-Z][^\s<>/]{0,64}+)([^<>]{1024,}+)>")
# libxml2 checks each attribute of an element against all those before it: one element of
# 50,000 attributes took 6 s to parse, 100,000 took a minute. An element with more than this
# many (no page has them) loses its attributes before the parser sees it.
MAX_ATTRIBUTES = 1024


def _parse(markup: bytes) -> tuple[lxml.html.HtmlElement, bool]:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_blank_text=False)
    root = lxml.html.document_fromstring(markup, parser=parser)
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return root, too_deep


def parse_html(text: str, *, fragment: bool = False) -> lxml.html.HtmlElement:
    """Parse a page (or, with ``fragment``, a piece of one) into an ``<html>`` tree."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if TERMINAL_CONTROLS.search(text):
        # Terminal escapes and control characters: gone before lxml sees them (it keeps them
        # in the tree but refuses them when text is set back).
        text = clean_text(text)
    if fragment:
        text = "<html><body>" + text + "</body></html>"
    if len(text) > 1024 and "<" in text:
        text = _LONG_TAG.sub(_fewer_attributes, text)
    markup = text.encode("utf-8", "replace")
    try:
        root, too_deep = _parse(markup)
        if too_deep:
            flat = sub_to_last(_CONTAINER_TAGS, " ", text).encode("utf-8", "replace")
            root, _ = _parse(flat)
    except (etree.ParserError, ValueError) as exc:  # e.g. "Document is empty"
        raise ExtractionError(f"the page has no readable content ({exc})") from exc
    return root


def _fewer_attributes(m: re.Match[str]) -> str:
    # Its attributes, counted as the words left once quoted values are out (a long alt text
    # or og:description is one attribute, however many words it holds).
    names = _QUOTED.sub(" ", m.group(2))
    if len(names.split(None, MAX_ATTRIBUTES)) <= MAX_ATTRIBUTES:
        return m.group()
    return f"<{m.group(1)}>"


_QUOTED = re.compile(r"\"[^\"]*+\"|'[^']*+'")
