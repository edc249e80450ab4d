"""The article a page declares: schema.org ``articleBody`` in its JSON-LD.

A page that states its article's text tells which part of the tree is the article. That text
is plain (no headings, links or lists), so it is used to choose and to bound the element, not
shown in its place — except when the tree does not hold it at all (the page is built by
script) and what was found is much shorter.
"""

from __future__ import annotations

import copy

from lxml.html import HtmlElement

from tui_reader.document import Block
from tui_reader.extract.fallback import smallest_holding
from tui_reader.extract.prune import prune
from tui_reader.words import words

_MIN_DECLARED = 500  # characters of articleBody worth trusting
_PARAGRAPHS = ("p", "li", "blockquote", "pre", "td", "dd", "h2", "h3", "h4", "h5", "h6")
_MIN_PARAGRAPH = 40  # characters of a paragraph matched against the declared text
_SHARE = 0.8  # of the matched text the chosen element must hold
_COVERED = 0.6  # of the declared text the tree must hold to be used


def _norm(text: str) -> str:
    return " ".join(words(text))


def usable(declared: str) -> str:
    """The declared text, normalised, if long enough to go by; else ""."""
    return _norm(declared) if len(declared) >= _MIN_DECLARED else ""


def declared_element(root: HtmlElement, declared: str) -> HtmlElement | None:
    """A pruned copy of the smallest element holding most of the paragraphs that are in the
    declared text (normalised with :func:`usable`), or None when the tree holds too little."""
    totals: dict[HtmlElement, int] = {}
    for el in root.iter(*_PARAGRAPHS):
        if any(a.tag in _PARAGRAPHS for a in el.iterancestors()):
            continue
        text = _norm(el.text_content())
        if len(text) < _MIN_PARAGRAPH or text not in declared:
            continue
        for holder in (el, *el.iterancestors()):
            totals[holder] = totals.get(holder, 0) + len(text)
    top = root.find("body")
    if top is None or totals.get(top, 0) < len(declared) * _COVERED:
        return None
    top = smallest_holding(top, totals, _SHARE)
    article = copy.deepcopy(top)
    prune(article)
    if len(_norm(article.text_content())) < totals[top] * _SHARE:
        article = copy.deepcopy(top)
        prune(article, classes=False)
    return article


def in_declared(block: Block, declared: str) -> bool:
    text = _norm(block.text)
    return bool(text) and text in declared


def coverage(blocks: list[Block], declared: str) -> float:
    """Share of the declared text's characters found in ``blocks`` (paragraph by paragraph)."""
    if not declared:
        return 0.0
    held = sum(len(_norm(b.text)) for b in blocks if in_declared(b, declared))
    return min(held / len(declared), 1.0)


def bounded(blocks: list[Block], declared: str) -> list[Block]:
    """``blocks`` from the first to the last one whose text is in the declared text (with
    headings and figures between them): what comes before and after is not the article."""
    inside = [
        i
        for i, b in enumerate(blocks)
        if b.kind not in ("figure", "heading")
        and len(b.text) >= _MIN_PARAGRAPH
        and in_declared(b, declared)
    ]
    if not inside:
        return blocks
    return blocks[inside[0] : inside[-1] + 1]
