"""Every error the reader's core raises on purpose, under one base class.

Each carries what it is about as fields (a URL, a reason, an id), so that a caller picks what it
shows from the fields rather than parsing the message back; ``str(error)`` stays one line for
those that print it whole (the CLI). A pure module: the standard library only.

Where each is raised:

- :class:`ExtractionError` (``extract/``): no readable article could be made from a page;
  :class:`ArticleUnavailable` (the loader): an article has no text to show at all.
- :class:`DocumentError`: a stored document that is not one (damaged JSON, a list, ...).
- :class:`NotFound`: no article, feed or highlight with that id.
- ``StoreError`` (``store/db.py``), ``FetchError`` (``net.py``), ``FeedError``
  (``feeds/parse.py``), ``DiscoverError``, ``OpmlError``, ``ExportError``, ``BudgetError``
  are subclasses of :class:`ReaderError` too, defined beside the code that raises them.
"""

from __future__ import annotations

__all__ = [
    "ArticleUnavailable",
    "DocumentError",
    "ExtractionError",
    "NotFound",
    "ReaderError",
    "is_busy",
]


MAX_REASON = 300  # characters of an error's reason kept


def _one_line(text: str) -> str:
    """Outside text in an error message: no control characters or escapes, one line, capped."""
    from tui_reader.sanitize import fast_line

    line = fast_line(text)
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


# SQLite's result codes for "another connection holds the lock" (the low byte of an extended
# code: SQLITE_BUSY_SNAPSHOT is a BUSY too).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it was raised from) is SQLite's "database is locked":
    another connection held the write lock past the busy timeout, and nothing was written.
    Told by the error's code, never by its message."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        code = getattr(cur, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


# An error's line quotes what it is about (an address, a server's words, a file's value): a
# redirect to a 60 kB address made a 60 kB "line". Beyond this many characters it is cut.
MAX_MESSAGE_CHARS = 1_000


class ReaderError(Exception):
    """The base of every error the reader raises on purpose; ``str(error)`` is one line, of
    at most MAX_MESSAGE_CHARS characters."""

    def __str__(self) -> str:
        text = super().__str__()
        if len(text) <= MAX_MESSAGE_CHARS:
            return text
        return text[: MAX_MESSAGE_CHARS - 1] + "…"


class NotFound(ReaderError, KeyError):
    """No ``kind`` (article, feed, highlight) with this ``key``. A KeyError too, for callers
    that caught the store's KeyError before."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(kind, key)

    def __str__(self) -> str:
        return f"no {self.kind} {self.key}"


class DocumentError(ReaderError, ValueError):
    """A stored document that cannot be read back: ``reason`` says why. A ValueError too, for
    callers written before this class."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return f"not a stored document ({self.reason})"


class ExtractionError(ReaderError):
    """No readable article could be made from a page.

    ``reason`` is why, in a few words ("no article text found"); ``url`` the page's address
    ("" for a page without one, None when the error is not about one page). ``str(error)`` is
    "could not extract an article from URL: REASON", or the reason alone without a URL.
    Crosses process boundaries (extraction runs in worker processes): the fields are its args.
    """

    def __init__(self, reason: str, url: str | None = None) -> None:
        # A reason may quote the page or its server (a Content-Type, a parser's complaint):
        # it is shown and stored, so it is one clean line, however it was made.
        self.reason = _one_line(reason)
        self.url = url if url is None else _one_line(url)
        # Not super().__init__: in a subclass that is also a BudgetError (ExtractionTimeout)
        # the next __init__ in line takes other arguments.
        self.args = (reason, url)

    @property
    def where(self) -> str:
        return self.url or "the page"

    def __str__(self) -> str:
        if self.url is None:
            return self.reason
        return f"could not extract an article from {self.where}: {self.reason}"


class ArticleUnavailable(ExtractionError):
    """An article has no text to show: neither the feed's nor the page's. ``url`` is the
    article's link ("" for an entry without one); ``can_open`` whether a browser could open it
    (then the message says so)."""

    def __init__(self, reason: str, url: str | None = "", can_open: bool = False) -> None:
        super().__init__(reason, url or "")
        self.can_open = can_open
        self.args = (reason, url, can_open)

    @property
    def where(self) -> str:
        return self.url or "this entry"

    @property
    def message(self) -> str:
        """The message without the hint to open it in a browser (what the store records)."""
        return f"could not extract an article from {self.where}: {self.reason}"

    def __str__(self) -> str:
        return self.message + ("; open it in a browser" if self.can_open else "")
