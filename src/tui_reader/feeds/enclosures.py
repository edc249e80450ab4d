"""An entry's enclosures (podcast, video and picture files) from what a feed says, checked.

Every field is hostile: the URL must be http(s) (resolved against the feed's URL, control and
invisible characters refused: :func:`tui_reader.sanitize.is_web_url`), the type a plain MIME
type (else ""), the length a non-negative whole number of bytes below :data:`MAX_LENGTH` (else
unknown). At most :data:`MAX_ENCLOSURES` are kept per entry, the same URL once; each field is
cut short before any work is done on it, so the cost is linear in what the feed holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from tui_reader.models import Enclosure
from tui_reader.sanitize import fast_line, is_web_url

MAX_ENCLOSURES = 8  # per entry: a podcast has one, a few feeds give one per format
MAX_SCANNED = 64  # raw enclosures looked at per entry (the rest are not even read)
MAX_URL = 2048  # characters; longer URLs are refused (no browser or player needs more)
MAX_LENGTH = 10**13  # bytes (10 TB): a larger "length" is a mistake, shown as unknown
_MAX_FIELD = 256  # characters of a type or length looked at

# Narrower than RFC 6838 allows (no ! # $ & ^): every type in use fits, and none of it can be
# taken for markup or an entity when shown.
_MIME = re.compile(r"[a-z0-9][a-z0-9._+-]{0,63}/[a-z0-9][a-z0-9._+-]{0,63}")
_DIGITS = re.compile(r"[0-9]{1,20}")


def clean_type(value: object) -> str:
    """A MIME type ("audio/mpeg"), lower-case, parameters dropped; "" for anything else."""
    if not isinstance(value, str):
        return ""
    text = fast_line(value[:_MAX_FIELD]).split(";", 1)[0].strip().lower()
    return text if _MIME.fullmatch(text) else ""


def clean_length(value: object) -> int | None:
    """A size in bytes: a whole number (or its digits as text), 0 < n < MAX_LENGTH; None for
    anything else (0 is how RSS says "not known")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = value[:_MAX_FIELD].strip()
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
    else:
        return None
    return number if 0 < number < MAX_LENGTH else None


def clean_url(value: object, base: str) -> str:
    """An absolute http(s) URL (a relative one resolved against ``base``), or ""."""
    if not isinstance(value, str) or len(value) > MAX_URL:
        return ""
    url = fast_line(value)
    if not url:
        return ""
    try:
        url = urljoin(base, url)
    except ValueError:
        return ""
    return url if len(url) <= MAX_URL and is_web_url(url) else ""


def clean_enclosures(
    raw: Iterable[tuple[object, object, object]], base: str
) -> tuple[Enclosure, ...]:
    """The enclosures worth keeping of (url, type, length) triples as a parser found them."""
    found: list[Enclosure] = []
    seen: set[str] = set()
    for n, (url, mime, length) in enumerate(raw):
        if n >= MAX_SCANNED or len(found) >= MAX_ENCLOSURES:
            break
        clean = clean_url(url, base)
        if not clean or clean in seen:
            continue
        seen.add(clean)
        kind = clean_type(mime)
        # (An Atom enclosure link with no type is "text/html" in feedparser, its default for
        # every link: a page, not the file's type. No player or file is HTML.)
        found.append(Enclosure(clean, "" if kind == "text/html" else kind, clean_length(length)))
    return tuple(found)


def shared_pictures(enclosures: Iterable[tuple[Enclosure, ...]]) -> set[str]:
    """The URLs of pictures (an image type, or none given) that two entries or more of one
    document carry: the feed's (the author's avatar WordPress.com and Jetpack add to every
    post, a show's art), never one entry's attachment. ``enclosures``: each entry's."""
    seen: set[str] = set()
    shared: set[str] = set()
    for own in enclosures:
        for url in {e.url for e in own if not e.type or e.type.startswith("image/")}:
            if url in seen:
                shared.add(url)
            seen.add(url)
    return shared
