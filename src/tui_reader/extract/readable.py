"""readability-lxml, run on a tree we already parsed and cleaned.

The subclass skips what we have done ourselves (decoding with chardet, parsing, the lxml
Cleaner pass, rewriting every link) and hands back the article element instead of serialised
HTML, so nothing is parsed twice.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from typing import Any

import readability
from lxml.etree import tounicode
from lxml.html import HtmlElement

from tui_reader.extract.blocks import is_data_table
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
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
_SEGMENT_LINKS = 0.2  # link density above which a box is no segment (as readability-lxml)
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

    def select_best_candidate(self, candidates: dict[HtmlElement, Any]) -> Any:
        best = super().select_best_candidate(candidates)
        if not best:
            return best
        ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)
        if best is not ranked[0]:
            return best  # chosen by markup (itemprop=articleBody, a nested <article>)
        self._climb = (best["elem"], _refine_top(best, candidates, ranked[:5]))
        return best

    def get_article(
        self, candidates: dict[HtmlElement, Any], best: Any, html_partial: bool = False
    ) -> HtmlElement:
        start, top = getattr(self, "_climb", (None, None))
        if top is not None and start is best["elem"] and top is not start:
            # Gather readability's article segments around the original choice first: they
            # move inside it, and so come along with the ancestor that replaces it.
            # Only the segments outside that ancestor: those inside it come along where they
            # stand, and moving them would put the text out of its order.
            threshold = max(10, best["content_score"] * 0.2)
            outside = {
                el: c
                for el, c in candidates.items()
                if el is start or top not in el.iterancestors()
            }
            self.merge_article_segments(outside, best, threshold)
            if top not in candidates:
                candidates[top] = self.score_node(top)
            best = candidates[top]
        _same_class_bonus(candidates, best)
        return super().get_article(candidates, best, html_partial=html_partial)

    def merge_article_segments(
        self, candidates: dict[HtmlElement, Any], best: Any, score_threshold: float
    ) -> None:
        elem: HtmlElement = best["elem"]
        name = elem.get("class")
        same = [el for el in self.html.iter(elem.tag) if el.get("class") == name] if name else []
        held = set(elem)
        super().merge_article_segments(candidates, best, score_threshold)
        same = [
            el for el in same if el is elem or candidates.get(el, {}).get("content_score", 0) > 0
        ]
        _fill_gaps(elem, same, held, self.get_link_density)

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


def _fill_gaps(
    elem: HtmlElement,
    same: list[HtmlElement],
    held: set[HtmlElement],
    link_density: Callable[[HtmlElement], float],
) -> None:
    """The boxes of ``elem``'s tag and class lying between two that readability gathered into
    it (``same``: all such boxes in document order, ``held``: ``elem``'s children before):
    parts of the same article that scored a little lower (a section made of quotations)."""
    moved = {el for el in same if el.getparent() is elem and el not in held}
    if not moved or elem not in same:
        return
    place = same.index(elem)
    index = [i for i, el in enumerate(same) if el in moved]
    lo, hi = min(*index, place), max(*index, place)
    ancestors = set(elem.iterancestors())
    # Where each gap goes, found in one step (linear in the boxes, however many a page has):
    # left of the pick, after the last gathered box met; right of it, before the next box
    # readability gathered (a gap moved there lies left of the one being placed).
    following: dict[int, HtmlElement] = {}
    for j in range(hi, place, -1):
        following[j] = same[j] if same[j] in moved else following[j + 1]
    before = same[lo]
    for k in range(lo + 1, hi):
        gap = same[k]
        if gap in moved:
            if k < place:
                before = gap
            continue
        if gap is elem or gap in ancestors:
            continue
        if any(a is elem or a in moved for a in gap.iterancestors()):
            continue  # inside the pick already
        if any(d in moved for d in gap.iterdescendants(elem.tag)):
            continue
        if not _text_length(gap) or link_density(gap) > _SEGMENT_LINKS:
            continue
        if k < place:
            before.addnext(gap)
            before = gap
        else:
            following[k + 1].addprevious(gap)
        moved.add(gap)


def _same_class_bonus(candidates: dict[HtmlElement, Any], best: Any) -> None:
    """Readability.js's bonus for the chosen element's siblings that share its class name (the
    parts of an article split into boxes of one kind): a fifth of the chosen one's score, so
    they join it (readability-lxml lacks it)."""
    elem: HtmlElement = best["elem"]
    name = elem.get("class")
    parent = elem.getparent()
    if not name or parent is None:
        return
    bonus = best["content_score"] * 0.2
    for sibling in parent:
        if sibling is not elem and sibling.get("class") == name and sibling in candidates:
            candidates[sibling]["content_score"] += bonus


def _refine_top(best: Any, candidates: dict[HtmlElement, Any], ranked: list[Any]) -> HtmlElement:
    """Readability.js's second look at the top candidate: the ancestor shared by several
    near-equal candidates, a parent that scores better, a wrapper with nothing else in it."""
    top: HtmlElement = best["elem"]
    top_score: float = best["content_score"]
    if top_score > 0:
        close = [
            c["elem"]
            for c in ranked
            if c["elem"] is not top and c["content_score"] / top_score >= 0.75
        ]
        if len(close) >= 3:
            ancestry = [set(e.iterancestors()) for e in close]
            parent = top.getparent()
            while parent is not None and parent.tag not in ("body", "html"):
                if sum(parent in a for a in ancestry) >= 3:
                    top = parent
                    break
                parent = parent.getparent()
    last = candidates[top]["content_score"] if top in candidates else top_score
    # A parent that scores more than the ancestor below it replaces the pick only if it scores
    # a third of the pick (Readability.js's floor) and more than every ancestor passed: the
    # score goes up. readability-lxml scores two levels up only, so the walk passes ancestors
    # scored by a stray paragraph or two: each sank the floor, and the page's wrapper (a
    # cookie notice beside the article, a layout table's sidebar) won on a fifth of the pick's
    # score, or on less than the pick's own parent.
    floor = last / 3
    passed = 0.0
    parent = top.getparent()
    while parent is not None and parent.tag not in ("body", "html"):
        if parent not in candidates:
            parent = parent.getparent()
            continue
        score = candidates[parent]["content_score"]
        if score < last / 3:
            break
        if score > last and score >= floor and score > passed:
            top = parent
            break
        last = score
        passed = max(passed, score)
        parent = parent.getparent()
    parent = top.getparent()
    while parent is not None and parent.tag not in ("body", "html") and len(parent) == 1:
        top = parent
        parent = top.getparent()
    return _out_of_data_table(top)


def _out_of_data_table(top: HtmlElement) -> HtmlElement:
    """A data table (or a part of one) is a part of the article, never all of it (a list of
    films with a description each, on a wiki): its container is the article."""
    if top.tag not in _TABLE_PARTS:
        return top
    table = top if top.tag == "table" else next(top.iterancestors("table"), None)
    if table is None or not is_data_table(table):
        return top
    parent = table.getparent()
    return parent if parent is not None and parent.tag not in ("body", "html") else top


def readability_article(root: HtmlElement) -> HtmlElement | None:
    """The element readability-lxml picks as the article (a copy), or None."""
    try:
        summary = _Readability(root).summary(html_partial=True)
    except (readability.readability.Unparseable, RecursionError, ValueError):
        return None
    node = getattr(summary, "node", None)
    return node if isinstance(node, HtmlElement) else None
