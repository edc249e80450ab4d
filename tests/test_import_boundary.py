"""``import-notes`` takes nothing on trust: every value of the file is checked before anything
is stored, a bad file is one line and stores nothing, and dates that cannot be rendered —
refused at import, or already stored by an older version — never break an export."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Data
from tests.test_export import NOW, article, doc, full_article
from tests.test_export_cli import run
from tui_reader.anchor import locate, text_hash
from tui_reader.export import ExportError, export_digest, export_json, export_many, import_json
from tui_reader.paths import Paths
from tui_reader.placing import place
from tui_reader.store import Store

SOURCE = "https://news.example/story"

pytestmark = pytest.mark.hostile(category="import")


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def anno(quote: str = "quick", **fields: Any) -> dict[str, Any]:
    """A foreign annotation of ``quote`` (fields replace or add top-level keys)."""
    out: dict[str, Any] = {
        "type": "Annotation",
        "id": f"https://annotations.example/{quote}",
        "created": "2025-01-02T03:04:05Z",
        "target": {
            "source": SOURCE,
            "selector": [{"type": "TextQuoteSelector", "exact": quote}],
        },
    }
    out.update(fields)
    return out


def write(tmp_path: Path, data: Any, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    return path


def stored(s: Store) -> tuple[int, int]:
    """Highlights (deleted too) and articles in the store."""
    h = s.conn.execute("SELECT COUNT(*) FROM highlights").fetchone()[0]
    a = s.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    return int(h), int(a)


def refused(s: Store, path: Path, *words: str) -> str:
    """Import ``path``: it must fail with one line naming ``words``, storing nothing."""
    before = stored(s)
    with pytest.raises(ExportError) as info:
        import_json(s, path, placer=place)
    message = str(info.value)
    assert "\n" not in message and all(w in message for w in words), message
    assert stored(s) == before
    return message


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "created",
    [1e20, float("nan"), float("inf"), -1.0, 1e300, 10**40, "9999-01-01T00:00:00Z", "1900-05-01",
     "2201-01-01T00:00:00Z", "yesterday", True, [2025], {"t": 1}],
)  # fmt: skip
def test_an_unusable_date_is_refused_in_one_line(
    store: Store, tmp_path: Path, created: object
) -> None:
    message = refused(store, write(tmp_path, [anno(created=created)]), "annotation 1", "created")
    assert "1970" in message or "not " in message
    # And nothing stored can break an export afterwards.
    export_json(store, folder=tmp_path / "out")


@pytest.mark.parametrize("field", ["modified"])
def test_an_unusable_modified_date_is_refused(store: Store, tmp_path: Path, field: str) -> None:
    refused(store, write(tmp_path, [anno(**{field: 1e20})]), "annotation 1", field)


@pytest.mark.parametrize("published", [1e300, float("nan"), -5e12, "soon", [1]])
def test_an_unusable_published_date_in_the_article_metadata_is_refused(
    store: Store, tmp_path: Path, published: object
) -> None:
    data = {
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": [anno(**{"tui-reader": {"article": "u1"}})]},
        "tui-reader": {
            "version": 1,
            "articles": {"u1": {"url": SOURCE, "title": "T", "published": published}},
        },
    }
    refused(store, write(tmp_path, data), "articles", "published")


def test_a_good_file_with_iso_and_numeric_dates_is_imported(store: Store, tmp_path: Path) -> None:
    items = [anno("one", created=1735787045), anno("two", created="2025-01-02T03:04:05+01:00")]
    result = import_json(store, write(tmp_path, items), placer=place)
    assert result.added == 2
    created = sorted(h.created for h in store.all_highlights())
    assert created == [1735783445.0, 1735787045.0]


@pytest.mark.parametrize(
    ("created", "utc"),
    [
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59"),  # a leap second: the second before
        ("2016-12-31T23:59:60.250Z", "2016-12-31T23:59:59.250000"),
        ("2024-03-12T24:00:00Z", "2024-03-13T00:00:00"),  # the end of the day
        ("2024-12-31T24:00+01:00", "2024-12-31T23:00:00"),
        ("2024-075", "2024-03-15T00:00:00"),  # an ordinal date: the 75th day of 2024
        ("2024-075T10:15:00Z", "2024-03-15T10:15:00"),
        ("20240312T101500Z", "2024-03-12T10:15:00"),  # the basic format
        ("2024-W11-2", "2024-03-12T00:00:00"),  # a week date
    ],
)
def test_iso_8601_dates_other_tools_write_are_read(
    store: Store, tmp_path: Path, created: str, utc: str
) -> None:
    """Valid ISO 8601 (and RFC 3339: leap seconds) that Python's own reader refuses; they
    refused the whole file."""
    result = import_json(store, write(tmp_path, [anno(created=created)]), placer=place)
    assert result.added == 1
    (highlight,) = store.all_highlights()
    when = datetime.fromtimestamp(highlight.created, UTC).replace(tzinfo=None)
    assert when.isoformat() == utc


@pytest.mark.parametrize(
    "created", ["2023-366", "2024-000", "2024-03-12T24:00:01Z", "2024-03-12T24:00:00.5Z"]
)
def test_iso_8601_dates_that_name_no_time_are_refused(
    store: Store, tmp_path: Path, created: str
) -> None:
    refused(store, write(tmp_path, [anno(created=created)]), "annotation 1", "created")


# -- ids --------------------------------------------------------------------------------------


def test_annotations_without_an_id_each_arrive_and_only_once(store: Store, tmp_path: Path) -> None:
    items = [anno(q) for q in ("quick", "brown", "lazy dog")]
    items.append(anno("quick"))  # the same again: a second, identical annotation
    for item in items:
        del item["id"]
    path = write(tmp_path, items)
    result = import_json(store, path, placer=place)
    assert (result.added, result.skipped) == (4, 0)
    quotes = sorted(h.quote for h in store.all_highlights())
    assert quotes == ["brown", "lazy dog", "quick", "quick"]
    again = import_json(store, path, placer=place)  # the same file again: nothing new
    assert (again.added, again.skipped) == (0, 4)


def test_ids_that_share_32_bits_of_a_hash_both_arrive(store: Store, tmp_path: Path) -> None:
    a, b = "https://hypothes.is/a/id97668", "https://hypothes.is/a/id102464"
    short = [hashlib.sha256(x.encode()).hexdigest()[:8] for x in (a, b)]
    assert short[0] == short[1]  # the collision the old ids had
    result = import_json(store, write(tmp_path, [anno("quick", id=a), anno("brown", id=b)]))
    assert (result.added, result.skipped) == (2, 0)
    ids = {h.id for h in store.all_highlights()}
    assert len(ids) == 2 and all(len(i) == 3 + 64 for i in ids)


def test_an_annotation_stored_by_an_older_version_is_not_imported_twice(
    store: Store, tmp_path: Path
) -> None:
    """Versions that kept 32 bits of the hash stored ``hl-`` and 8 hex digits: importing the
    same file again after the upgrade finds it (same short id, same quote)."""
    foreign = "https://annotations.example/old"
    path = write(tmp_path, [anno("quick", id=foreign)])
    import_json(store, path, placer=place)
    (h,) = store.all_highlights()
    legacy = "hl-" + hashlib.sha256(foreign.encode()).hexdigest()[:8]
    store.conn.execute("UPDATE highlights SET id = ? WHERE id = ?", (legacy, h.id))
    again = import_json(store, path, placer=place)
    assert (again.added, again.skipped) == (0, 1)
    # A different annotation whose old short id happens to be the same still arrives.
    store.conn.execute("UPDATE highlights SET quote = 'other words' WHERE id = ?", (legacy,))
    assert import_json(store, path, placer=place).added == 1


def test_our_id_taken_here_by_another_highlight_is_kept_apart(
    store: Store, other_store: Store, tmp_path: Path
) -> None:
    """Two machines can draw the same short random id for different highlights."""
    a = full_article(store)
    path, _ = export_json(store, folder=tmp_path / "out", now=NOW)
    mine = article(other_store, "Mine", "mine")
    other_store.conn.execute(
        "INSERT INTO highlights(id, article_id, quote, created, updated)"
        " VALUES ('hl-4b1c2f0e', ?, 'something else entirely', ?, ?)",
        (mine.id, NOW, NOW),
    )
    n = len(store.list_highlights(a.id))
    result = import_json(other_store, path, placer=place)
    assert (result.added, result.skipped) == (n, 0)
    assert import_json(other_store, path, placer=place).added == 0  # and still only once


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "elsewhere" / "reader.sqlite3")
    yield s
    s.close()


# -- every other value: type, range, length, count ----------------------------------------------


def _sel(*sels: Any) -> dict[str, Any]:
    return {"source": SOURCE, "selector": list(sels)}


QUOTE = {"type": "TextQuoteSelector", "exact": "quick"}


def _pos(start: Any, end: Any) -> dict[str, Any]:
    return {"type": "TextPositionSelector", "start": start, "end": end}


BAD_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("offset as text", {"target": _sel(QUOTE, _pos("4", 9))}, "TextPositionSelector.start"),
    ("offset as bool", {"target": _sel(QUOTE, _pos(True, 9))}, "TextPositionSelector.start"),
    ("negative offset", {"target": _sel(QUOTE, _pos(-4, 9))}, "TextPositionSelector.start"),
    ("float offset", {"target": _sel(QUOTE, _pos(4, 9.5))}, "TextPositionSelector.end"),
    ("huge offset", {"target": _sel(QUOTE, _pos(4, 10**30))}, "TextPositionSelector.end"),
    ("start after end", {"target": _sel(QUOTE, _pos(9, 4))}, "TextPositionSelector"),
    ("quote, no source", {"target": {"selector": QUOTE}}, "target.source"),
    ("source id a number", {"target": {**_sel(QUOTE), "source": {"id": 5}}}, "source.id"),
    ("missing end", {"target": _sel(QUOTE, {"type": "TextPositionSelector", "start": 1})}, "end"),
    ("exact as a list", {"target": _sel({**QUOTE, "exact": ["quick"]})}, "exact"),
    ("prefix as a number", {"target": _sel({**QUOTE, "prefix": 5})}, "prefix"),
    ("huge quote", {"target": _sel({**QUOTE, "exact": "x" * 2_000_000})}, "exact"),
    ("selector as text", {"target": {"source": SOURCE, "selector": "quick"}}, "selector[0]"),
    ("target a number", {"target": 42}, "target"),
    ("target missing", {"target": None}, "target"),
    ("source as a list", {"target": {**_sel(QUOTE), "source": [SOURCE]}}, "target.source"),
    ("source too long", {"target": {**_sel(QUOTE), "source": "h" * 200_000}}, "target.source"),
    ("id a number", {"id": 12}, "id"),
    ("id too long", {"id": "x" * 100_000}, "id"),
    ("body value a number", {"body": {"type": "TextualBody", "value": 5}}, "body[0].value"),
    ("body a number", {"body": [7]}, "body[0]"),
    ("note too long", {"bodyValue": "n" * 2_000_000}, "bodyValue"),
    ("too many bodies", {"body": ["t"] * 5000}, "body"),
    ("extension a list", {"tui-reader": ["article"]}, "tui-reader"),
    ("colour an object", {"tui-reader": {"color": {"r": 1}}}, "tui-reader.color"),
    ("colour absurdly long", {"tui-reader": {"color": "c" * 2_000_000}}, "tui-reader.color"),
    ("text hash a number", {"tui-reader": {"textHash": 7}}, "tui-reader.textHash"),
]


@pytest.mark.parametrize(
    ("fields", "name"), [(f, n) for _, f, n in BAD_FIELDS], ids=[i for i, _, _ in BAD_FIELDS]
)
def test_each_bad_value_is_one_line_naming_its_field(
    store: Store, tmp_path: Path, fields: dict[str, Any], name: str
) -> None:
    item = anno(**fields)
    if item.get("target") is None:
        del item["target"]
    refused(store, write(tmp_path, [anno("fine"), item]), "annotation 2", name)


def test_an_item_that_is_not_an_annotation_fails_the_file(store: Store, tmp_path: Path) -> None:
    refused(store, write(tmp_path, [anno(), "not an annotation"]), "annotation 2", "object")


def test_too_many_annotations_are_refused_before_any_work(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(
        '{"type": "AnnotationCollection", "items": [' + ",".join(["{}"] * 200_001) + "]}"
    )
    refused(store, path, "200,001")


def test_control_characters_and_escapes_are_stripped(store: Store, tmp_path: Path) -> None:
    item = anno(
        "qu\x1b[31mick\x07",
        body=[
            {"type": "TextualBody", "value": "note\x1b]8;;http://evil\x07here\x9b2J"},
            {"type": "TextualBody", "purpose": "tagging", "value": "t\x00ag"},
        ],
    )
    item["tui-reader"] = {"color": "yel\x00low", "article": "uid\r\n1"}
    data = {
        "type": "AnnotationCollection",
        "items": [item],
        "tui-reader": {"articles": {"uid\r\n1": {"title": "Ti\x1b[2Jtle\u202e", "url": SOURCE}}},
    }
    assert import_json(store, write(tmp_path, data), placer=place).added == 1
    (h,) = store.all_highlights()
    # (an 8-bit CSI with parameters goes whole, as an ESC [ one does)
    assert (h.quote, h.note, h.tags, h.color) == ("quick", "notehere", ("tag",), "yellow")
    (a,) = store.list_articles(saved=True)
    assert a.title == "Title" and a.uid == "uid 1"


# -- nesting ------------------------------------------------------------------------------------


def test_a_file_nested_ten_thousand_deep_is_one_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 10_000 + "]" * 10_000)
    refused(store, path, "nested too deeply")
    path.write_text('{"type": "Annotation", "target": ' + "[" * 10_000 + "]" * 10_000 + "}")
    refused(store, path, "nested too deeply")
    proc = run("import-notes", str(path))
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "nested too deeply" in proc.stderr


def test_a_stored_document_nested_too_deeply_does_not_break_export(
    store: Store, tmp_path: Path
) -> None:
    a = full_article(store)
    deep = '{"blocks": ' + "[" * 10_000 + "]" * 10_000 + "}"
    store.conn.execute("UPDATE articles SET doc_json = ? WHERE id = ?", (deep, a.id))
    store.conn.execute("UPDATE articles SET doc_json = '[1]' WHERE id != ?", (a.id,))
    ((path, _),) = export_many(store, tmp_path / "out")
    assert "^hl-4b1c2f0e" in path.read_text()
    export_json(store, folder=tmp_path / "out")


# -- offsets --------------------------------------------------------------------------------------


def test_offsets_are_trusted_only_where_the_text_at_them_is_the_quote(
    store: Store, tmp_path: Path
) -> None:
    a = article(store, "Story", "story")
    text = doc().text
    quote = "Critics disagreed again."
    wrong = text.index("The council met")
    item = anno(
        quote,
        target=_sel({**QUOTE, "exact": quote}, _pos(wrong, wrong + len(quote))),
        **{"tui-reader": {"article": a.uid, "textHash": text_hash(text)}},
    )
    assert import_json(store, write(tmp_path, [item]), placer=place).added == 1
    (h,) = store.list_highlights(a.id)
    assert h.start is not None and text[h.start : h.end] == quote


def test_locate_checks_the_quote_even_when_the_hash_matches() -> None:
    text = doc().text
    quote = "Critics disagreed again."
    wrong = text.index("The council met")
    found = locate(text, quote, "", "", wrong, wrong + len(quote), text_hash(text))
    assert found is not None and text[found[0] : found[1]] == quote


def test_a_stored_hash_does_not_vouch_for_offsets_when_the_text_arrives(
    store: Store, tmp_path: Path
) -> None:
    """Imported before the article's text is here; placed when it is saved."""
    text = doc().text
    quote = "Critics disagreed again."
    wrong = text.index("The council met")
    item = anno(
        quote,
        target=_sel({**QUOTE, "exact": quote}, _pos(wrong, wrong + len(quote))),
        **{"tui-reader": {"textHash": text_hash(text)}},
    )
    assert import_json(store, write(tmp_path, [item]), placer=place).added == 1
    (a,) = store.list_articles(saved=True)
    d = doc()
    store.save_document(
        a.id, doc_json=d.to_json(), text=d.text, version="1", source="page", placer=place
    )
    (h,) = store.list_highlights(a.id)
    assert h.start is not None and text[h.start : h.end] == quote


# -- all or nothing -------------------------------------------------------------------------------


def test_a_bad_five_hundredth_annotation_stores_nothing(store: Store, tmp_path: Path) -> None:
    items = [anno(f"passage {i}") for i in range(600)]
    items[499]["created"] = 1e20
    refused(store, write(tmp_path, items), "annotation 500", "created")
    assert stored(store) == (0, 0)


def test_a_write_failing_part_way_stores_nothing(store: Store, tmp_path: Path) -> None:
    """A real SQLite failure at the 500th insert (a trigger aborts it): all rolled back."""
    store.conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON highlights WHEN new.quote = 'passage 499'"
        " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    items = [anno(f"passage {i}") for i in range(600)]
    for i, item in enumerate(items):
        item["target"]["source"] = f"{SOURCE}/{i % 7}"  # several articles, created on the way
    message = refused(store, write(tmp_path, items), "nothing was stored")
    assert "disk trouble" in message
    assert stored(store) == (0, 0)


def test_the_cli_reports_a_bad_file_in_one_line_and_fails(store: Store, tmp_path: Path) -> None:
    items = [anno(f"passage {i}") for i in range(10)]
    items[6]["target"]["selector"].append(_pos("4", 9))
    proc = run("import-notes", str(write(tmp_path, items)))
    assert proc.returncode == 1 and proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert "annotation 7" in line and "TextPositionSelector.start" in line
    assert "nothing was imported" in line
    assert stored(store) == (0, 0)


# -- values already stored -------------------------------------------------------------------------


BAD_TIMES = ("1e20", "9e999", "-9e999", "-1e300", "-86400")


@pytest.mark.parametrize("bad", BAD_TIMES)
def test_export_survives_dates_an_older_version_stored(
    store: Store, tmp_path: Path, bad: str
) -> None:
    a = full_article(store)
    # SQL as an older version (or a hand edit) may have left them; NaN cannot be stored.
    store.conn.execute(f"UPDATE highlights SET created = {bad}, updated = {bad}")
    store.conn.execute(f"UPDATE articles SET published = {bad}, updated = {bad}")
    store.conn.execute(f"UPDATE article_notes SET updated = {bad}")

    ((md, _),) = export_many(store, tmp_path / "md")
    text = md.read_text()
    assert "date unknown" in text and "^hl-4b1c2f0e" in text
    front = text.split("\n---", 1)[0]
    assert "published" not in front and "exported: 20" in front

    path, count = export_json(store, folder=tmp_path / "json", now=NOW)
    data = json.loads(path.read_text())
    assert count == len(data["first"]["items"]) > 0
    assert all("created" not in i and "modified" not in i for i in data["first"]["items"])
    assert data["tui-reader"]["articles"][a.uid]["published"] is None
    # What was exported imports again: the dates are unknown, not a reason to refuse.
    elsewhere = Store.open(tmp_path / "elsewhere.sqlite3")
    try:
        assert import_json(elsewhere, path, placer=place).added == len(store.list_highlights(a.id))
    finally:
        elsewhere.close()

    if bad in ("1e20", "9e999"):  # still "since" any date: in the digest, as unknown
        digest = export_digest(store, NOW - 10 * 86400, folder=tmp_path / "digest", now=NOW)
        assert "date unknown" in digest.read_text()

    for args in (
        ["export", "--out", str(tmp_path / "cli")],
        ["export", "--format", "json", "-o", str(tmp_path / "cli.json")],
        ["digest", "--since", "2000-01-01", "--out", str(tmp_path / "cli")],
    ):
        proc = run(*args)
        assert proc.returncode == 0, proc.stderr


def test_the_ui_shows_an_unusable_date_as_unknown(store: Store) -> None:
    from tui_reader.config import DEFAULT_COLORS
    from tui_reader.ui.screens.all_highlights import result_content
    from tui_reader.ui.widgets.article_list import format_date

    a = full_article(store)
    store.conn.execute("UPDATE highlights SET created = 1e20")
    h = store.list_highlights(a.id)[0]
    assert "date unknown" in result_content(h, a, DEFAULT_COLORS).plain
    for bad in (1e20, float("nan"), float("inf"), -1e300):
        assert format_date(bad) == ""


def test_dates_typed_by_the_user_far_out_of_range_are_one_line() -> None:
    from tui_reader.cli.common import CommandError
    from tui_reader.cli.export import parse_date
    from tui_reader.ui.screens.all_highlights import parse_when

    for text in ("99999999999d", "9999-12-31"):
        with pytest.raises(CommandError, match="as a date"):
            parse_date(text)
    with pytest.raises(ValueError, match="as a date"):
        parse_when("99999999999d")
    with pytest.raises(ValueError, match="as a date"):
        parse_when("9999-12-31", end_of_day=True)


def test_a_nan_time_cannot_be_stored_as_a_silent_duplicate(store: Store) -> None:
    """The store refuses a time SQLite would turn into NULL (and INSERT OR IGNORE drop)."""
    from dataclasses import replace

    a = full_article(store)
    h = store.list_highlights(a.id)[0]
    with pytest.raises(ValueError, match="creation time"):
        store.insert_highlight(replace(h, id="hl-new", created=float("nan")))
    assert store.get_highlight("hl-new") is None


async def test_the_app_exports_and_lists_highlights_with_unusable_stored_dates(
    data: Data, tmp_path: Path
) -> None:
    """``e`` (the same export code as the CLI) and the all-highlights list (``H``) with a
    creation time and a published date no calendar holds: written and shown as unknown."""
    from tests.test_highlights_app import done, messages, opened
    from tui_reader.config import Config, ExportConfig
    from tui_reader.ui.screens.all_highlights import AllHighlightsScreen

    out = tmp_path / "vault"
    app = data.app(Config(export=ExportConfig(folder=str(out))))
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        assert pane.article_id is not None
        data.store.conn.execute("UPDATE highlights SET created = 1e20, updated = 9e999")
        data.store.conn.execute(
            "UPDATE articles SET published = -1e300 WHERE id = ?", (pane.article_id,)
        )
        await pilot.press("e")
        await done(pilot)
        (file,) = out.glob("*.md")
        assert "date unknown" in file.read_text(encoding="utf-8")
        assert any(m == f"Exported to {file}" for m in messages(app))
        await pilot.press("H")
        await done(pilot)
        assert isinstance(app.screen, AllHighlightsScreen)
        assert not [n for n in app._notifications if n.severity == "error"]
        assert app.is_running


def test_valid_w3c_shapes_this_reader_cannot_use_are_skipped_not_refused(
    store: Store, tmp_path: Path
) -> None:
    """A target that is the page itself (no selector), a source given as an object, a
    zero-length position: valid Web Annotations, not reasons to refuse the file."""
    items = [
        anno("page", target={"id": SOURCE, "type": "Text"}),
        anno("quick", target={"source": {"id": SOURCE}, "selector": QUOTE}),
        anno("brown", target=_sel({**QUOTE, "exact": "brown"}, _pos(3, 3))),
    ]
    result = import_json(store, write(tmp_path, items), placer=place)
    assert (result.added, len(result.problems)) == (2, 1)
    assert "annotation 1" in result.problems[0]
    assert all(h.start is None for h in store.all_highlights())
    (a,) = store.list_articles(saved=True)
    assert a.url == SOURCE


def test_the_reading_pane_does_not_paint_offsets_that_miss_the_quote(
    store: Store, paths: Paths
) -> None:
    """Offsets stored with the text's own hash (by an older import) that select other words
    are placed again when the article is opened (the reading pane asks the Reader to place
    its highlights), not painted where they point."""
    from tui_reader.reader import Reader

    a = article(store, "Story", "story")
    text = doc().text
    quote = "Critics disagreed again."
    wrong = text.index("The council met")
    store.conn.execute(
        "INSERT INTO highlights(id, article_id, quote, start, end_, text_hash, created, updated)"
        " VALUES ('hl-0000abcd', ?, ?, ?, ?, ?, ?, ?)",
        (a.id, quote, wrong, wrong + len(quote), text_hash(text), NOW, NOW),
    )
    with Reader(paths) as reader:
        (h,) = reader.place_highlights(a.id, text).highlights
    assert h.start is not None and text[h.start : h.end] == quote
    (saved,) = store.list_highlights(a.id)  # and placed right in the store too
    assert (saved.start, saved.end) == (h.start, h.end)


def test_what_the_reader_exports_it_imports_again_long_notes_included(
    store: Store, other_store: Store, tmp_path: Path
) -> None:
    """The limits leave room for anything the app lets a user write: a 300,000-character
    note survives the round trip."""
    a = full_article(store)
    long_note = ("A long reflection, paragraph after paragraph. " * 6_600)[:300_000]
    store.update_highlight("hl-4b1c2f0e", note=long_note)
    path, _ = export_json(store, folder=tmp_path / "out", now=NOW)
    result = import_json(other_store, path, placer=place)
    assert result.added == len(store.list_highlights(a.id))
    copy = other_store.get_highlight("hl-4b1c2f0e")
    assert copy is not None and copy.note == long_note.strip()


def test_a_very_long_stored_title_exports_and_imports_again(
    store: Store, other_store: Store, tmp_path: Path
) -> None:
    """A feed may send a 20,000-character title; the store keeps it, and its export must
    import elsewhere (the title cut to 2,000 characters), not be refused."""
    a = full_article(store)
    store.conn.execute("UPDATE articles SET title = ? WHERE id = ?", ("Long " * 4_000, a.id))
    path, _ = export_json(store, folder=tmp_path / "out", now=NOW)
    assert import_json(other_store, path, placer=place).added == len(store.list_highlights(a.id))
    copy = other_store.article_by_uid(a.uid)
    assert copy is not None and copy.title.startswith("Long Long") and len(copy.title) <= 2_000


def test_ids_an_older_import_kept_as_they_came_are_recognised(store: Store, tmp_path: Path) -> None:
    """Older versions kept anything after ``urn:tui-reader:highlight:`` as the id ("my id",
    too long for a block id): the same file again, or that highlight's export, adds nothing."""
    path = write(tmp_path, [anno("quick", id="urn:tui-reader:highlight:my id")])
    import_json(store, path, placer=place)
    (h,) = store.all_highlights()
    assert h.id != "my id"  # now a block id: hl- and a full hash
    store.conn.execute("UPDATE highlights SET id = 'my id'")  # as an older version stored it
    assert import_json(store, path, placer=place).added == 0
    out, _ = export_json(store, folder=tmp_path / "out", now=NOW)
    assert import_json(store, out, placer=place).added == 0


# -- what the Web Annotation model allows ------------------------------------------------------


def test_the_models_other_spellings_are_read(store: Store, tmp_path: Path) -> None:
    """JSON-LD lets ``type`` be a list; the model lets a selector be an address (published
    apart from the annotation); a file may start with a byte-order mark. The spec's own
    example collection (w3c/web-annotation, collection1.json) was refused whole, for the
    address selector of one annotation of 41."""
    listed = anno("quick", type=["Annotation"])
    elsewhere = anno("brown")
    elsewhere["target"]["selector"] = "http://example.org/selector1"
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([listed, elsewhere, anno("fox")]).encode())
    result = import_json(store, path, placer=place)
    assert result.added == 2 and stored(store)[0] == 2
    assert result.problems == [
        "annotation 2: its selector is an address (published apart, not fetched); skipped"
    ]
    single = write(tmp_path, anno("jumps", type=["Annotation"]), "single.json")
    assert import_json(store, single, placer=place).added == 1


def test_the_cli_says_how_many_problems_it_did_not_show(store: Store, tmp_path: Path) -> None:
    items = [anno(f"passage {i}") for i in range(30)]
    for item in items:
        item["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": " "}]
    proc = run("import-notes", "--no-fetch", str(write(tmp_path, items)))
    lines = proc.stderr.splitlines()
    assert proc.returncode == 0 and len(lines) == 22
    assert lines[-2] == "tui-reader: ... and 10 more" and "30 skipped (see above)" in lines[-1]


def test_a_choice_of_bodies_gives_its_first(store: Store, tmp_path: Path) -> None:
    """The model's Choice (the same note in two languages, spec example 41): the first is the
    default; it was dropped, leaving only the tag."""
    item = anno("quick")
    item["body"] = [
        {"type": "TextualBody", "purpose": "tagging", "value": "love"},
        {
            "type": "Choice",
            "items": [
                {"type": "TextualBody", "value": "I really love this bit.", "language": "en"},
                {"type": "TextualBody", "value": "J'adore ce passage.", "language": "fr"},
            ],
        },
    ]
    assert import_json(store, write(tmp_path, [item]), placer=place).added == 1
    (h,) = store.conn.execute("SELECT note, tags FROM highlights").fetchall()
    assert h[0] == "I really love this bit." and json.loads(h[1]) == ["love"]


def test_notes_on_many_new_pages_do_not_walk_every_article_for_each(
    store: Store, tmp_path: Path
) -> None:
    """Articles have no index by address (it would slow every refresh): a lookup by address
    walks them all. An import of notes on N new pages made N such walks (40,000 pages took
    36 s); the importer knows which addresses are stored and looks up only those."""
    known = "https://known.example/story"
    store.find_or_create_article(uid="", url=known, title="Known")
    pages = [f"https://p{n}.example/a" for n in range(30)] + [known]
    data = [
        anno(
            f"quote {n}",
            id=f"https://annotations.example/{n}",
            target={"source": url, "selector": {"type": "TextQuoteSelector", "exact": f"q{n}"}},
        )
        for n, url in enumerate(pages)
    ]
    walks: list[str] = []
    store.conn.set_trace_callback(
        lambda sql: walks.append(sql) if "WHERE a.url = " in sql else None
    )
    try:
        import_json(store, write(tmp_path, data))
    finally:
        store.conn.set_trace_callback(None)
    assert stored(store) == (31, 31)
    assert len(walks) <= 1  # the known page's, at most


def test_a_file_of_millions_of_tiny_objects_is_refused_before_it_is_loaded(
    store: Store, tmp_path: Path
) -> None:
    """250 MB of "{}," loaded as JSON is 87 million dicts (6.7 GB) before the number of
    annotations is checked: the objects and lists are counted first."""
    from tui_reader.export.webannotation import MAX_JSON_CONTAINERS

    path = tmp_path / "tiny.json"
    path.write_text("[" + "{}," * MAX_JSON_CONTAINERS + "{}]", encoding="utf-8")
    refused(store, path, "JSON objects and lists", f"at most {MAX_JSON_CONTAINERS:,}")


@pytest.mark.parametrize("unit", ['"ab12c",', "1,", "null,", '"",'])
def test_a_file_of_millions_of_tiny_values_is_refused_before_it_is_loaded(
    store: Store, tmp_path: Path, unit: str
) -> None:
    """260 MB of five-letter strings took 2.8 GB of memory to be read before it was refused
    (it holds no annotation): the values are counted first."""
    from tui_reader.export.webannotation import MAX_JSON_VALUES

    path = tmp_path / "tiny.json"
    path.write_text("[" + unit * MAX_JSON_VALUES + "0]", encoding="utf-8")
    refused(store, path, "JSON values", f"at most {MAX_JSON_VALUES:,}")


def test_an_export_as_large_as_an_import_takes_is_within_the_values_counted(
    store: Store, tmp_path: Path
) -> None:
    """The bound on values refuses no real file the size bound lets in: our own export (and
    Hypothesis's rows, 28 bytes a value) holds far fewer values per byte."""
    from tui_reader.export.webannotation import MAX_FILE_BYTES, MAX_JSON_VALUES

    full_article(store)
    path, _ = export_json(store, path=tmp_path / "all.json", now=NOW)
    text = path.read_text("utf-8")
    values = text.count(",") + text.count("{") + text.count("[")
    assert MAX_FILE_BYTES / (len(text) / values) < MAX_JSON_VALUES * 0.8


def test_a_number_too_long_for_python_is_a_plain_message(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, [anno()])
    path.write_text(path.read_text().replace('"quick"', "9" * 5000, 1), encoding="utf-8")
    message = refused(store, path, "number too long")
    assert "set_int_max_str_digits" not in message


def test_two_annotations_given_one_id_are_both_kept_and_only_once(
    store: Store, tmp_path: Path
) -> None:
    """Another tool's file that gives two highlights of different passages one id (joined
    from two files, a tool's bug): the second is not taken for the first, and importing the
    file again adds neither."""
    same = "https://hyp.example/a/1"
    path = write(tmp_path, [anno("quick", id=same), anno("lazy dog", id=same)])
    first = import_json(store, path)
    assert (first.added, first.skipped) == (2, 0)
    quotes = {q for (q,) in store.conn.execute("SELECT quote FROM highlights")}
    assert quotes == {"quick", "lazy dog"}
    again = import_json(store, path)
    assert (again.added, again.skipped) == (0, 2)
    assert stored(store) == (2, 1)


@pytest.mark.parametrize("where", ["first", "next"])
def test_a_page_of_the_collection_named_by_address_only_is_said_not_read(
    store: Store, tmp_path: Path, where: str
) -> None:
    """W3C lets a collection name its pages by address. They are not fetched; the import
    says so (it said nothing: "0 highlights added" for a file of 42)."""
    later = "https://annotations.example/c/page2"
    page = {"type": "AnnotationPage", "items": [anno()], "next": later}
    first: object = page if where == "next" else later
    data = {"type": "AnnotationCollection", "total": 42, "first": first}
    result = import_json(store, write(tmp_path, data))
    assert result.added == (1 if where == "next" else 0)
    lines = [p for p in result.problems if later in p]
    assert len(lines) == 1 and "of 42 annotations" in lines[0] and "not read" in lines[0]
