"""Tiny Tiny RSS's JSON API (``<url>/api/``, API level 14 or later), with refresh's limits.

Only http(s) base URLs; TLS verification on (the process's shared context); a deadline per
call and a cap on each answer's size (:class:`tui_reader.net.FetchLimits`); no redirects
followed (an API that moved is a configuration error, said so). A session id is tied to the
User-Agent that logged in, so every call sends the same one. The password is sent in the login
call and kept nowhere else: not in this object, not in any message.

Every failure is a :class:`SyncError` whose ``str`` is one clear line.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tui_reader.net import USER_AGENT, FetchError, FetchLimits, check_url
from tui_reader.sanitize import clean_line
from tui_reader.units import human_seconds, human_size

MIN_API_LEVEL = 14
PAGE = 200  # tt-rss answers at most 200 headlines per call
MAX_HEADLINES = 2_000_000  # read from one list (a feed, Starred...) in one sync
_JOIN_GRACE = 1.0  # seconds past a call's deadline its thread is given to end on its own

# getHeadlines' virtual feeds and updateArticle's fields
ALL_ARTICLES = -4
STARRED = -1
FIELD_STARRED = 0
FIELD_UNREAD = 2
FIELD_NOTE = 3


class SyncError(Exception):
    """A sync step failed; ``str(error)`` is one clear line."""


class AuthError(SyncError):
    """The server refused the user name or password, or has the API turned off."""


class ServerError(SyncError):
    """The server failed (an HTTP error, an empty or broken answer)."""


@dataclass(frozen=True)
class RemoteFeed:
    id: int
    url: str
    title: str
    cat_id: int
    unread: int


@dataclass(frozen=True)
class Headline:
    id: int
    feed_id: int
    guid_hash: str  # the hex SHA1 of the feed entry's guid ("" when tt-rss gave none)
    link: str
    title: str
    author: str
    updated: float | None
    unread: bool
    marked: bool
    note: str
    content: str


def guid_hash(guid: str) -> str:
    """The SHA1 hex from tt-rss's ``{"ver":2,"uid":N,"hash":"SHA1:<hex>"}`` guid."""
    data = _json(guid) if guid.startswith("{") else None
    value = data.get("hash", "") if isinstance(data, dict) else ""
    if isinstance(value, str) and value.startswith("SHA1:"):
        hexed = value[5:].lower()
        return hexed if len(hexed) <= 64 and all(c in "0123456789abcdef" for c in hexed) else ""
    return ""


# The server's JSON is outside input: every value is checked for the type it should have, and
# one that is not is the default (never a TypeError, an OverflowError or a float("inf") further
# on, in the store or on screen).
_INT64 = 2**63


class _NotJson(ValueError):
    """Text that is not JSON (NaN and Infinity included: JSON has no such values)."""


class _Unreadable(ValueError):
    """Valid JSON that no parser should be asked to take: a number beyond a float or of more
    digits than Python converts, nesting deeper than the parser goes."""


def _parse_json(text: str | bytes) -> Any:
    """Strict JSON; :class:`_NotJson` for text that is not JSON, :class:`_Unreadable` for
    JSON beyond what can be read (each with what was wrong, for the message)."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except (json.JSONDecodeError, UnicodeDecodeError, _NotJson) as exc:
        raise _NotJson(str(exc)) from None
    except _Unreadable:
        raise
    except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise _Unreadable("a number of more digits than can be read") from None
    except RecursionError:
        raise _Unreadable("nested deeper than can be read") from None


def _json(text: str | bytes) -> Any:
    """Strict JSON (no NaN or Infinity, no number beyond a float), or None for anything
    else, JSON too deep or too large to read included."""
    try:
        return _parse_json(text)
    except ValueError:
        return None


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Unreadable("a number beyond a float")
    return value


def _int(value: Any, default: int = 0) -> int:
    """An integer the store can keep (SQLite's 64 bits): an int, an integral float or a
    string of digits, as tt-rss versions send them; else ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and 0 < len(value) <= 20:
        try:
            value = int(value.strip())
        except ValueError:
            return default
    return value if isinstance(value, int) and -_INT64 <= value < _INT64 else default


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


_LAST_TIME = 253402300799  # 9999-12-31 23:59:59 UTC: what a date can be shown as


def _time(value: Any) -> float | None:
    """A time in seconds since the epoch, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 < value <= _LAST_TIME else None  # (NaN is not > 0)


# What a row must hold to act on. A value that sets local state (a flag, a note, which feeds
# the account has) is never a default taken for a bad one: a row missing "unread" is not a
# read article, a note given as a list is not a cleared note, an answer that is not a list is
# not an account with no feeds. Such an answer is refused whole (a ServerError), before any
# of it is applied.
MAX_ID = 2**31 - 1  # tt-rss's ids are SQL integers; a larger one would pin the sync's cursor


class BadAnswer(ServerError):
    """An answer, or a row of it, that is not what the API gives."""

    def __init__(self, op: str, what: str) -> None:
        super().__init__(f"tt-rss's {op} answer {what}; nothing of it was used")


def rows_of(content: Any, op: str) -> list[dict[str, Any]]:
    """The rows of a list answer: every one an object, or BadAnswer."""
    if not isinstance(content, list):
        raise BadAnswer(op, "is not a list")
    for n, row in enumerate(content, 1):
        if not isinstance(row, dict):
            raise BadAnswer(op, f"has a row that is not an object (row {n})")
    return content


def _id(row: dict[str, Any], key: str, op: str, n: int) -> int:
    value = _int(row.get(key), -1)
    if not 0 < value <= MAX_ID:
        raise BadAnswer(op, f"has a row with no usable {key!r} (row {n})")
    return value


def _flag(row: dict[str, Any], key: str, op: str, n: int) -> bool:
    """true or false, as tt-rss versions send a flag (true, 1, "t", "1"...); else BadAnswer."""
    value = row.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and value.strip().lower() in ("1", "t", "true", "0", "f", "false"):
        return value.strip().lower() in ("1", "t", "true")
    raise BadAnswer(op, f"has a row with no usable {key!r} (row {n})")


def headline_from(raw: dict[str, Any], op: str = "getHeadlines", n: int = 1) -> Headline:
    note = raw.get("note", [])  # (tt-rss always sends it; null when there is none)
    if note is not None and not isinstance(note, str):
        raise BadAnswer(op, f"has a row with no usable 'note' (row {n})")
    return Headline(
        id=_id(raw, "id", op, n),
        feed_id=_int(raw.get("feed_id"), -1),
        guid_hash=guid_hash(_str(raw.get("guid"))),
        link=_str(raw.get("link")),
        title=_str(raw.get("title")),
        author=_str(raw.get("author")),
        updated=_time(raw.get("updated")),
        unread=_flag(raw, "unread", op, n),
        marked=_flag(raw, "marked", op, n),
        note=note or "",
        content=_str(raw.get("content")),
    )


class TtRssClient:
    """One logged-in session with a tt-rss server. Blocking: use it from a worker thread."""

    def __init__(self, url: str, user: str, *, limits: FetchLimits | None = None) -> None:
        try:
            base = check_url(url)
        except FetchError as exc:
            raise SyncError(f"sync url {url!r}: {exc}") from None
        self.api = base.rstrip("/") + "/api/"
        self.user = user
        parts = urlsplit(self.api)
        # The account, as sync state remembers it: the server (not its scheme: moving it to
        # https changes no account) and the user.
        self.account = f"{(parts.hostname or '').rstrip('.')}:{parts.port or ''}{parts.path} {user}"
        self.limits = limits or FetchLimits()
        self.sid = ""
        self.api_level = 0
        self._http: Any = None

    # -- transport ---------------------------------------------------------------------------

    def _client(self) -> Any:
        if self._http is None:
            import httpx

            from tui_reader.net import make_ssl_context

            self._http = httpx.Client(
                verify=make_ssl_context(),
                timeout=httpx.Timeout(self.limits.timeout, connect=min(self.limits.timeout, 10)),
                follow_redirects=False,
                trust_env=False,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> TtRssClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, op: str, params: dict[str, Any]) -> Any:
        """One API call, under one deadline from the request to the answer's last byte.

        httpx's timeout bounds each read, and it reads the status line and headers before
        any of this code runs: a server trickling them a byte at a time (a header line has
        no length) held a sync for days. So the call runs on a thread of its own and is
        waited for until the deadline; one still running then is left to end on its reads'
        timeout, on a client of its own (this one takes a new one)."""
        body = json.dumps({"op": op, **params}).encode()
        deadline = time.monotonic() + self.limits.timeout
        client = self._client()
        outcome: list[Any] = []

        def call() -> None:
            try:
                outcome.append((True, self._exchange(client, op, body, deadline)))
            except BaseException as exc:  # (carried to the caller's thread)
                outcome.append((False, exc))

        worker = threading.Thread(target=call, name=f"tt-rss {op}", daemon=True)
        worker.start()
        worker.join(self.limits.timeout + _JOIN_GRACE)
        if not outcome:
            self._http = None  # (the thread still reads on the old one)
            raise ServerError(self._late(op))
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    def _late(self, op: str) -> str:
        return f"tt-rss did not answer {op} within {human_seconds(self.limits.timeout)}"

    def _exchange(self, client: Any, op: str, body: bytes, deadline: float) -> Any:
        import httpx

        try:
            with client.stream(
                "POST", self.api, content=body, headers={"Content-Type": "application/json"}
            ) as response:
                status = response.status_code
                if 300 <= status < 400:
                    raise ServerError(
                        f"tt-rss at {self.api} answered HTTP {status} (a redirect, to"
                        f" {response.headers.get('location', '?')!r}): set [sync] url to"
                        " where it points"
                    )
                if "," in response.headers.get("content-encoding", ""):
                    # (Each layer is inflated whole before the next: the size cap sees
                    # only the last one. 1.8 kB of "gzip, gzip" took 2 GB.)
                    raise ServerError(
                        f"tt-rss's answer to {op} is compressed more than once; refused"
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise ServerError(self._too_big(op))
                parts: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.limits.max_bytes:
                        raise ServerError(self._too_big(op))
                    if time.monotonic() > deadline:
                        # (The timeout bounds each read: a byte a second never met it.)
                        raise httpx.ReadTimeout("the whole answer took too long")
                    parts.append(chunk)
        except httpx.TimeoutException:
            raise ServerError(self._late(op)) from None
        except httpx.HTTPError as exc:
            text = clean_line(str(exc))[:200] or type(exc).__name__
            raise ServerError(f"cannot reach tt-rss at {self.api}: {text}") from None
        data = b"".join(parts)
        if status != 200:
            detail = "with no body" if not data.strip() else "with an error page"
            raise ServerError(
                f"tt-rss answered HTTP {status} {detail} to {op} (see the server's PHP log)"
            )
        try:
            answer = _parse_json(data)
        except _NotJson:
            raise ServerError(
                f"tt-rss's answer to {op} is not JSON: is {self.api} a tt-rss API?"
            ) from None
        except _Unreadable as exc:
            raise ServerError(
                f"tt-rss's answer to {op} is JSON that cannot be read: {exc}"
            ) from None
        if not isinstance(answer, dict):
            raise ServerError(f"tt-rss's answer to {op} is not a JSON object")
        return answer

    def _too_big(self, op: str) -> str:
        return f"tt-rss's answer to {op} is larger than {human_size(self.limits.max_bytes)}"

    def call(self, op: str, **params: Any) -> Any:
        """Call ``op`` in the session (logging in first, and again once if it expired)."""
        if not self.sid:
            raise SyncError("not logged in")
        answer = self._post(op, {"sid": self.sid, **params})
        if answer.get("status") != 0:
            error = self._error(answer)
            if error == "NOT_LOGGED_IN" and self._password is not None:
                self.login(self._password)
                answer = self._post(op, {"sid": self.sid, **params})
                if answer.get("status") == 0:
                    return answer.get("content")
                error = self._error(answer)
            raise SyncError(f"tt-rss refused {op}: {error}")
        return answer.get("content")

    _password: str | None = None

    @staticmethod
    def _error(answer: dict[str, Any]) -> str:
        content = answer.get("content")
        error = content.get("error") if isinstance(content, dict) else None
        # (the server's words, shown in a terminal: no escape sequence gets through)
        return clean_line(str(error or "unknown error"))[:200] or "unknown error"

    # -- the API -----------------------------------------------------------------------------

    def login(self, password: str) -> None:
        answer = self._post("login", {"user": self.user, "password": password})
        if answer.get("status") != 0:
            error = self._error(answer)
            if error == "LOGIN_ERROR":
                raise AuthError(
                    f"tt-rss refused the login of {self.user!r}: wrong user name or password"
                )
            if error == "API_DISABLED":
                raise AuthError(
                    f"tt-rss has the API turned off for {self.user!r}: enable it in its"
                    " Preferences (Enable API access)"
                )
            raise AuthError(f"tt-rss refused the login of {self.user!r}: {error}")
        content = _dict(answer.get("content"))
        self.sid = _str(content.get("session_id"))
        if not self.sid:
            raise ServerError("tt-rss's login answer has no session id")
        self._password = password  # for one re-login if the session expires mid-sync
        level = _int(content.get("api_level"))
        if not level:
            level = _int(_dict(self.call("getApiLevel")).get("level"))
        self.api_level = level
        if level < MIN_API_LEVEL:
            raise SyncError(
                f"tt-rss API level {level} is too old: level {MIN_API_LEVEL} or later is needed"
                " (tt-rss from 2019 on)"
            )

    def logout(self) -> None:
        if self.sid:
            with contextlib.suppress(SyncError):
                self.call("logout")
        self.sid = ""
        self._password = None

    def categories(self) -> dict[int, str]:
        rows = _list(self.call("getCategories", include_empty=True))
        return {_int(r.get("id")): _str(r.get("title")) for r in rows if isinstance(r, dict)}

    def feeds(self) -> list[RemoteFeed]:
        """The account's feeds. An answer that is not a list of them is refused whole: read
        as "no feeds", it had every linked feed here removed."""
        out = []
        for n, r in enumerate(rows_of(self.call("getFeeds", cat_id=-3), "getFeeds"), 1):
            if _int(r.get("id")) < 0:
                continue  # a virtual feed (Starred, Published...) or a label
            feed_id = _id(r, "id", "getFeeds", n)
            url = r.get("feed_url")
            if not isinstance(url, str) or not url.strip():
                raise BadAnswer("getFeeds", f"has a feed with no address (row {n})")
            out.append(
                RemoteFeed(
                    id=feed_id,
                    url=url,
                    title=_str(r.get("title")),
                    cat_id=_int(r.get("cat_id")),
                    unread=_int(r.get("unread")),
                )
            )
        return out

    def subscribe(self, url: str, category_id: int = 0) -> tuple[bool, str]:
        """Subscribe the account to ``url``; (True, "") when subscribed (or already was)."""
        content = self.call("subscribeToFeed", feed_url=url, category_id=category_id) or {}
        status = content.get("status") if isinstance(content, dict) else None
        code = _int(status.get("code") if isinstance(status, dict) else status, -1)
        reasons = {
            2: "tt-rss says the URL is not valid",
            3: "tt-rss found no feed there",
            4: "tt-rss found several feeds there",
            5: "tt-rss could not download it",
        }
        if code in (0, 1):
            return True, ""
        if code == -1:
            return False, "tt-rss's answer gives no status code"
        return False, reasons.get(code, f"tt-rss answered code {code}")

    def unsubscribe(self, feed_id: int) -> None:
        self.call("unsubscribeFeed", feed_id=feed_id)

    def headlines(
        self,
        feed_id: int,
        *,
        view_mode: str = "all_articles",
        since_id: int = 0,
        content: bool = True,
    ) -> Iterator[list[Headline]]:
        """Every headline of ``feed_id``, oldest first, a page (up to 200) at a time."""
        skip = 0
        seen: set[int] = set()
        while True:
            rows = self.call(
                "getHeadlines",
                feed_id=feed_id,
                limit=PAGE,
                skip=skip,
                view_mode=view_mode,
                since_id=since_id,
                show_content=content,
                show_excerpt=False,
                order_by="date_reverse",
                include_attachments=False,
                sanitize=True,
            )
            page = [
                headline_from(r, "getHeadlines", n)
                for n, r in enumerate(rows_of(rows, "getHeadlines"), skip + 1)
            ]
            ids = {h.id for h in page}
            if len(ids) < len(page):
                raise BadAnswer("getHeadlines", "gives one article twice")
            if ids and ids <= seen:
                # (Pages that repeat themselves: a server that ignores "skip" would be read
                # for ever, storing nothing new.)
                raise BadAnswer("getHeadlines", "repeats a page already given")
            seen |= ids
            if len(seen) > MAX_HEADLINES:
                raise BadAnswer("getHeadlines", f"goes on past {MAX_HEADLINES:,} articles")
            if page:
                yield page
            if len(rows) < PAGE:
                return
            skip += len(rows)

    def update_articles(self, ids: Iterable[int], field: int, mode: int, data: str = "") -> None:
        id_list = ",".join(str(i) for i in ids)
        if not id_list:
            return
        params: dict[str, Any] = {"article_ids": id_list, "field": field, "mode": mode}
        if field == FIELD_NOTE:
            params["data"] = data
        self.call("updateArticle", **params)
