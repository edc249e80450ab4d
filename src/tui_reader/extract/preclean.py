"""Cleaning a page's tree before the article is looked for.

Removed outright: comments, scripts, styles, embedded objects, form controls, hidden elements,
tracking pixels, and widgets recognisable by their class or id (share and subscribe boxes,
cookie notices, advertisements) as long as they hold little text. Bylines found on the way are
kept for the metadata.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from tui_reader.extract.blocks import is_tracking_pixel
from tui_reader.extract.dates import strip_dates
from tui_reader.sanitize import clean_line, has_scheme, is_web_url

_DROP_TAGS = (
    "script",
    "style",
    "template",
    "link",
    "meta",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "canvas",
    "textarea",
    "datalist",
    "dialog",
    "audio",
    "video",
    "map",
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
# Widgets: matched against class and id, removed when they hold little text.
_WIDGET = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharedaddy|social|socials|addthis|sociable|"
    r"newsletter|subscribe|subscription|signup|sign-up|paywall|"
    r"cookie|cookies|consent|gdpr|"
    r"ad|ads|advert|advertisement|adslot|dfp|sponsored|outbrain|taboola|"
    r"email-this|follow-us|breadcrumbs?|skip-link)(?:$|[\s_-])",
    re.I,
)
_TAG_TEXT = re.compile(r"<[!/?]?[a-zA-Z][^<>]*>")  # a tag written as text
_WIDGET_TEXT_LIMIT = 400
_HIDDEN_PROSE = 500  # characters of prose a hidden element must hold to be the article
_MOST = 0.5  # share of the page's text
_MENU_LINKS = 0.5  # share of link text in a menu
_BUTTON_TEXT_LIMIT = 200  # characters: a button with more text wraps content
# Boxes that are never the article, even with paragraphs in them: author bios, "read next".
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:author[-_]?bio|about[-_]?the[-_]?author|about[-_]?author|author[-_]?box|"
    r"author[-_]?info|author[-_]?card|bio[-_]?box|read[-_]?next|more[-_]?stories|recirc|"
    r"newsletter[-_]?signup|related[-_]?(?:posts|stories|articles|content|links))(?:$|[\s_])",
    re.I,
)
_FURNITURE_TEXT_LIMIT = 1500
_BYLINE = re.compile(r"byline|dateline|writtenby|author(?!i[tz])", re.I)
_COMMENTS = re.compile(r"comment|disqus|replies|respond", re.I)
_BYLINE_TEXT_LIMIT = 100
# Bylines on a page, at least, that make it a list whose items each name their authors (posts,
# papers, books): they are its text, not the page's byline.
_BYLINES_OF_A_LIST = 3
_MODAL_ROLES = frozenset({"dialog", "alertdialog"})
_ROLES_DROPPED = frozenset(
    {"navigation", "menu", "menubar", "alert", "alertdialog", "dialog", "search", "banner"}
)


def _text_len(el: HtmlElement, *, markup: bool = True) -> int:
    text = el.text_content()
    if not markup:
        text = _TAG_TEXT.sub(" ", text)
    return len(" ".join(text.split()))


def _remove(el: HtmlElement) -> None:
    """Remove an element, keeping its tail text."""
    if el.getparent() is not None:
        el.drop_tree()


def _spaced_text(el: HtmlElement) -> str:
    """The element's text, with a space where a word meets a capital or a digit at a tag: a
    byline box's parts are separate boxes on the page ("<span>By</span><a>Jane Doe</a>
    <time>Published</time>"), which text_content runs together ("ByJane DoePublished"). A
    word's own letters split by a tag (a drop cap, "<b>J</b>ane") stay together."""
    parts: list[str] = []
    for chunk in el.itertext():
        if parts and (chunk[:1].isupper() or chunk[:1].isdigit()) and parts[-1][-1:].isalnum():
            parts.append(" ")
        if chunk:
            parts.append(chunk)
    return "".join(parts)


def _plausible_byline(text: str) -> bool:
    """Names, not menus ("Sign in | Subscribe") or dates."""
    text = strip_dates(text)
    digits = sum(ch.isdigit() for ch in text)
    return bool(text) and "|" not in text and len(text.split()) <= 12 and digits <= len(text) * 0.15


def _in_comments(el: HtmlElement) -> bool:
    return any(
        _COMMENTS.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()
    )


def _unwrap_or_drop(root: HtmlElement) -> None:
    """``<noscript>`` and ``<button>``: usually furniture, sometimes the page.

    A page built by script (a forum, a single-page app) may carry its only server-made text in
    ``<noscript>``: when the ``<noscript>`` elements hold more text than the rest of the page,
    their content stays. A ``<button>`` holding a paragraph's worth of text is a whole card or,
    unclosed, the rest of the page (the HTML parser nests everything after it inside it):
    its content stays, the button itself goes."""
    noscripts = [el for el in root.iter("noscript") if el.getparent() is not None]
    if noscripts:
        inside = sum(_text_len(el) for el in noscripts if not _nested(el, "noscript"))
        # What a reader would get from them: the markup a page wrote as text inside its
        # <noscript> (escaped tags, tracking-pixel addresses) is not text.
        words = sum(_text_len(el, markup=False) for el in noscripts if not _nested(el, "noscript"))
        keep = words > _text_len(root) - inside
        for el in reversed(noscripts):
            if keep:
                el.drop_tag()
            else:
                el.drop_tree()
    for el in reversed(list(root.iter("select"))):
        if el.getparent() is None:
            continue
        if any(child.tag not in ("option", "optgroup") for child in el.iterdescendants()):
            # An unclosed <select>: the parser nested the rest of the page inside it.
            for option in list(el.iterdescendants("option", "optgroup")):
                if option.getparent() is not None:
                    _remove_keeping_tail(option)
            el.drop_tag()
        else:
            _remove_keeping_tail(el)
    for el in reversed(list(root.iter("button"))):
        if el.getparent() is None:
            continue
        if _text_len(el) >= _BUTTON_TEXT_LIMIT:
            el.drop_tag()
        else:
            _remove_keeping_tail(el)


_PROSE_PARAGRAPH = 80
_POINTER_NOTE_CHARS = 300  # characters of a role=note box above which it is no pointer
_POINTER_NOTE_LINKS = 0.3  # share of its text in links from which it points elsewhere
_POINTER_NOTE_ELEMENTS = 40  # elements of a role=note box above which it is no pointer
_POINTER_NOTES_IN_A_ROW = 5  # notes (or comments) looked past back to the section's heading


def _holds_page(el: HtmlElement, page: int) -> bool:
    """True for a "menu" or "banner" that holds most of the page's text, and not as links: the
    page's markup is broken (an unclosed element swallowed the rest) or misused."""
    length = _text_len(el)
    if length <= page * _MOST:
        return False
    links = sum(_text_len(a) for a in el.iter("a"))
    return links < length * _MENU_LINKS


def _is_section_pointer(el: HtmlElement) -> bool:
    """A note under a section's heading that points elsewhere ("Main article: <link>", "See
    also: <link>"): short, a good part of it links, nothing but other notes between it and
    the heading. A note with prose ("Note: the spec cannot refer to ...") stays."""
    prev = el.getprevious()
    for _ in range(_POINTER_NOTES_IN_A_ROW):
        if prev is None or (isinstance(prev.tag, str) and prev.get("role") != "note"):
            break
        prev = prev.getprevious()
    if prev is None or prev.tag not in ("h2", "h3", "h4", "h5", "h6"):
        return False
    # Looked at element by element up to a bound, so that notes nested in notes (a hostile
    # page) cost no more than their first few elements each.
    raw = 0
    for count, node in enumerate(el.iter()):
        raw += len(node.text or "") + (len(node.tail or "") if node is not el else 0)
        if count >= _POINTER_NOTE_ELEMENTS or raw > 4 * _POINTER_NOTE_CHARS:
            return False
    length = _text_len(el)
    if not length or length > _POINTER_NOTE_CHARS:
        return False
    return sum(_text_len(a) for a in el.iter("a")) >= length * _POINTER_NOTE_LINKS


def _not_menu(el: HtmlElement) -> bool:
    length = _text_len(el)
    return bool(length) and sum(_text_len(a) for a in el.iter("a")) < length * _MENU_LINKS


def _hidden_share(root: HtmlElement) -> int:
    """Characters of text in hidden elements (the outermost ones)."""
    hidden = root.xpath("//*[@hidden]")
    marked = set(hidden)
    return sum(_text_len(el) for el in hidden if not any(a in marked for a in el.iterancestors()))


def _nested(el: HtmlElement, tag: str) -> bool:
    return any(a.tag == tag for a in el.iterancestors())


def _remove_keeping_tail(el: HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _holds_prose(el: HtmlElement) -> bool:
    """A paragraph of a sentence or more, and text that is not mostly links."""
    return _not_menu(el) and any(_text_len(p) >= _PROSE_PARAGRAPH for p in el.iter("p"))


def _place_streamed_parts(root: HtmlElement) -> int:
    """Do what a streamed page's script does once loaded: a part sent late (an element hidden
    under an id "S:n", its contents) takes the place of the empty <template> that names it: "P:n"
    marks a place, "B:n" a boundary whose fallback ("Loading ...", up to the comment that closes
    the boundary) goes. Only parts that hold prose move; the rest are left to the hidden rule.
    Returns the characters of text placed (still counted as hidden by that rule)."""
    placed = 0
    parts: dict[str, HtmlElement] = {}
    for el in root.xpath("//*[@hidden][@id]"):
        parts.setdefault(el.get("id", ""), el)
    if not parts:
        return placed
    # Last first: a part's own places (inside it, sent later) are filled before it moves.
    for tpl in reversed(root.xpath("//template[@id]")):
        kind, sep, name = tpl.get("id", "").partition(":")
        key = f"S{sep}{name}"
        part = parts.get(key) if sep and kind in ("B", "P") else None
        parent = tpl.getparent()
        if part is None or parent is None or any(a is part for a in tpl.iterancestors()):
            continue
        if not _holds_prose(part):
            continue  # a late carousel or menu: left hidden, as before it arrives
        if kind == "B":
            fallback = []
            for sib in tpl.itersiblings():
                if isinstance(sib, etree._Comment) and (sib.text or "").strip() == "/$":
                    break
                fallback.append(sib)
            else:
                continue  # no end of the boundary: not a streamed placeholder
            for sib in fallback:
                parent.remove(sib)  # its tail goes too: all of it is the fallback
            tpl.tail = None
        placed += _text_len(part)
        index = parent.index(tpl)
        after, tpl.tail = tpl.tail, part.text
        children = list(part)
        for offset, child in enumerate(children):
            parent.insert(index + 1 + offset, child)
        last = children[-1] if children else tpl
        last.tail = (last.tail or "") + (after or "") or None
        _remove_keeping_tail(part)
        del parts[key]
    return placed


def _bylines_of_a_list(bylines: list[tuple[HtmlElement, str]]) -> bool:
    """True when the page's byline boxes name several other people than the first one does:
    a list of posts, papers or books, each with its authors. Boxes that repeat the first
    byline's names (the article's author boxes, "Written by A, B and C" then A's, B's and C's)
    do not count."""
    found = {el for el, _ in bylines}
    outer = [text for el, text in bylines if not any(a in found for a in el.iterancestors())]
    if not outer:
        return False
    first = outer[0].lower()
    others = {t for t in outer[1:] if " ".join(t.split()[:2]).lower() not in first}
    return len(others) + 1 >= _BYLINES_OF_A_LIST


class _Prose:
    """The page's prose by element (long paragraphs, few links), counted once when asked."""

    def __init__(self, root: HtmlElement) -> None:
        self.root = root
        self._totals: dict[HtmlElement, int] | None = None

    def of(self, el: HtmlElement) -> int:
        if self._totals is None:
            from tui_reader.extract.fallback import prose_by_element

            self._totals = prose_by_element(self.root)
        return self._totals.get(el, 0)

    def page(self) -> int:
        body = self.root.find("body")
        return self.of(body if body is not None else self.root)


def _is_hidden_article(el: HtmlElement, prose: _Prose, page: int) -> bool:
    """True for an element holding most of the page's prose (and some: _HIDDEN_PROSE), on a
    page that shows text of its own beside it (a teaser, "sign in to read on"): a page that
    shows nothing but hides text is no article."""
    length = _text_len(el)
    if length < _HIDDEN_PROSE or page - length < _HIDDEN_PROSE:
        return False
    found = prose.of(el)
    return found >= _HIDDEN_PROSE and found > prose.page() * _MOST


def _article_paragraph_classes(root: HtmlElement) -> set[str]:
    """The classes of the page's long paragraphs (longer than any widget): a class a page puts
    on its article's every paragraph ("paywall": the part a subscriber reads) names no widget,
    and its short paragraphs are the article's too."""
    return {
        cls
        for p in root.iter("p")
        if (cls := p.get("class")) and _text_len(p) >= _WIDGET_TEXT_LIMIT
    }


# AMP's pictures: elements of their own, which the article finder and the blocks know nothing
# of (an AMP page lost every picture; its carousel's too).
_AMP_PICTURES = ("amp-img", "amp-anim")
_PICTURE_ATTRS = ("src", "srcset", "alt", "title", "width", "height")


def _amp_pictures(root: HtmlElement) -> None:
    """Each AMP picture as the ``<img>`` it stands for (its fallback and placeholder children,
    a ``<noscript>`` copy among them, go with it)."""
    for el in list(root.iter(*_AMP_PICTURES)):
        parent = el.getparent()
        if parent is None or not el.get("src"):
            continue
        img = root.makeelement("img", {a: v for a in _PICTURE_ATTRS if (v := el.get(a))})
        img.tail = el.tail
        parent.replace(el, img)


# A player a page embeds: <video>, <audio>, and a frame that asks for what players ask for
# (full screen, autoplay, protected media: how video and audio hosts' embed codes are written;
# an advert's or a tracker's frame asks for none of it).
_PLAYER_ALLOW = re.compile(r"fullscreen|autoplay|encrypted-media|picture-in-picture", re.I)
_MEDIA_LABEL = {"video": "Video", "audio": "Audio", "iframe": "Embedded"}
_MEDIA_TITLE_LIMIT = 200


def _media_source(el: HtmlElement) -> str:
    """The address a player plays: its own ``src`` (or the ``data-src`` of a frame loaded
    late), else its first ``<source>``'s; one a link can hold (relative, or http(s), as
    :func:`~tui_reader.sanitize.is_web_url` says: not a ``blob:`` of the page's script)."""
    values = [el.get("src"), el.get("data-src"), *(s.get("src") for s in el.iter("source"))]
    for value in values:
        value = (value or "").strip()
        if value and (not has_scheme(value) or is_web_url(value)):
            return value
    return ""


def _is_player(el: HtmlElement) -> bool:
    if el.tag != "iframe":
        return True
    return el.get("allowfullscreen") is not None or bool(_PLAYER_ALLOW.search(el.get("allow", "")))


def _media_links(root: HtmlElement) -> None:
    """Each embedded player (a video, an audio, a video host's frame) as a line linking to
    what it plays, "Video: its title", before the players go with the page's other widgets:
    the story had a video, and the reader can open it. Its fallback content (a download link,
    "your browser cannot play this") goes with it."""
    for el in list(root.iter("video", "audio", "iframe")):
        parent = el.getparent()
        if parent is None or not _is_player(el) or el.get("hidden") is not None:
            continue
        src = _media_source(el)
        title = clean_line(el.get("title") or el.get("aria-label") or "")[:_MEDIA_TITLE_LIMIT]
        if not src:
            continue
        label = _MEDIA_LABEL[el.tag] + (f": {title}" if title else "")
        link = root.makeelement("a", {"href": src})
        link.text = label
        if parent.tag == "p":
            replacement = link
        else:
            replacement = root.makeelement("p", {})
            replacement.append(link)
        # (In its own box, an embed's wrapper, the line is left to readability, which prunes a
        # box of one short link as clutter. Lifting it out of its boxes kept more of them, and
        # cost readability-pages F1 on its even half (0.980 to under it): the gold is text,
        # and a player, which Readability.js keeps as the frame it is, has none.)
        replacement.tail = el.tail
        parent.replace(el, replacement)


def preclean(root: HtmlElement) -> str:
    """Clean ``root`` in place; returns the byline text found in the page, if any."""
    _amp_pictures(root)
    _media_links(root)
    placed = _place_streamed_parts(root)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    _unwrap_or_drop(root)
    page = _text_len(root)
    hidden_page = placed + _hidden_share(root) > page * _MOST
    byline = ""
    bylines: list[tuple[HtmlElement, str]] = []
    body_classes = _article_paragraph_classes(root)
    prose = _Prose(root)
    for el in root.xpath("//*[@hidden or @aria-hidden or @style or @class or @id or @role]"):
        if el.getparent() is None or el.tag in ("html", "body"):
            continue
        if el.get("hidden") is not None or (
            # Wikipedia's formulas are images marked aria-hidden; their alt text is the formula.
            el.get("aria-hidden") == "true" and "fallback-image" not in el.get("class", "")
        ):
            # Script shows what the page hides until it has loaded; when that is most of the
            # page's text, it is the page.
            # Pages streamed in parts (each part hidden until script moves it in place) hold
            # most of their text in several hidden elements: those that are not menus stay.
            if not _holds_page(el, page) and not (hidden_page and _not_menu(el)):
                _remove(el)
            continue
        style = el.get("style")
        if style and _HIDDEN_STYLE.search(style):
            # What script shows once the page has loaded (the article a paywall's check lets
            # through), when it holds most of the page's prose, is the article.
            if not _is_hidden_article(el, prose, page):
                _remove(el)
            continue
        role = (el.get("role") or "").lower()
        if role in _MODAL_ROLES and el.get("aria-modal") == "true":
            _remove(el)  # a modal dialog over the page (consent, sign-in): never the page
            continue
        if role in _ROLES_DROPPED and not _holds_page(el, page):
            _remove(el)
            continue
        if role == "note" and _is_section_pointer(el):
            _remove(el)
            continue
        features = f"{el.get('class', '')} {el.get('id', '')}"
        if len(features) < 3:
            continue
        if _FURNITURE.search(features) and _text_len(el) < _FURNITURE_TEXT_LIMIT:
            _remove(el)
            continue
        if (
            _WIDGET.search(features)
            and _text_len(el) < _WIDGET_TEXT_LIMIT
            and (el.find(".//p") is None or _text_len(el) < 80)
            and not (el.tag == "p" and el.get("class") in body_classes)
        ):
            _remove(el)
            continue
        if (
            el.get("rel") == "author"
            or "author" in (el.get("itemprop") or "")
            or _BYLINE.search(features)
        ):
            text = clean_line(_spaced_text(el))
            if 0 < len(text) < _BYLINE_TEXT_LIMIT and el.find(".//p") is None:
                bylines.append((el, text))
    a_list = _bylines_of_a_list(bylines)
    for el, text in bylines:
        if not byline and _plausible_byline(text) and not _in_comments(el):
            byline = text
        if not a_list:
            _remove(el)
    for img in list(root.iter("img")):
        if is_tracking_pixel(img):
            _remove(img)
    for el in list(root.iter("nav")):
        if not _holds_page(el, page):
            _remove(el)
    return byline
