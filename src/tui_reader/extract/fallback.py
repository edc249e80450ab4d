"""When readability finds (almost) nothing: the smallest element holding most of the page's
prose, found by a plain text-density measure over the cleaned tree."""

from __future__ import annotations

import copy
import re

from lxml.html import HtmlElement

from tui_reader.extract.prune import prune

_COMMENTS = re.compile(r"comment|disqus|replies|respond", re.I)  # as readability's list
_PARAGRAPHS = ("p", "pre", "td", "blockquote", "li", "dd")
_MIN_PARAGRAPH = 80  # characters
_MAX_LINKS = 0.3  # link characters per character
_SHARE = 0.75  # of the page's prose the chosen element must hold
_KEPT = 0.5  # of an element's prose that pruning must leave
_SIBLING_PROSE = 0.1  # of the densest part's prose a sibling box must hold to join it
_SIBLING_LEAST = 500  # characters of prose a sibling box must hold to join it
_CHROME = ("header", "footer", "nav", "aside", "form")
_LANDMARKS = ("header", "footer", "nav", "aside")  # (a form may hold a shop's whole grid)
# What ends a run of text: a div whose children are none of these holds text only (a paragraph
# written as a div, as page builders do).
_BLOCKS = frozenset(
    {*_PARAGRAPHS, *_CHROME, "p", "div", "section", "article", "main", "ul", "ol", "dl", "table"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "figure"}
)


def _is_paragraph(el: HtmlElement) -> bool:
    """A paragraph of the page: a paragraph element, or a div holding text only."""
    if el.tag != "div":
        return True
    return not any(child.tag in _BLOCKS for child in el)


def _length(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


def prose_by_element(
    root: HtmlElement, *, comments: bool = True, divs: bool = False, landmarks: bool = True
) -> dict[HtmlElement, int]:
    """Characters of prose (long paragraphs, few links) under every element; without the
    paragraphs in readers' comments if ``comments`` is False; with divs holding text only as
    paragraphs if ``divs`` (for choosing the densest part: page builders write paragraphs as
    divs; not for judging whether a page has prose, where such divs are labels as often);
    without the paragraphs in headers, footers, navigation and asides if ``landmarks`` is
    False."""
    totals: dict[HtmlElement, int] = {}
    for el in root.iter(*_PARAGRAPHS, *(("div",) if divs else ())):
        if not _is_paragraph(el):
            continue
        ancestors = list(el.iterancestors())
        if any(a.tag in _PARAGRAPHS for a in ancestors):
            continue  # counted with the outer paragraph
        length = _length(el)
        if length < _MIN_PARAGRAPH:
            continue
        links = sum(_length(a) for a in el.iter("a"))
        if links / length > _MAX_LINKS:
            continue
        if not comments and any(
            _COMMENTS.search(f"{a.get('class', '')} {a.get('id', '')}") for a in ancestors
        ):
            continue  # readers' comments are prose, not the article's
        if not landmarks and any(a.tag in _LANDMARKS for a in ancestors):
            continue  # the page's header, footer, navigation or asides
        for holder in (el, *ancestors):
            totals[holder] = totals.get(holder, 0) + length
    return totals


def page_prose(root: HtmlElement, *, comments: bool = True) -> int:
    body = root.find("body")
    return prose_by_element(root, comments=comments).get(body if body is not None else root, 0)


def _pruned(el: HtmlElement, prose: int) -> HtmlElement:
    """A pruned copy of ``el``; judged by content alone when the usual pruning (which trusts
    class names) leaves less than half of its prose: on pages built of "widget" boxes."""
    article = copy.deepcopy(el)
    prune(article)
    if _length(article) >= prose * _KEPT:
        return article
    article = copy.deepcopy(el)
    prune(article, classes=False)
    return article


def whole_page(root: HtmlElement) -> HtmlElement | None:
    """The last resort when no part of the page stands out: its body, pruned by content."""
    body = root.find("body")
    if body is None or not _length(body):
        return None
    article = _pruned(body, page_prose(root))
    if not _length(article):
        # Pruning leaves nothing (a page of links and labels): its text, rather than none.
        article = copy.deepcopy(body)
    return article


def page_main(root: HtmlElement) -> HtmlElement | None:
    """A copy of the page's body without its chrome (header, footer, navigation, asides,
    forms): on a page that is not an article (a shop's grid, a product, a list of services),
    what is left is its main content, which no single box holds."""
    body = root.find("body")
    if body is None:
        return None
    main = copy.deepcopy(body)
    for el in list(main.iterdescendants(*_CHROME)):
        if el.getparent() is not None:
            el.drop_tree()
    return main


def main_length(root: HtmlElement) -> int:
    """The length of :func:`page_main`'s text, without copying the tree."""
    body = root.find("body")
    if body is None:
        return 0
    chrome = sum(
        _length(el)
        for el in body.iterdescendants(*_CHROME)
        if not any(a.tag in _CHROME for a in el.iterancestors())
    )
    return max(_length(body) - chrome, 0)


def smallest_holding(top: HtmlElement, totals: dict[HtmlElement, int], share: float) -> HtmlElement:
    """Down from ``top``, the smallest element still holding ``share`` of ``top``'s total
    (each step into the child with the most): one walk down the tree."""
    need = totals.get(top, 0) * share
    while True:
        best = max(
            (child for child in top if totals.get(child, 0) >= need),
            key=lambda child: totals[child],
            default=None,
        )
        if best is None:
            return top
        top = best


def densest_article(
    root: HtmlElement, *, comments: bool = True, siblings: bool = False
) -> HtmlElement | None:
    """A pruned copy of the smallest element with most of the page's prose, or None.

    Not one inside a header, footer, navigation or aside (a footer's disclaimer or an about
    box can outweigh a short article) when the page has prose outside them: then the part
    with most of that prose. With ``siblings``, the boxes beside it that hold prose of their
    own come along (:func:`_with_prose_siblings`)."""
    body = root.find("body")
    if body is None:
        return None
    totals = prose_by_element(root, comments=comments, divs=True)
    if not totals.get(body):
        return None
    top = smallest_holding(body, totals, _SHARE)
    if top.tag in _LANDMARKS or any(a.tag in _LANDMARKS for a in top.iterancestors()):
        inside = prose_by_element(root, comments=comments, divs=True, landmarks=False)
        if inside.get(body):
            totals = inside
            top = smallest_holding(body, totals, _SHARE)
    if siblings:
        # Boxes beside it that hold prose too: the article's other sections.
        plain = prose_by_element(root, comments=comments)
        return _pruned(*_with_prose_siblings(top, totals, plain))
    return _pruned(top, totals[top])


def _with_prose_siblings(
    top: HtmlElement, totals: dict[HtmlElement, int], plain: dict[HtmlElement, int]
) -> tuple[HtmlElement, int]:
    """``top`` with the sibling boxes that hold prose of their own (a page builder's sections:
    the introduction in one box, the body in the next), in a copy of their parent; or ``top``.

    A sibling joins with prose in paragraph elements (``plain``; divs of text are a banner's
    slides as often) of at least a tenth of ``top``'s and _SIBLING_LEAST characters; never a
    header, footer, navigation, aside or form."""
    prose = totals.get(top, 0)
    # Up through the wrappers that hold no other prose: the siblings are those of the outermost.
    outer, parent = top, top.getparent()
    while parent is not None and parent.tag != "body" and totals.get(parent, 0) == prose:
        outer, parent = parent, parent.getparent()
    if parent is None or top.tag == "body":
        return top, prose
    need = max(prose * _SIBLING_PROSE, _SIBLING_LEAST)
    keep = [c for c in parent if c is outer or (plain.get(c, 0) >= need and c.tag not in _CHROME)]
    if len(keep) == 1:
        return top, prose
    # A box in the parent's place (its tag and attributes, so the class words still count),
    # holding only those children; a div in the body's place (the body means "no part").
    tag = "div" if parent.tag == "body" else parent.tag
    wrapper = parent.makeelement(tag, dict(parent.attrib))
    for child in keep:
        wrapper.append(copy.deepcopy(child))
    return wrapper, sum(totals.get(c, 0) for c in keep)
