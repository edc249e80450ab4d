"""Small, fast text helpers for feed entries: titles, dates, links (HTML to plain text is
:mod:`tui_reader.htmltext`)."""

from __future__ import annotations

import calendar
import time
from datetime import datetime

# fast_clean and fast_line are sanitize's (the one home of the character rules), html_to_text
# and decode_control_refs htmltext's (the one HTML to text); the feed parsers import them here.
# clean_title and clean_link are htmltext's too: the store's sync side uses them as well.
from tui_reader.htmltext import (
    clean_html,
    clean_link,
    clean_title,
    decode_control_refs,
    html_to_text,
    text_to_html,
)
from tui_reader.sanitize import fast_clean, fast_line
from tui_reader.timestamps import sane_timestamp

__all__ = [
    "clean_html",
    "clean_link",
    "clean_title",
    "decode_control_refs",
    "fast_clean",
    "fast_line",
    "html_to_text",
    "iso_to_epoch",
    "struct_to_epoch",
    "text_to_html",
]


def plausible(epoch: float | None) -> float | None:
    """``epoch`` when it is a usable timestamp by the reader's one rule
    (:func:`tui_reader.timestamps.sane_timestamp`: 1970 to the end of 2200) and not 0, else
    None (no date: the article is dated when it was first seen). A feed's date outside it is
    a misread: "Mon, 01 Jan 0001 00:00:00 +0530" read as the year 530, a run of nines as 9999
    (which would hold the article at the top of a list sorted by date for ever); 1970-01-01
    00:00 itself is a zero timestamp, a date never set."""
    if not epoch:
        return None
    return sane_timestamp(epoch)


def struct_to_epoch(value: time.struct_time | None) -> float | None:
    if value is None:
        return None
    try:
        return plausible(float(calendar.timegm(value)))
    except (TypeError, ValueError, OverflowError):
        return None


def iso_to_epoch(value: object) -> float | None:
    """RFC 3339 / ISO 8601 to epoch seconds (naive times are taken as UTC); an RFC 822 date
    too ("Tue, 03 Jun 2003 09:39:21 GMT": JSON Feeds written from an RSS template have them,
    and gofeed and miniflux read them)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            if len(text) > 64:
                return None
            import email.utils  # (here: the app's start-up does not need it)

            when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            epoch = float(calendar.timegm(when.timetuple())) + when.microsecond / 1e6
        else:
            epoch = when.timestamp()
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    return plausible(epoch)
