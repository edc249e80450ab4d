"""readability-lxml, run on a tree we already parsed and cleaned.

The subclass skips what we have done ourselves (decoding with chardet, parsing, the lxml
Cleaner pass, rewriting every link) and hands back the article element instead of serialised
HTML, so nothing is parsed twice.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import readability
from lxml.etree import tounicode
from lxml.html import HtmlElement

from tui_reader.extract.prune import prune

# readability-lxml logs every failure with a traceback; its failures are ours to report.
logging.getLogger("readability.readability").setLevel(logging.CRITICAL)

# Readability.js's list of class/id words that mark page furniture (the ruthless pass).
_UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|"
    r"gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.I,
)
_MAYBE = re.compile(r"and|article|body|column|content|main|mathjax|shadow", re.I)


class _Article(str):
    """The serialised article, carrying the element itself."""

    node: HtmlElement


def _text_length(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


class _Readability(readability.Document):  # type: ignore[misc]
    def __init__(self, tree: HtmlElement) -> None:
        super().__init__(tree)
        self._tree = tree

    def _parse(self, input: Any) -> HtmlElement:
        return copy.deepcopy(self._tree)

    def get_clean_html(self) -> str:
        article = _Article(tounicode(self.html, method="html"))
        article.node = self.html
        return article

    def sanitize(self, node: HtmlElement, candidates: Any, keep_all_images: bool = False) -> str:
        prune(node)
        self.html = node
        return self.get_clean_html()

    def get_link_density(self, elem: HtmlElement) -> float:
        links = sum(_text_length(a) for a in elem.iterdescendants("a"))
        return links / max(_text_length(elem), 1)

    def remove_unlikely_candidates(self) -> None:
        for elem in self.html.xpath("//*[@class or @id]"):
            features = f"{elem.get('class', '')} {elem.get('id', '')}"
            if (
                _UNLIKELY.search(features)
                and not _MAYBE.search(features)
                and elem.tag not in ("html", "body", "article", "main")
                and elem.getparent() is not None
                and not elem.xpath(
                    "ancestor-or-self::pre | ancestor-or-self::code | ancestor::table"
                    " | descendant-or-self::main | descendant-or-self::article"
                    " | descendant-or-self::math"
                )
            ):
                elem.drop_tree()


def readability_article(root: HtmlElement) -> HtmlElement | None:
    """The element readability-lxml picks as the article (a copy), or None."""
    try:
        summary = _Readability(root).summary(html_partial=True)
    except (readability.readability.Unparseable, RecursionError, ValueError):
        return None
    node = getattr(summary, "node", None)
    return node if isinstance(node, HtmlElement) else None
