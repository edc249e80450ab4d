"""Small, fast text helpers for feed entries: HTML to plain text, titles, dates, links."""

from __future__ import annotations

import calendar
import html
import re
import time
import unicodedata
from datetime import datetime
from functools import lru_cache
from urllib.parse import urljoin

from tui_reader.sanitize import clean_text, clean_url, has_mark_run, is_web_url
from tui_reader.scan import replace_spans, sub_to_last

# Every character tui_reader.sanitize.clean_text could remove or change belongs to this set (it
# is a superset: C0/C1 controls, CR, bidi and invisible format characters, combining marks,
# noncharacters, surrogates, everything outside the BMP). Text without any of them, already in
# NFC and without a long run of other marks (has_mark_run), comes out of clean_text unchanged —
# so it can skip clean_text's per-character passes.
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u0300-\u036f\u061c\u180e\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u20d0-\u20ff\ufdd0-\ufdef\ufe20-\ufe2f"
    "\ufeff\ufff9-\uffff\U00010000-\U0010ffff\ud800-\udfff]"
)


def fast_clean(text: str) -> str:
    """Exactly :func:`tui_reader.sanitize.clean_text`, much faster on ordinary text."""
    if not text:
        return ""
    if (
        not _SUSPECT.search(text)
        and unicodedata.is_normalized("NFC", text)
        and not has_mark_run(text)
    ):
        return text
    return clean_text(text)


# Numeric character references to C0 controls, DEL and C1 controls (tab, newline and CR are
# left alone), with or without the semicolon HTML lets a page leave out.
_CONTROL_REF = re.compile(
    r"&#(?:[xX]0*([0-9a-fA-F]{1,2})(?![0-9a-fA-F])|0*([0-9]{1,3})(?![0-9]));?"
)


def _control_ref(match: re.Match[str]) -> str:
    hex_digits, dec_digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(dec_digits)
    if code in (9, 10, 13) or 0x20 <= code < 0x7F or code > 0x9F:
        return match.group(0)
    if code >= 0x80:
        # What HTML makes of it: the windows-1252 character (&#150; is an en dash), or
        # nothing for the five code points windows-1252 leaves undefined.
        return html.unescape(f"&#{code};")
    return chr(code)  # ESC and friends: clean_text removes them with their whole sequence


def decode_control_refs(markup: str) -> str:
    """Decode character references to control characters in HTML, so that cleaning the text
    afterwards removes them (``&#27;[31m`` goes as a whole, like ESC [31m) and the stored HTML
    holds none that a later reader would decode into a terminal escape."""
    if "&#" not in markup:
        return markup
    return _CONTROL_REF.sub(_control_ref, markup)


_DROPPED = "script|style|template|noscript|svg|math|head"  # elements dropped with their text
# Where a dropped block starts: an element, up to the first ">" then its end tag, or a comment
# up to "-->" (scan.replace_spans: ".*?" to a closer that never comes was quadratic).
_DROP_START = re.compile(rf"<({_DROPPED})\b|<!--", re.I)
_TAG_END = re.compile(">")
_COMMENT_END = (re.compile("-->"),)


@lru_cache(maxsize=32)
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.I)


def _block_end(m: re.Match[str]) -> tuple[re.Pattern[str], ...]:
    name = m.group(1)
    return _COMMENT_END if name is None else (_TAG_END, _end_tag(name.lower()))


def _drop_blocks(markup: str) -> str:
    return replace_spans(markup, _DROP_START, _block_end, lambda _t, _m, _c: " ")[0]


_BREAKS = re.compile(
    r"<(?:br|hr)\b[^>]*>|</?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|tr|table|section"
    r"|article|header|footer|figure|figcaption|aside|nav)\b[^>]*>",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]*>")
_HTMLISH = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (for the search index and titles): tags dropped, block
    ends turned into line breaks, entities decoded, control characters removed."""
    if not markup:
        return ""
    if _HTMLISH.search(markup):
        markup = _drop_blocks(markup)
        markup = sub_to_last(_BREAKS, "\n", markup)
        markup = sub_to_last(_TAGS, "", markup)
        if "&" in markup:
            markup = html.unescape(decode_control_refs(markup))
    text = fast_clean(markup)
    if "\n" not in text:
        return " ".join(text.split())
    return "\n".join(filter(None, [" ".join(line.split()) for line in text.split("\n")]))


def fast_line(text: str) -> str:
    """Exactly :func:`tui_reader.sanitize.clean_line`, faster on ordinary text."""
    return " ".join(fast_clean(text).split()) if text else ""


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
