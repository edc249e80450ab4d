"""Sizes and durations as a person reads them: the one rule for every byte count (a limit in
an error line, an enclosure's size) and every number of seconds (a time limit) the reader
prints. A pure module."""

from __future__ import annotations

__all__ = ["human_seconds", "human_size"]

_UNITS = ("kB", "MB", "GB", "TB", "PB", "EB")


def human_size(n: int) -> str:
    """A byte count in decimal units with three significant digits: 12 -> '12 bytes',
    1500 -> '1.5 kB', 24_300_000 -> '24.3 MB'. A value that rounds to 1000 of a unit is one
    of the next (999_999 -> '1 MB', never '1e+03 kB'), and no size is written as an exponent."""
    if -1000 < n < 1000:
        return f"{n} bytes"
    sign = "-" if n < 0 else ""
    n = abs(n)
    for power, unit in enumerate(_UNITS, start=1):
        value = n / 1000**power
        text = f"{value:.3g}"
        if "e" not in text and float(text) < 1000:
            return f"{sign}{text} {unit}"
    return f"{sign}{n / 1000 ** len(_UNITS):.0f} {_UNITS[-1]}"


def human_seconds(value: float) -> str:
    """A number of seconds with up to three significant digits, never as an exponent:
    0.25 -> '0.25 s', 30 -> '30 s', 3600 -> '3600 s' (not '3.6e+03 s')."""
    text = f"{value:.3g}"
    if "e" in text:
        text = f"{value:.0f}" if abs(value) >= 1 else f"{value:.6f}".rstrip("0").rstrip(".")
    return f"{text} s"
