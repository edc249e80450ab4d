"""Timestamps (seconds since the epoch) checked at the boundary and shown without crashing.

One rule for every date the reader takes in or writes out: a timestamp is usable when it is a
finite real number (not a bool) from 1970 up to the end of 2200. Anything else — ``1e20``,
NaN, infinity, a negative number, a value an older version stored — is *unknown*: the
formatting helpers here return their ``default`` for it instead of raising OverflowError,
OSError or ValueError, so an export, a list or a header never fails on a stored value.
"""

from __future__ import annotations

import calendar
import math
import re
import time
from datetime import UTC, datetime, timedelta

MIN_YEAR = 1970
MAX_YEAR = 2200
MIN_TIMESTAMP = 0.0
MAX_TIMESTAMP = datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC).timestamp()  # end of 2200, UTC
UNKNOWN = "unknown"
# Seconds: a date later than this after now (time zones and clocks aside) is no date but a
# template's placeholder or a typo of the year (2099, 2924). Feeds and pages both drop it.
AHEAD = 2 * 86400.0


def sane_timestamp(value: object) -> float | None:
    """``value`` as a float when it is a usable timestamp (see the module docstring), else
    None. Never raises, whatever ``value`` is (a huge int, a string, None)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        ts = float(value)
    except OverflowError:  # an int too large for a float
        return None
    if not math.isfinite(ts) or not MIN_TIMESTAMP <= ts < MAX_TIMESTAMP:
        return None
    return ts


def utc_datetime(value: object) -> datetime | None:
    """The aware UTC datetime of a usable timestamp, else None."""
    ts = sane_timestamp(value)
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def format_utc(value: object, fmt: str, default: str = "") -> str:
    """``strftime(fmt)`` of the timestamp in UTC, or ``default`` when it is unknown."""
    dt = utc_datetime(value)
    return dt.strftime(fmt) if dt is not None else default


def format_local(value: object, fmt: str, default: str = "") -> str:
    """``strftime(fmt)`` of the timestamp in local time, or ``default`` when it is unknown."""
    ts = sane_timestamp(value)
    if ts is None:
        return default
    try:
        return time.strftime(fmt, time.localtime(ts))
    except (OverflowError, OSError, ValueError):
        return default


def iso_utc(value: object, timespec: str = "microseconds") -> str | None:
    """ISO 8601 in UTC with a ``Z`` (``2026-07-01T12:00:00.000000Z``), or None when unknown."""
    dt = utc_datetime(value)
    if dt is None:
        return None
    return dt.isoformat(timespec=timespec).replace("+00:00", "Z")


def parse_iso(text: str) -> float | None:
    """The timestamp of an ISO 8601 date or date-time (no zone: UTC), or None when the text
    is not one or names a time outside the usable range. Besides what Python reads: an
    ordinal date (``2024-075``), the end of a day (``24:00``: the next day's midnight) and a
    leap second (``23:59:60``: read as the second before), as for feeds' dates."""
    dt = _iso_datetime(text)
    if dt is None:
        return None
    try:
        ts = dt.timestamp()
    except (OverflowError, OSError, ValueError):
        return None
    return sane_timestamp(ts)


# An ordinal date (year, day of the year); a clock's hours, minutes and seconds, with or
# without colons, then the rest (fraction, zone).
_ORDINAL = re.compile(r"(\d{4})-?(\d{3})")
_CLOCK = re.compile(r"(\d{2})(:?)(\d{2})(?:\2(\d{2}))?")
_ZERO_FRACTION = re.compile(r"[.,]0+(?!\d)")


def _iso_datetime(text: str) -> datetime | None:
    """The aware date-time an ISO 8601 text names (no zone: UTC), or None."""
    if not text or len(text) > 64:
        return None
    found = _naive_or_aware(text)
    if found is None or found.tzinfo is not None:
        return found
    return found.replace(tzinfo=UTC)


def _naive_or_aware(text: str) -> datetime | None:
    text = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    day, sep, clock = text.partition("T")
    if not sep:
        day, sep, clock = text.partition(" ")
    ordinal = _ORDINAL.fullmatch(day)
    if ordinal is not None:
        year, number = int(ordinal.group(1)), int(ordinal.group(2))
        if not 1 <= number <= (366 if calendar.isleap(year) else 365):
            return None
        day = (datetime(year, 1, 1) + timedelta(days=number - 1)).date().isoformat()
    later = timedelta()
    found = _CLOCK.match(clock) if sep else None
    if found is not None:
        hours, colon, minutes, seconds = found.groups()
        rest = clock[found.end() :]
        if hours == "24" and minutes == "00" and seconds in (None, "00"):
            zero = _ZERO_FRACTION.match(rest)
            if rest[:1] in (".", ",") and zero is None:
                return None  # past the end of the day
            rest = rest[zero.end() :] if zero is not None else rest
            hours, later = "00", timedelta(days=1)
        if seconds == "60":
            seconds = "59"  # a leap second: the second before, as for feeds
        clock = hours + colon + minutes + (colon + seconds if seconds is not None else "") + rest
    try:
        return datetime.fromisoformat(day + ("T" + clock if sep else "")) + later
    except (ValueError, OverflowError):
        return None


def ahead(text: str, now: float | None = None) -> bool:
    """Whether the ISO 8601 date or date-time ``text`` (no zone: UTC) is more than
    :data:`AHEAD` after ``now`` (default: the clock). False for what is no such date."""
    dt = _iso_datetime(text)
    try:
        return dt is not None and dt.timestamp() > (time.time() if now is None else now) + AHEAD
    except (OverflowError, OSError, ValueError):
        return False
