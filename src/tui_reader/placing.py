"""Where an article's highlights go when its text changes — the decision, with no database.

:func:`place` is handed an article's highlights and its new text and says where each one is
now; the store writes what changed (``Store.reanchor_article``, ``Store.save_document``), in
the transaction that stores the text. Only :class:`tui_reader.reader.Reader` hands it to them:
re-anchoring is started there and nowhere else. Finding a quote in a text is
:mod:`tui_reader.anchor`'s.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace

from tui_reader.anchor import locate, make_selector, text_hash
from tui_reader.models import Highlight

__all__ = ["holds", "new_highlight", "new_highlight_id", "place", "place_position"]


def new_highlight_id() -> str:
    """A stable, unique highlight id: ``hl-`` and eight hex digits."""
    return "hl-" + uuid.uuid4().hex[:8]


def new_highlight(
    article_id: int,
    text: str,
    start: int,
    end: int,
    color: str,
    tags: Iterable[str] = (),
    note: str = "",
    *,
    now: float | None = None,
) -> Highlight:
    """A new highlight of ``text[start:end]`` (``text`` the article's Document.text), not
    stored yet. ValueError for a bad range."""
    sel = make_selector(text, start, end)
    when = time.time() if now is None else now
    return Highlight(
        id=new_highlight_id(),
        article_id=article_id,
        **asdict(sel),  # quote, prefix, suffix, start, end, text_hash
        color=color,
        tags=tuple(tags),
        note=note,
        created=when,
        updated=when,
    )


def holds(h: Highlight, text: str, want: str) -> bool:
    """The highlight's offsets are for this text (``want`` its hash) and select its quote
    there: a hash proves nothing about offsets written elsewhere (an import, an older
    version)."""
    return (
        h.text_hash == want
        and h.start is not None
        and h.end is not None
        and 0 <= h.start < h.end <= len(text)
        and text[h.start : h.end] == h.quote
    )


def place_position(h: Highlight, text: str, want: str) -> Highlight | None:
    """A highlight known only by its position (``h.position_only``) placed in ``text``
    (``want`` its hash), its quote and context taken from the text at those offsets: only
    when ``text`` is the very text the offsets were given for (same hash). Else None."""
    if h.position is None or not h.text_hash or h.text_hash != want:
        return None
    start, end = h.position
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        return None
    sel = make_selector(text, start, end)
    return replace(h, **asdict(sel), position=None)


# Searching for a quote that is not in the text reads the whole text (~9 ms per 500 kB): 4,000
# such quotes in one article (an import of another tool's notes on another version) held the
# import, and the store's write lock, for minutes. After this many seconds of searching, the
# article's other highlights wait unanchored (tried again when it is next opened).
PLACE_SECONDS = 5.0


def place(highlights: Sequence[Highlight], text: str) -> list[Highlight]:
    """Every highlight placed in ``text``, in the order given: unchanged where its offsets
    still select its quote in this very text; else where :func:`tui_reader.anchor.locate`
    finds it (``text_hash`` then the new text's), while PLACE_SECONDS of searching last; else
    unanchored (no offsets; quote, note, tags and hash kept). A highlight known only by a
    position is placed only where ``text`` is the text its offsets were given for
    (:func:`place_position`); else it keeps waiting, unanchored, with its position and hash.
    Nothing is dropped."""
    new_hash = text_hash(text)
    deadline = time.monotonic() + PLACE_SECONDS
    out: list[Highlight] = []
    for h in highlights:
        if h.position_only:
            found_at = place_position(h, text, new_hash)
            out.append(found_at if found_at is not None else replace(h, start=None, end=None))
            continue
        if holds(h, text, new_hash):
            out.append(h)
            continue
        found = (
            locate(text, h.quote, h.prefix, h.suffix, h.start, h.end, h.text_hash)
            if time.monotonic() < deadline
            else None
        )
        if found is None:
            out.append(replace(h, start=None, end=None))
        else:
            out.append(replace(h, start=found[0], end=found[1], text_hash=new_hash))
    return out
