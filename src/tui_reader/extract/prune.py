"""Pruning the article readability picked: page furniture out, content in.

readability-lxml's own clean-up of the chosen element throws away figures, captions, short
paragraphs and lists of items together with the junk. This replaces it with the conditional
clean-up of Mozilla's Readability.js, which is kinder to content: lists, figures and data tables
are judged as such, and only elements that look like furniture by several measures go.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from tui_reader.extract.blocks import is_data_table

# "hidden" marks a box the page hides; "overflow-hidden" (a utility class: what overflows the box
# is clipped) marks a box that is shown, whatever it holds.
_NEGATIVE = re.compile(
    r"-ad-|(?<!overflow-)(?<!overflow-[xy]-)hidden|^hid$| hid$| hid |^hid |banner|combx|comment|"
    r"com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
    r"sidebar|skyscraper|sponsor|shopping|tags|widget",
    re.I,
)
_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story", re.I
)
_SHARE = re.compile(r"(\b|_)(share|sharedaddy)(\b|_)", re.I)
_AD_WORDS = re.compile(
    r"^(ad(vertising|vertisement)?|pub(licité)?|werb(ung)?|广告|Реклама|Anuncio)$", re.I
)
_LOADING_WORDS = re.compile(r"^((loading|正在加载|Загрузка|chargement|cargando)(…|\.\.\.)?)$", re.I)
_VIDEOS = re.compile(
    r"//(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|v\.qq)\.com|"
    r"(archive|upload\.wikimedia)\.org|player\.twitch\.tv)",
    re.I,
)
_DROPPED = ("object", "embed", "footer", "link", "aside", "iframe", "input", "textarea", "select")
_TEXTISH = ("span", "li", "td", "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul")
_TEASERS = 3  # sibling <article>s that make a run of teasers
_TEASER_CHARS = 600  # characters of text above which an <article> is no teaser
_TEASERS_BESIDE = 1_000  # characters of other text the chosen element must hold
_HEADLINE_LINK = (
    ".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]//a[@href]"
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_COLUMN_LINKS = 5  # links in a layout table's cell that may make it a menu column
_COLUMN_DENSITY = 0.5  # share of such a cell's text in links above which it is one


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def class_weight(el: HtmlElement) -> int:
    weight = 0
    for feature in (el.get("class"), el.get("id")):
        if feature:
            if _NEGATIVE.search(feature):
                weight -= 25
            if _POSITIVE.search(feature):
                weight += 25
    return weight


def link_density(el: HtmlElement, text_length: int | None = None) -> float:
    total = len(_text(el)) if text_length is None else text_length
    if not total:
        return 0.0
    links = 0.0
    for a in el.iter("a"):
        coefficient = 0.3 if (a.get("href") or "").startswith("#") else 1.0
        links += len(_text(a)) * coefficient
    return links / total


def _text_density(el: HtmlElement, tags: tuple[str, ...], total: int) -> float:
    if not total:
        return 0.0
    inner = sum(len(_text(child)) for child in el.iterdescendants(*tags))
    return inner / total


def _count(el: HtmlElement, tag: str) -> int:
    return sum(1 for _ in el.iterdescendants(tag))


def _has_ancestor(el: HtmlElement, tag: str) -> bool:
    return any(a.tag == tag for a in el.iterancestors())


def _should_remove(
    el: HtmlElement, tag: str, data_tables: set[HtmlElement], classes: bool = True
) -> bool:
    """Readability.js's ``_cleanConditionally`` test for one element. ``data_tables``: the
    tables of the article that hold data, judged once before cleaning (Readability.js's
    ``_markDataTables``); judging them again for every element that holds them was quadratic
    in nested tables (a 1.3 MB page took 11 s)."""
    is_list = tag in ("ul", "ol")
    text = _text(el)
    length = len(text)
    # A list without items holds its text directly: old pages indent a quotation or an aside
    # with a bare <ul>. It is judged as a box of text, not as a list.
    indent = is_list and bool(length) and next(el.iterdescendants("li"), None) is None
    if indent:
        is_list = False
    if not is_list:
        list_length = sum(len(_text(li)) for li in el.iterdescendants("ul", "ol"))
        is_list = bool(length) and list_length / length > 0.9
    if tag == "table" and el in data_tables:
        return False
    if any(a in data_tables for a in el.iterancestors("table")):
        return False
    if _has_ancestor(el, "code") or _has_ancestor(el, "pre"):
        return False
    if data_tables and any(t in data_tables for t in el.iterdescendants("table")):
        return False
    weight = class_weight(el) if classes else 0
    if weight < 0:
        return True
    if text.count(",") >= 10:
        return False
    if _AD_WORDS.match(text) or _LOADING_WORDS.match(text):
        return True
    paragraphs = _count(el, "p")
    images = _count(el, "img")
    items = _count(el, "li") - 100
    inputs = _count(el, "input")
    embeds = sum(
        1
        for e in el.iterdescendants("object", "embed", "iframe")
        if not _VIDEOS.search(" ".join(str(v) for v in e.attrib.values()))
    )
    figure_child = _has_ancestor(el, "figure")
    links = link_density(el, length)
    heading_density = _text_density(el, _HEADINGS, length)
    remove = (
        (not figure_child and images > 1 and paragraphs / images < 0.5)
        or (not is_list and items > paragraphs)
        or (inputs > paragraphs // 3)
        or (
            not is_list
            and not figure_child
            and heading_density < 0.9
            and length < 25
            and (images == 0 or images > 2)
            and links > 0
        )
        or (not is_list and weight < 25 and links > 0.2)
        or (weight >= 25 and links > 0.5)
        or (embeds == 1 and length < 75)
        or embeds > 1
        or (images == 0 and not indent and _text_density(el, _TEXTISH, length) == 0)
    )
    if is_list and remove:
        # Simple lists of images stay.
        simple = all(len(child) <= 1 for child in el)
        if simple and images and _count(el, "li") == images:
            return False
    return remove


def drop_teasers(node: HtmlElement) -> None:
    """Runs of sibling <article> boxes, each short and headed by a link (teasers of other
    posts: "recent posts" beside the story when the chosen element holds both), go when the
    chosen element holds a text of its own beside them."""
    total = len(_text(node))
    runs: list[list[HtmlElement]] = []
    for parent in node.iter():
        if isinstance(parent.tag, str):
            cards = [child for child in parent if child.tag == "article"]
            if len(cards) >= _TEASERS:
                runs.append(cards)
    for cards in runs:
        lengths = [len(_text(card)) for card in cards]
        if max(lengths) > _TEASER_CHARS or total - sum(lengths) < _TEASERS_BESIDE:
            continue
        if not all(card.xpath(_HEADLINE_LINK) for card in cards):
            continue
        for card in cards:
            card.drop_tree()


def prune(node: HtmlElement, *, classes: bool = True) -> None:
    """Clean the chosen article element in place. ``classes=False`` judges elements by their
    content alone, not by their class and id (for pages whose every box is a "widget")."""
    drop_teasers(node)
    # Forms first, while their fields are there to count (as Readability.js does: a comment
    # or sign-up form's labels are no article text); the fields go right after.
    # (A table that lays out a form's fields, label beside field, is no table of data.)
    forms = list(node.iterdescendants("form", "fieldset"))
    if forms:
        in_data = {t for t in node.iter("table") if t.find(".//input") is None and is_data_table(t)}
        for el in forms:
            if el.getparent() is not None and _should_remove(el, el.tag, in_data, classes):
                el.drop_tree()
    for el in list(node.iterdescendants(*_DROPPED)):
        el.drop_tree()
    _drop_site_headers(node)
    data_tables = {t for t in node.iter("table") if is_data_table(t)}
    for top in list(node):
        for el in list(top.iter()):
            if not isinstance(el.tag, str) or el.getparent() is None:
                continue
            features = f"{el.get('class', '')} {el.get('id', '')}"
            if _SHARE.search(features) and len(el.text_content()) < 500:
                el.drop_tree()
    for el in list(node.iterdescendants("h1", "h2")):
        if classes and class_weight(el) < 0:
            el.drop_tree()
    _drop_link_columns(node, data_tables)
    for tag in ("table", "ul", "div"):
        for el in reversed(list(node.iterdescendants(tag))):
            if _is_detached(el, node):
                continue
            if _should_remove(el, tag, data_tables, classes):
                el.drop_tree()
    for p in list(node.iterdescendants("p")):
        if (
            not _text(p)
            and p.find(".//img") is None
            and p.find(".//embed") is None
            and p.find(".//object") is None
            and p.find(".//iframe") is None
        ):
            p.drop_tree()


def _drop_site_headers(node: HtmlElement) -> None:
    """The site's header (its name, its menu) when the page's body was chosen (a short post:
    nothing in it stood out): a <header> that is the body's own, or holds the navigation.
    An article's own <header> (its title, its byline) stays."""
    for el in list(node.iterdescendants("header")):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag == "body" or next(el.iterdescendants("nav"), None) is not None:
            el.drop_tree()


def _drop_link_columns(node: HtmlElement, data_tables: set[HtmlElement]) -> None:
    """A page laid out in a table (the old web's way, still served): a column of links (the
    site's menu, its list of other pages) beside the cell with the text goes. Readability.js
    judges tables, lists and boxes, never a cell, so when the row holding both was chosen,
    the menu stayed at the head of the article. A cell goes when its text is mostly links
    (at least _COLUMN_LINKS of them) and another cell of its row holds more text."""
    for row in list(node.iter("tr")):
        table = next(row.iterancestors("table"), None)
        if table is not None and table in data_tables:
            continue
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        if len(cells) < 2:
            continue
        lengths = [len(_text(cell)) for cell in cells]
        longest = max(lengths)
        for cell, length in zip(cells, lengths, strict=True):
            if (
                length
                and length < longest
                and _count(cell, "a") >= _COLUMN_LINKS
                and link_density(cell, length) > _COLUMN_DENSITY
            ):
                cell.drop_tree()


def _is_detached(el: HtmlElement, root: HtmlElement) -> bool:
    """True when an ancestor of ``el`` has been removed from ``root`` already."""
    return all(ancestor is not root for ancestor in el.iterancestors())
