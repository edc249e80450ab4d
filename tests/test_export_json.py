"""Web Annotation JSON: a round trip through another database loses nothing; import skips
what is there and accepts other tools' annotations; digests group highlights by article."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.test_export import DAY, NOW, article, doc, full_article, put
from tui_reader.export import ExportError, export_digest, export_json, import_json
from tui_reader.models import Highlight
from tui_reader.placing import place
from tui_reader.store import Store


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "elsewhere" / "reader.sqlite3")
    yield s
    s.close()


def _comparable(h: Highlight) -> Highlight:
    """All but the article id (new in the copy) and the times (compared to the microsecond
    the export writes, in _same_times: rounding both to 5 places failed now and then, when a
    time sat on a rounding boundary)."""
    return replace(h, article_id=0, created=0.0, updated=0.0)


def _same_times(a: list[Highlight], b: list[Highlight]) -> bool:
    return len(a) == len(b) and all(
        abs(x.created - y.created) <= 1e-6 and abs(x.updated - y.updated) <= 1e-6
        for x, y in zip(a, b, strict=True)
    )


def test_round_trip_loses_nothing(store: Store, other: Store, tmp_path: Path) -> None:
    a = full_article(store)
    store.update_highlight("hl-0c0ffee1", note="edited later\nwith two lines")
    path, count = export_json(store, folder=tmp_path / "out", now=NOW)
    originals = store.list_highlights(a.id)
    assert count == len(originals) + 1  # and the article note
    data = json.loads(path.read_text())
    assert data["type"] == "AnnotationCollection" and data["total"] == count
    first = data["first"]["items"][0]
    assert first["type"] == "Annotation" and first["target"]["selector"][0]["type"] == (
        "TextQuoteSelector"
    )

    result = import_json(other, path, placer=place)
    assert (result.added, result.skipped, result.notes_added) == (len(originals), 0, 1)
    assert result.articles_created == 1 and result.problems == []
    copy = other.article_by_uid(a.uid)
    assert copy is not None and copy.feed_id is None  # under Saved
    assert (copy.title, copy.url, copy.author, copy.source_title, copy.published) == (
        a.title,
        a.url,
        a.author,
        "Example Times",
        a.published,
    )
    imported = other.list_highlights(copy.id)
    assert [_comparable(h) for h in imported] == [_comparable(h) for h in originals]
    assert _same_times(imported, originals)
    assert other.get_article_note(copy.id) == store.get_article_note(a.id)

    # Exported again from the copy: the same annotations (the round trip is stable).
    again, _ = export_json(other, path=tmp_path / "again.json", now=NOW)
    items = json.loads(again.read_text())["first"]["items"]
    assert items == data["first"]["items"]

    # Importing again, anywhere, adds nothing.
    for target in (other, store):
        r = import_json(target, path, placer=place)
        assert r.added == 0 and r.skipped == len(originals) and r.notes_added == 0
    assert other.highlight_count() == len(originals)


def test_imported_highlights_are_placed_in_the_local_text(store: Store, other: Store) -> None:
    a = full_article(store)
    data = json.dumps(_collection(store))
    # Elsewhere the article exists with a slightly different text (a new first paragraph).
    feed, _ = other.add_feed("http://example.com/feed")
    from tui_reader.models import EntryData

    other.upsert_entries(feed, [EntryData(guid="g", url=a.url, title="t")])
    local = other.list_articles()[0]
    from tui_reader.document import Block, Document

    d = doc()
    d2 = Document(blocks=(Block("paragraph", "Editor's note: updated."), *d.blocks))
    other.save_document(local.id, doc_json=d2.to_json(), text=d2.text, version="1", source="page")
    path = Path(other.path).parent / "in.json"
    path.write_text(data)
    result = import_json(other, path, placer=place)
    assert result.articles_created == 0  # found by URL
    h = other.get_highlight("hl-4b1c2f0e")
    assert h is not None and h.article_id == local.id and h.start is not None
    assert d2.text[h.start : h.end] == h.quote


def _collection(store: Store) -> dict[str, object]:
    from tui_reader.export.webannotation import to_collection

    return to_collection(store, [a.id for a in store.annotated_articles()])


def test_import_other_tools_annotations(other: Store, tmp_path: Path) -> None:
    foreign = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "https://annotations.example/anno/42",
            "type": "Annotation",
            "created": "2025-01-02T03:04:05Z",
            "body": {"type": "TextualBody", "value": "a *note*\x1b[31m"},
            "target": {
                "source": "https://news.example/story",
                "selector": {
                    "type": "TextPositionSelector",
                    "start": 4,
                    "end": 9,
                    "refinedBy": {"type": "TextQuoteSelector", "exact": "quick"},
                },
            },
        },
        {"type": "Annotation", "id": "x", "target": {"source": "https://news.example/story"}},
    ]
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(foreign))
    result = import_json(other, path, placer=place)
    assert result.added == 1 and result.articles_created == 1 and len(result.problems) == 1
    (h,) = other.all_highlights()
    assert h.id.startswith("hl-") and h.quote == "quick" and (h.start, h.end) == (4, 9)
    assert h.note == "a *note*" and h.created == 1735787045.0
    saved = other.list_articles(saved=True)
    assert [a.url for a in saved] == ["https://news.example/story"]
    assert import_json(other, path, placer=place).skipped == 1  # the same stable id the second time


def test_import_refuses_bad_files_clearly(other: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ExportError, match="not valid JSON"):
        import_json(other, bad, placer=place)
    bad.write_text('{"hello": 1}')
    with pytest.raises(ExportError, match="not a Web Annotation file"):
        import_json(other, bad, placer=place)
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ExportError, match="not UTF-8"):
        import_json(other, bad, placer=place)
    with pytest.raises(ExportError, match="cannot read"):
        import_json(other, tmp_path / "missing.json", placer=place)
    assert other.highlight_count() == 0


def test_digest_groups_highlights_since_a_date(store: Store, tmp_path: Path) -> None:
    a1 = article(store, "First story", "one")
    a2 = article(store, "Second story", "two")
    put(store, a1, "hl-00000001", "The council met", created=NOW - 10 * DAY)  # too old
    put(store, a1, "hl-00000002", "open in May", created=NOW - DAY, note="soon?")
    put(store, a2, "hl-00000003", "Critics disagreed again.", created=NOW - 2 * DAY)
    put(store, a2, "hl-00000004", "The council met", created=NOW - DAY, tags=("vote",))
    store.set_article_note(a2.id, "Second's note")
    out = tmp_path / "out"
    path = export_digest(store, NOW - 3 * DAY, folder=out, now=NOW)
    text = path.read_text()
    assert path.name == "Highlights since 2026-06-30.md"
    assert "type: tui-reader-digest" in text and "3 highlights from 2 articles" in text
    assert "^hl-00000001" not in text
    second, first = text.index("## [Second story]"), text.index("## [First story]")
    assert second < first  # the article highlighted first comes first
    # Within an article, document order.
    assert second < text.index("^hl-00000004") < text.index("^hl-00000003") < first
    assert "Second's note" in text and "soon?" in text and "#vote" in text

    # The same digest again replaces the unedited file; an edited one is kept.
    assert export_digest(store, NOW - 3 * DAY, folder=out, now=NOW + 1) == path
    path.write_text(path.read_text().replace("soon?", "soon? (my edit)"))
    beside = export_digest(store, NOW - 3 * DAY, folder=out, now=NOW + 2)
    assert beside != path and "(my edit)" in path.read_text()
    with pytest.raises(ExportError, match="not an unedited digest"):
        export_digest(store, NOW - 3 * DAY, path=path, now=NOW)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t + "\nMy own summary of the week.\n",  # below the region
        lambda t: t.replace("<!-- tui-reader:begin", "My intro.\n\n<!-- tui-reader:begin", 1),
        lambda t: t.replace("type: tui-reader-digest", "type: tui-reader-digest\nreviewed: yes"),
    ],
    ids=["text below", "text above", "a property of the user's"],
)
def test_a_digest_edited_beside_its_region_is_kept_and_the_next_written_once_beside_it(
    store: Store, tmp_path: Path, edit: object
) -> None:
    """Text the user added outside the digest's region (or a property) was replaced by the
    next run; and each run after an edit wrote one more copy, "(2)", "(3)"..."""
    a1 = article(store, "First story", "one")
    put(store, a1, "hl-00000002", "open in May", created=NOW - DAY)
    out = tmp_path / "out"
    path = export_digest(store, NOW - 3 * DAY, folder=out, now=NOW)
    assert callable(edit)
    edited = edit(path.read_text())
    path.write_text(edited)
    told: list[Path] = []
    beside = export_digest(store, NOW - 3 * DAY, folder=out, now=NOW + 1, kept=told.append)
    assert path.read_text() == edited and beside.name == "Highlights since 2026-06-30 (2).md"
    assert told == [path]
    for later in (2, 3):
        assert export_digest(store, NOW - 3 * DAY, folder=out, now=NOW + later) == beside
    assert {p.name for p in out.iterdir()} == {path.name, beside.name}


def test_a_json_export_never_writes_over_a_file_not_its_own(store: Store, tmp_path: Path) -> None:
    full_article(store)
    mine = tmp_path / "notes.json"
    mine.write_text('{"my": "own data"}\n')
    with pytest.raises(ExportError, match="is not a tui-reader JSON export; not overwriting"):
        export_json(store, path=mine)
    assert mine.read_text() == '{"my": "own data"}\n'
    ours = tmp_path / "backup.json"
    export_json(store, path=ours, now=NOW)
    export_json(store, path=ours, now=NOW + 1)  # an export of ours is replaced
    assert json.loads(ours.read_text())["total"] == 7
