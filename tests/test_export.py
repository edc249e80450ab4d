"""Markdown export: the golden file, exporting again without losing or duplicating anything,
safe names, hostile text, atomic writes and unwritable folders."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui_reader.anchor import make_selector
from tui_reader.document import Block, Document
from tui_reader.export import ExportError, export_all, export_article, export_many
from tui_reader.export.files import atomic_write, index_folder, safe_filename
from tui_reader.export.markdown import UNANCHORED_HEADING as UNANCHORED
from tui_reader.export.regions import find_regions, split_front_matter
from tui_reader.models import Article, EntryData, Highlight
from tui_reader.reader import add_highlight
from tui_reader.store import Store

GOLDEN = Path(__file__).parent / "golden"
NOW = 1783065600.0  # 2026-07-03T08:00:00Z
DAY = 86400.0
TITLE = 'Q&A: "Why/How" the Bridge <Opens> | Part 1? *Really*'

PARAS = (
    ("heading", "The vote"),
    (
        "paragraph",
        "The council met on Tuesday to discuss the bridge. Members argued for hours about the"
        " cost of the project, which has doubled since the first estimate.",
    ),
    (
        "paragraph",
        '"We are confident the schedule will hold," the mayor said after the vote. Critics'
        " disagreed.",
    ),
    ("list_item", "Costs: $40m in 2024, $80m now — 100% more (see [1])."),
    ("paragraph", "The bridge is now expected to open in May, two years later than planned."),
    ("paragraph", "Critics disagreed again."),
)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates in files are local dates: pin the zone so the golden file is stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def doc() -> Document:
    return Document(blocks=tuple(Block(k, t) for k, t in PARAS))  # type: ignore[arg-type]


def article(store: Store, title: str = TITLE, guid: str = "bridge") -> Article:
    feed, _ = store.add_feed("http://example.com/feed", title="Example Times")
    store.upsert_entries(
        feed,
        [
            EntryData(
                guid=guid,
                url=f"https://example.com/2026/07/{guid}?id=7",
                title=title,
                author="Jane Doe",
                published=1782950400.0,  # 2026-07-02
            )
        ],
    )
    a = next(x for x in store.list_articles(feed_id=feed.id) if x.guid == guid)
    d = doc()
    store.save_document(a.id, doc_json=d.to_json(), text=d.text, version="1", source="page")
    return a


def put(
    store: Store,
    a: Article,
    hid: str,
    quote: str,
    *,
    nth: int = 0,
    color: str = "",
    tags: tuple[str, ...] = (),
    note: str = "",
    created: float = NOW - DAY,
    unanchored: bool = False,
) -> Highlight:
    text = doc().text
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    sel = make_selector(text, start, start + len(quote))
    h = Highlight(
        id=hid,
        article_id=a.id,
        quote=sel.quote,
        prefix=sel.prefix,
        suffix=sel.suffix,
        start=None if unanchored else sel.start,
        end=None if unanchored else sel.end,
        text_hash=sel.text_hash,
        color=color,
        tags=tags,
        note=note,
        created=created,
        updated=created,
    )
    assert store.insert_highlight(h)
    return h


def full_article(store: Store) -> Article:
    """An article with every kind of highlight."""
    a = article(store)
    put(
        store,
        a,
        "hl-4b1c2f0e",
        '"We are confident the schedule will hold," the mayor said after the vote.',
        color="key point",
        tags=("claim", "mayor"),
        note="Compare with **last year's** promise:\n\n- 2024: March\n- 2025: *never*\n\n"
        "> a quote of my own\n\nSee [minutes](https://example.com/minutes).",
    )
    put(store, a, "hl-9d0e11aa", "Critics disagreed", nth=1, color="red")  # ambiguous
    put(
        store,
        a,
        "hl-0c0ffee1",
        "Costs: $40m in 2024, $80m now — 100% more (see [1]).",
        color="fact",
        tags=("money", "#budget"),
        note="Line one\nline two (a soft break)\n\n```\ncode block, left open",
    )
    put(
        store,
        a,
        "hl-5a5a5a5a",
        "Members argued for hours about the cost of the project, which has doubled since the"
        ' first estimate.\n\n"We are',
        color="quote",
    )
    put(
        store,
        a,
        "hl-77aa0c31",
        "two years later than planned",
        color="green",
        note="Was this corrected later?",
        unanchored=True,
        created=NOW - 2 * DAY,
    )
    put(store, a, "hl-1234abcd", "open in May", color="", tags=("2026",), unanchored=True)
    store.set_article_note(a.id, "The second promise this year.\n\nCheck the *council minutes*.")
    return a


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)"


def test_golden_article(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    out = tmp_path / "export"
    path = export_article(store, a.id, out, now=NOW)
    assert path.parent == out
    assert path.name == "Q&A - Why-How the Bridge - Part 1 Really.md"
    check_golden("article.md", path.read_text(encoding="utf-8"))


def test_export_again_unchanged_does_not_rewrite(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    out = tmp_path / "out"
    path = export_article(store, a.id, out, now=NOW)
    before = path.read_bytes()
    os.utime(path, (1, 1))
    assert export_article(store, a.id, out, now=NOW + DAY) == path
    assert path.read_bytes() == before and path.stat().st_mtime == 1
    assert sorted(p.name for p in out.iterdir()) == [path.name]


def test_new_highlight_added_once_to_an_unedited_file(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    store.delete_highlight("hl-9d0e11aa")
    for _ in range(2):
        export_article(store, a.id, tmp_path, now=NOW + DAY)
        text = path.read_text()
        assert text.count("^hl-abcdef01") == 1
        assert "^hl-9d0e11aa" not in text  # deleted in the app: gone from the file
        assert "exported: 2026-07-04T08:00:00Z" in text
    # Document order: the new highlight (first paragraph) comes first.
    assert text.index("^hl-abcdef01") < text.index("^hl-5a5a5a5a")


def test_user_edits_are_kept_and_only_new_highlights_added(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    out = tmp_path / "out"
    path = export_article(store, a.id, out, now=NOW)
    text = path.read_text()
    # The user: edits a note inside the generated highlights, deletes one highlight's block,
    # writes in their section and between sections, adds front matter of their own.
    text = text.replace("Was this corrected later?", "Was this corrected later? YES, in June.")
    block_start = text.index("> Critics disagreed")
    block_end = text.index("^hl-9d0e11aa") + len("^hl-9d0e11aa\n")
    text = text[:block_start] + text[block_end:]
    text = text.replace(
        "<!-- tui-reader:end user -->",
        "My own thoughts.\n\n- [ ] follow up\n<!-- tui-reader:end user -->",
    )
    text = text.replace("## Highlights\n", "## Highlights\n\nA line I added here.\n", 1)
    text = text.replace("---\n\n<!--", "---\n\nWritten between sections.\n\n<!--", 1)
    text = text.replace("exported:", "status: reading\naliases: [bridge]\nexported:", 1)
    path.write_text(text)
    user_lines = [
        "Was this corrected later? YES, in June.",
        "My own thoughts.",
        "- [ ] follow up",
        "A line I added here.",
        "Written between sections.",
        "status: reading",
        "aliases: [bridge]",
    ]
    user_section = text[text.index("## My notes") :]

    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    store.update_highlight("hl-4b1c2f0e", note="changed in the app")
    store.set_article_note(a.id, "A new article note.")
    for day in (1, 2):
        assert export_article(store, a.id, out, now=NOW + day * DAY) == path
        new = path.read_text()
        for line in user_lines:
            assert line in new.splitlines(), line
        assert new.endswith(user_section)
        assert new.count("^hl-abcdef01") == 1
        assert "### New highlights (2026-07-04)" in new
        assert "^hl-9d0e11aa" not in new  # deleted by the user: not brought back
        for hid in ("hl-4b1c2f0e", "hl-0c0ffee1", "hl-5a5a5a5a", "hl-77aa0c31"):
            assert new.count(f"^{hid}") == 1
        assert new.count("## Highlights") == 1
    # The article note region was not edited: it follows the app.
    assert "A new article note." in new and "second promise" not in new
    # The edited highlights region keeps the old note text (the user's version wins).
    assert "changed in the app" not in new
    assert len(list(out.iterdir())) == 1


def test_renamed_and_moved_file_is_found_again(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    moved = tmp_path / "Reading" / "2026" / "bridge notes.md"
    moved.parent.mkdir(parents=True)
    path.rename(moved)
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    assert export_article(store, a.id, tmp_path, now=NOW + DAY) == moved
    assert moved.read_text().count("^hl-abcdef01") == 1
    assert [p for p in tmp_path.rglob("*.md")] == [moved]
    # A copy in the Obsidian trash is not mistaken for it.
    trash = tmp_path / ".trash"
    trash.mkdir()
    (trash / "old.md").write_text(moved.read_text())
    assert index_folder(tmp_path)[a.uid] == moved


def test_region_removed_by_user_is_restored_without_duplicates(
    store: Store, tmp_path: Path
) -> None:
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    text = path.read_text()
    # Markers deleted but the highlights kept as plain text.
    text = "\n".join(line for line in text.split("\n") if "tui-reader:begin highlights" not in line)
    path.write_text(text)
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    new = path.read_text()
    for hid in ("hl-4b1c2f0e", "hl-abcdef01", "hl-77aa0c31"):
        assert new.count(f"^{hid}") == 1
    assert new.index("^hl-abcdef01") < new.index("## My notes")


@pytest.mark.parametrize(
    "damage",
    [
        lambda line: "" if "tui-reader:begin highlights" in line else line,
        lambda line: "" if "tui-reader:end highlights" in line else line,
        lambda line: line.replace("<!-- ", "<!--  ") if "end highlights" in line else line,
        lambda line: "  " + line if "tui-reader:end highlights" in line else line,
    ],
    ids=["begin deleted", "end deleted", "spaces in the marker", "end indented"],
)
def test_a_damaged_marker_never_makes_a_highlight_appear_twice(
    store: Store, tmp_path: Path, damage: object
) -> None:
    """The export adds a new region for what a damaged one held; the next export, with
    nothing changed, filled it with every highlight: each was in the file twice."""
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    assert callable(damage)
    path.write_text("\n".join(damage(line) for line in path.read_text().split("\n")))
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    for later in (1, 2, 3):
        export_article(store, a.id, tmp_path, now=NOW + later * DAY)
        text = path.read_text()
        for hid in ("hl-4b1c2f0e", "hl-abcdef01", "hl-77aa0c31"):
            assert text.count(f"^{hid}") == 1, (later, hid)


def test_same_titles_get_distinct_files(store: Store, tmp_path: Path) -> None:
    a1 = article(store, "Same title", "one")
    a2 = article(store, "Same title", "two")
    for a in (a1, a2):
        put(store, a, f"hl-0000000{a.id}", "The council met")
    paths = export_all(store, tmp_path, now=NOW)
    assert sorted(p.name for p in paths) == ["Same title (2).md", "Same title.md"]
    assert export_all(store, tmp_path, now=NOW) == paths  # found again, not a third file


def test_export_all_filters(store: Store, tmp_path: Path) -> None:
    a1 = article(store, "First", "one")
    a2 = article(store, "Second", "two")
    article(store, "Nothing", "three")
    put(store, a1, "hl-00000001", "The council met", created=NOW - 10 * DAY)
    store.set_article_note(a2.id, "only a note")
    assert {p.stem for p in export_all(store, tmp_path / "all", now=NOW)} == {"First", "Second"}
    assert [p.stem for p in export_all(store, tmp_path / "since", since=NOW - DAY)] == ["Second"]
    assert export_all(store, tmp_path / "feed", feed_id=9999) == []


def test_hostile_article_exports_clean_text(store: Store, tmp_path: Path) -> None:
    feed, _ = store.add_feed("http://evil/feed", title="\x1b]0;owned\x07Evil <b>Site</b>")
    evil_title = "\x1b[31m<script>alert(1)</script>[click](javascript:x) # \u202eevil"
    store.upsert_entries(
        feed,
        [EntryData(guid="e", url="javascript:alert(1)", title=evil_title, author="<i>me</i>")],
    )
    a = store.list_articles(feed_id=feed.id)[0]
    d = Document(
        blocks=(
            Block("paragraph", "<img src=x onerror=alert(1)> ![pixel](http://t/p.gif) $x$"),
            Block("paragraph", "# not a heading\n> not a quote\n---\n%% hidden %% ^block-id"),
        )
    )
    store.save_document(a.id, doc_json=d.to_json(), text=d.text, version="1", source="feed")
    text = d.text
    add_highlight(store, a.id, text, 0, len(text), "fact\x1b[2J", tags=["#x\x1b[1m"], note="ok")
    add_highlight(store, a.id, text, 0, 5, "<b>red</b>", note="<!-- tui-reader:end highlights -->")
    path = export_article(store, a.id, tmp_path, now=NOW)
    out = path.read_text()
    assert "\x1b" not in out and "\u202e" not in out and "owned" not in out
    assert not re.search(r"(?<!\\)<(script|img|b>|i>)", out)  # no live HTML anywhere
    front = split_front_matter(out)[0] or []
    assert not any(line.startswith("url:") for line in front)  # not a web address: no url
    body = split_front_matter(out)[1]  # (the title in the front matter is data, quoted)
    assert not re.search(r"(?<!\\)\]\(javascript", body) and "![pixel]" not in body
    assert "\\# not a heading" in out and "\\> not a quote" in out
    assert "%\\% hidden %\\%" in out and "\\^block-id" in out and "\\$x\\$" in out
    # The note's marker-like line cannot end the generated region early.
    regions = find_regions(body.splitlines(keepends=True))
    assert regions["highlights"].intact and "^hl-" in regions["highlights"].content
    assert path.name.startswith("alert(1)")  # tags and markup gone from the name
    assert not set('<>:"/\\|?*[]#^') & set(path.name)


def test_unwritable_folder_gives_a_clear_error_and_nothing_else(
    store: Store, tmp_path: Path
) -> None:
    a = full_article(store)
    root = tmp_path / "out"
    root.mkdir()
    blocker = root / "a-file"
    blocker.write_text("not a folder")
    for folder in (blocker, blocker / "sub"):
        with pytest.raises(ExportError, match="export folder"):
            export_article(store, a.id, folder, now=NOW)
    assert sorted(p.name for p in root.iterdir()) == ["a-file"]
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_gives_a_clear_error(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write"):
            export_article(store, a.id, folder, now=NOW)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    blocked = tmp_path / "is-a-dir.md"
    blocked.mkdir()
    (blocked / "inside").write_text("kept")
    with pytest.raises(ExportError, match="cannot write"):
        atomic_write(blocked, "x" * 100_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["is-a-dir.md", "note.md"]
    assert (blocked / "inside").read_text() == "kept"


def test_a_write_goes_through_a_link_and_into_a_fifo_without_replacing_them(
    tmp_path: Path,
) -> None:
    """A temporary file renamed over the path replaced the link (the file it named, in a
    dotfiles folder, kept the old list) and the FIFO (its reader got nothing)."""
    import os
    import threading

    real = tmp_path / "dotfiles" / "feeds.opml"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "feeds.opml"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "later.md"
    dangling.symlink_to(tmp_path / "dotfiles" / "later.md")
    atomic_write(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "dotfiles" / "later.md").read_text() == "made"

    fifo = tmp_path / "pipe.opml"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="no process reads from it"):
        atomic_write(fifo, "unread")  # no reader: an error at once, not a wait for ever
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    for _ in range(200):  # until the reader has opened its end
        try:
            atomic_write(fifo, "through the pipe")
            break
        except ExportError:
            threading.Event().wait(0.01)
    reader.join(5)
    assert got == ["through the pipe"] and fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dotfiles",
        "feeds.opml",
        "later.md",
        "pipe.opml",
    ]


def test_re_export_does_not_touch_a_foreign_file_named_like_ours(
    store: Store, tmp_path: Path
) -> None:
    a = full_article(store)
    foreign = tmp_path / "mine.md"
    foreign.write_text("---\narticle_id: someone-else\n---\nmine\n")
    with pytest.raises(ExportError, match="not this article"):
        export_article(store, a.id, tmp_path, path=foreign, now=NOW)
    assert foreign.read_text() == "---\narticle_id: someone-else\n---\nmine\n"
    own = tmp_path / "chosen name.md"
    assert export_article(store, a.id, tmp_path, path=own, now=NOW) == own
    assert export_article(store, a.id, tmp_path, path=own, now=NOW) == own


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plain title", "Plain title"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c -defgi-j"),
        ("  ...hidden.  ", "hidden"),
        ("CON", "CON_"),
        ("nul.txt", "nul.txt_"),
        ("#tag ^id [[link]]", "tag id link"),
        ("", "Untitled"),
        ("\x1b[31m\x00", "Untitled"),
    ],
)
def test_safe_filename(title: str, expected: str) -> None:
    assert safe_filename(title) == expected


def test_safe_filename_limits_length_in_bytes() -> None:
    name = safe_filename("Ünïcödé wörds " * 40)
    assert len(name) <= 100 and len(name.encode()) <= 180 and not name.endswith(" ")
    assert safe_filename("é" * 300).encode().__len__() <= 180


def test_a_file_saved_with_windows_line_endings_keeps_them(store: Store, tmp_path: Path) -> None:
    """A CRLF file came back LF throughout, the user's own text included (a whole-file diff
    in git or a sync tool)."""
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    mine = path.read_text().replace(
        "<!-- tui-reader:end user", "My own line.\n<!-- tui-reader:end user"
    )
    path.write_bytes(mine.replace("\n", "\r\n").encode())
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    raw = path.read_bytes()
    assert b"My own line.\r\n" in raw and b"^hl-abcdef01\r\n" in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_a_file_whose_unicode_a_tool_renormalised_is_still_ours(
    store: Store, tmp_path: Path
) -> None:
    """A file macOS or a sync tool wrote back in NFD: its untouched highlights region was
    taken for edited, and new highlights piled up under "New highlights" from then on."""
    import unicodedata

    a = full_article(store)
    put(store, a, "hl-0000e001", "The council met on Tuesday", created=NOW, note="café déjà vu")
    path = export_article(store, a.id, tmp_path, now=NOW)
    path.write_text(unicodedata.normalize("NFD", path.read_text()))
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    text = path.read_text()
    assert "New highlights" not in text and text.count("^hl-abcdef01") == 1


def test_a_file_made_read_only_is_left_as_it_is(store: Store, tmp_path: Path) -> None:
    """A rename over a read-only file (the atomic write) replaced it: the user's protection
    was ignored."""
    a = full_article(store)
    b = article(store, "Second story", "two")
    put(store, b, "hl-0000b001", "The council met", created=NOW)
    paths = export_all(store, tmp_path, now=NOW)
    protected = next(p for p in paths if "Second story" in p.name)
    before = protected.read_text()
    protected.chmod(0o444)
    put(store, a, "hl-abcdef01", "The council met on Tuesday", created=NOW)
    put(store, b, "hl-0000b002", "The council met", created=NOW)
    read_only: list[Path] = []
    done = export_many(store, tmp_path, now=NOW + DAY, read_only=read_only)
    assert read_only == [protected] and protected.read_text() == before
    assert len(done) == 1 and done[0][1]  # the other article's file was written


def _front(path: Path) -> list[str]:
    fm, _ = split_front_matter(path.read_text(encoding="utf-8"))
    assert fm is not None
    return fm


def test_front_matter_values_the_user_edited_are_kept(store: Store, tmp_path: Path) -> None:
    """A title edited in Obsidian's properties, a tag removed, a key deleted: the user's, kept
    by every later export (they were put back); values left alone follow the article."""
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", 'title: "My own title"', text, count=1, flags=re.M)
    text = text.replace('tags: ["claim", ', "tags: [", 1)  # the tool's "claim" removed
    text = re.sub(r"^site: .*\n", "", text, count=1, flags=re.M)  # a key deleted
    path.write_text(text, encoding="utf-8")
    # The article changes: a new highlight, a new author (a value the user left alone).
    store.upsert_entries(
        store.add_feed("http://example.com/feed", title="Example Times")[0],
        [
            EntryData(
                guid="bridge",
                url="https://example.com/2026/07/bridge?id=7",
                title=TITLE,
                author="John Roe",
                published=1782950400.0,
            )
        ],
    )
    put(store, a, "hl-abcdef01", "The council met on Tuesday", tags=("claim", "fresh"))
    for day in (1, 2):
        export_article(store, a.id, tmp_path, now=NOW + day * DAY)
        fm = _front(path)
        assert 'title: "My own title"' in fm
        assert not any(line.startswith("site:") for line in fm)
        tags = next(line for line in fm if line.startswith("tags:"))
        assert '"claim"' not in tags and '"fresh"' in tags and '"mayor"' in tags
        assert 'author: "John Roe"' in fm  # not edited: follows the article
        assert path.read_text(encoding="utf-8").count("^hl-abcdef01") == 1


def test_front_matter_restyled_by_a_notes_app_is_not_rewritten(
    store: Store, tmp_path: Path
) -> None:
    """Obsidian writes a list property as a block list, and another tool single quotes: the
    same values, so nothing to write (the file was rewritten in the export's style)."""
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    text = path.read_text(encoding="utf-8")
    tags_line = next(line for line in text.splitlines() if line.startswith("tags:"))
    block = "tags:\n" + "".join(f"  - {t}\n" for t in ("claim", "mayor", "money", "budget"))
    text = text.replace(tags_line + "\n", block + '  - "#2026"\n', 1)
    text = text.replace('author: "Jane Doe"', "author: 'Jane Doe'", 1)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (1, 1))
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    assert path.read_text(encoding="utf-8") == text and path.stat().st_mtime == 1


def test_an_older_export_is_not_rewritten_only_to_record_its_front_matter(
    store: Store, tmp_path: Path
) -> None:
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    old = re.sub(r" fm=\S*", "", path.read_text(encoding="utf-8"), count=1)
    path.write_text(old, encoding="utf-8")
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    assert path.read_text(encoding="utf-8") == old
    put(store, a, "hl-abcdef01", "The council met on Tuesday")
    export_article(store, a.id, tmp_path, now=NOW + DAY)  # now rewritten: and recorded
    assert re.search(r" fm=\S*title\.", path.read_text(encoding="utf-8"))


def test_one_new_highlights_heading_a_day_and_none_left_empty(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    path = export_article(store, a.id, tmp_path, now=NOW)
    path.write_text(path.read_text().replace("Was this corrected", "Edited: was this"))
    put(store, a, "hl-abcdef01", "The council met on Tuesday")
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    put(store, a, "hl-abcdef02", "Members argued for hours")
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    put(store, a, "hl-abcdef03", "Critics disagreed again", unanchored=True)
    export_article(store, a.id, tmp_path, now=NOW + DAY)
    text = path.read_text()
    assert text.count("### New highlights (2026-07-04)") == 1
    assert re.search(r"^### [^\n]*\n\n### ", text, re.M) is None  # no heading without text
    for hid in ("hl-abcdef01", "hl-abcdef02", "hl-abcdef03"):
        assert text.count(f"^{hid}") == 1
    assert text.index("^hl-abcdef02") < text.rindex(UNANCHORED) < text.index("^hl-abcdef03")


def test_many_articles_of_one_title_are_named_in_order_with_the_folder_listed_once(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """16,000 articles took minutes: the folder was listed again for each, and each article of
    a repeated title tried "T (2)", "T (3)"... from the start; a second export with nothing to
    write listed it again for each too."""
    articles = [article(store, title="Bridge plan", guid=f"g{i}") for i in range(6)]
    for a in articles:
        put(store, a, f"hl-{a.id:08x}", "Critics disagreed")
    (tmp_path / "Bridge plan (3).md").write_text("the user's own file\n")
    listed = 0
    iterdir = Path.iterdir

    def counted(self: Path) -> Any:
        nonlocal listed
        listed += self == tmp_path
        return iterdir(self)

    monkeypatch.setattr(Path, "iterdir", counted)
    done = export_many(store, tmp_path, now=NOW)
    names = [p.name for p, _ in done]
    assert names == ["Bridge plan.md", *(f"Bridge plan ({n}).md" for n in (2, 4, 5, 6, 7))]
    assert listed == 1
    listed = 0
    again = export_many(store, tmp_path, now=NOW)
    assert [(p.name, written) for p, written in again] == [(n, False) for n in names]
    assert listed <= 1
