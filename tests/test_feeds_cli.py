"""The feeds commands, run as the user runs them, against a real server and store."""

from __future__ import annotations

import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.fixtures.feeds.builders import HTML_PAGE, rss
from tests.httpserver import TestServer
from tui_reader.cli import main
from tui_reader.feeds.welcome import WELCOME_URL
from tui_reader.paths import Paths
from tui_reader.store import Store

COMMANDS = ["add", "remove", "rename", "feeds", "import", "export-opml", "refresh"]


@pytest.fixture(autouse=True)
def small_limits(paths: Paths) -> None:
    paths.ensure()
    paths.config_file.write_text("[refresh]\ntimeout = 2.0\nmax_bytes = 500000\n")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def open_store(paths: Paths) -> Store:
    return Store.open(paths.database)


def test_add_stores_the_feed_and_its_articles(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/feed.xml", rss(3, title="Daily"))
    status, out, _ = run(capsys, "add", url, "--folder", "News/World")
    assert status == 0
    assert f"Subscribed to Daily in News/World: {url}" in out
    assert "3 articles stored." in out
    with open_store(paths) as store:
        feed = store.feed_by_url(url)
        assert feed is not None and (feed.folder, feed.total, feed.last_status) == (
            "News/World",
            3,
            "ok",
        )
        assert store.feed_by_url(WELCOME_URL) is not None  # the first use added it


def test_same_feed_added_twice(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/feed.xml", rss(2))
    assert run(capsys, "add", url)[0] == 0
    requests = len(server.requests)
    status, out, _ = run(capsys, "add", url, "--folder", "Other")
    assert status == 0 and "Already subscribed" in out and "nothing changed" in out
    assert len(server.requests) == requests  # no fetch needed
    with open_store(paths) as store:
        feeds = [f for f in store.list_feeds() if f.url == url]
        assert len(feeds) == 1 and feeds[0].folder == "" and feeds[0].total == 2


def test_add_a_web_page_finds_its_feed(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/feed.xml", rss(1, title="Posts"))
    server.route("/comments.xml", rss(1, title="Comments"))
    page = server.route("/", HTML_PAGE, content_type="text/html")
    status, out, _ = run(capsys, "add", page)
    assert status == 0 and f"(found on {page})" in out
    with open_store(paths) as store:
        assert store.feed_by_url(server.url("/feed.xml")) is not None
        assert store.feed_by_url(page) is None


def test_add_takes_a_feed_pseudo_scheme_address(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/feed.xml", rss(2, title="Daily"))
    status, out, _ = run(capsys, "add", f"feed:{url}")
    assert status == 0 and f"Subscribed to Daily: {url}" in out
    with open_store(paths) as store:
        assert store.feed_by_url(url) is not None
        assert store.feed_by_url(f"feed:{url}") is None


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.org/feed", "not a url"])
def test_add_refuses_urls_that_are_not_http(
    url: str, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "add", url)
    assert status == 2 and "not an http(s) URL" in err and out == ""
    with open_store(paths) as store:
        assert all(f.url != url for f in store.list_feeds())


def test_add_reports_fetch_and_format_errors(
    server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "add", server.url("/missing.xml"))
    assert status == 1 and err.strip().endswith("HTTP 404 Not Found")
    page = server.route("/page", b"<html><body>no feeds</body></html>", content_type="text/html")
    status, _, err = run(capsys, "add", page)
    assert status == 1 and "names no feed" in err
    assert "Traceback" not in err


def test_no_error_message_writes_an_escape_sequence_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command's error goes out through one print, which quoted what it was given raw:
    a file name (here) or a server's words holding an escape sequence reached the terminal."""
    name = tmp_path / "a\x1b]52;c;QUFB\x07\x1b[2Jb.opml"
    status, _, err = run(capsys, "import", str(name))
    assert status != 0 and "b.opml" in err
    assert "\x1b" not in err and "\x07" not in err


def test_feeds_table(server: TestServer, capsys: pytest.CaptureFixture[str]) -> None:
    good = server.route("/good.xml", rss(2, title="Good feed"))
    bad = server.route("/bad.xml", rss(1, title="Soon bad", prefix="b"))
    run(capsys, "add", good, "--folder", "Tech")
    run(capsys, "add", bad)
    server.route("/bad.xml", "gone", status=410, content_type="text/plain")
    run(capsys, "refresh")
    status, out, _ = run(capsys, "feeds")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "FOLDER", "UNREAD/TOTAL", "LAST", "RESULT"]
    good_line = next(line for line in lines if "Good feed" in line)
    assert "Tech" in good_line and "2/2" in good_line and "ok, just now" in good_line
    bad_line = next(line for line in lines if "Soon bad" in line)
    assert "1/1" in bad_line and "error: HTTP 410 Gone" in bad_line
    assert any("Welcome to tui-reader" in line for line in lines)


def test_rename(server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    url = server.route("/f.xml", rss(1, title="Old name"))
    run(capsys, "add", url)
    status, out, _ = run(capsys, "rename", "old NAME", "New name")
    assert status == 0 and out.strip() == "Renamed Old name to New name."
    run(capsys, "refresh")  # the feed's own title does not come back
    with open_store(paths) as store:
        feed = store.feed_by_url(url)
        assert feed is not None and feed.title == "New name"
        fid = feed.id
    assert run(capsys, "rename", str(fid), "By id")[0] == 0
    status, _, err = run(capsys, "rename", "no such feed", "x")
    assert status == 2 and "no feed called 'no such feed'" in err  # (a usage error: 2)


def test_remove_keeps_starred_articles_under_saved(
    server: TestServer, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/f.xml", rss(3, title="To go"))
    run(capsys, "add", url)
    with open_store(paths) as store:
        feed = store.feed_by_url(url)
        assert feed is not None
        starred = store.list_articles(feed_id=feed.id)[0]
        store.set_starred(starred.id, True)
    status, _, err = run(capsys, "remove", url)  # not a terminal: needs --yes
    assert status == 2 and "--yes" in err
    status, out, _ = run(capsys, "remove", "To go", "--yes")
    assert status == 0
    assert "Removed To go." in out and "1 article with highlights, notes or a star is kept" in out
    with open_store(paths) as store:
        assert store.feed_by_url(url) is None
        kept = store.get_article(starred.id)
        assert kept is not None and kept.starred and kept.feed_id is None
        assert [a.id for a in store.list_articles(saved=True)] == [starred.id]


def test_removed_welcome_feed_stays_removed(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "feeds")
    status, out, _ = run(capsys, "remove", "Welcome to tui-reader", "--yes")
    assert status == 0
    status, out, _ = run(capsys, "feeds")
    assert "Welcome" not in out and "No feeds yet" in out
    assert run(capsys, "add", WELCOME_URL)[0] == 0  # but it can be added back on purpose
    with open_store(paths) as store:
        assert store.feed_by_url(WELCOME_URL) is not None


def test_export_opml_replaces_a_file_whole_never_writes_into_it(
    tmp_path: Path, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    """All or nothing: the new OPML is written beside the old file and put in its place, so
    the old one is never half overwritten (a full disk, a crash), and a failed write leaves
    it as it was."""
    target = tmp_path / "subscriptions.opml"
    old = "<opml><!-- the only copy of someone's subscriptions --></opml>\n"
    target.write_text(old, encoding="utf-8")
    opml = tmp_path / "in.opml"
    opml.write_text('<opml><body><outline xmlUrl="https://one.example/feed.xml"/></body></opml>')
    assert run(capsys, "import", str(opml))[0] == 0
    with target.open(encoding="utf-8") as before:  # a reader of the old file, open meanwhile
        status, out, _ = run(capsys, "export-opml", str(target))
        assert status == 0 and "Wrote" in out
        assert before.read() == old  # the old file's data was never written into
    assert "https://one.example/feed.xml" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    status, _, err = run(capsys, "export-opml", str(tmp_path / "no-such-folder" / "x.opml"))
    assert status != 0 and "cannot write" in err and "Traceback" not in err


def test_import_and_export_round_trip(
    tmp_path: Path, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Sci">'
        '<outline text="Space"><outline text="NASA" xmlUrl="https://nasa.example/rss"/>'
        '</outline></outline><outline text="Top" xmlUrl="https://top.example/feed"/>'
        "</body></opml>"
    )
    status, out, _ = run(capsys, "import", str(opml))
    assert status == 0 and out.startswith("Imported 2 new feeds")
    status, out, _ = run(capsys, "import", str(opml))
    assert "Imported 0 new feeds" in out and "2 already subscribed (unchanged)" in out
    status, stdout_opml, _ = run(capsys, "export-opml")
    assert status == 0 and "https://nasa.example/rss" in stdout_opml
    target = tmp_path / "out.opml"
    status, out, _ = run(capsys, "export-opml", str(target))
    assert status == 0 and "Wrote 2 feeds" in out
    assert target.read_text(encoding="utf-8").count("xmlUrl") == 2
    with open_store(paths) as store:
        before = {(f.url, f.title, f.folder) for f in store.list_feeds() if f.url != WELCOME_URL}
        for f in store.list_feeds():
            store.remove_feed(f.id)
    run(capsys, "import", str(target))
    with open_store(paths) as store:
        after = {(f.url, f.title, f.folder) for f in store.list_feeds()}
    assert (
        after
        == before
        == {
            ("https://nasa.example/rss", "NASA", "Sci/Space"),
            ("https://top.example/feed", "Top", ""),
        }
    )


def test_import_a_file_that_is_not_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes, not XML")
    status, out, err = run(capsys, "import", str(bad))
    assert status == 1 and out == ""
    assert err.strip() == (
        f"tui-reader: {bad}: neither OPML nor a newsboat urls file nor newsboat's cache.db"
    )
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><head><title>x</title></head>\n<p>no outlines & no feeds")
    status, out, err = run(capsys, "import", str(broken))
    assert status == 1 and out == ""
    assert err.strip() == (
        f"tui-reader: {broken}: not an OPML file: it is not well-formed XML (line 2)"
    )


def test_refresh_summary_and_exit_status(
    server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    a = server.route("/a.xml", rss(2, title="Feed A", prefix="a"))
    b = server.route("/b.xml", rss(1, title="Feed B", prefix="b"))
    run(capsys, "add", a)
    run(capsys, "add", b)
    server.route("/a.xml", rss(4, title="Feed A", prefix="a"))
    status, out, _ = run(capsys, "refresh")
    assert status == 0
    assert "[3/3]" in out  # plain progress lines when not on a terminal
    assert "Feed A: new 2" in out
    assert "New articles: 2. Feeds: 2 fetched, 1 unchanged, 0 failed." in out
    server.route("/b.xml", "oops", status=500, content_type="text/plain")
    status, out, _ = run(capsys, "refresh", "Feed B")
    assert status == 1
    assert "[1/1] Feed B: error: HTTP 500 Internal Server Error" in out
    assert f"failed  Feed B ({b}): HTTP 500 Internal Server Error" in out
    status, _, err = run(capsys, "refresh", "nonexistent")
    assert status == 2 and "no feed called 'nonexistent'" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tui-reader {command}") and len(out.splitlines()) > 3


def test_feeds_commands_do_not_import_textual() -> None:
    code = (
        "import sys; from tui_reader.cli import build_parser; build_parser();"
        "import tui_reader.cli.feeds, tui_reader.feeds.refresh, tui_reader.feeds.discover;"
        "print('textual' in sys.modules, 'feedparser' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_a_refresh_imports_only_what_it_needs(
    server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tui-reader refresh` (issue 17: imports were a third of an all-304 refresh) loads
    neither the other commands' dependencies (the exporters, anchoring, page discovery and
    extraction, the app) nor importlib.resources to read the bundled welcome feed; nor the feed
    parsers (lxml, feedparser), which run in worker processes, whether every feed answers 304
    or one sends a new body (its parsed result comes back from a worker)."""
    version = ["v1"]

    def conditional(h: BaseHTTPRequestHandler) -> None:
        etag = f'"{version[0]}"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.end_headers()
            return
        body = rss(2 if version[0] == "v1" else 3, title="Feed A", prefix="a")
        h.send_response(200)
        h.send_header("ETag", etag)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    run(capsys, "add", server.route("/a.xml", conditional))
    unneeded = (
        "textual",
        "tui_reader.export",
        "tui_reader.anchor",
        "tui_reader.feeds.discover",
        "tui_reader.extract",
        "tui_reader.feeds.parse",
        "importlib.resources",
    )
    code = (
        "import sys; from tui_reader.cli import main; status = main(['refresh']);"
        f"print(status, [m for m in {unneeded!r} if m in sys.modules])"
    )

    def refresh() -> str:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout

    out = refresh()
    assert "Feeds: 0 fetched, 2 unchanged, 0 failed." in out
    assert out.splitlines()[-1] == "0 []", out
    version[0] = "v2"
    out = refresh()
    assert "New articles: 1. Feeds: 1 fetched, 1 unchanged, 0 failed." in out
    assert out.splitlines()[-1] == "0 []", out


def test_a_resolver_that_does_not_answer_holds_neither_the_refresh_nor_its_exit(
    server: TestServer, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A host name lookup cannot be cancelled: one that never answers left its executor
    thread blocked, and both the end of the refresh's event loop and the process's exit
    waited for that thread (as long as the resolver took), long after the feed's deadline."""
    good = server.route("/good.xml", rss(2, title="Good"))
    run(capsys, "add", good)
    with open_store(paths) as store:
        store.add_feed("http://feeds.unanswered.test/feed.xml")
    ended = tmp_path / "lookup-ended"
    code = (
        "import socket, time, sys\n"
        "real = socket.getaddrinfo\n"
        "def unanswered(host, *a, **k):\n"
        "    if host != 'feeds.unanswered.test':\n"
        "        return real(host, *a, **k)\n"
        "    time.sleep(20)\n"
        f"    open({str(ended)!r}, 'w').close()\n"
        "    raise socket.gaierror(socket.EAI_AGAIN, 'Temporary failure in name resolution')\n"
        "socket.getaddrinfo = unanswered\n"
        "from tui_reader.cli import main\n"
        "sys.exit(main(['refresh']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=18)
    assert not ended.exists()  # the process ended while the lookup still hung
    assert "feeds.unanswered.test" in done.stdout + done.stderr
    assert "timed out after 2 s" in done.stdout + done.stderr, done.stdout + done.stderr
    with open_store(paths) as store:
        feed = store.feed_by_url(good)
        assert feed is not None and feed.last_status == "ok" and feed.total == 2


def test_an_id_names_its_feed_even_when_another_is_titled_so(
    capsys: pytest.CaptureFixture[str], paths: Paths
) -> None:
    """A feed renamed "1" took feed 1's commands away ("'1' names 2 feeds; use an id")."""
    paths.ensure()
    with Store.open(paths.database) as store:
        first, _ = store.add_feed("http://a.example/feed", title="First")
        second, _ = store.add_feed("http://b.example/feed", title="Second")
    status, _, err = run(capsys, "rename", str(second.id), str(first.id))
    assert status == 0, err
    status, _, err = run(capsys, "rename", str(first.id), "Renamed")
    assert status == 0, err
    with Store.open(paths.database) as store:
        titles = {f.id: f.title for f in store.list_feeds()}
    assert titles[first.id] == "Renamed" and titles[second.id] == str(first.id)


@pytest.mark.parametrize("ident", ["99999999999999999999999", "caf\udce9", "-1"])
def test_an_article_id_no_store_can_hold_is_no_article(
    capsys: pytest.CaptureFixture[str], paths: Paths, ident: str
) -> None:
    paths.ensure()
    status, _, err = run(capsys, "export", "--article", ident)
    assert status == 1 and err.startswith("tui-reader: no article"), err


def test_feeds_columns_line_up_with_wide_characters_and_a_pipe_gets_whole_lines(
    capsys: pytest.CaptureFixture[str], paths: Paths
) -> None:
    """Columns were measured in characters: a CJK title (two cells a character) pushed the
    next columns out of line. Piped, the last column was cut at 120 columns all the same."""
    from tui_reader.cells import cells

    paths.ensure()
    with Store.open(paths.database) as store:
        store.add_feed("http://a.example/feed", title="日本語のニュース速報", folder="日本")
        store.add_feed("http://b.example/feed", title="Plain title", folder="news")
        feed, _ = store.add_feed("http://c.example/feed", title="Failing")
        store.record_fetch(feed.id, status="error", error="x" * 300)
    status, out, _ = run(capsys, "feeds")
    assert status == 0
    lines = [line for line in out.splitlines() if "/" in line and "example" not in line]
    ends = {cells(line[: line.index("/") + 2]) for line in lines if line[:3].strip().isdigit()}
    assert len(ends) == 1, out  # every UNREAD/TOTAL column ends in one cell
    assert "x" * 300 in out


@pytest.mark.parametrize(
    "argv",
    [
        ("add", "ftp://x.example/f"),
        ("add", "http:///x"),
        ("add", "http://x.example:99999/f"),  # (it was 1: the port was only read to fetch)
        ("remove", "-y", "no such feed"),
        ("rename", "no such feed", "x"),
        ("refresh", "no such feed"),
        ("export", "--feed", "no such feed"),
    ],
)
def test_naming_nothing_is_status_2_in_every_command(
    capsys: pytest.CaptureFixture[str], paths: Paths, argv: tuple[str, ...]
) -> None:
    paths.ensure()
    status, _, err = run(capsys, *argv)
    assert status == 2 and err.startswith("tui-reader: "), err
