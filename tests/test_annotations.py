"""Highlights and notes in the store: saved at once, never lost, re-anchored when the text
changes, searchable, and kept when feeds are removed or articles pruned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tui_reader.anchor import text_hash
from tui_reader.document import Block, Document
from tui_reader.models import Article, EntryData, Highlight
from tui_reader.paths import Paths
from tui_reader.placing import place
from tui_reader.reader import Reanchored, add_highlight, reanchor
from tui_reader.store import Store

PARAS = (
    "The council met on Tuesday to discuss the bridge.",
    "Members argued for hours about the cost of the project, which has doubled since the first"
    " estimate.",
    '"We are confident the schedule will hold," the mayor said. Critics disagreed.',
    "The bridge is now expected to open in May.",
)


def make_doc(paras: tuple[str, ...] = PARAS) -> Document:
    return Document(title="Bridge", blocks=tuple(Block("paragraph", p) for p in paras))


def add_article(store: Store, feed_url: str = "http://x/feed", guid: str = "a1") -> Article:
    feed, _ = store.add_feed(feed_url)
    store.upsert_entries(feed, [EntryData(guid=guid, url=f"http://x/{guid}", title="Bridge")])
    article = next(a for a in store.list_articles(feed_id=feed.id) if a.guid == guid)
    doc = make_doc()
    store.save_document(
        article.id, doc_json=doc.to_json(), text=doc.text, version="1", source="feed"
    )
    return article


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_add_then_list_in_document_order(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    later = add_highlight(store, article.id, text, *span(text, "open in May"), "key point")
    earlier = add_highlight(
        store, article.id, text, *span(text, "Critics disagreed"), "disputed", tags=["claim"]
    )
    first = add_highlight(store, article.id, text, *span(text, "discuss the bridge"), "fact")
    assert later.id.startswith("hl-") and len(later.id) == 11
    assert len({later.id, earlier.id, first.id}) == 3
    assert [h.id for h in store.list_highlights(article.id)] == [first.id, earlier.id, later.id]
    got = store.get_highlight(earlier.id)
    assert got == earlier
    assert got is not None and got.quote == "Critics disagreed" and got.tags == ("claim",)
    assert got.text_hash == text_hash(text) and got.anchored
    assert got.prefix.endswith("the mayor said. ") and got.suffix.startswith(".\n\nThe bridge")


def test_bad_ranges_and_missing_articles_are_refused(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    with pytest.raises(ValueError):
        add_highlight(store, article.id, text, 5, 5, "fact")
    with pytest.raises(ValueError):
        add_highlight(store, article.id, text, 0, len(text) + 1, "fact")
    with pytest.raises(ValueError, match="no article"):
        add_highlight(store, 99999, text, 0, 5, "fact")
    with pytest.raises(ValueError, match="no article"):
        store.set_article_note(99999, "note")
    assert store.highlight_count() == 0


def test_hostile_text_is_cleaned_and_tags_normalised(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    h = add_highlight(
        store,
        article.id,
        text,
        0,
        10,
        "key\x1b[31m point",
        tags=["#Claim", "two words", "claim", "  ", "\x1b]0;x\x07ok"],
        note="line one\x1b[2J\r\nline **two**\u202e\n",
    )
    assert h.color == "key point"
    assert h.tags == ("Claim", "two-words", "ok")
    assert h.note == "line one\nline **two**"
    assert store.get_highlight(h.id) == h


def test_update_changes_fields_and_time(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    h = add_highlight(store, article.id, text, 0, 10, "fact", tags=["a"], note="n")
    store.conn.execute("UPDATE highlights SET updated = 1, created = 1 WHERE id = ?", (h.id,))
    changed = store.update_highlight(h.id, color="disputed")
    assert (changed.color, changed.tags, changed.note) == ("disputed", ("a",), "n")
    assert changed.updated > 1 and changed.created == 1
    changed = store.update_highlight(h.id, tags=["b", "#c"], note="multi\nline")
    assert changed.tags == ("b", "c") and changed.note == "multi\nline"
    with pytest.raises(KeyError):
        store.update_highlight("hl-missing", note="x")


def test_soft_delete_restore_and_explicit_purge(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    keep = add_highlight(store, article.id, text, *span(text, "the bridge"), "fact", note="keep")
    gone = add_highlight(store, article.id, text, *span(text, "Critics"), "fact", note="findme")
    assert store.delete_highlight(gone.id) and not store.delete_highlight(gone.id)
    assert [h.id for h in store.list_highlights(article.id)] == [keep.id]
    assert [h.id for h in store.all_highlights()] == [keep.id]
    assert store.all_highlights("findme") == []
    assert store.is_highlight_deleted(gone.id)
    assert store.restore_highlight(gone.id) and not store.restore_highlight(gone.id)
    assert {h.id for h in store.list_highlights(article.id)} == {keep.id, gone.id}
    assert [h.id for h in store.all_highlights("findme")] == [gone.id]
    store.delete_highlight(gone.id)
    assert store.purge_deleted_highlights(older_than=time.time() - 3600) == 0
    assert store.purge_deleted_highlights() == 1
    assert store.get_highlight(gone.id) is None and store.get_highlight(keep.id) is not None


def test_article_note_set_get_and_empty_deletes(store: Store) -> None:
    article = add_article(store)
    assert store.get_article_note(article.id) == ""
    store.set_article_note(article.id, "# Mine\n\n- a *list*\n")
    assert store.get_article_note(article.id) == "# Mine\n\n- a *list*"
    assert store.article_note_updated(article.id) is not None
    store.set_article_note(article.id, "   \n ")
    assert store.get_article_note(article.id) == ""
    assert store.article_note_updated(article.id) is None


def test_all_highlights_filters(store: Store) -> None:
    a1 = add_article(store, "http://x/feed1", "a1")
    a2 = add_article(store, "http://x/feed2", "a2")
    text = make_doc().text
    h1 = add_highlight(store, a1.id, text, *span(text, "the bridge"), "fact", tags=["Infra"])
    h2 = add_highlight(
        store, a2.id, text, *span(text, "Critics disagreed"), "disputed", note="check the minutes"
    )
    h3 = add_highlight(store, a2.id, text, *span(text, "open in May"), "fact", tags=["dates"])
    store.conn.execute("UPDATE highlights SET created = 1000 WHERE id = ?", (h1.id,))

    def ids(hs: list[Highlight]) -> set[str]:
        return {h.id for h in hs}

    assert ids(store.all_highlights()) == {h1.id, h2.id, h3.id}
    assert ids(store.all_highlights("minutes")) == {h2.id}  # the note
    assert ids(store.all_highlights("critic")) == {h2.id}  # a prefix of the quote
    assert ids(store.all_highlights("infra")) == {h1.id}  # a tag
    assert ids(store.all_highlights(tag="#infra")) == {h1.id}
    assert ids(store.all_highlights(color="fact")) == {h1.id, h3.id}
    assert ids(store.all_highlights(feed_id=a2.feed_id)) == {h2.id, h3.id}
    assert ids(store.all_highlights(since=2000)) == {h2.id, h3.id}
    assert ids(store.all_highlights(until=2000)) == {h1.id}
    assert ids(store.all_highlights("may", color="fact", feed_id=a2.feed_id)) == {h3.id}
    for nasty in ['"', "AND OR NOT", "a:b", "(*)", "NEAR(", "'; DROP TABLE highlights; --"]:
        store.all_highlights(nasty)
    assert store.highlight_tags() == [("dates", 1), ("Infra", 1)]
    assert store.highlight_count() == 3 and store.highlight_count(a2.id) == 2


def test_reanchor_moves_keeps_and_never_deletes(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    moved = add_highlight(store, article.id, text, *span(text, "argued for hours"), "fact")
    lost = add_highlight(store, article.id, text, *span(text, "Critics disagreed"), "x", note="n")
    deleted = add_highlight(store, article.id, text, *span(text, "open in May"), "fact")
    store.delete_highlight(deleted.id)
    new_doc = make_doc(
        (
            "Update: the vote was postponed.",
            PARAS[0],
            PARAS[1],
            '"We are confident the schedule will hold," the mayor said.',
            PARAS[3],
        )
    )
    new = new_doc.text
    assert reanchor(store, article.id, new) == Reanchored(2, 1)
    got = store.get_highlight(moved.id)
    assert got is not None and new[got.start or 0 : got.end or 0] == "argued for hours"
    assert got.text_hash == text_hash(new)
    unplaced = store.get_highlight(lost.id)
    assert unplaced is not None and not unplaced.anchored
    assert (unplaced.quote, unplaced.note) == ("Critics disagreed", "n")
    assert store.list_highlights(article.id)[-1].id == lost.id  # unanchored last
    # The deleted one was placed too, so an undo shows it in the right place.
    store.restore_highlight(deleted.id)
    back = store.get_highlight(deleted.id)
    assert back is not None and new[back.start or 0 : back.end or 0] == "open in May"
    # Running again on the same text changes nothing.
    assert reanchor(store, article.id, new) == Reanchored(2, 1)
    assert store.highlight_count(article.id) == 3


def test_saving_a_new_document_reanchors_in_the_same_transaction(store: Store) -> None:
    article = add_article(store)
    text = make_doc().text
    h = add_highlight(store, article.id, text, *span(text, "doubled since the first"), "fact")
    new_doc = make_doc(("A new first paragraph.", *PARAS))
    store.save_document(
        article.id,
        doc_json=new_doc.to_json(),
        text=new_doc.text,
        version="2",
        source="page",
        placer=place,  # the Reader's: the store is handed where highlights go, never decides
    )
    got = store.get_highlight(h.id)
    assert got is not None and got.anchored
    assert new_doc.text[got.start or 0 : got.end or 0] == "doubled since the first"
    # An extraction error stores no document: the highlight is untouched.
    store.save_document(article.id, doc_json="", text="", version="2", source="page", error="x")
    assert store.get_highlight(h.id) == got


def test_removing_a_feed_or_pruning_keeps_highlights_and_notes(store: Store) -> None:
    feed, _ = store.add_feed("http://x/feed")
    entries = [EntryData(guid=f"g{i}", url=f"http://x/{i}", title=f"T{i}") for i in range(4)]
    store.upsert_entries(feed, entries)
    arts = {a.guid: a for a in store.list_articles(feed_id=feed.id)}
    text = make_doc().text
    h = add_highlight(store, arts["g0"].id, text, 0, 12, "fact", note="mine")
    gone = add_highlight(store, arts["g1"].id, text, 0, 12, "fact")
    store.delete_highlight(gone.id)  # even a deleted one is kept (it can be undone)
    store.set_article_note(arts["g2"].id, "a note")
    store.set_read([a.id for a in arts.values()])
    assert store.prune(older_than=9e18) == 1  # only g3: the one with nothing attached
    assert store.remove_feed(feed.id) == 3
    saved = {a.guid for a in store.list_articles(saved=True)}
    assert saved == {"g0", "g1", "g2"}
    assert store.get_highlight(h.id) == h
    assert store.get_highlight(gone.id) is not None
    assert store.get_article_note(arts["g2"].id) == "a note"
    assert [x.id for x in store.all_highlights("")] == [h.id]


def test_insert_keeps_ids_and_skips_existing(store: Store) -> None:
    article = add_article(store)
    h = Highlight(
        id="hl-0000abcd",
        article_id=article.id,
        quote="unanchored quote",
        color="fact",
        tags=("t",),
        note="n",
        created=100.0,
        updated=200.0,
    )
    assert store.insert_highlight(h)
    assert not store.insert_highlight(h)
    assert store.get_highlight("hl-0000abcd") == h
    assert store.list_highlights(article.id) == [h]


def test_find_or_create_article(store: Store) -> None:
    article = add_article(store)
    found, created = store.find_or_create_article(uid=article.uid, url="http://other")
    assert found.id == article.id and not created
    by_url, created = store.find_or_create_article(uid="unknown", url=article.url)
    assert by_url.id == article.id and not created
    new, created = store.find_or_create_article(
        uid="abc123", url="http://y/1", title="T\x1b[31m", site="Y"
    )
    assert created and new.uid == "abc123" and new.feed_id is None and new.title == "T"
    assert new.id in {a.id for a in store.list_articles(saved=True)}
    assert store.find_or_create_article(uid="abc123", url="")[0].id == new.id


def test_two_instances_writing_highlights_lose_nothing(paths: Paths) -> None:
    paths.ensure()
    with Store.open(paths.database) as s:
        article = add_article(s)
    text = make_doc().text
    errors: list[BaseException] = []
    made: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            with Store.open(paths.database) as s:
                for i in range(40):
                    h = add_highlight(s, article.id, text, i, i + 5 + n, "fact", note=f"{n}-{i}")
                    s.update_highlight(h.id, tags=[f"w{n}"])
                    with lock:
                        made.append(h.id)
                s.set_article_note(article.id, f"from {n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(paths.database) as s:
        stored = s.list_highlights(article.id)
        assert sorted(h.id for h in stored) == sorted(made) and len(made) == 120
        assert all(h.tags == (f"w{h.note.split('-')[0]}",) for h in stored)
        assert s.get_article_note(article.id).startswith("from ")


def test_highlight_survives_reopen_right_after_add(paths: Paths) -> None:
    paths.ensure()
    s = Store.open(paths.database)
    article = add_article(s)
    text = make_doc().text
    h = add_highlight(s, article.id, text, 0, 10, "fact", note="n")
    s.set_article_note(article.id, "note")
    other = Store.open(paths.database)  # another instance sees it at once
    assert other.get_highlight(h.id) == h
    other.close()
    s.close()
    with Store.open(paths.database) as again:
        assert again.get_highlight(h.id) == h
        assert again.get_article_note(article.id) == "note"


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from tui_reader.store import Store
from tui_reader.document import Document
from tui_reader.reader import add_highlight
s = Store.open(Path(sys.argv[1]))
article_id = int(sys.argv[2])
text = Document.from_json(s.get_body(article_id).doc_json).text
h = add_highlight(s, article_id, text, 4, 11, "fact", note="saved before the kill")
s.set_article_note(article_id, "article note before the kill")
print(h.id, flush=True)
time.sleep(60)
"""


def test_kill_9_after_saving_loses_nothing(paths: Paths, tmp_path: Path) -> None:
    paths.ensure()
    with Store.open(paths.database) as s:
        article = add_article(s)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(paths.database), str(article.id)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert proc.stdout is not None
    hid = proc.stdout.readline().strip()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hid.startswith("hl-")
    with Store.open(paths.database) as s:
        got = s.get_highlight(hid)
        assert got is not None and got.note == "saved before the kill"
        assert s.get_article_note(article.id) == "article note before the kill"


def test_placing_stops_searching_after_its_budget_and_leaves_the_rest_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each quote absent from a text is a search of the whole text: thousands in one article
    held an import (and the write lock) for minutes. Past the budget, the rest wait
    unanchored; a highlight whose offsets still select its quote stays where it is."""
    import tui_reader.placing as placing
    from tui_reader.placing import new_highlight

    text = " ".join(f"Sentence number {i} of the minutes says something else." for i in range(40))
    text = "The council met on Tuesday. The bridge plan was approved. " + text
    held = new_highlight(1, text, 4, 11, "")
    moved = replace(new_highlight(1, text, 28, 57, ""), start=0, end=29)  # (found by search)
    absent = replace(held, id="hl-absent", quote="Nothing like this is in the text at all")
    placed = place([held, moved, absent], text)
    assert [(h.start, h.end) for h in placed] == [(4, 11), (28, 57), (None, None)]
    monkeypatch.setattr(placing, "PLACE_SECONDS", 0.0)
    placed = place([held, moved, absent], text)
    assert [(h.start, h.end) for h in placed] == [(4, 11), (None, None), (None, None)]
    assert [h.quote for h in placed] == [held.quote, moved.quote, absent.quote]  # (kept)
