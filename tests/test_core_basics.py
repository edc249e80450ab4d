"""Paths, config, sanitising, the document model and the store's guarantees."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui_reader.config import Config, ReaderConfig, load_config
from tui_reader.document import Block, Document, Span
from tui_reader.models import EntryData
from tui_reader.paths import Paths, get_paths
from tui_reader.sanitize import (
    clean_line,
    clean_text,
    clean_url,
    fast_clean,
    feed_address,
    is_web_url,
)
from tui_reader.store import Store, fts_query


def test_paths_follow_xdg(tmp_path: Path) -> None:
    paths = get_paths()
    assert str(paths.database).startswith(str(tmp_path / "xdg" / "data"))
    assert str(paths.config_file).startswith(str(tmp_path / "xdg" / "config"))
    assert str(paths.cache_dir).startswith(str(tmp_path / "xdg" / "cache"))


def test_import_opens_nothing(tmp_path: Path) -> None:
    """Importing every module creates no file or folder."""
    code = (
        "import tui_reader.cli, tui_reader.store, tui_reader.config, tui_reader.paths;"
        "import pkgutil, importlib, tui_reader;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages("
        "tui_reader.__path__, 'tui_reader.')]"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    assert not (tmp_path / "home").exists()


def test_locate_prints_every_path(paths: Paths) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui_reader", "locate"], capture_output=True, text=True, check=True
    ).stdout
    assert str(paths.database) in out
    assert str(paths.config_file) in out
    assert str(paths.export_dir) in out


def test_missing_config_is_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == (Config(), [])


def test_broken_config_names_the_problem(tmp_path: Path) -> None:
    f = tmp_path / "config.toml"
    f.write_text("[reader\nmeasure = 3")
    config, problems = load_config(f)
    assert config == Config()
    assert len(problems) == 1 and "not valid TOML" in problems[0] and str(f) in problems[0]


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Notepad saves UTF-8 with one: the whole file was refused, every setting ignored."""
    f = tmp_path / "config.toml"
    f.write_bytes(b"\xef\xbb\xbf[reader]\nmeasure = 66\n")
    config, problems = load_config(f)
    assert problems == [] and config.reader.measure == 66


def test_config_wrong_types_and_unknown_keys(tmp_path: Path) -> None:
    f = tmp_path / "config.toml"
    f.write_text(
        '[reader]\nmeasure = "wide"\nfoo = 1\n[refresh]\ntimeout = 5\nper_host = -2\n'
        '[keys]\nrefresh = "ctrl+r"\n[[colors]]\nname = "urgent"\ncolor = "magenta"\n'
    )
    config, problems = load_config(f)
    assert config.reader.measure == 80
    assert config.refresh.timeout == 5.0
    assert config.refresh.per_host == Config().refresh.per_host
    assert config.keys == {"refresh": "ctrl+r"}
    assert [c.name for c in config.colors] == ["urgent"]
    text = "\n".join(problems)
    assert "reader.measure" in text and "reader.foo" in text and "refresh.per_host" in text


def test_config_images_takes_one_of_its_words(tmp_path: Path) -> None:
    f = tmp_path / "config.toml"
    f.write_text('[reader]\nimages = "sixel"\n')
    config, problems = load_config(f)
    assert config.reader.images == "auto"
    assert problems == [f"{f}: reader.images must be one of auto, blocks, off; using 'auto'"]
    f.write_text('[reader]\nimages = "off"\n')
    assert load_config(f) == (Config(reader=ReaderConfig(images="off")), [])
    # Pictures in the reading pane: Sixel is not one of them (cells cannot carry it).
    f.write_text('[reader]\ninline_images = "sixel"\n')
    config, problems = load_config(f)
    assert config.reader.inline_images == "auto"
    assert problems == [
        f"{f}: reader.inline_images must be one of auto, kitty, blocks, off; using 'auto'"
    ]
    f.write_text('[reader]\ninline_images = "blocks"\n')
    assert load_config(f) == (Config(reader=ReaderConfig(inline_images="blocks")), [])


def test_c1_controls_in_mojibake_take_no_text_along() -> None:
    """UTF-8 read as latin-1 writes a closing quote as "\u00e2\u0080\u009d" and an opening one
    as "\u00e2\u0080\u009c": U+009D was taken for an 8-bit OSC introducer and everything up
    to the next U+009C (or the end) was dropped with it (corpus page 0688 lost most of its
    text). Now only the control characters go."""
    text = (
        "He said \u00e2\u0080\u009cyes\u00e2\u0080\u009d and left. The council met on"
        " Tuesday. She said \u00e2\u0080\u009cno\u00e2\u0080\u009d. \u00e2\u0080\u009dEnd of"
        " the story, with no quote after it."
    )
    out = clean_text(text)
    assert out == (
        "He said \u00e2yes\u00e2 and left. The council met on Tuesday. She said \u00e2no\u00e2."
        " \u00e2End of the story, with no quote after it."
    )


def test_clean_text_strips_terminal_sequences() -> None:
    hostile = (
        "a\x1b[31mred\x1b[0m \x1b]0;pwned\x07b \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ "
        "\x1bP+q\x1b\\ \x1b_apc\x1b\\ \x9b31m \x9d52;c;aGk=\x07 \u202eevil\u202c "
        "\U000e0041\U000e0042 z\u200b \x00\x07\x08"
    )
    out = clean_text(hostile)
    assert "\x1b" not in out and "\x9b" not in out and "\x9d" not in out
    assert "pwned" not in out and "apc" not in out
    # An 8-bit C1 introducer is one character of text, dropped alone: what followed it stays,
    # as plain text with nothing left to act on a terminal; but an 8-bit CSI with parameters
    # and a final byte goes whole, as an ESC [ one does ("31m" was left in a title).
    assert "  52;c;aGk= " in out and "31m" not in out
    assert "\u202e" not in out and "\U000e0041" not in out and "\u200b" not in out
    assert out.startswith("ared b link")
    assert "evil" in out


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        # As the VT500 parser (xterm, vte) reads a CSI: a C0 control inside it is executed
        # and does not end it, nor does a parameter after an intermediate (pyte's and chalk's
        # fixtures); "1mb" was left on screen.
        ("a\x1b[3\x7f1mb", "ab"),
        ("a\x1b[3\x001mb", "ab"),
        ("a\x1b[3\x071mb", "ab"),
        ("a\x1b[1 2mb", "ab"),
        ("a\x1b[10;\t\t10fb", "ab"),
        # CAN, SUB and ESC end it; a newline ends it here, the line kept.
        ("a\x1b[3\x18b", "ab"),
        ("a\x1b[3\x1b[1mb", "ab"),
        ("a\x1b[3\n1mb", "a\n1mb"),
    ],
)
def test_a_csi_runs_to_its_final_byte(hostile: str, shown: str) -> None:
    assert clean_text(hostile) == shown


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("a\x1b]0;title\x07b", "ab"),
        ("a\x1b]8;;https://e.org\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
        # CAN and SUB abort a string, as in a terminal (vte, xterm): the text after is text.
        ("a\x1b]0;title\x18b", "ab"),
        ("a\x1b_apc\x1ab", "ab"),
        # One left open ends with its line here: the next lines are kept.
        ("a\x1b]0;never ended\nsecond line\n\nthird", "a\nsecond line\n\nthird"),
    ],
)
def test_a_string_runs_to_its_terminator_and_no_further_than_its_line(
    hostile: str, shown: str
) -> None:
    assert clean_text(hostile) == shown


def test_blank_letters_and_8_bit_csi_leave_nothing() -> None:
    # Hangul fillers (default-ignorable: blank "letters" a name can be made of) go; a CSI in
    # its 8-bit form goes whole when it has parameters; mojibake's lone U+009B alone.
    assert clean_text("a\u3164b\uffa0c\u115f\u1160d") == "abcd"
    assert fast_clean("a\u17b4b\u2065c\U0001bca0d\U0001d173e\u3164") == "abcde"
    assert clean_text("Alpha\x9b31mBeta \x9b1;31;40mX") == "AlphaBeta X"
    assert clean_text("\u00e2\u0080\u009bquote\u00e2\u0080\u009c") == "\u00e2quote\u00e2"


def test_clean_text_caps_combining_marks() -> None:
    out = clean_text("e" + "\u0301" * 500)
    assert len(out) <= 4


def test_clean_line_folds_whitespace() -> None:
    assert clean_line("  a\n\tb\r\nc  ") == "a b c"


def test_clean_url_drops_tracking() -> None:
    assert clean_url("https://x.org/a?utm_source=rss&id=7&fbclid=abc") == "https://x.org/a?id=7"
    assert clean_url("https://x.org/a?b=1&c=2") == "https://x.org/a?b=1&c=2"
    assert is_web_url("https://x.org/") and not is_web_url("javascript:alert(1)")
    assert not is_web_url("file:///etc/passwd") and not is_web_url("http:///nohost")


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("feed:https://x.org/rss", "https://x.org/rss"),
        ("feed:http://x.org/rss", "http://x.org/rss"),
        ("FEED://x.org/rss", "https://x.org/rss"),
        ("feed:x.org/rss", "https://x.org/rss"),
        ("  x.org/feed.xml ", "https://x.org/feed.xml"),
        ("blog.x.org", "https://blog.x.org"),
        ("localhost:8080/feed?a=1", "https://localhost:8080/feed?a=1"),
        ("https://x.org/rss", "https://x.org/rss"),
        # Not addresses: left as they are, for the check that refuses them.
        ("mailto:a@x.org", "mailto:a@x.org"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("not a url", "not a url"),
        ("x.org:http/feed", "x.org:http/feed"),
        ("user@x.org/feed", "user@x.org/feed"),
        ("", ""),
    ],
)
def test_a_feed_address_as_typed_becomes_a_url(typed: str, url: str) -> None:
    assert feed_address(typed) == url


def test_document_offsets_match_text() -> None:
    doc = Document(
        title="T",
        blocks=(
            Block("heading", "Intro", level=1),
            Block("paragraph", "Hello bold world.", spans=(Span(6, 10, "strong"),)),
            Block("figure", "", src="http://img"),
            Block("list_item", "one"),
        ),
    )
    for block, (start, end) in zip(doc.blocks, doc.offsets, strict=True):
        assert doc.text[start:end] == block.text
    assert doc.block_at(doc.text.index("bold")) == 1
    assert Document.from_json(doc.to_json()) == doc
    md = doc.to_markdown()
    assert "Hello **bold** world." in md and "![](http://img)" in md


def test_markdown_escapes_hostile_text() -> None:
    doc = Document(title="[x](javascript:1)", blocks=(Block("paragraph", "# not a heading *x*"),))
    md = doc.to_markdown()
    assert "\\[x\\]" in md and "\\# not a heading \\*x\\*" in md


def _entries(n: int, prefix: str = "e") -> list[EntryData]:
    return [
        EntryData(
            guid=f"{prefix}{i}", url=f"http://x/{prefix}{i}", title=f"Title {i}", text=f"body {i}"
        )
        for i in range(n)
    ]


def test_store_refresh_keeps_read_and_starred(store: Store) -> None:
    feed, created = store.add_feed("http://x/feed")
    assert created and store.add_feed("http://x/feed")[1] is False
    assert store.upsert_entries(feed, _entries(3)) == (3, 0)
    first = store.list_articles(feed_id=feed.id)
    store.set_read([a.id for a in first])
    store.set_starred(first[0].id, True)
    changed = [EntryData(guid="e0", url="http://x/e0", title="Title 0 (updated)", text="b")]
    assert store.upsert_entries(feed, changed + _entries(3)[1:]) == (0, 1)
    after = {a.id: a for a in store.list_articles(feed_id=feed.id)}
    assert all(a.read for a in after.values())
    assert after[first[0].id].starred
    assert {a.uid for a in after.values()} == {a.uid for a in first}


def test_store_matches_by_id_never_by_link(store: Store) -> None:
    feed, _ = store.add_feed("http://x/feed")
    store.upsert_entries(feed, [EntryData(guid="a", url="http://x/1", title="t")])
    # Another id on the same link is another article (see store.identity)...
    assert store.upsert_entries(feed, [EntryData(guid="b", url="http://x/1", title="t")]) == (1, 0)
    # ...and the same id on another link is the same one.
    moved = [EntryData(guid="a", url="http://x/2", title="t")]
    assert store.upsert_entries(feed, moved) == (0, 1)
    assert sorted((a.guid, a.url) for a in store.list_articles()) == [
        ("a", "http://x/2"),
        ("b", "http://x/1"),
    ]


def test_store_dedupes_within_one_document_and_per_feed(store: Store) -> None:
    feed, _ = store.add_feed("http://x/feed")
    other, _ = store.add_feed("http://x/other")
    twice = [
        EntryData(guid="g", url="http://x/1", title="first"),
        EntryData(guid="g", url="http://x/1", title="second"),  # same guid again: the first wins
        EntryData(guid="", url="http://x/1", title="no id"),  # no guid: link and title
        EntryData(guid="", url="http://x/1", title="no id"),
    ]
    assert store.upsert_entries(feed, twice) == (2, 0)
    assert sorted(a.title for a in store.list_articles(feed_id=feed.id)) == ["first", "no id"]
    # Another feed with the same guid and link has its own article.
    assert store.upsert_entries(other, twice[:1]) == (1, 0)
    # A later refresh: the same guid with a new title updates that article.
    edited = [EntryData(guid="g", url="http://x/1", title="third")]
    assert store.upsert_entries(feed, edited) == (0, 1)
    assert sorted(a.title for a in store.list_articles(feed_id=feed.id)) == ["no id", "third"]
    assert [h.article.title for h in store.search("third")] == ["third"]
    with store.transaction() as c:  # raises if the search index and the table differ
        c.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def test_remove_feed_keeps_starred_articles(store: Store) -> None:
    feed, _ = store.add_feed("http://x/feed")
    store.upsert_entries(feed, _entries(3))
    keep = store.list_articles()[0]
    store.set_starred(keep.id, True)
    assert store.remove_feed(feed.id) == 1
    assert [a.id for a in store.list_articles(saved=True)] == [keep.id]
    assert store.list_feeds() == []


def test_prune_spares_starred(store: Store) -> None:
    feed, _ = store.add_feed("http://x/feed")
    store.upsert_entries(feed, _entries(4))
    arts = store.list_articles()
    store.set_read([a.id for a in arts])
    store.set_starred(arts[0].id, True)
    assert store.prune(older_than=9e18) == 3
    assert [a.id for a in store.list_articles()] == [arts[0].id]


def test_search_is_safe_for_any_input(store: Store) -> None:
    feed, _ = store.add_feed("http://x/feed")
    store.upsert_entries(feed, _entries(5))
    assert {h.article.title for h in store.search("body 3")} == {"Title 3"}
    for nasty in ['"', "AND OR NOT", "a:b", "(*)", "NEAR(", "'; DROP TABLE articles; --", ""]:
        store.search(nasty)
    assert fts_query('tit "body 2"') == '"tit" "body 2"'
    assert store.article_count() == 5


def test_migration_backs_up_existing_database(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.store import db, schema

    paths.ensure()
    store = Store.open(paths.database)
    store.add_feed("http://x/feed")  # still in the WAL: a file copy could miss it
    newer = (*schema.MIGRATIONS, "CREATE TABLE extra (x INTEGER);")
    monkeypatch.setattr(db, "MIGRATIONS", newer)
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(newer))
    upgraded = Store.open(paths.database)
    assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == len(newer)
    backups = list(paths.backups_dir.glob("*.sqlite3"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT url FROM feeds").fetchall() == [("http://x/feed",)]
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    store.close()
    upgraded.close()


def test_newer_schema_is_refused_untouched(paths: Paths) -> None:
    from tui_reader.store import StoreError

    paths.ensure()
    store = Store.open(paths.database)
    store.conn.execute("PRAGMA user_version = 99")
    store.close()
    with pytest.raises(StoreError, match="newer tui-reader"):
        Store.open(paths.database)


def test_two_connections_write_concurrently(paths: Paths) -> None:
    paths.ensure()
    Store.open(paths.database).close()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            s = Store.open(paths.database)
            feed, _ = s.add_feed(f"http://x/{n}")
            for i in range(30):
                s.upsert_entries(feed, _entries(5, prefix=f"{i}-"))
            s.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = Store.open(paths.database)
    assert s.article_count() == 4 * 30 * 5
    assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_one_markdown_escaper_for_documents_and_exports() -> None:
    """Document.to_markdown (``tui-reader extract``) and the exporter escape by the same rules
    (tui_reader.mdescape): no math, tag, comment or block id made by accident in either."""
    from tui_reader.export.mdtext import md_inline

    hostile = "Costs $5 for #members %% only ==now== <b> ^id1"
    doc = Document(blocks=(Block("paragraph", hostile), Block("paragraph", "1) not a list")))
    md = doc.to_markdown()
    assert md_inline(hostile) in md
    assert "Costs \\$5 for \\#members %\\% only =\\=now=\\= \\<b> \\^id1" in md
    assert "1\\) not a list" in md


def test_the_display_check_and_the_fast_path_come_from_sanitize_s_lists() -> None:
    """sanitize.control_map (the UI's last check before a terminal) marks exactly what
    clean_text removes outright, one for one; MAYBE_UNCLEAN (the fast paths' test, formerly
    copied in feeds/text.py and extract/text.py) misses nothing clean_text would change."""
    from tui_reader.sanitize import (
        MAYBE_UNCLEAN,
        REMOVED_BUT_SHOWN,
        clean_text,
        control_map,
        fast_clean,
        is_forbidden,
    )

    table = control_map()
    assert table[0x09] == table[0x0A] == " " and 0x09 not in control_map(whitespace=None)
    for cp in [*range(0x0, 0x3000), *range(0xD7F0, 0x10000), *range(0xE0000, 0xE0100)]:
        ch = chr(cp)
        line = f"a{ch}b"
        cleaned = clean_text(line)
        if cp in (0x09, 0x0A):
            continue
        if is_forbidden(ch):
            assert table[cp] == "\ufffd" and cleaned != line, hex(cp)
            assert ch.translate(table) == "\ufffd"
        elif cleaned == "ab" and ch not in REMOVED_BUT_SHOWN:
            # removed outright: the display check must know it
            raise AssertionError(f"{cp:#x} is removed by clean_text but not forbidden")
        if cleaned != line:
            assert MAYBE_UNCLEAN.search(line) or not line.isascii(), hex(cp)
        assert fast_clean(line) == cleaned


def test_a_fifo_where_the_config_and_the_saved_place_are_is_not_waited_on(
    tmp_path: Path,
) -> None:
    """Opening a FIFO waits for a writer: every command, and the app on a blank screen, hung
    for good."""
    import os

    from tui_reader.ui.session import read_session, session_path

    config = tmp_path / "config.toml"
    os.mkfifo(config)
    assert load_config(config) == (
        Config(),
        [f"{config} is not a regular file: not a config file; using defaults"],
    )
    database = tmp_path / "reader.sqlite3"
    os.mkfifo(session_path(database))
    assert read_session(database) is None


def test_no_home_folder_is_one_clear_error_or_exports_beside_the_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """HOME unset and a user with no passwd entry (containers, DynamicUser=): platformdirs'
    RuntimeError was a traceback in every command, even with the XDG folders given."""
    import os

    from tui_reader.paths import NoHome

    for var in ("HOME", "TUI_READER_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DOCUMENTS_DIR"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # (no home to expand to)
    with pytest.raises(NoHome, match="no home folder"):
        get_paths()
    for var in ("DATA", "CONFIG", "CACHE", "STATE"):
        monkeypatch.setenv(f"XDG_{var}_HOME", str(tmp_path / var.lower()))
    paths = get_paths()
    assert paths.data_dir == tmp_path / "data" / "tui-reader"
    assert paths.export_dir == paths.data_dir / "exports"
