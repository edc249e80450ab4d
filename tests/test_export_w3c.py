"""Every JSON export passes every MUST assertion of the W3C Web Annotation test suite
(annotations, collections and their embedded page), checked as the suite's runner does."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_export import NOW, article, full_article, put
from tests.w3c import must_failures, suite_present
from tui_reader.export import export_json
from tui_reader.store import Store

pytestmark = pytest.mark.skipif(not suite_present(), reason="W3C test suite not present")


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _export(store: Store, tmp_path: Path, name: str) -> dict[str, object]:
    path, _ = export_json(store, path=tmp_path / f"{name}.json", now=NOW)
    data: dict[str, object] = json.loads(path.read_text("utf-8"))
    return data


def test_full_export_passes_every_must(store: Store, tmp_path: Path) -> None:
    full_article(store)  # notes, tags, colours, an article note, an unanchored highlight
    data = _export(store, tmp_path, "full")
    assert must_failures(data) == []  # type: ignore[arg-type]


def test_empty_and_local_exports_pass_every_must(store: Store, tmp_path: Path) -> None:
    assert must_failures(_export(store, tmp_path, "empty")) == []  # type: ignore[arg-type]
    a = article(store, guid="local")
    store.conn.execute("UPDATE articles SET url = '' WHERE id = ?", (a.id,))
    put(store, a, "hl-00000001", "Critics disagreed")
    data = _export(store, tmp_path, "local")
    items = data["first"]["items"]  # type: ignore[index]
    assert items[0]["target"]["source"].startswith("urn:tui-reader:article:")
    assert must_failures(data) == []  # type: ignore[arg-type]


def test_collection_and_page_have_distinct_uri_ids(store: Store, tmp_path: Path) -> None:
    full_article(store)
    one = _export(store, tmp_path, "one")
    page = one["first"]
    assert isinstance(page, dict)
    assert isinstance(one["id"], str) and isinstance(page["id"], str)
    assert one["id"] != page["id"] and page["id"].startswith(one["id"])


def test_the_checker_catches_a_missing_id(store: Store, tmp_path: Path) -> None:
    """The assertions really run: an export without ids fails the collection and page ones."""
    full_article(store)
    data = _export(store, tmp_path, "bad")
    del data["id"]
    failed = must_failures(data)  # type: ignore[arg-type]
    assert any("5.1-collectionIdValidated" in f for f in failed)
