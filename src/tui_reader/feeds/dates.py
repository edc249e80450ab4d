"""Date forms feeds write that feedparser misreads, read right: one home for both parse routes
(feedparser's own and the fast path's, which borrows feedparser's date parser).

- A Unix time (``<pubDate>1520932969</pubDate>``, seconds or milliseconds): feedparser reads
  the digits as an ISO 8601 ordinal date, 2015-07-28 instead of 2018-03-13.
- An RFC 822 date with a time-zone name (``Fri, 31 Mar 2023 20:19:00 America/Los_Angeles``):
  feedparser drops the name and reads the time as UTC, seven hours early.
- An RFC 822 date with a zone's abbreviation feedparser does not know (``CET``, ``BST``,
  ``JST``, ``AEDT``...): read as UTC, hours off.
- A date written year first with slashes or dots (``2024/03/12 05:30:27``): read as the first
  of December.
- An RFC 822 date at ``24:00`` (the end of the day) or with a leap second (``23:59:60``):
  feedparser gives no date at all.
- A time on the 12-hour clock (``Tue, 05 Mar 2024 09:05:00 PM EST``): feedparser drops the
  ``PM`` and, after it, the zone: twelve or more hours off. A zone written ``GMT+1``: read as
  UTC.
- Dates feedparser cannot read at all, in forms sites commonly write (:func:`loose`): day and
  month names in other languages (``Di, 05 Mär 2024``, ``mar., 05 mars 2024``, ``5. März
  2024``, ``5 de marzo de 2024``), the month first (``March 5, 2024``, ``Tuesday, March 5,
  2024 - 21:05``).

:func:`install` puts them first among feedparser's date handlers (each returns None for
anything else, and feedparser tries its own next). The patterns are anchored or bounded, with
no nested repetition: linear in the text (tests/hostile/test_redos.py).
"""

from __future__ import annotations

import calendar
import datetime
import re
import time
from typing import Any

# 9 or 10 digits: 1973-03-03 to 2286-11-20 (8 digits are YYYYMMDD, which feedparser reads);
# 3 more are milliseconds.
_UNIX_TIME = re.compile(r"\s*(\d{9,10})(\d{3})?\s*")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_ZONE_NAMED = re.compile(
    r"\s*(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]{0,6}\.?\s+(\d{4})"
    r"\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+([A-Za-z]{1,32}(?:/[A-Za-z0-9_+\-]{1,32}){0,2})\s*"
)
# Zone abbreviations feeds write that feedparser does not know (it reads the time as UTC),
# each with its one offset in hours; the ambiguous ones (IST: India, Ireland or Israel; CST:
# America or China, which feedparser reads as America's) are left to feedparser.
_ZONE_ABBREVIATIONS = {
    "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2,
    "EEST": 3, "MSK": 3, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9,
    "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip
# A date written with slashes or dots, year first ("2024/03/12 05:30:27", "2024.03.12"):
# feedparser reads it as the first of December. No zone: UTC, as naive times are here.
_YEAR_FIRST = re.compile(
    r"\s*(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*"
)

# The end of a day, "24:00" (RFC 822 and ISO 8601 allow it: the next day's midnight), and a
# leap second, ":60": feedparser's RFC 822 reader refuses both, and the date is lost.
_END_OF_DAY = re.compile(r"(?<![\d:])24:00(?::00)?(?![\d:])")
_LEAP_SECOND = re.compile(r"(?<![\d:])(\d{1,2}:\d{2}):60(?![\d:])")

# A time on the 12-hour clock: "9:05 pm", "09:05:00 PM", "12:30 a.m.".
_TWELVE_HOUR = re.compile(
    r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?[ \t]*([AaPp])\.?[Mm]\.?(?![A-Za-z])"
)
# Month names (and abbreviations) of the languages sites most often date in, to English:
# German, French, Spanish, Italian, Dutch, Portuguese. An English name maps to itself.
_MONTH_WORDS: dict[str, str] = {}
for _number, _names in enumerate(
    (
        "jan january januar janv janvier ene enero gen gennaio januari janeiro",
        "feb february februar fév févr février fev fevr fevrier febrero febbraio februari"
        " fevereiro",
        "mar march märz mär mrz maerz mars marzo mrt maart março marco",
        "apr april avr avril abr abril aprile",
        "may mai mayo mag maggio mei maio",
        "jun june juni juin junio giu giugno junho",
        "jul july juli juil juillet julio lug luglio julho",
        "aug august août aout ago agosto augustus",
        "sep sept september septembre septiembre set settembre setembro",
        "oct october okt oktober octobre octubre ott ottobre out outubro",
        "nov november novembre noviembre novembro",
        "dec december dez dezember déc decembre décembre dic diciembre dicembre dezembro",
    )
):
    for _name in _names.split():
        _MONTH_WORDS[_name] = _MONTH_NAMES[_number].capitalize()
_WORD_TOKEN = re.compile(r"[^\W\d_]+\.?")
# A leading day name (any language) and its comma, before the day or the month.
_LEADING_DAY = re.compile(r"\s*[^\W\d_]{2,14}\.?,\s*")
# "GMT+1", "UTC-05:30": the offset as RFC 822 writes it.
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b")
# The month first: "Mar 5, 2024", "March 5 2024", with what follows ("- 21:05", "at 9:05").
_MONTH_FIRST = re.compile(r"\s*([A-Z][a-z]{2})\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b,?")
_DAY_DOT = re.compile(r"(?<![\d.])(\d{1,2})\.(?=[ \t])")
_DE = re.compile(r"[ \t](?:de|del)[ \t]", re.I)  # (one blank each side: a run of blanks
# read from each of its starts was quadratic)
_JOINER = re.compile(r"^\s*(?:-|–|—|@|at|um|à|a las|alle|om|às)?\s*", re.I)

_installed = False


def unix_time(value: str) -> time.struct_time | None:
    """A Unix time in seconds (or milliseconds) as UTC, or None."""
    found = _UNIX_TIME.fullmatch(value)
    if found is None:
        return None
    return time.gmtime(int(found.group(1)))


def zone_named(value: str) -> time.struct_time | None:
    """An RFC 822 date whose zone is an IANA name ("Europe/Brussels") as UTC, or None (also
    when this system does not know the name)."""
    found = _ZONE_NAMED.fullmatch(value)
    if found is None:
        return None
    day, month, year, hour, minute, second, zone = found.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        import zoneinfo

        tz: datetime.tzinfo
        if "/" in zone:
            tz = zoneinfo.ZoneInfo(zone)
        elif zone.upper() in _ZONE_ABBREVIATIONS:
            tz = datetime.timezone(datetime.timedelta(hours=_ZONE_ABBREVIATIONS[zone.upper()]))
        else:
            return None  # (feedparser's own, or none)
        local = datetime.datetime(
            int(year), number, int(day), int(hour), int(minute), int(second or 0), tzinfo=tz
        )
        return local.astimezone(datetime.UTC).timetuple()
    except (ValueError, OverflowError, OSError, zoneinfo.ZoneInfoNotFoundError):
        return None


def year_first(value: str) -> time.struct_time | None:
    """A date written year first with slashes or dots, its time if any, as UTC; or None."""
    found = _YEAR_FIRST.fullmatch(value)
    if found is None:
        return None
    year, _sep, month, day, hour, minute, second = found.groups()
    try:
        when = datetime.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return when.timetuple()


def end_of_day(value: str) -> time.struct_time | None:
    """An RFC 822 date at "24:00" (the next day's midnight) or with a leap second (read as
    the second before) as UTC, or None. The rest is read by feedparser's RFC 822 reader."""
    if len(value) > 100 or ("24:00" not in value and ":60" not in value):
        return None
    from feedparser.datetimes.rfc822 import _parse_date_rfc822

    later = 0
    fixed = _LEAP_SECOND.sub(r"\1:59", value)
    found = _END_OF_DAY.search(fixed)
    if found is not None:
        fixed = fixed[: found.start()] + "00:00:00" + fixed[found.end() :]
        later = 86400
    if fixed == value:
        return None
    read: time.struct_time | None = _parse_date_rfc822(fixed)
    if read is None:
        return None
    try:
        return time.gmtime(calendar.timegm(read) + later)
    except (OverflowError, ValueError, OSError):
        return None


def twelve_hour(value: str) -> time.struct_time | None:
    """A date whose time is on the 12-hour clock or whose zone is written ``GMT+1``, read
    with the time made 24-hour and the offset written as RFC 822 does (by feedparser's
    readers and these), or None. (feedparser reads both, wrongly: this goes first.)"""
    if len(value) > 100:
        return None
    text = value
    found = _TWELVE_HOUR.search(text) if ("m" in text or "M" in text) else None
    if found is not None and 1 <= int(found.group(1)) <= 12:
        hour = int(found.group(1)) % 12 + (12 if found.group(4) in "Pp" else 0)
        clock = f"{hour:02d}:{found.group(2)}:{found.group(3) or '00'}"
        text = text[: found.start()] + clock + text[found.end() :]
    if "GMT" in text or "UTC" in text:
        text = _GMT_OFFSET.sub(_rfc822_offset, text)
    return _read_again(text) if text != value else None


def loose(value: str) -> time.struct_time | None:
    """A date none of the other readers took, in a form sites commonly write (see the
    module's docstring), rewritten as RFC 822 and read again; or None."""
    if len(value) > 100:
        return None
    text = value
    lead = _LEADING_DAY.match(text)
    if lead is not None:
        rest = text[lead.end() :]
        word = _WORD_TOKEN.match(rest)
        if rest[:1].isdigit() or (word and word.group().rstrip(".").lower() in _MONTH_WORDS):
            text = rest
    text = _WORD_TOKEN.sub(_english_month, text)
    # "5. März 2024" (German), "5 de marzo de 2024" (Spanish, Portuguese): "5 Mar 2024".
    text = _DAY_DOT.sub(r"\1", _DE.sub(" ", text))
    first = _MONTH_FIRST.match(text)
    if first is not None:
        month, day, year = first.groups()
        rest = _JOINER.sub("", text[first.end() :], count=1)
        text = f"{day} {month} {year} {rest or '00:00'}"
    if text == value:
        return None
    return _read_again(text)


def _english_month(m: re.Match[str]) -> str:
    word = m.group()
    return _MONTH_WORDS.get(word.rstrip(".").lower(), word)


def _rfc822_offset(m: re.Match[str]) -> str:
    sign, hours, minutes = m.groups()
    return f"{sign}{int(hours):02d}{minutes or '00'}"


def _read_again(text: str) -> time.struct_time | None:
    from feedparser.datetimes import _parse_date

    read: time.struct_time | None = _parse_date(text)
    return read


def install(feedparser_datetimes: Any) -> None:
    """Put :func:`twelve_hour`, :func:`unix_time`, :func:`zone_named`, :func:`end_of_day`
    and :func:`year_first` first among feedparser's date handlers (``feedparser.datetimes``),
    and :func:`loose` last (only for what no other reads); once."""
    global _installed
    if _installed:
        return
    for handler in (year_first, end_of_day, zone_named, unix_time, twelve_hour):
        feedparser_datetimes.registerDateHandler(handler)
    feedparser_datetimes._date_handlers.append(loose)
    _installed = True
