"""The day a page was published when neither its metadata nor the feed says: htmldate's
reading of the page (the date in its address, its date elements and classes, time stamps in
its markup and text).

htmldate (the date finder of trafilatura) is asked last, after this extractor's own metadata
and the feed's entry: on pages it was not tuned on it finds a date where ours finds none far
more often than it contradicts one. It runs in its fast mode (no free-text search with
dateparser), on a tree of our own parsing: given a string that looks like an address, it would
fetch that address, so it is never given the page's text.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from tui_reader.extract.errors import ExtractionError
from tui_reader.extract.parse import parse_html

# htmldate reports what it cannot read on its logger; a page is no reason to print anything.
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_EARLIEST = date(1995, 1, 1)  # htmldate's own lower bound: before it, a number is no date


def page_date(text: str, url: str = "", *, today: date | None = None) -> str:
    """The ISO day (``YYYY-MM-DD``) the page says it was published, or "" when it says
    none: never a day after ``today`` (UTC) or before 1995."""
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - a dependency; an install without it has no date
        return ""
    try:
        root = parse_html(text)
    except ExtractionError:
        return ""
    # As in the metadata: a <time> in a list's item dates the item (a list of related stories),
    # not the page; htmldate would take the earliest of them.
    for time in root.xpath("//time[ancestor::li]"):
        time.drop_tree()
    latest = today or datetime.now(UTC).date()
    try:
        found = find_date(
            root,
            url=url or None,
            original_date=True,
            extensive_search=False,
            min_date=datetime.combine(_EARLIEST, datetime.min.time()),
            max_date=datetime.combine(latest, datetime.max.time()),
        )
    except Exception:  # a third party's parser on hostile input: no date
        return ""
    if not isinstance(found, str):
        return ""
    try:
        day = date.fromisoformat(found)
    except ValueError:
        return ""
    return day.isoformat() if _EARLIEST <= day <= latest else ""
