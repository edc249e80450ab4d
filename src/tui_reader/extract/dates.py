"""Dates and times as pages print them ("Updated 10:30 AM ET, March 5, 2024")."""

from __future__ import annotations

import re
from datetime import date

MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# At most 12 digits before "ago": "\d+" rescanned a run of digits from every digit in it.
DATE = re.compile(
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[./]\d{1,2}[./]\d{2,4}|"
    + MONTHS
    + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+"
    + MONTHS
    + r",?\s+\d{4}|\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?|\d{1,12}\s+(?:minutes?|hours?|days?)\s+ago)",
    re.I,
)
DATE_WORDS = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|et|est|edt|gmt|utc|bst|cet|pst|pdt|"
    r"mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|"
    r"sun(?:day)?|today|yesterday|by|and|am|pm|a\.m|p\.m|\|)\b|[\W\d_]",
    re.I,
)


def strip_dates(text: str) -> str:
    """``text`` without the dates and times in it."""
    return " ".join(DATE.sub(" ", text).split())


_MONTH_NUMBERS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MONTH_FIRST = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})\b", re.I)


def parse_date(text: str) -> str:
    """The first unambiguous calendar date in ``text`` ("October 3, 2022", "3 Oct 2022",
    "2022-10-03") as an ISO date, or "". Numeric dates with slashes are left out: whether
    "01/12/2025" is in January or December depends on the country."""
    found: list[tuple[int, int, int, int]] = []  # (position, year, month, day)
    if m := _ISO.search(text):
        found.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if (m := _MONTH_FIRST.search(text)) and m.group(1).lower() in _MONTH_NUMBERS:
        month = _MONTH_NUMBERS[m.group(1).lower()]
        found.append((m.start(), int(m.group(3)), month, int(m.group(2))))
    if (m := _DAY_FIRST.search(text)) and m.group(2).lower() in _MONTH_NUMBERS:
        month = _MONTH_NUMBERS[m.group(2).lower()]
        found.append((m.start(), int(m.group(3)), month, int(m.group(1))))
    for _pos, year, month, day in sorted(found):
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return ""
