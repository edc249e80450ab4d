"""Dates and times as pages print them ("Updated 10:30 AM ET, March 5, 2024")."""

from __future__ import annotations

import re

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
