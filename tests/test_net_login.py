"""A feed behind a login: the user name and password in its address (``user:password@host``),
sent as HTTP Basic (RFC 7617) to its own server only, kept across that server's redirects."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tests.httpserver import Handler, Response, TestServer
from tui_reader.net import FetchError, carry_login, fetch
from tui_reader.paths import Paths

FEED = b"<rss version='2.0'><channel><title>Private</title></channel></rss>"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _guarded(user: str, password: str) -> Handler:
    """A route that answers 200 to that login only, 401 otherwise."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        ok = request.headers.get("Authorization") == _basic(user, password)
        body = FEED if ok else b""
        request.send_response(200 if ok else 401)
        if not ok:
            request.send_header("WWW-Authenticate", 'Basic realm="feeds"')
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


@pytest.fixture
def other() -> Iterator[TestServer]:
    srv = TestServer().start()
    yield srv
    srv.stop()


def _with_login(url: str, login: str) -> str:
    return url.replace("http://", f"http://{login}@", 1)


def test_the_login_in_the_address_is_sent(server: TestServer) -> None:
    url = server.route("/feed", _guarded("al ice", "p@ss:wörd"))
    # Percent-escapes are the address's: the login is sent decoded, in UTF-8.
    result = fetch(_with_login(url, "al%20ice:p%40ss%3Aw%C3%B6rd"))
    assert result.status == 200 and result.body == FEED
    assert server.requests[-1].headers["authorization"] == _basic("al ice", "p@ss:wörd")
    assert server.requests[-1].headers["host"] == f"127.0.0.1:{server.port}"  # (no login)


def test_a_feed_that_asks_for_a_login_says_so(server: TestServer) -> None:
    url = server.route("/feed", _guarded("a", "b"))
    with pytest.raises(FetchError, match="asks for a user name and password") as missing:
        fetch(url)
    assert missing.value.status == 401 and "authorization" not in server.requests[-1].headers
    with pytest.raises(FetchError, match="user name and password in its address were refused"):
        fetch(_with_login(url, "a:wrong"))


def test_the_login_follows_its_own_servers_moves(server: TestServer) -> None:
    """A permanent move to the same server, by a full address without the login: the login
    goes along, and the new address (which the refresh stores) keeps it."""
    new = server.route("/new", _guarded("a", "b"))
    old = server.route("/old", "", status=301, headers={"Location": new})
    result = fetch(_with_login(old, "a:b"))
    assert result.status == 200 and result.permanent_url == _with_login(new, "a:b")


def test_the_login_never_goes_to_another_server(server: TestServer, other: TestServer) -> None:
    away = other.route("/feed", Response(FEED))
    start = server.route("/feed", "", status=302, headers={"Location": away})
    result = fetch(_with_login(start, "a:secret"))
    assert result.status == 200 and result.url == away
    assert "authorization" in server.requests[-1].headers
    assert "authorization" not in other.requests[-1].headers


@pytest.mark.parametrize(
    ("source", "target", "carried"),
    [
        ("http://u:p@h.example/a", "http://h.example/b", "http://u:p@h.example/b"),
        ("http://u:p@h.example/a", "https://h.example/b", "https://u:p@h.example/b"),
        ("http://u:p@H.example:80/a", "http://h.example/b", "http://u:p@h.example/b"),
        ("https://u:p@h.example/a", "http://h.example/b", None),  # never down to http
        ("http://u:p@h.example/a", "http://h.example:8080/b", None),
        ("http://u:p@h.example/a", "http://h.example.evil/b", None),
        ("http://u:p@h.example/a", "http://v:q@h.example/b", None),  # its own login
        ("http://h.example/a", "http://h.example/b", None),
    ],
)
def test_which_moves_keep_the_login(source: str, target: str, carried: str | None) -> None:
    assert carry_login(source, target) == (carried or target)


def test_a_private_feed_is_added_and_refreshed_with_its_login(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the CLI and the store: added, moved for good within its server, refreshed."""
    from tests.fixtures.feeds.builders import rss
    from tui_reader.cli import main
    from tui_reader.store import Store

    body = rss(3, title="Private")

    def handler(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("Authorization") != _basic("a", "b"):
            request.send_response(401)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    new = server.route("/new.xml", handler)
    old = server.route("/old.xml", "", status=301, headers={"Location": new})
    assert main(["add", _with_login(old, "a:b")]) == 0
    added = capsys.readouterr().out
    assert _with_login(new, "a:***") in added and ":b@" not in added  # (shown, not stored)
    assert main(["refresh"]) == 0
    out = capsys.readouterr().out
    assert "0 failed" in out
    with Store.open(paths.database) as store:
        feed = store.feed_by_url(_with_login(new, "a:b"))
        assert feed is not None and feed.total == 3 and feed.last_status in ("ok", "unchanged")


def test_a_page_behind_a_login_names_its_feed(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    """`add` of a page: the feed it names by a full address on the same server is fetched,
    and stored, with the page's login."""
    from tests.fixtures.feeds.builders import rss
    from tui_reader.cli import main
    from tui_reader.store import Store

    feed = server.url("/feed.xml")
    page = (
        f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed}"></head></html>'
    )

    def guarded(body: bytes, kind: str) -> Handler:
        def handler(request: BaseHTTPRequestHandler) -> None:
            ok = request.headers.get("Authorization") == _basic("a", "b")
            data = body if ok else b""
            request.send_response(200 if ok else 401)
            request.send_header("Content-Type", kind)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)

        return handler

    server.route("/feed.xml", guarded(rss(2, title="Members"), "application/rss+xml"))
    home = server.route("/", guarded(page.encode(), "text/html; charset=utf-8"))
    assert main(["add", _with_login(home, "a:b")]) == 0, capsys.readouterr()
    with Store.open(paths.database) as store:
        found = store.feed_by_url(_with_login(feed, "a:b"))
        assert found is not None and found.total == 2


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://u:secret@h.example/f", "https://u:***@h.example/f"),
        ("https://u:p%40ss@h.example:8443/f?q=1", "https://u:***@h.example:8443/f?q=1"),
        ("https://token@h.example/f", "https://token@h.example/f"),  # no password in it
        ("https://u:@h.example/f", "https://u:***@h.example/f"),
        ("https://h.example/a@b", "https://h.example/a@b"),  # an @ in the path
        ("https://h.example/f", "https://h.example/f"),
    ],
)
def test_a_password_is_never_shown(url: str, shown: str) -> None:
    from tui_reader.models import Feed
    from tui_reader.sanitize import shown_url

    assert shown_url(url) == shown
    assert Feed(id=1, url=url, title="").display_title == shown
