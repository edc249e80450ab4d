"""Importing what Hypothesis writes: its client's export file and API search results, with
notes, tags, page notes and titles; articles matched by normalised address, fetched and
extracted from a real HTTP server so the highlights are placed at once (or later, offline)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.httpserver import TestServer
from tui_reader.config import Config
from tui_reader.export import ExportError, import_json
from tui_reader.export.webannotation import import_annotations
from tui_reader.extract.errors import ExtractionError
from tui_reader.extract.loader import load_document
from tui_reader.paths import Paths
from tui_reader.placing import place
from tui_reader.sanitize import url_key
from tui_reader.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "hypothesis"
FILLER = (
    "The city has argued about a second crossing of the river for a decade, and the plans"
    " have changed many times since the first proposal was drawn up by the old council."
)
PAGE = f"""<!doctype html><html><head><title>The bridge vote</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>The bridge vote</h1>
<p>{FILLER} It was a relief for those who had waited for years.</p>
<p>The council approved the new bridge budget after a long evening debate. Members argued
about the cost for two hours. Critics said the estimate was far too low and would double
within a year.</p>
<p>{FILLER}</p><p>{FILLER} The work starts in spring.</p>
</article></main><footer>Copyright</footer></body></html>"""


def _file(tmp_path: Path, name: str, page_url: str) -> Path:
    text = (FIXTURES / name).read_text("utf-8").replace("__PAGE__", page_url)
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _fetcher(store: Store):  # type: ignore[no-untyped-def]
    def fetch(article_id: int) -> bool:
        try:
            return not load_document(store, article_id, Config(), placer=place).is_empty
        except ExtractionError:
            return False

    return fetch


def test_client_export_imports_notes_tags_and_places_them(
    store: Store, server: TestServer, tmp_path: Path
) -> None:
    url = server.route("/news/bridge-vote", PAGE, content_type="text/html; charset=utf-8")
    path = _file(tmp_path, "client-export.json", url)
    result = import_json(store, path, fetch=_fetcher(store), placer=place)
    assert (result.added, result.placed, result.unanchored) == (2, 2, 0)
    assert result.fetched == 1 and result.replies == 1 and result.notes_added == 1
    assert "2 placed, 0 unanchored" in result.summary() and "1 reply skipped" in result.summary()
    [article] = [a for a in store.annotated_articles()]
    assert article.title == "The bridge vote" and article.feed_id is None
    highlights = {h.quote: h for h in store.list_highlights(article.id)}
    key = highlights["The council approved the new bridge budget after a long evening debate."]
    assert key.note == "The **key** claim of the piece." and key.tags == ("bridge", "budget")
    assert key.start is not None  # placed in the fetched and extracted text
    assert key.created == datetime(2026, 11, 28, 14, 2, 11, 503214, tzinfo=UTC).timestamp()
    assert key.updated > key.created
    # The page note's tags are written under it (an article's note has none of its own).
    note = store.get_article_note(article.id)
    assert note == "A page note: read the follow-up next week.\n\nTags: follow-up"


def test_api_search_unreachable_is_kept_unanchored_then_placed_on_open(
    store: Store, server: TestServer, tmp_path: Path
) -> None:
    url = server.url("/news/bridge-vote")  # nothing served there yet: the fetch fails
    result = import_json(
        store, _file(tmp_path, "api-search.json", url), fetch=_fetcher(store), placer=place
    )
    assert (result.added, result.placed, result.unanchored, result.replies) == (1, 0, 1, 1)
    assert result.fetched == 0
    [article] = list(store.annotated_articles())
    [h] = store.list_highlights(article.id)
    assert h.note == "The **key** claim of the piece."  # kept, waiting for the text
    server.route("/news/bridge-vote", PAGE, content_type="text/html; charset=utf-8")
    text = load_document(store, article.id, Config(), force=True, placer=place).text  # opened
    [h] = store.list_highlights(article.id)
    assert h.start is not None and h.end is not None and text[h.start : h.end] == h.quote


def test_article_matched_by_normalised_address(store: Store, tmp_path: Path) -> None:
    page = "https://example.org/news/bridge-vote/"
    data = json.loads(
        (FIXTURES / "api-search.json")
        .read_text()
        .replace("__PAGE__", "http://EXAMPLE.org/news/bridge-vote")
    )
    first = import_annotations(store, data, placer=place)
    assert first.articles_created == 1
    [a] = list(store.annotated_articles())
    store.conn.execute("UPDATE articles SET url = ? WHERE id = ?", (page, a.id))
    again = json.loads(json.dumps(data).replace("Xq3vLm0aEe", "Yq3vLm0aEe"))
    second = import_annotations(store, again, placer=place)
    assert second.added == 1 and second.articles_created == 0
    assert url_key(page + "?utm_source=x&fbclid=1#top") == url_key(
        "http://example.org:80/news/bridge-vote"
    )


def test_iri_body_becomes_a_link_and_position_only_is_explained(store: Store) -> None:
    data = [
        {
            "type": "Annotation",
            "id": "http://example.org/anno1",
            "body": "http://example.org/comment1",
            "target": {
                "source": "https://example.org/page",
                "selector": {"type": "TextQuoteSelector", "exact": "a quoted passage"},
            },
        },
        {
            "type": "Annotation",
            "id": "http://example.org/anno2",
            "target": {
                "source": "https://example.org/page",
                "selector": {"type": "TextPositionSelector", "start": 3, "end": 9},
            },
        },
    ]
    result = import_annotations(store, data, placer=place)
    [a] = list(store.annotated_articles())
    by_quote = {x.quote: x for x in store.list_highlights(a.id)}
    h, position_only = by_quote["a quoted passage"], by_quote[""]
    assert h.note == "<http://example.org/comment1>"
    assert (result.added, result.unanchored, result.articles_created) == (2, 2, 1)
    # Kept, not skipped: without a hash of its text it can never be placed, and says so.
    assert position_only.position == (3, 9) and position_only.quote == ""
    assert result.problems == [
        "annotation 2: kept unanchored: it had only a position, and the file gives no hash"
        " of the text it refers to (tui-reader.textHash), so it cannot be placed"
    ]
    assert "skipped" not in result.summary()


def test_import_notes_command_reports_what_it_did(server: TestServer, tmp_path: Path) -> None:
    from tests.test_export_cli import run

    url = server.route("/news/bridge-vote", PAGE, content_type="text/html; charset=utf-8")
    proc = run("import-notes", str(_file(tmp_path, "client-export.json", url)))
    assert proc.returncode == 0, proc.stderr
    assert "annotation 4: a reply to another annotation; skipped" in proc.stderr
    # Each page is named before it is fetched (a slow one took 20 s with nothing printed).
    fetching = [line for line in proc.stderr.splitlines() if "fetching" in line]
    assert fetching == [f"tui-reader: fetching {url} to place its highlights (1)"]
    summary = proc.stderr.strip().splitlines()[-1]
    assert summary == (
        "tui-reader: 2 highlights added, 2 placed, 0 unanchored, 1 article note(s) added,"
        " 1 article(s) created under Saved, 1 page(s) fetched, 1 reply skipped"
    )


def test_bad_hypothesis_values_are_refused_in_one_line(store: Store, tmp_path: Path) -> None:
    from tui_reader.export import ExportError

    data = json.loads(
        (FIXTURES / "client-export.json").read_text().replace("__PAGE__", "https://e.org/a")
    )
    for anno, key, value, message in (
        (1, "tags", ["ok", 7], "annotation 2: tags[1]: must be text, not a number"),
        (0, "text", {"x": 1}, "annotation 1: text: must be text, not an object"),
        (0, "updated", "yesterday", "annotation 1: updated: is not an ISO 8601 date-time"),
        (0, "document", {"title": [3]}, "annotation 1: document.title: must be text"),
    ):
        bad = json.loads(json.dumps(data))
        bad["annotations"][anno][key] = value
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(bad))
        try:
            import_json(store, path, placer=place)
        except ExportError as exc:
            assert message in str(exc) and "\n" not in str(exc)
        else:
            raise AssertionError(f"{key}: accepted")
        assert list(store.annotated_articles()) == []  # nothing stored


def test_position_only_is_placed_where_the_text_is_the_one_it_refers_to(store: Store) -> None:
    from tests.test_export import article, doc
    from tui_reader.anchor import text_hash

    a = article(store)
    text = doc().text
    start = text.index("Critics disagreed")

    def anno(hash_: str) -> dict[str, object]:
        return {
            "type": "Annotation",
            "id": f"urn:x:{hash_}",
            "target": {
                "source": a.url + "#section",
                "selector": {"type": "TextPositionSelector", "start": start, "end": start + 17},
            },
            "tui-reader": {"textHash": hash_},
        }

    result = import_annotations(
        store, [anno(text_hash(text)), anno("0123456789abcdef")], placer=place
    )
    assert (result.added, result.placed, result.articles_created) == (2, 1, 0)
    assert "the text changed since this highlight was made" in result.problems[0]
    h, changed = sorted(store.list_highlights(a.id), key=lambda x: x.quote == "")
    assert h.quote == "Critics disagreed" and h.start == start
    assert changed.position_only and changed.start is None


def test_bare_list_of_api_annotations_keeps_notes_tags_and_counts_replies(store: Store) -> None:
    """A plain JSON list of Hypothesis API annotations (what its API returns one by one): the
    note (``text``), the tags and the times come in, as from a search result."""
    page = "https://example.org/news/bridge-vote"
    rows = json.loads((FIXTURES / "api-search.json").read_text().replace("__PAGE__", page))["rows"]
    result = import_annotations(store, rows)
    assert (result.added, result.replies, result.notes_added) == (1, 1, 0)
    [article] = list(store.annotated_articles())
    assert article.title == "The bridge vote" and article.url == page
    [h] = store.list_highlights(article.id)
    assert h.note == "The **key** claim of the piece." and h.tags == ("bridge", "budget")
    assert h.updated == datetime(2026, 11, 28, 14, 5, 40, 118901, tzinfo=UTC).timestamp()


def test_notes_on_a_pdf_are_imported_once(store: Store) -> None:
    """Hypothesis names a PDF by its fingerprint (urn:x-pdf:...) and a local file by its
    file:/// address: no web address for the article. Importing the same file again found
    none of them and made new copies of every note and highlight (a random article each
    time); now their article is named by the document's own name, and found again."""
    pdf, local = "urn:x-pdf:0123abcd", "file:///home/me/paper.pdf"

    def row(n: int, source: str, **more: object) -> dict[str, object]:
        return {
            "id": f"pdf{n}",
            "uri": source,
            "text": f"note {n}",
            "target": [{"source": source, **more}],
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
        }

    quote = {"selector": [{"type": "TextQuoteSelector", "exact": "a quoted passage"}]}
    rows = {"total": 3, "rows": [row(1, pdf), row(2, local), row(3, pdf, **quote)]}
    first = import_annotations(store, rows)
    assert (first.added, first.notes_added, first.articles_created) == (1, 2, 2)
    again = import_annotations(store, json.loads(json.dumps(rows)))
    assert (again.added, again.notes_added, again.articles_created) == (0, 0, 0)
    articles = list(store.annotated_articles())
    assert len(articles) == 2
    assert sum(len(store.list_highlights(a.id)) for a in articles) == 1


def test_two_page_notes_on_one_page_are_both_kept(store: Store) -> None:
    """An article has one note: the second page note on a page was counted 'kept as it
    was' and its text dropped. The file's notes on one article are joined, in order; a note
    already stored is still left as it is when the file is imported again."""
    page = "https://example.org/essay"
    rows = [
        {"id": f"n{i}", "uri": page, "text": text, "target": [{"source": page}]}
        for i, text in enumerate(["First thought.", "Second thought.", "First thought."])
    ]
    first = import_annotations(store, rows)
    assert first.notes_added == 3
    [article] = list(store.annotated_articles())
    assert store.get_article_note(article.id) == "First thought.\n\nSecond thought."
    again = import_annotations(store, json.loads(json.dumps(rows)))
    assert (again.notes_added, again.notes_skipped) == (0, 3)
    assert store.get_article_note(article.id) == "First thought.\n\nSecond thought."


def test_pages_that_cannot_be_fetched_are_said_and_fetching_has_a_budget(
    paths: Paths, server: TestServer, tmp_path: Path
) -> None:
    """Each page was fetched in turn, with its own timeout and no end: twenty pages that never
    answer held an import for minutes, and a page that failed was only "unanchored" in the
    summary. Now each failure is told with why, fetching stops once the budget is spent (the
    rest wait for their first opening), and an address that is no web page is never fetched
    (it was announced as "fetching 5 December 2026")."""
    from tui_reader.reader import Reader

    def slow(handler: object) -> None:
        time.sleep(1.5)
        raise ConnectionAbortedError  # (nothing sent: the fetch fails)

    sources = [
        server.url("/missing"),  # 404
        server.route("/slow", slow),
        server.url("/after-the-budget"),
        "urn:isbn:9780141439518",
    ]
    rows = [
        {
            "type": "Annotation",
            "id": f"urn:x:{i}",
            "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": "q"}},
        }
        for i, source in enumerate(sources)
    ]
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(rows))
    fetched: list[str] = []
    failures: list[tuple[str, str]] = []
    reader = Reader.open(paths)
    try:
        result = reader.import_annotations(
            path,
            fetching=lambda a: fetched.append(a.url),
            failed=lambda a, why: failures.append((a.url, why)),
            budget=1.0,
        )
    finally:
        reader.close()
    assert result.added == 4 and result.unanchored == 4
    assert fetched == sources[:2]
    assert [url for url, _ in failures] == sources[:3]
    assert "404" in failures[0][1]
    assert failures[2][1] == "not fetched: 1 s of fetching pages spent"


def test_a_source_with_a_line_break_is_one_address(store: Store) -> None:
    """An address wrapped over two lines (or with a tab) is one address, as a browser reads it;
    it was stored with a space in it ("…/aclu/ http://evil.example/")."""
    rows = [
        {
            "type": "Annotation",
            "id": "urn:x:1",
            "target": {
                "source": "https://news.example/aclu/\nstory\t",
                "selector": {"type": "TextQuoteSelector", "exact": "a quote"},
            },
        }
    ]
    result = import_annotations(store, rows)
    assert result.added == 1
    [article] = list(store.annotated_articles())
    assert article.url == "https://news.example/aclu/story"


def test_a_quote_placed_leniently_takes_the_texts_words_and_context(
    store: Store, server: TestServer, tmp_path: Path
) -> None:
    """A quote the file gives in another case or spacing (and no context) is placed, and then
    is the text's own: before, it kept the file's words at our offsets (an export whose
    ``exact`` was not the text at its position) and its context stayed empty."""
    url = server.route("/news/bridge-vote", PAGE, content_type="text/html; charset=utf-8")
    rows = [
        {
            "type": "Annotation",
            "id": "urn:x:lenient",
            "target": {
                "source": url,
                "selector": {
                    "type": "TextQuoteSelector",
                    "exact": "THE COUNCIL APPROVED   the new BRIDGE budget",
                },
            },
        }
    ]
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(rows))
    result = import_json(store, path, fetch=_fetcher(store), placer=place)
    assert result.placed == 1
    [article] = list(store.annotated_articles())
    [h] = store.list_highlights(article.id)
    doc = store.get_document(article.id)
    assert doc is not None and h.start is not None and h.end is not None
    assert h.quote == doc.text[h.start : h.end] == "The council approved the new bridge budget"
    assert h.prefix == doc.text[h.start - 32 : h.start] and h.suffix.startswith(" after a long")


def _one(selector: object, **extra: object) -> dict[str, object]:
    return {
        "type": "Annotation",
        "id": "urn:x:1",
        "target": {"source": "https://news.example/a", "selector": selector},
        **extra,
    }


def test_valid_values_other_tools_write_are_taken(store: Store, tmp_path: Path) -> None:
    """Each refused the whole file before ("nothing was imported"): a whole number written as
    a float, refinements given as a list or refined again, JSON-LD's own @id and @type, a
    time in milliseconds, a file in UTF-16 or UTF-32 with a byte-order mark."""
    quote = {"type": "TextQuoteSelector", "exact": "the quote"}
    cases = {
        "float offsets": _one(
            [quote, {"type": "TextPositionSelector", "start": 8.5e2, "end": 859.0}]
        ),
        "refinedBy list": _one(
            {
                "type": "FragmentSelector",
                "value": "para5",
                "refinedBy": [{"type": "CssSelector", "value": "p", "refinedBy": quote}],
            }
        ),
        "@id and @type": {
            "@type": "Annotation",
            "@id": "urn:x:1",
            "target": {
                "source": "https://news.example/a",
                "selector": {"@type": "TextQuoteSelector", "exact": "the quote"},
            },
        },
        "milliseconds": _one(quote, created=1_733_000_000_000),
    }
    for name, anno in cases.items():
        fresh = Store.open(tmp_path / f"{name}.sqlite3")
        try:
            result = import_annotations(fresh, [anno])
            assert result.added == 1, name
            [article] = list(fresh.annotated_articles())
            [h] = fresh.list_highlights(article.id)
            assert h.quote == "the quote", name
        finally:
            fresh.close()
    for codec in ("utf-16", "utf-32", "utf-8-sig"):
        path = tmp_path / f"{codec}.json"
        path.write_bytes(json.dumps([_one(quote)], ensure_ascii=False).encode(codec))
        fresh = Store.open(tmp_path / f"{codec}.sqlite3")
        try:
            assert import_json(fresh, path).added == 1, codec
        finally:
            fresh.close()


def test_an_empty_file_is_said_to_be_empty(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("\n")
    with pytest.raises(ExportError, match="is empty: no annotations in it"):
        import_json(store, path)


def test_an_html_body_is_read_as_text(store: Store) -> None:
    """A TextualBody in HTML was stored as the note's Markdown, markup and all: a script and
    an <img onerror> reached the Markdown export. It is read as text, paragraphs kept, every
    character literal."""
    html = (
        "<p>The <b>key</b> claim *here*.</p><script>alert(1)</script>"
        '<p><img src=x onerror="alert(2)">Second paragraph.</p>'
    )
    anno = _one(
        {"type": "TextQuoteSelector", "exact": "the quote"},
        body={"type": "TextualBody", "value": html, "format": "text/html"},
    )
    import_annotations(store, [anno])
    [article] = list(store.annotated_articles())
    [h] = store.list_highlights(article.id)
    assert h.note == "The key claim \\*here\\*.\n\nSecond paragraph."


def test_a_lenient_quote_imported_again_is_the_same_highlight(
    store: Store, server: TestServer, tmp_path: Path
) -> None:
    """Placed, it took the text's words ("The council approved..."): the file's quote in
    capitals is still that highlight on the next import, not a second one."""
    url = server.route("/news/bridge-vote", PAGE, content_type="text/html; charset=utf-8")
    anno = {
        "type": "Annotation",
        "id": "urn:x:lenient",
        "target": {
            "source": url,
            "selector": {"type": "TextQuoteSelector", "exact": "THE COUNCIL APPROVED the new"},
        },
    }
    path = tmp_path / "notes.json"
    path.write_text(json.dumps([anno]))
    assert import_json(store, path, fetch=_fetcher(store), placer=place).added == 1
    again = import_json(store, path, fetch=_fetcher(store), placer=place)
    assert (again.added, again.skipped) == (0, 1)
    [article] = list(store.annotated_articles())
    assert len(store.list_highlights(article.id)) == 1


def test_a_note_edited_where_it_came_from_arrives_on_the_next_import(
    store: Store, tmp_path: Path
) -> None:
    """An annotation imported, then edited in Hypothesis (a later "updated"): its note, tags
    and colour were "already present" and never arrived. A file older than the highlight's
    last change here (edited here since) changes nothing."""

    def anno(note: str, updated: str, tags: list[str]) -> dict[str, object]:
        return {
            "id": "hyp-1",
            "uri": "https://news.example/a",
            "text": note,
            "tags": tags,
            "created": "2026-01-01T10:00:00+00:00",
            "updated": updated,
            "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "the quote"}]}],
        }

    import_annotations(store, [anno("First note", "2026-01-01T10:00:00+00:00", ["a"])])
    [article] = list(store.annotated_articles())
    edited = import_annotations(store, [anno("Edited note", "2026-02-01T10:00:00+00:00", ["b"])])
    assert (edited.added, edited.updated, edited.skipped) == (0, 1, 0)
    assert "1 updated (edited since)" in edited.summary()
    [h] = store.list_highlights(article.id)
    assert (h.note, h.tags) == ("Edited note", ("b",))
    store.update_highlight(h.id, note="Mine, written here")  # now later than any file
    stale = import_annotations(store, [anno("Older", "2026-03-01T10:00:00+00:00", ["c"])])
    assert (stale.updated, stale.skipped) == (0, 1)
    [h] = store.list_highlights(article.id)
    assert h.note == "Mine, written here"


def test_a_position_refining_a_fragment_is_not_a_position_in_the_document(
    store: Store,
) -> None:
    """W3C's example 41: characters 6-27 of a fragment (a paragraph), not of the document.
    It was stored, and exported again, as characters 6-27 of the whole text; a quote given
    with it still places the highlight."""
    fragment_only = _one(
        {
            "type": "FragmentSelector",
            "value": "para5",
            "refinedBy": {"type": "TextPositionSelector", "start": 6, "end": 27},
        }
    )
    result = import_annotations(store, [fragment_only])
    assert result.added == 0 and any(
        "(its selectors: FragmentSelector)" in p for p in result.problems
    )
    with_quote = _one(
        {
            "type": "FragmentSelector",
            "value": "para5",
            "refinedBy": [
                {"type": "TextPositionSelector", "start": 6, "end": 27},
                {"type": "TextQuoteSelector", "exact": "the quote"},
            ],
        }
    )
    assert import_annotations(store, [with_quote]).added == 1
    [article] = list(store.annotated_articles())
    [h] = store.list_highlights(article.id)
    assert h.quote == "the quote" and h.start is None and h.position is None


def test_a_document_with_no_web_address_is_named_by_it(store: Store) -> None:
    """Its article was untitled, with no address: the annotation's document appeared nowhere.
    A script's address (javascript:) names nothing."""
    sources = ["urn:isbn:0451450523", "file:///home/me/papers/paper.pdf", "javascript:alert(1)"]
    rows = [
        _one({"type": "TextQuoteSelector", "exact": "q"}, id=f"urn:x:{i}")
        | {"target": {"source": s, "selector": {"type": "TextQuoteSelector", "exact": "q"}}}
        for i, s in enumerate(sources)
    ]
    assert import_annotations(store, rows).added == 3
    titles = sorted(a.title for a in store.annotated_articles())
    assert titles == ["", "file:///home/me/papers/paper.pdf", "urn:isbn:0451450523"]


def test_a_document_with_no_web_address_keeps_it_through_export_and_back(
    store: Store, tmp_path: Path
) -> None:
    """An export named such a document urn:tui-reader:article:..., which no other tool knows
    (the ISBN, the PDF's file were lost on the way out). A script's address is still not kept."""
    from tui_reader.export import export_json

    sources = ["urn:isbn:0451450523", "file:///home/me/papers/paper.pdf", "javascript:alert(1)"]
    rows = [
        _one({"type": "TextQuoteSelector", "exact": "q"}, id=f"urn:x:{i}", text=f"note {i}")
        | {"target": {"source": s, "selector": {"type": "TextQuoteSelector", "exact": "q"}}}
        for i, s in enumerate(sources)
    ]
    import_annotations(store, rows)
    path, _ = export_json(store, path=tmp_path / "out.json")
    items = json.loads(path.read_text("utf-8"))["first"]["items"]
    by_note = {i["body"][0]["value"]: i["target"]["source"] for i in items}
    assert by_note["note 0"] == "urn:isbn:0451450523"
    assert by_note["note 1"] == "file:///home/me/papers/paper.pdf"
    assert by_note["note 2"].startswith("urn:tui-reader:article:")

    # Into another store, twice: the same articles, named and addressed the same, once.
    other = Store.open(tmp_path / "other.db")
    try:
        for _ in range(2):
            assert import_json(other, path, placer=place).added in (3, 0)
        got = sorted((a.url, a.title) for a in other.annotated_articles())
        want = sorted((a.url, a.title) for a in store.annotated_articles())
        assert got == want and len(got) == 3
        assert ("urn:isbn:0451450523", "urn:isbn:0451450523") in got
    finally:
        other.close()
