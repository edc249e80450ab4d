"""Sync's decisions without a server: the journal, the three-way merge, matching by guid hash
and link (a real store in tmp_path); the [sync] settings and the password; the client's
errors against a real HTTP server on 127.0.0.1 that answers as a broken tt-rss would."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tui_reader.config import SyncConfig, parse_config
from tui_reader.models import EntryData, Feed
from tui_reader.net import FetchLimits
from tui_reader.store import Store
from tui_reader.store import sync as state
from tui_reader.sync import AuthError, ServerError, SyncError, password
from tui_reader.sync.client import Headline, TtRssClient, guid_hash


def _headline(rid: int, feed: int, **kw: Any) -> Headline:
    base: dict[str, Any] = dict(
        id=rid,
        feed_id=feed,
        guid_hash="",
        link=f"http://example.org/{rid}",
        title=f"Article {rid}",
        author="",
        updated=1_700_000_000.0 + rid,
        unread=True,
        marked=False,
        note="",
        content=f"<p>text {rid}</p>",
    )
    base.update(kw)
    return Headline(**base)


def _setup(store: Store, remote_feed: int = 7) -> Feed:
    feed, _ = store.add_feed("http://example.org/feed.xml", title="F")
    state.link_feed(store, feed.id, remote_feed, feed.url, "")
    return feed


def _pull(store: Store, feed: Feed, page: list[Headline]) -> state.PullCounts:
    counts = state.PullCounts()
    state.store_headlines(store, {7: feed}, page, state.Matcher(), counts)
    return counts


def _flags(store: Store) -> dict[str, tuple[bool, bool]]:
    return {a.url: (a.read, a.starred) for a in store.list_articles()}


def test_new_headlines_are_stored_and_pulling_them_again_changes_nothing(store: Store) -> None:
    feed = _setup(store)
    page = [_headline(1, 7), _headline(2, 7, unread=False, marked=True, note="n")]
    counts = _pull(store, feed, page)
    assert counts.new == 2
    assert _flags(store) == {
        "http://example.org/1": (False, False),
        "http://example.org/2": (True, True),
    }
    second = store.article_by_url("http://example.org/2")
    assert second is not None and store.get_article_note(second.id) == "n"
    again = _pull(store, feed, page)
    assert (again.new, again.read, again.starred, again.notes) == (0, 0, 0, 0)
    assert store.article_count() == 2
    assert state.pending(store) == ([], 0)  # nothing pulled is journaled


def test_a_server_change_is_taken_unless_this_side_changed_the_flag(store: Store) -> None:
    feed = _setup(store)
    _pull(store, feed, [_headline(1, 7), _headline(2, 7)])
    a1 = store.article_by_url("http://example.org/1")
    assert a1 is not None
    store.set_starred(a1.id, True)  # a change here: journaled
    store.set_starred(a1.id, False)  # ...and back: still a change here since the last sync
    counts = _pull(store, feed, [_headline(1, 7, marked=True), _headline(2, 7, marked=True)])
    assert counts.starred == 1  # article 2 only
    assert _flags(store)["http://example.org/1"] == (False, False)
    assert _flags(store)["http://example.org/2"] == (False, True)
    changes, top = state.pending(store)
    assert [(c.field, c.value) for c in changes] == [("starred", "0")] and top == 2
    # Pushed: the base is the pushed value, and the server's (old) value no longer wins.
    state.pushed(store, changes, top)
    counts = _pull(store, feed, [_headline(1, 7, marked=False)])
    assert counts.starred == 0 and _flags(store)["http://example.org/1"] == (False, False)


def test_the_journal_keeps_the_last_value_per_flag_in_order_and_only_for_linked(
    store: Store,
) -> None:
    feed = _setup(store)
    _pull(store, feed, [_headline(1, 7), _headline(2, 7)])
    unlinked, _ = store.add_feed("http://other.example/feed.xml")
    store.upsert_entries(unlinked, [EntryData(guid="x", url="http://other.example/x")])
    ids = {a.url: a.id for a in store.list_articles()}
    store.set_read([ids["http://other.example/x"]])  # not on the server: nothing to push
    store.set_read([ids["http://example.org/1"]])
    store.set_starred(ids["http://example.org/2"], True)
    store.set_read([ids["http://example.org/1"]], False)
    store.mark_feed_read(feed.id)  # both unread ones
    store.set_article_note(ids["http://example.org/2"], "  a note ")
    changes, top = state.pending(store)
    assert [(c.article_id, c.field, c.value) for c in changes] == [
        (ids["http://example.org/2"], "starred", "1"),
        (ids["http://example.org/1"], "read", "1"),
        (ids["http://example.org/2"], "read", "1"),
        (ids["http://example.org/2"], "note", "a note"),
    ]
    # A change made while the push was under way stays for the next push.
    store.set_starred(ids["http://example.org/1"], True)
    state.pushed(store, changes, top)
    rest, _ = state.pending(store)
    assert [(c.field, c.value) for c in rest] == [("starred", "1")]


def test_a_first_sync_matches_by_guid_hash_then_link_and_merges(store: Store) -> None:
    feed = _setup(store)
    store.upsert_entries(
        feed,
        [
            EntryData(guid="urn:a", url="http://moved.example/a", title="A"),
            EntryData(guid="", url="http://example.org/2", title="B"),
        ],
    )
    ids = {a.url: a.id for a in store.list_articles()}
    store.set_starred(ids["http://moved.example/a"], True)
    sha = hashlib.sha1(b"urn:a").hexdigest()
    counts = _pull(
        store,
        feed,
        [
            _headline(1, 7, guid_hash=sha, unread=False),  # same guid, another link
            _headline(2, 7, note="from there"),  # no guid here: by link
            _headline(3, 7),
        ],
    )
    assert (counts.matched, counts.new) == (2, 1)
    assert store.article_count() == 3
    assert _flags(store)["http://moved.example/a"] == (True, True)  # read there, starred here
    assert store.get_article_note(ids["http://example.org/2"]) == "from there"
    changes, _ = state.pending(store)  # what the server lacks: the star made here
    assert [(c.remote_id, c.field, c.value) for c in changes] == [(1, "starred", "1")]


def test_a_guid_that_local_articles_with_other_links_share_matches_by_link(store: Store) -> None:
    # A feed writing one guid for every item (store/identity.py keeps them apart by link): the
    # server's article with that guid is the local one with its link, not the oldest.
    feed = _setup(store)
    shared = "https://example.org/"
    store.upsert_entries(
        feed,
        [EntryData(guid=shared, url=f"http://example.org/{n}", title=n) for n in ("c", "b", "a")],
    )
    ids = {a.url: a.id for a in store.list_articles()}
    sha = hashlib.sha1(shared.encode()).hexdigest()
    counts = _pull(
        store, feed, [_headline(9, 7, guid_hash=sha, link="http://example.org/a", marked=True)]
    )
    assert (counts.matched, counts.new) == (1, 0)
    assert _flags(store) == {  # starred there: the story "a" here, not the oldest row ("c")
        "http://example.org/a": (False, True),
        "http://example.org/b": (False, False),
        "http://example.org/c": (False, False),
    }
    linked = store.conn.execute("SELECT article_id FROM sync_articles WHERE remote_id = 9")
    assert linked.fetchone()[0] == ids["http://example.org/a"]


def test_the_unread_list_of_a_feed_decides_read_for_its_linked_articles(store: Store) -> None:
    feed = _setup(store)
    _pull(store, feed, [_headline(1, 7), _headline(2, 7), _headline(3, 7, unread=False)])
    counts = state.PullCounts()
    state.apply_flag_set(store, state.READ, {1, 3}, feed_id=feed.id, counts=counts)
    assert counts.read == 2
    assert [_flags(store)[f"http://example.org/{n}"][0] for n in (1, 2, 3)] == [
        False,
        True,
        False,
    ]
    assert state.base_unread_by_feed(store) == {feed.id: 2}


def test_guid_hash_reads_tt_rss_guids() -> None:
    assert guid_hash('{"ver":2,"uid":5,"hash":"SHA1:ABC123"}') == "abc123"
    assert guid_hash("not json") == "" and guid_hash('{"hash": 3}') == "" and guid_hash("[]") == ""


# -- settings and the password ----------------------------------------------------------------


def test_sync_settings_and_their_problems() -> None:
    cfg, problems = parse_config(
        {"sync": {"service": "ttrss", "url": "https://rss.example/", "user": "me", "auto": True}}
    )
    assert cfg.sync.enabled and cfg.sync.auto and problems == []
    cfg, problems = parse_config(
        {"sync": {"service": "ttrss", "url": "u", "user": "me", "password": "hunter2"}}
    )
    assert cfg.sync.enabled and len(problems) == 1
    assert "sync.password is not read from the config file" in problems[0]
    assert "hunter2" not in problems[0]
    cfg, problems = parse_config({"sync": {"service": "miniflux", "url": "u", "user": "me"}})
    assert not cfg.sync.enabled and "not supported" in problems[0]
    cfg, problems = parse_config({"sync": {"service": "ttrss", "user": "me"}})
    assert not cfg.sync.enabled and problems == ["[sync] needs url and user; sync is off"]
    cfg, problems = parse_config(
        {"sync": {"service": "ttrss", "url": "u", "user": "me", "password_command": "pass x"}}
    )
    assert cfg.sync.password_command == () and "password_command" in problems[0]


def test_the_password_comes_from_the_environment_or_a_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TUI_READER_SYNC_PASSWORD", raising=False)
    cmd = (sys.executable, "-c", "print('s3cret;$(x)'); print('second line')")
    assert password(SyncConfig("ttrss", "u", "me", cmd)) == "s3cret;$(x)"  # no shell
    monkeypatch.setenv("TUI_READER_SYNC_PASSWORD", "from-env")
    assert password(SyncConfig("ttrss", "u", "me", cmd)) == "from-env"
    monkeypatch.delenv("TUI_READER_SYNC_PASSWORD")
    with pytest.raises(SyncError, match="no sync password"):
        password(SyncConfig("ttrss", "u", "me"))
    failing = (sys.executable, "-c", "print('leaked'); raise SystemExit(3)")
    with pytest.raises(SyncError) as info:
        password(SyncConfig("ttrss", "u", "me", failing))
    assert "exited with status 3" in str(info.value) and "leaked" not in str(info.value)
    with pytest.raises(SyncError, match="was not found"):
        password(SyncConfig("ttrss", "u", "me", ("/nonexistent/pass-tool",)))


# -- the client against a broken server -------------------------------------------------------


# (status, body, headers); a body given as a list of pieces is sent a piece at a time, each
# flushed, 0.05 s apart (a server that trickles its answer).
Answer = Callable[[dict[str, Any]], tuple[int, bytes | list[bytes], dict[str, str]]]


@pytest.fixture
def api() -> Iterator[Callable[[Answer], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Answer) -> str:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are written apart: with Nagle on, the body waited for the
            # client's delayed ACK, ~40 ms per answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status, data, headers = answer(json.loads(body))
                pieces = [data] if isinstance(data, bytes) else data
                length = sum(map(len, pieces))
                self.send_response(status)
                for k, v in {"Content-Length": str(length), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    for n, piece in enumerate(pieces):
                        if n:
                            time.sleep(0.05)
                        self.wfile.write(piece)
                        self.wfile.flush()
                except OSError:
                    pass  # the client gave up

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/tt-rss/"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _ok(content: Any) -> tuple[int, bytes, dict[str, str]]:
    return 200, json.dumps({"seq": 0, "status": 0, "content": content}).encode(), {}


def _login_then(answer: Answer, level: int = 15) -> Answer:
    def respond(req: dict[str, Any]) -> tuple[int, bytes | list[bytes], dict[str, str]]:
        if req["op"] == "login":
            return _ok({"session_id": "sid1", "api_level": level})
        return answer(req)

    return respond


def test_http_500_with_an_empty_body_is_a_clear_error(api: Callable[[Answer], str]) -> None:
    url = api(_login_then(lambda req: (500, b"", {})))
    client = TtRssClient(url, "me")
    client.login("pw")
    with pytest.raises(ServerError) as info:
        client.feeds()
    assert str(info.value) == (
        "tt-rss answered HTTP 500 with no body to getFeeds (see the server's PHP log)"
    )


def test_a_wrong_password_and_an_api_turned_off(api: Callable[[Answer], str]) -> None:
    def refuse(error: str) -> Answer:
        return lambda req: (
            200,
            json.dumps({"seq": 0, "status": 1, "content": {"error": error}}).encode(),
            {},
        )

    with pytest.raises(AuthError, match="wrong user name or password"):
        TtRssClient(api(refuse("LOGIN_ERROR")), "me").login("pw")
    with pytest.raises(AuthError, match="API turned off"):
        TtRssClient(api(refuse("API_DISABLED")), "me").login("pw")


def test_answers_that_are_not_a_tt_rss_api(api: Callable[[Answer], str]) -> None:
    client = TtRssClient(api(lambda req: (200, b"<html>hello</html>", {})), "me")
    with pytest.raises(ServerError, match="is not JSON"):
        client.login("pw")
    moved = api(lambda req: (301, b"", {"Location": "https://elsewhere.example/"}))
    with pytest.raises(ServerError, match="a redirect"):
        TtRssClient(moved, "me").login("pw")
    big = api(_login_then(lambda req: _ok([{"id": 1, "feed_url": "x" * 5000}])))
    small = TtRssClient(big, "me", limits=FetchLimits(max_bytes=1000))
    small.login("pw")
    with pytest.raises(ServerError, match="larger than 1 kB"):
        small.feeds()
    with pytest.raises(SyncError, match="too old"):
        TtRssClient(api(_login_then(_ok, level=8)), "me").login("pw")
    with pytest.raises(SyncError, match="not an http"):
        TtRssClient("file:///etc/passwd", "me")


def test_feed_urls_here_and_on_the_server_match_as_tt_rss_stores_them() -> None:
    from tui_reader.sync.engine import _feed_key

    here = "http://Example.org:8080/feed/?b=2&a=1&utm_source=x"
    assert _feed_key(here) == _feed_key("https://example.org/feed?a=1&b=2")  # port dropped
    assert _feed_key("http://example.org/feed") != _feed_key("http://example.org/other")
    assert _feed_key("tui-reader:welcome") == "tui-reader:welcome"


def test_marking_a_whole_list_read_and_its_undo_are_journaled(store: Store) -> None:
    """A and C (a list marked read at once) and u (its undo) change read state as r does:
    each change of a linked article is in the journal, the undo after the marking."""
    from tui_reader.store.listing import ListFilter, mark_list_read, mark_unread

    feed = _setup(store)
    _pull(store, feed, [_headline(1, 7), _headline(2, 7), _headline(3, 7, unread=False)])
    unlinked, _ = store.add_feed("http://other.example/feed.xml")
    store.upsert_entries(unlinked, [EntryData(guid="x", url="http://other.example/x")])
    ids = {a.url: a.id for a in store.list_articles()}
    linked = sorted([ids["http://example.org/1"], ids["http://example.org/2"]])

    def journal() -> list[tuple[int, str, str]]:
        rows = store.conn.execute("SELECT article_id, field, value FROM sync_journal ORDER BY seq")
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    marked = mark_list_read(store.conn, ListFilter())  # every list: the unlinked one too
    assert sorted(marked) == sorted([*linked, ids["http://other.example/x"]])
    assert sorted(journal()) == [(i, "read", "1") for i in linked]  # 3 was read already
    changes, _ = state.pending(store)
    assert sorted((c.article_id, c.field, c.value) for c in changes) == [
        (i, "read", "1") for i in linked
    ]
    mark_unread(store.conn, marked)
    assert journal()[2:] == [(i, "read", "0") for i in sorted(marked) if i in linked]
    changes, _ = state.pending(store)  # the last value of each flag is what is pushed
    assert sorted((c.article_id, c.field, c.value) for c in changes) == [
        (i, "read", "0") for i in linked
    ]


def test_state_carried_over_from_another_reader_is_journaled_like_any_change(
    store: Store,
) -> None:
    """Every path that marks articles read or starred here journals it (the newsboat import's
    carry-over as much as a key press), so the next sync pushes it."""
    from tui_reader.store.carryover import carry_over

    feed = _setup(store)
    _pull(store, feed, [_headline(1, 7), _headline(2, 7)])
    entries = [
        (EntryData(guid="", url="http://example.org/1", title="Article 1"), True, False),
        (EntryData(guid="", url="http://example.org/2", title="Article 2"), False, True),
    ]
    carried = carry_over(store, feed, entries)
    assert (carried.read, carried.starred) == (1, 1)
    ids = {a.url: a.id for a in store.list_articles()}
    changes, _ = state.pending(store)
    assert sorted((c.article_id, c.field, c.value) for c in changes) == sorted(
        [(ids["http://example.org/1"], "read", "1"), (ids["http://example.org/2"], "starred", "1")]
    )


# -- the client against a hostile server --------------------------------------------------------

_GUID = '{"ver":2,"uid":1,"hash":"SHA1:' + "ab" * 20 + '"}'
_ANSWERS: dict[str, Any] = {
    "login": {"session_id": "s", "api_level": 18},
    "getApiLevel": {"level": 18},
    "getCategories": [{"id": 1, "title": "Cat"}, {"id": 2, "title": "Two"}],
    "getFeeds": [
        {"id": 5, "feed_url": "http://example.org/f.xml", "title": "F", "cat_id": 1, "unread": 2},
        {"id": 6, "feed_url": "http://example.org/g.xml", "title": "G", "cat_id": 0, "unread": 0},
    ],
    "getHeadlines": [
        {
            "id": 10 + i,
            "feed_id": 5 + i % 2,
            "guid": _GUID,
            "link": f"http://example.org/{i}",
            "title": f"A{i}",
            "author": "x",
            "updated": 1_700_000_000 + i,
            "unread": i != 1,
            "marked": i == 1,
            "note": "n",
            "content": "<p>c</p>",
        }
        for i in range(3)
    ],
    "updateArticle": {"status": "OK", "updated": 1},
    "subscribeToFeed": {"status": {"code": 1}},
}
_DEEP = "[" * 100_000 + "]" * 100_000  # (deeper than json's recursion limit)
_HOSTILE: list[Any] = [
    *[None, True, False, 0, -1, 1.5, 2**63, -(2**63) - 1, 10**400, "", "12", "x" * 50_000],
    *[float("inf"), float("nan"), "\x1b]52;c;QUFB\x07\x1b[2J", [], {}, [1, 2], {"a": 1}],
    *["DEEP", "javascript:alert(1)", "http://example.org/1", KeyError],  # (KeyError: removed)
]


def _mutated(rng: Any) -> dict[str, Any]:
    import copy

    answers = copy.deepcopy(_ANSWERS)
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(list(answers))
        places: list[tuple[Any, ...]] = []
        stack: list[tuple[Any, tuple[Any, ...]]] = [(answers[op], ())]
        while stack:
            value, where = stack.pop()
            places.append(where)
            keys = (
                value
                if isinstance(value, dict)
                else range(len(value))
                if isinstance(value, list)
                else ()
            )
            stack += [(value[k], (*where, k)) for k in keys]
        where = rng.choice(places)
        new = copy.deepcopy(rng.choice(_HOSTILE))
        if not where:
            answers[op] = None if new is KeyError else new
            continue
        parent = answers[op]
        for key in where[:-1]:
            parent = parent[key]
        if new is KeyError:
            del parent[where[-1]]
        else:
            parent[where[-1]] = new
    return answers


def test_a_hostile_servers_answers_end_in_the_sync_summary(
    api: Callable[[Answer], str], tmp_path: Any
) -> None:
    """Every value of every answer replaced, one to three at a time, by one of another type or
    beyond range (null, booleans, 2**63, 10**400, NaN, Infinity, nesting deeper than the JSON
    parser goes, escape sequences...). Before, the client took the server's JSON on trust:
    AttributeError, TypeError, OverflowError and RecursionError ended the sync (a traceback in
    the CLI), and a NaN or infinite date reached the store. Now each sync ends with its
    summary (the trouble in its errors), twice on one store, which stays sound, and no escape
    sequence reaches an error message or the store."""
    import random
    import sqlite3

    from tui_reader.sync.engine import sync_once

    current: dict[str, Any] = {}

    def answer(req: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        op = req.get("op", "")
        if op == current.get("refused"):
            error = {"error": "\x1b]52;c;QUFB\x07\x1b[2J refused"}
            return 200, json.dumps({"seq": 0, "status": 1, "content": error}).encode(), {}
        content = current["answers"].get(op, {"status": "OK"})
        if op == "getHeadlines" and req.get("skip"):
            content = []
        text = json.dumps({"seq": 0, "status": 0, "content": content})
        return 200, text.replace('"DEEP"', _DEEP).encode(), {}

    url = api(answer)
    rng = random.Random(20261204)
    for case in range(120):
        current["answers"] = _mutated(rng)
        current["refused"] = rng.choice(list(_ANSWERS)) if rng.random() < 0.15 else None
        store = Store.open(tmp_path / f"{case}.sqlite3")
        store.add_feed("http://example.org/local.xml", title="Local")
        try:
            for _ in range(2):
                summary = sync_once(store, TtRssClient(url, "me"), "pw")
                assert not any("\x1b" in e or "\x07" in e for e in summary.errors), summary.errors
        finally:
            store.close()
        with sqlite3.connect(tmp_path / f"{case}.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = db.execute("SELECT title, author, coalesce(updated, 0) FROM articles")
            for title, author, updated in rows:
                assert "\x1b" not in title + author and 0 <= updated < 2**40


def test_json_no_parser_should_take_is_refused_for_what_it_is(
    api: Callable[[Answer], str],
) -> None:
    """NaN and Infinity are not JSON (nor is text in no encoding JSON has); a number beyond a
    float or of 5,000 digits and nesting past the parser's depth are JSON that cannot be read:
    "is not JSON: is ... a tt-rss API?" would send the user to check the wrong thing."""
    cases = [
        ('{"status": NaN}', "is not JSON: is http"),
        ('{"status": Infinity}', "is not JSON: is http"),
        (b'{"status": "\xc3("}', "is not JSON"),  # not UTF-8
        ('{"a": 1e999}', "JSON that cannot be read: a number beyond a float"),
        ('{"seq": ' + "9" * 5000 + "}", "JSON that cannot be read: a number of more digits"),
        (_DEEP, "JSON that cannot be read: nested deeper"),
    ]
    for body, message in cases:
        data = body if isinstance(body, bytes) else body.encode()
        client = TtRssClient(api(lambda req, b=data: (200, b, {})), "me")
        with pytest.raises(ServerError, match=message):
            client.login("pw")


def test_a_servers_words_reach_no_terminal_raw(api: Callable[[Answer], str]) -> None:
    """A login refusal quotes the server's error: an escape sequence in it (here one that
    writes the clipboard and one that clears the screen) reached the CLI's stderr raw."""
    error = {"error": "\x1b]52;c;QUFB\x07\x1b[2Jgo away"}
    body = json.dumps({"seq": 0, "status": 1, "content": error}).encode()
    with pytest.raises(AuthError) as info:
        TtRssClient(api(lambda req: (200, body, {})), "me").login("pw")
    assert str(info.value) == "tt-rss refused the login of 'me': go away"


def _state(store: Store) -> tuple[object, ...]:
    feeds = sorted(f.url for f in store.list_feeds())
    articles = store.conn.execute("SELECT url, read, starred FROM articles ORDER BY url").fetchall()
    notes = store.conn.execute("SELECT * FROM sync_articles ORDER BY article_id").fetchall()
    return feeds, [tuple(a) for a in articles], [tuple(n) for n in notes]


_BAD_VALUES: list[tuple[str, str | None, Any]] = [
    # (answer, field of each row or None for the whole answer, value)
    *[("getFeeds", None, v) for v in (None, "x", {}, 7)],
    *[("getFeeds", "id", v) for v in (None, "x", [], 2**63 - 1, KeyError)],
    *[("getFeeds", "feed_url", v) for v in (None, [], "", KeyError)],
    *[("getHeadlines", "id", v) for v in (None, "x", [], 0, 2**63 - 1, KeyError)],
    *[("getHeadlines", "unread", v) for v in (None, [], {}, "maybe", 2, KeyError)],
    *[("getHeadlines", "marked", v) for v in (None, [], {}, "maybe", 2, KeyError)],
    *[("getHeadlines", "note", v) for v in ([], {}, 3, KeyError)],
]


@pytest.mark.parametrize(("op", "key", "value"), _BAD_VALUES)
def test_an_answer_with_a_value_that_would_set_state_wrongly_changes_nothing_here(
    api: Callable[[Answer], str], store: Store, op: str, key: str | None, value: Any
) -> None:
    """A server's bad value was read as a default that is a real state: getFeeds' null as "no
    feeds" removed every linked feed here, a headline without "unread" marked it read, without
    "note" deleted the note, without an id starred nothing and took id 0. Now such an answer
    is refused whole: one error line, nothing here changed."""
    import copy

    from tui_reader.sync.engine import sync_once

    current = {"answers": copy.deepcopy(_ANSWERS)}

    def answer(req: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        content = current["answers"].get(req.get("op", ""), {"status": "OK"})
        if req.get("op") == "getHeadlines" and req.get("skip"):
            content = []
        return _ok(content)

    url = api(answer)
    assert sync_once(store, TtRssClient(url, "me"), "pw").errors == []
    before = _state(store)
    assert len(before[0]) == 2 and any(starred for _, _, starred in before[1])
    bad = copy.deepcopy(_ANSWERS)
    if key is None:
        bad[op] = value
    else:
        for row in bad[op]:
            if value is KeyError:
                del row[key]
            else:
                row[key] = value
    current["answers"] = bad
    summary = sync_once(store, TtRssClient(url, "me"), "pw")
    assert len(summary.errors) == 1 and f"tt-rss's {op} answer" in summary.errors[0]
    assert _state(store) == before


def test_a_server_that_repeats_a_page_of_headlines_is_stopped(
    api: Callable[[Answer], str],
) -> None:
    """A server that ignores "skip" gives the same full page for ever: it was read for ever."""
    page = [dict(_ANSWERS["getHeadlines"][0], id=100 + n) for n in range(200)]
    url = api(_login_then(lambda req: _ok(page)))
    client = TtRssClient(url, "me")
    client.login("pw")
    with pytest.raises(ServerError, match="repeats a page already given"):
        for _ in client.headlines(5):
            pass


def test_an_answer_compressed_twice_is_refused_before_it_is_inflated(
    api: Callable[[Answer], str],
) -> None:
    """The size cap counts what the last layer gives: 1.8 kB of "gzip, gzip" inflated a
    first layer of 1 GB in memory (2 GB peak) before it was refused."""
    import gzip

    inner = gzip.compress(b"\0" * 10_000_000)
    body = gzip.compress(inner)
    url = api(_login_then(lambda req: (200, body, {"Content-Encoding": "gzip, gzip"})))
    client = TtRssClient(url, "me")
    client.login("pw")
    with pytest.raises(ServerError, match="compressed more than once"):
        client.feeds()


def test_an_answer_trickled_a_byte_at_a_time_ends_at_the_deadline(
    api: Callable[[Answer], str],
) -> None:
    """The timeout bounded each read, so a byte a second never met it: a sync hung."""
    body = b" " * 400 + json.dumps({"seq": 0, "status": 0, "content": []}).encode()
    url = api(lambda req: (200, [body[i : i + 1] for i in range(len(body))], {}))
    client = TtRssClient(url, "me", limits=FetchLimits(timeout=1.0))
    started = time.monotonic()
    with pytest.raises(ServerError, match="did not answer login within"):
        client.login("pw")
    assert time.monotonic() - started < 10  # 20 s of trickle left when it gave up


@pytest.mark.parametrize("content", [None, [], "x", {"status": {}}])
def test_a_subscribe_answer_without_a_code_says_so(
    api: Callable[[Answer], str], content: Any
) -> None:
    """It said "tt-rss answered code -1": a code the server never sent (the client's own)."""
    client = TtRssClient(api(_login_then(lambda req: _ok(content))), "me")
    client.login("pw")
    assert client.subscribe("http://example.org/f.xml") == (
        False,
        "tt-rss's answer gives no status code",
    )


def _account_server(feed_ids: tuple[int, int], first_article: int) -> tuple[Answer, list[str]]:
    """A tt-rss account that has the two feeds of _ANSWERS under its own ids, and their
    articles under its own ids too (the same guids and links); and the ops it is asked, in order."""
    import copy

    answers = copy.deepcopy(_ANSWERS)
    for row, new_id in zip(answers["getFeeds"], feed_ids, strict=True):
        row["id"] = new_id
    for n, row in enumerate(answers["getHeadlines"]):
        row["id"] = first_article + n
        row["feed_id"] = feed_ids[n % 2]
    asked: list[str] = []

    def answer(req: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        asked.append(req.get("op", ""))
        if req.get("op") == "getHeadlines" and req.get("skip"):
            return _ok([])
        return _ok(answers.get(req.get("op", ""), {"status": "OK"}))

    return answer, asked


def test_a_changed_sync_account_links_afresh_and_removes_nothing_here(
    api: Callable[[Answer], str], store: Store
) -> None:
    """[sync]'s url or user changed: the links here were to the old account's ids, so every
    linked feed read as "unsubscribed there" and was removed here with its articles. Now the
    sync state remembers its account; another one starts over, as a first sync does."""
    from tui_reader.cli.sync import print_summary
    from tui_reader.sync.engine import sync_once

    old = api(_account_server((5, 6), 10)[0])
    assert sync_once(store, TtRssClient(old, "me"), "pw").errors == []
    before = _state(store)
    assert len(before[0]) == 2 and len(before[1]) == 3
    store.set_read([a.id for a in store.list_articles() if a.url.endswith("/0")], True)

    new = api(_account_server((50, 60), 500)[0])
    summary = sync_once(store, TtRssClient(new, "someone-else"), "pw")
    assert summary.errors == [] and summary.feeds_removed_here == []
    assert summary.account_before.endswith(" me")
    feeds, articles, _ = _state(store)
    assert feeds == before[0] and len(articles) == 3  # the same three, matched by guid
    assert {link.remote_id for link in state.feed_links(store).values()} == {50, 60}
    assert {a.url.rsplit("/", 1)[1]: a.read for a in store.list_articles()}["0"] is True
    out = io.StringIO()
    print_summary(summary, out)
    assert "account changed" in out.getvalue() and "nothing here was removed" in out.getvalue()
    # The same account again (its address written with another scheme): nothing is forgotten.
    again = sync_once(store, TtRssClient(new.replace("http://", "HTTP://"), "someone-else"), "pw")
    assert again.errors == [] and again.account_before == ""


def test_a_server_that_lists_no_feeds_gets_the_linked_ones_back(
    api: Callable[[Answer], str], store: Store
) -> None:
    """A server answering getFeeds with an empty list (an account reset, made anew) while
    feeds here are linked to it: every linked feed was removed here. Now they are kept and
    subscribed there again."""
    from tui_reader.sync.engine import sync_once

    answer, asked = _account_server((5, 6), 10)
    empty: dict[str, Any] = {}

    def server(req: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        if req.get("op") in empty:
            return _ok(empty[req["op"]])
        return answer(req)

    url = api(server)
    assert sync_once(store, TtRssClient(url, "me"), "pw").errors == []
    before = _state(store)
    empty.update({"getFeeds": [], "getHeadlines": []})
    summary = sync_once(store, TtRssClient(url, "me"), "pw")
    assert summary.feeds_removed_here == [] and summary.relinked == 2
    assert _state(store)[:2] == before[:2]
    assert asked.count("subscribeToFeed") == 2


def test_a_server_installed_anew_under_other_feed_ids_links_them_by_address(
    api: Callable[[Answer], str], store: Store
) -> None:
    """The same account at the same address, its server installed anew with the feeds imported
    (new ids for every feed and article): every linked feed was removed here and added again
    empty. Now they are linked afresh by address and their articles matched by guid."""
    from tui_reader.sync.engine import sync_once

    current = {"server": _account_server((5, 6), 10)[0]}
    url = api(lambda req: current["server"](req))
    assert sync_once(store, TtRssClient(url, "me"), "pw").errors == []
    before = _state(store)
    current["server"], asked = _account_server((70, 80), 900)
    summary = sync_once(store, TtRssClient(url, "me"), "pw")
    assert summary.errors == [] and summary.feeds_removed_here == [] and summary.relinked == 2
    assert _state(store)[:2] == before[:2]
    assert {link.remote_id for link in state.feed_links(store).values()} == {70, 80}
    assert asked.count("subscribeToFeed") == 0


def test_headers_trickled_a_byte_at_a_time_end_at_the_deadline() -> None:
    """httpx reads the status line and headers before the answer's own deadline applied: a
    server sending a header a byte at a time (each byte within the read timeout) held a sync
    for as long as it liked. The whole call now has one deadline."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(0.1):
                try:
                    conn.sendall(b"a")
                except OSError:
                    return

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    client = TtRssClient(f"http://127.0.0.1:{port}/tt-rss/", "me", limits=FetchLimits(timeout=1.0))
    outcome: list[BaseException] = []

    def login() -> None:
        try:
            client.login("pw")
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=login, daemon=True)
    started = time.monotonic()
    caller.start()
    caller.join(15)
    stop.set()
    listener.close()
    assert not caller.is_alive(), "the login still waited 15 s into a 1 s timeout"
    assert time.monotonic() - started < 5
    assert len(outcome) == 1 and isinstance(outcome[0], ServerError)
    assert "did not answer login within" in str(outcome[0])
