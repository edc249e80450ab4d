"""`tui-reader sync` against a real Tiny Tiny RSS (tests/ttrss.py): PostgreSQL, PHP, tt-rss's
own code. The other device is tt-rss's API driven raw (tests.ttrss.Api) or SQL in its
database; this side is the real store and the real command."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.ttrss import Api, TtRss, User, rss
from tui_reader.cli import main
from tui_reader.config import load_config
from tui_reader.paths import Paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store
from tui_reader.sync import SyncSummary, run_sync

pytestmark = pytest.mark.xdist_group("ttrss")


@dataclass
class Account:
    server: TtRss
    user: User
    api: Api
    paths: Paths
    tag: str

    def feed(self, name: str, items: list[dict[str, str]], title: str = "") -> str:
        """Serve a feed at http://[::1]/<tag>-<name>.xml (fresh per test: tt-rss never
        re-adds a guid it once had)."""
        return self.server.feeds.put(f"{self.tag}-{name}.xml", rss(title or name, items))

    def item(self, n: int, *, guid: bool = True) -> dict[str, str]:
        it = {
            "title": f"Article {n} {self.tag}",
            "link": f"http://example.org/{self.tag}/{n}",
            "description": f"<p>Body of article {n}, about rivers and {self.tag}.</p>",
            "pubDate": f"Mon, 0{1 + n % 9} Jun 2026 10:00:00 GMT",
        }
        if guid:
            it["guid"] = f"urn:{self.tag}:{n}"
        return it

    def sync(self, url: str | None = None) -> SyncSummary:
        config, problems = load_config(self.paths.config_file)
        assert problems == []
        if url:
            from dataclasses import replace

            config = replace(config, sync=replace(config.sync, url=url))
        return run_sync(self.paths.database, config)

    def store(self) -> Store:
        return Store.open(self.paths.database)

    def remote(self, feed_id: int = -4) -> dict[str, dict[str, Any]]:
        """The server's headlines by link."""
        return {h["link"]: h for h in self.api.headlines(feed_id)}


@pytest.fixture
def account(
    ttrss_server: TtRss, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Account]:
    user = ttrss_server.new_user()
    monkeypatch.setenv("TUI_READER_SYNC_PASSWORD", user.password)
    paths.ensure()
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{ttrss_server.url}"\nuser = "{user.login}"\n'
    )
    Store.open(paths.database).close()
    yield Account(ttrss_server, user, Api(ttrss_server, user), paths, uuid.uuid4().hex[:10])


def _by_link(store: Store) -> dict[str, Any]:
    return {a.url: a for a in store.list_articles()}


def _journal(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM sync_journal").fetchone()[0])


# -- the first sync ---------------------------------------------------------------------------


def test_first_sync_of_an_existing_account_merges_both_sides(account: Account) -> None:
    a = account
    tech = a.server.add_category(a.user, "Tech")
    url1 = a.feed("one", [a.item(1), a.item(2), a.item(3)], "Feed One")
    url2 = a.feed("two", [a.item(4, guid=False), a.item(5)], "Feed Two")
    f1 = a.api.subscribe(url1, tech)
    f2 = a.api.subscribe(url2)
    a.api.update(f1)
    a.api.update(f2)
    remote = a.remote()
    a.api.call("updateArticle", article_ids=str(remote[a.item(1)["link"]]["id"]), field=2, mode=0)
    a.api.call("updateArticle", article_ids=str(remote[a.item(2)["link"]]["id"]), field=0, mode=1)
    a.api.call(
        "updateArticle", article_ids=str(remote[a.item(3)["link"]]["id"]), field=3, data="server"
    )
    # This side already reads feed two: article 4 (no guid: matched by link) read here,
    # article 5 (guid: matched by the SHA1 of its guid, though the link differs) starred.
    with a.store() as s:
        feed, _ = s.add_feed(url2, title="Mine")
        from tui_reader.models import EntryData

        s.upsert_entries(
            feed,
            [
                EntryData(guid="", url=a.item(4)["link"], title="Article 4"),
                EntryData(guid=a.item(5)["guid"], url="http://elsewhere/5", title="Article 5"),
            ],
        )
        local = _by_link(s)
        s.set_read([local[a.item(4)["link"]].id])
        s.set_starred(local["http://elsewhere/5"].id, True)

    summary = a.sync()

    assert summary.errors == []
    assert summary.feeds_added_here == [url1]
    assert summary.articles_new == 3 and summary.articles_matched == 2
    with a.store() as s:
        feeds = {f.url: f for f in s.list_feeds()}
        assert feeds[url1].folder == "Tech" and feeds[url2].folder == ""
        arts = _by_link(s)
        assert len(arts) == 5
        assert arts[a.item(1)["link"]].read and not arts[a.item(2)["link"]].read
        assert arts[a.item(2)["link"]].starred
        assert s.get_article_note(arts[a.item(3)["link"]].id) == "server"
        assert "rivers" in s.get_body(arts[a.item(2)["link"]].id).content
        assert [h.article.url for h in s.search("rivers")]  # indexed like any article
        assert arts[a.item(4)["link"]].read and arts["http://elsewhere/5"].starred
        assert _journal(s) == 0
    remote = a.remote()
    assert remote[a.item(4)["link"]]["unread"] is False  # read here: pushed
    assert remote[a.item(5)["link"]]["marked"] is True
    # A second sync finds nothing to do, and nothing flips back.
    again = a.sync()
    assert again == SyncSummary()


# -- subscriptions ----------------------------------------------------------------------------


def test_subscribe_and_unsubscribe_on_each_side(account: Account) -> None:
    a = account
    there = a.feed("there", [a.item(1)])
    here = a.feed("here", [a.item(2)])
    a.api.update(a.api.subscribe(there))
    with a.store() as s:
        s.add_feed(here, title="Here")
    summary = a.sync()
    assert summary.errors == []
    assert summary.feeds_added_here == [there] and summary.feeds_added_there == [here]
    server_feeds = {f["feed_url"]: f["id"] for f in a.api.call("getFeeds", cat_id=-3)}
    assert set(server_feeds) == {there, here}
    with a.store() as s:
        assert {f.url for f in s.list_feeds()} == {there, here}

    # Unsubscribe each on the other side.
    a.api.call("unsubscribeFeed", feed_id=server_feeds[there])
    with a.store() as s:
        feed = s.feed_by_url(here)
        assert feed is not None
        s.remove_feed(feed.id)
    summary = a.sync()
    assert summary.errors == []
    assert summary.feeds_removed_here == [there] and summary.feeds_removed_there == [here]
    assert a.api.call("getFeeds", cat_id=-3) == []
    with a.store() as s:
        assert s.list_feeds() == []
    assert a.sync() == SyncSummary()


def test_an_article_with_highlights_is_kept_under_saved_when_the_server_unsubscribes(
    account: Account,
) -> None:
    a = account
    url = a.feed("hl", [a.item(1), a.item(2)])
    fid = a.api.subscribe(url)
    a.api.update(fid)
    a.sync()
    with a.store() as s:
        arts = _by_link(s)
        kept = arts[a.item(1)["link"]]
        add_highlight(s, kept.id, "rivers and more", 0, 6, "yellow")
    a.api.call("unsubscribeFeed", feed_id=fid)
    summary = a.sync()
    assert summary.feeds_removed_here == [url] and summary.kept_in_saved == 1
    with a.store() as s:
        saved = s.list_articles(saved=True)
        assert [x.url for x in saved] == [a.item(1)["link"]]
        assert len(s.list_highlights(saved[0].id)) == 1
        assert s.article_count() == 1


# -- read and starred -------------------------------------------------------------------------


def _two_synced(a: Account) -> tuple[dict[str, Any], dict[str, Any]]:
    url = a.feed("flags", [a.item(1), a.item(2), a.item(3)])
    a.api.update(a.api.subscribe(url))
    assert a.sync().articles_new == 3
    with a.store() as s:
        return _by_link(s), a.remote()


def test_read_and_starred_changes_on_each_side(account: Account) -> None:
    a = account
    local, remote = _two_synced(a)
    l1, l2, l3 = (a.item(n)["link"] for n in (1, 2, 3))
    with a.store() as s:
        s.set_read([local[l1].id])
        s.set_starred(local[l1].id, True)
        s.set_article_note(local[l3].id, "my note")
    a.api.call("updateArticle", article_ids=str(remote[l2]["id"]), field=2, mode=0)
    a.api.call("updateArticle", article_ids=str(remote[l2]["id"]), field=0, mode=1)
    summary = a.sync()
    assert summary.errors == []
    assert (summary.read_pushed, summary.starred_pushed, summary.notes_pushed) == (1, 1, 1)
    assert (summary.read_pulled, summary.starred_pulled) == (1, 1)
    remote = a.remote()
    assert remote[l1]["unread"] is False and remote[l1]["marked"] is True
    assert remote[l3]["note"] == "my note"
    with a.store() as s:
        arts = _by_link(s)
        assert arts[l2].read and arts[l2].starred
        assert _journal(s) == 0
    assert a.sync() == SyncSummary()


def test_both_sides_at_once_a_change_here_since_the_last_sync_wins(account: Account) -> None:
    a = account
    local, remote = _two_synced(a)
    l1, l2 = a.item(1)["link"], a.item(2)["link"]
    # Article 1: read here and unread again (a change here), read there: here wins.
    # Article 2: read here, starred there: two flags, both kept.
    with a.store() as s:
        s.set_read([local[l1].id])
        s.set_read([local[l1].id], False)
        s.set_read([local[l2].id])
        s.set_article_note(local[l2].id, "here")
    a.api.call("updateArticle", article_ids=str(remote[l1]["id"]), field=2, mode=0)
    a.api.call("updateArticle", article_ids=str(remote[l2]["id"]), field=0, mode=1)
    a.api.call("updateArticle", article_ids=str(remote[l2]["id"]), field=3, data="there")
    summary = a.sync()
    assert summary.errors == []
    remote = a.remote()
    with a.store() as s:
        arts = _by_link(s)
        assert not arts[l1].read and remote[l1]["unread"] is True
        assert arts[l2].read and arts[l2].starred
        assert remote[l2]["unread"] is False and remote[l2]["marked"] is True
        assert s.get_article_note(arts[l2].id) == "here" and remote[l2]["note"] == "here"
    # Nothing flips back and forth.
    for _ in range(2):
        assert a.sync() == SyncSummary()
    with a.store() as s:
        assert not _by_link(s)[l1].read


def test_offline_changes_are_pushed_later_in_order(account: Account) -> None:
    a = account
    local, _ = _two_synced(a)
    l1, l2 = a.item(1)["link"], a.item(2)["link"]
    with a.store() as s:
        s.set_starred(local[l1].id, True)
        s.set_starred(local[l1].id, False)
        s.set_starred(local[l1].id, True)
        s.mark_feed_read(local[l1].feed_id or 0)
        s.set_read([local[l2].id], False)
    # Offline: nothing answers on the configured port.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    summary = a.sync(url=dead)
    assert summary.failed_at_start and len(summary.errors) == 1
    assert "cannot reach tt-rss" in summary.errors[0]
    with a.store() as s:
        assert _journal(s) == 7  # 3 stars, 3 marked read, 1 unread again
    summary = a.sync()
    assert summary.errors == []
    assert summary.starred_pushed == 1 and summary.read_pushed == 3
    remote = a.remote()
    assert remote[l1]["marked"] is True
    assert remote[l2]["unread"] is True  # the last change to it: unread again
    assert remote[a.item(3)["link"]]["unread"] is False
    with a.store() as s:
        assert _journal(s) == 0
    assert a.sync() == SyncSummary()


# -- failures ---------------------------------------------------------------------------------


class _Proxy:
    """Forwards the API to tt-rss, then goes down (closes every connection unanswered)
    after ``limit`` calls: the server dying mid-sync."""

    def __init__(self, target: str, limit: int) -> None:
        self.target, self.limit, self.calls = target, limit, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are written apart: with Nagle on, the body waited for the
            # client's delayed ACK, ~40 ms per answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                import urllib.request

                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                proxy.calls += 1
                if proxy.calls > proxy.limit:
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                req = urllib.request.Request(
                    proxy.target + self.path.lstrip("/"),
                    body,
                    {k: v for k, v in self.headers.items() if k.lower() != "host"},
                )
                with urllib.request.urlopen(req, timeout=30) as r:
                    data = r.read()
                    status = r.status
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_server_going_down_mid_sync_loses_nothing(account: Account) -> None:
    a = account
    urls = [a.feed(f"down{n}", [a.item(n * 10 + i) for i in range(3)]) for n in range(3)]
    for url in urls:
        a.api.update(a.api.subscribe(url))
    with a.store() as s:
        s.add_feed(a.feed("mine", [a.item(99)]), title="Mine")
    remote = a.remote()
    a.api.call("updateArticle", article_ids=str(remote[a.item(0)["link"]]["id"]), field=0, mode=1)
    # Cut the server off after 2, 3, ... calls: every step of the sync is interrupted once.
    cut = 2
    while True:
        proxy = _Proxy(a.server.url, cut)
        try:
            summary = a.sync(url=proxy.url)
        finally:
            proxy.close()
        if not summary.errors:
            break
        assert any("cannot reach tt-rss" in e or "broke" in e for e in summary.errors)
        with a.store() as s:
            links = [a_.url for a_ in s.list_articles()]
            assert len(links) == len(set(links))  # no article twice
        cut += 1
        assert cut < 40
    assert cut - 2 >= 4  # cut at least four times, each time further on
    a.api.update(a.api.subscribe(a.feed("mine", [a.item(99)])))
    a.sync()
    with a.store() as s:
        arts = _by_link(s)
        assert len(arts) == 10
        assert arts[a.item(0)["link"]].starred
        assert {f.url for f in s.list_feeds()} == {*urls, a.feed("mine", [a.item(99)])}
    assert a.sync() == SyncSummary()


def test_a_wrong_password_is_one_clear_line(
    account: Account, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TUI_READER_SYNC_PASSWORD", "not-the-password-42")
    assert main(["sync"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"tui-reader: sync: tt-rss refused the login of {account.user.login!r}:"
        " wrong user name or password\n"
    )
    assert "not-the-password-42" not in out + err


def test_the_sync_command_prints_a_summary_and_refresh_pulls_from_the_server(
    account: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    a = account
    url = a.feed("cli", [a.item(1), a.item(2)])
    fid = a.api.subscribe(url)
    a.api.update(fid)
    assert main(["sync"]) == 0
    out = capsys.readouterr().out
    assert "Feeds: 1 added here, 0 removed here" in out
    assert "Articles: 2 fetched." in out
    # With sync on, `refresh` pulls what the server fetched; it fetches no feed itself.
    a.server.feeds.put(f"{a.tag}-cli.xml", rss("cli", [a.item(1), a.item(2), a.item(3)]))
    a.api.update(fid)
    requests_before = a.server.feeds.hits
    assert main(["refresh"]) == 0
    assert "Articles: 1 fetched." in capsys.readouterr().out
    assert a.server.feeds.hits == requests_before
    with a.store() as s:
        assert s.article_count() == 3


async def test_the_app_syncs_on_r_with_sync_on(account: Account) -> None:
    from tests.test_app import main, settle, titles
    from tui_reader.feeds.welcome import WELCOME_SETTING
    from tui_reader.ui.app import ReaderApp

    a = account
    url = a.feed("app", [a.item(1)])
    fid = a.api.subscribe(url)
    a.api.update(fid)
    with a.store() as s:
        s.set_setting(WELCOME_SETTING, "1")
    config, _ = load_config(a.paths.config_file)
    app = ReaderApp(a.paths, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert titles(app) == []
        hits = a.server.feeds.hits
        await pilot.press("r")
        await settle(pilot)
        assert not main(app).query_one("#refresh-bar").display
        assert titles(app) == [a.item(1)["title"]]
        assert any("1 new article" in n.message for n in app._notifications)
        assert a.server.feeds.hits == hits  # no feed fetched from here: pulled from tt-rss


def test_a_sync_killed_at_any_moment_loses_nothing(account: Account) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    a = account
    urls = [a.feed(f"kill{n}", [a.item(n * 100 + i) for i in range(40)]) for n in range(5)]
    for url in urls:
        a.api.update(a.api.subscribe(url))
    with a.store() as s:
        s.add_feed(a.feed("kmine", [a.item(999)]), title="Mine")
    remote = a.remote()
    a.api.call("updateArticle", article_ids=str(remote[a.item(0)["link"]]["id"]), field=0, mode=1)
    # kill -9 after 0.3 s, 0.6 s, ...: wherever it lands, the next sync completes the work.
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui_reader", "sync"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        with a.store() as s:
            links = [x.url for x in s.list_articles()]
            assert len(links) == len(set(links))
    summary = a.sync()
    assert summary.errors == []
    with a.store() as s:
        arts = _by_link(s)
        assert len(arts) == 200 and arts[a.item(0)["link"]].starred
        assert _journal(s) == 0
        assert {f.url for f in s.list_feeds()} == {*urls, a.feed("kmine", [a.item(999)])}
    server_feeds = {f["feed_url"] for f in a.api.call("getFeeds", cat_id=-3)}
    assert server_feeds == {*urls, a.feed("kmine", [a.item(999)])}
    assert a.sync() == SyncSummary()


def test_sync_full_reads_what_counts_cannot_show(
    account: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    a = account
    _two_synced(a)
    remote = a.remote()
    l1, l2 = a.item(1)["link"], a.item(2)["link"]
    with a.store() as s:
        s.set_read([_by_link(s)[l2].id])
    assert a.sync().read_pushed == 1
    # There: article 1 read, article 2 unread again (the unread count stays), a note on 3.
    a.api.call("updateArticle", article_ids=str(remote[l1]["id"]), field=2, mode=0)
    a.api.call("updateArticle", article_ids=str(remote[l2]["id"]), field=2, mode=1)
    a.api.call("updateArticle", article_ids=str(remote[a.item(3)["link"]]["id"]), field=3, data="n")
    assert main(["sync", "--full"]) == 0
    assert "Pulled: 2 read/unread, 0 starred, 1 notes." in capsys.readouterr().out
    with a.store() as s:
        arts = _by_link(s)
        assert arts[l1].read and not arts[l2].read
        assert s.get_article_note(arts[a.item(3)["link"]].id) == "n"
    assert a.sync() == SyncSummary()


def test_a_refresh_that_syncs_takes_the_normal_exit(account: Account, tmp_path: Path) -> None:
    # As the console script runs it (tui_reader.cli.run): only a refresh of the feeds themselves
    # ends its process at once; a sync (an HTTP client, a password store) exits as usual.
    from tests.test_cli_exit import run_script

    a = account
    a.api.update(a.api.subscribe(a.feed("exit", [a.item(1)])))
    done = run_script("plain", str(tmp_path / "unused"), "refresh")
    assert done.returncode == 0, done.stderr
    assert "Articles: 1 fetched." in done.stdout
    assert "NORMAL EXIT" in done.stdout


def test_another_account_links_afresh_and_removes_nothing_here(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[sync] user changed to another account of the same server that reads the same feeds
    (under its own feed ids): every feed here was "unsubscribed there" and removed. Now the
    links are made afresh; the articles here are matched to the new account's by guid."""
    a = account
    urls = [a.feed("one", [a.item(1), a.item(2)]), a.feed("two", [a.item(3)])]
    for url in urls:
        a.api.update(a.api.subscribe(url))
    assert a.sync().errors == []
    with a.store() as s:
        s.set_read([_by_link(s)[a.item(1)["link"]].id])
        before = sorted((x.url, x.read) for x in s.list_articles())
    assert len(before) == 3

    other = a.server.new_user()
    other_api = Api(a.server, other)
    for url in urls:
        other_api.update(other_api.subscribe(url))
    monkeypatch.setenv("TUI_READER_SYNC_PASSWORD", other.password)
    a.paths.config_file.write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{a.server.url}"\nuser = "{other.login}"\n'
    )
    summary = a.sync()
    assert summary.errors == [] and summary.feeds_removed_here == []
    assert summary.account_before.endswith(f" {a.user.login}")
    with a.store() as s:
        assert sorted((x.url, x.read) for x in s.list_articles()) == before
        assert sorted(f.url for f in s.list_feeds()) == sorted(urls)
    # The read state here reached the new account.
    assert (
        other_api.headlines(-4)
        and not {h["link"]: h for h in other_api.headlines(-4)}[a.item(1)["link"]]["unread"]
    )
