"""Timestamps (seconds since the epoch) checked at the boundary and shown without crashing.

One rule for every date the reader takes in or writes out: a timestamp is usable when it is a
finite real number (not a bool) from 1970 up to the end of 2200. Anything else — ``1e20``,
NaN, infinity, a negative number, a value an older version stored — is *unknown*: the
formatting helpers here return their ``default`` for it instead of raising OverflowError,
OSError or ValueError, so an export, a list or a header never fails on a stored value.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

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
    is not one or names a time outside the usable range."""
    if not text or len(text) > 64:
        return None
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        ts = dt.timestamp()
    except (OverflowError, OSError, ValueError):
        return None
    return sane_timestamp(ts)


def ahead(text: str, now: float | None = None) -> bool:
    """Whether the ISO 8601 date or date-time ``text`` (no zone: UTC) is more than
    :data:`AHEAD` after ``now`` (default: the clock). False for what is no such date."""
    if not text or len(text) > 64:
        return False
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() > (time.time() if now is None else now) + AHEAD
