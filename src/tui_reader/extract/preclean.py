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
from tui_reader.sanitize import clean_line

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
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
    "button",
    "input",
    "select",
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
_WIDGET_TEXT_LIMIT = 400
# Boxes that are never the article, even with paragraphs in them: author bios, "read next".
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:author-bio|about-the-author|about-author|author-box|author-info|"
    r"author-card|bio-box|read-next|more-stories|recirc|newsletter-signup|"
    r"related-(?:posts|stories|articles|content|links))(?:$|[\s_])",
    re.I,
)
_FURNITURE_TEXT_LIMIT = 1500
_BYLINE = re.compile(r"byline|dateline|writtenby|author(?!i[tz])", re.I)
_COMMENTS = re.compile(r"comment|disqus|replies|respond", re.I)
_BYLINE_TEXT_LIMIT = 100
_ROLES_DROPPED = frozenset(
    {"navigation", "menu", "menubar", "alert", "alertdialog", "dialog", "search", "banner"}
)


def _text_len(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


def _remove(el: HtmlElement) -> None:
    """Remove an element, keeping its tail text."""
    if el.getparent() is not None:
        el.drop_tree()


def _plausible_byline(text: str) -> bool:
    """Names, not menus ("Sign in | Subscribe") or dates."""
    text = strip_dates(text)
    digits = sum(ch.isdigit() for ch in text)
    return bool(text) and "|" not in text and len(text.split()) <= 12 and digits <= len(text) * 0.15


def _in_comments(el: HtmlElement) -> bool:
    return any(
        _COMMENTS.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()
    )


def preclean(root: HtmlElement) -> str:
    """Clean ``root`` in place; returns the byline text found in the page, if any."""
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    byline = ""
    for el in root.xpath("//*[@hidden or @aria-hidden or @style or @class or @id or @role]"):
        if el.getparent() is None or el.tag in ("html", "body"):
            continue
        if el.get("hidden") is not None or (
            # Wikipedia's formulas are images marked aria-hidden; their alt text is the formula.
            el.get("aria-hidden") == "true" and "fallback-image" not in el.get("class", "")
        ):
            _remove(el)
            continue
        style = el.get("style")
        if style and _HIDDEN_STYLE.search(style):
            _remove(el)
            continue
        role = (el.get("role") or "").lower()
        if role in _ROLES_DROPPED:
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
        ):
            _remove(el)
            continue
        if (
            el.get("rel") == "author"
            or "author" in (el.get("itemprop") or "")
            or _BYLINE.search(features)
        ):
            text = clean_line(el.text_content())
            if 0 < len(text) < _BYLINE_TEXT_LIMIT and el.find(".//p") is None:
                if not byline and _plausible_byline(text) and not _in_comments(el):
                    byline = text
                _remove(el)
    for img in list(root.iter("img")):
        if is_tracking_pixel(img):
            _remove(img)
    for el in list(root.iter("nav")):
        _remove(el)
    return byline
