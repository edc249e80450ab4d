"""Small, fast text helpers for feed entries: titles, dates, links (HTML to plain text is
:mod:`tui_reader.htmltext`)."""

from __future__ import annotations

import calendar
import html
import re
import time
from datetime import datetime
from urllib.parse import urljoin

# fast_clean and fast_line are sanitize's (the one home of the character rules), html_to_text
# and decode_control_refs htmltext's (the one HTML to text); the feed parsers import them here.
from tui_reader.htmltext import TAGS as _TAGS
from tui_reader.htmltext import decode_control_refs, html_to_text
from tui_reader.sanitize import clean_url, fast_clean, fast_line, is_web_url
from tui_reader.scan import sub_to_last

__all__ = [
    "clean_link",
    "clean_title",
    "decode_control_refs",
    "fast_clean",
    "fast_line",
    "html_to_text",
    "iso_to_epoch",
    "struct_to_epoch",
]


def clean_title(value: str, *, is_html: bool = False) -> str:
    """A one-line title or name: markup removed when the feed says it is HTML, entities
    decoded either way (feeds often escape twice), controls stripped."""
    if not value:
        return ""
    if is_html and "<" in value:
        value = sub_to_last(_TAGS, "", value)
    if "&" in value:
        # Twice for control references: one escaped once more than the rest (as a feed that
        # only feedparser's loose parser reads gives them) must not be left for a later
        # reader to decode into a terminal escape.
        value = decode_control_refs(html.unescape(decode_control_refs(value)))
    return fast_line(value)


_PLAIN_WEB_URL = re.compile(r"https?://[^\s/?#@:]+(?::\d{1,5})?(?:/[^\s?#]*)?", re.IGNORECASE)


def clean_link(value: str, base: str) -> str:
    """An absolute http(s) link (resolved against ``base``), tracking parameters removed; ""
    for anything else (javascript:, data:, ...)."""
    value = fast_line(value)
    if not value:
        return ""
    if _PLAIN_WEB_URL.fullmatch(value):
        return value  # absolute, no query or fragment: clean_url would not change it
    try:
        value = urljoin(base, value)
    except ValueError:
        return ""
    return clean_url(value) if is_web_url(value) else ""


def struct_to_epoch(value: time.struct_time | None) -> float | None:
    if value is None:
        return None
    try:
        return float(calendar.timegm(value))
    except (TypeError, ValueError, OverflowError):
        return None


def iso_to_epoch(value: object) -> float | None:
    """RFC 3339 / ISO 8601 to epoch seconds (naive times are taken as UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        return float(calendar.timegm(when.timetuple())) + when.microsecond / 1e6
    return when.timestamp()
