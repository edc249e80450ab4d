"""Authors given as text, read as feedparser reads them, in time linear in the text.

feedparser takes an address out of an author's text ("ann@example.org (Ann)" is Ann, at
ann@example.org) with a regex search that is quadratic in a run of the characters an address
may start with: 100 kB of them before an "@" took it 33 s. :func:`author_email` finds the same
address in one pass; :func:`sync_author_detail` is feedparser's own method using it (installed
by :mod:`tui_reader.feeds.parse`), and the fast path (:mod:`tui_reader.feeds.fastxml`) reads
names with :func:`text_author_name`.
"""

from __future__ import annotations

import re
from typing import Any

# feedparser's pattern (mixin._sync_author_detail), split at the "@": the characters before
# it, and what must follow it, matched from there.
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.+")
_AFTER_AT = re.compile(
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?)(\?subject=\S+)?"
)


def author_email(text: str) -> str | None:
    """The address feedparser finds in an author's text (its pattern's leftmost match), or
    None. Each "@" is tried once: the match through it starts where the run of address
    characters before it starts (the runs end at each "@", so each character is read once
    going back), and what follows it is matched up to the next "@" at most."""
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and text[start - 1] in _LOCAL:
            start -= 1
        if start < at:
            found = _AFTER_AT.match(text, at + 1)
            if found is not None:
                return text[start : found.end()]
        at = text.find("@", at + 1)
    return None


def text_author_name(author: str) -> str:
    """The name feedparser lists for an author given as text: the text, less the first
    address in it and the brackets around it ("ann@example.org (Ann)" is "Ann")."""
    email = author_email(author) if "@" in author else None
    if email is None:
        return author
    return _name_without(author, email)


def _name_without(author: str, email: str) -> str:
    name = author.replace(email, "").replace("()", "").replace("<>", "")
    name = name.replace("&lt;&gt;", "").strip()
    if name[:1] == "(":
        name = name[1:]
    if name[-1:] == ")":
        name = name[:-1]
    return name.strip()


def sync_author_detail(self: Any, key: str = "author") -> None:
    """feedparser's ``_FeedParserMixin._sync_author_detail`` (6.0), its address found by
    :func:`author_email`: the rest is its own code."""
    from feedparser.util import FeedParserDict

    context = self._get_context()
    detail = context.get(f"{key}s", [FeedParserDict()])[-1]
    if detail:
        name = detail.get("name")
        email = detail.get("email")
        if name and email:
            context[key] = f"{name} ({email})"
        elif name:
            context[key] = name
        elif email:
            context[key] = email
    else:
        author, email = context.get(key), None
        if not author:
            return
        email = author_email(author)
        if email:
            author = _name_without(author, email)
        if author or email:
            context.setdefault(f"{key}_detail", detail)
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email
