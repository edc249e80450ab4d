"""Importing annotation files other tools write, the way each file means it: replies are no
notes, a IIIF manifest or canvas is no annotation, a passage named by the address itself is a
highlight, a body that points somewhere keeps its address, and a file that is one page of a
larger result says so. (Shapes from Recogito, IIIF's cookbook, Heidelberg's anno-frontend,
Hypothesis's client and API, the W3C model's own examples.)"""

from __future__ import annotations

from typing import Any

import pytest

from tui_reader.export import ExportError
from tui_reader.export.webannotation import import_annotations
from tui_reader.store import Store

PAGE = "https://example.org/odyssey"
QUOTE = {"type": "TextQuoteSelector", "exact": "Ithaca", "prefix": "back to ", "suffix": ";"}


def w3c(id_: str, target: object, body: object = None, **more: object) -> dict[str, Any]:
    anno: dict[str, Any] = {"type": "Annotation", "id": id_, "target": target, **more}
    if body is not None:
        anno["body"] = body
    return anno


def note(text: str) -> dict[str, str]:
    return {"type": "TextualBody", "value": text}


def test_w3c_replies_are_skipped_and_counted_not_made_articles(store: Store) -> None:
    parent = w3c("http://example.org/annotations/1", {"source": PAGE, "selector": QUOTE})
    replies = [
        w3c(
            "urn:r:1",
            "http://example.org/annotations/1",
            note("by motivation"),
            motivation="replying",
        ),
        w3c("urn:r:2", "http://example.org/annotations/1", note("by the parent's id")),
        w3c("urn:r:3", {"id": "urn:elsewhere", "type": "Annotation"}, note("by the type")),
    ]
    result = import_annotations(store, [parent, *replies])
    assert (result.added, result.replies, result.notes_added) == (1, 3, 0)
    assert [a.url for a in store.annotated_articles()] == [PAGE]
    assert "skipped" not in result.summary().replace("3 replies skipped", "")


def test_what_is_not_a_readers_annotation_is_skipped_with_its_reason(store: Store) -> None:
    data = [
        {"id": "urn:c:1", "type": "Canvas", "target": {"source": PAGE, "selector": QUOTE}},
        w3c(
            "urn:p:1",
            PAGE,
            {"id": "https://example.org/page1.jpg", "type": "Image"},
            motivation="painting",
        ),
        w3c("urn:s:1", PAGE + "#xywh=1,2,3,4", note("a word"), motivation=["supplementing"]),
        # Open Annotation's type, as IIIF 2 lists write it: an annotation like any other.
        w3c("urn:o:1", {"source": PAGE, "selector": QUOTE}, note("kept"))
        | {"type": "oa:Annotation"},
    ]
    result = import_annotations(store, data)
    assert (result.added, result.notes_added) == (1, 0)
    assert result.problems == [
        "annotation 1: a Canvas, not an annotation; skipped",
        "annotation 2: the resource's own content (painting), not a note; skipped",
        "annotation 3: the resource's own content (supplementing), not a note; skipped",
    ]


def test_a_iiif_manifest_is_named_as_such(store: Store) -> None:
    manifest = {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": "https://example.org/manifest.json",
        "type": "Manifest",
        "items": [{"id": "https://example.org/canvas/1", "type": "Canvas", "items": []}],
    }
    with pytest.raises(ExportError, match="not a Web Annotation file: it is a Manifest"):
        import_annotations(store, manifest)
    assert list(store.annotated_articles()) == []


def test_a_note_on_a_target_with_no_selectors_is_the_pages_note(store: Store) -> None:
    # Hypothesis's client writes "selector": [] for a page note.
    row = {
        "id": "AAAAAAAAAAAAAAAAAAAAAA",
        "uri": PAGE,
        "text": "A note on the whole page.",
        "target": [{"source": PAGE, "selector": []}],
    }
    result = import_annotations(store, [row])
    [article] = list(store.annotated_articles())
    assert result.notes_added == 1 and store.get_article_note(article.id) == row["text"]


def test_a_target_selecting_no_text_is_skipped_naming_its_selectors(store: Store) -> None:
    image = {"source": PAGE, "selector": {"type": "SvgSelector", "value": "<svg></svg>"}}
    result = import_annotations(store, [w3c("urn:i:1", image, note("a region"))])
    assert result.problems == [
        "annotation 1: it gives no quote or position in the text (its selectors: SvgSelector);"
        " skipped"
    ]


def test_a_passage_named_by_the_address_is_a_highlight(store: Store) -> None:
    data = [
        w3c("urn:f:1", PAGE + "#:~:text=back%20to-,Ithaca,-%3B", note("a text fragment")),
        w3c("urn:f:2", PAGE + "#char=10,16", note("RFC 5147")),
        w3c("urn:f:3", PAGE + "#:~:text=Sing,Ithaca", note("a range: no quote")),
        w3c("urn:f:4", PAGE + "#section-2", note("a plain fragment: the page's note")),
    ]
    result = import_annotations(store, data)
    [article] = list(store.annotated_articles())
    by_note = {h.note: h for h in store.list_highlights(article.id)}
    fragment = by_note["a text fragment"]
    assert (fragment.quote, fragment.prefix, fragment.suffix) == ("Ithaca", "back to", ";")
    assert by_note["RFC 5147"].position == (10, 16)
    assert set(by_note) == {"a text fragment", "RFC 5147"}
    assert store.get_article_note(article.id) == "a plain fragment: the page's note"
    assert any(
        p.startswith("annotation 3: its address names a passage by") for p in result.problems
    )


def test_a_body_that_points_somewhere_keeps_its_address(store: Store) -> None:
    bodies = [
        {
            "type": "SpecificResource",
            "purpose": "tagging",
            "source": "http://www.wikidata.org/entity/Q43207",
        },
        {
            "type": "SpecificResource",
            "purpose": "identifying",
            "source": {"id": "http://pleiades.stoa.org/places/530906"},
        },
        note("Odysseus's home."),
    ]
    import_annotations(store, [w3c("urn:b:1", {"source": PAGE, "selector": QUOTE}, bodies)])
    [article] = list(store.annotated_articles())
    [h] = store.list_highlights(article.id)
    assert h.note == (
        "<http://www.wikidata.org/entity/Q43207>\n\n<http://pleiades.stoa.org/places/530906>"
        "\n\nOdysseus's home."
    )


def test_one_page_of_a_larger_result_says_the_rest_is_not_in_the_file(store: Store) -> None:
    row = {
        "id": "BBBBBBBBBBBBBBBBBBBBBB",
        "uri": PAGE,
        "target": [{"source": PAGE, "selector": [QUOTE]}],
    }
    result = import_annotations(store, {"total": 250, "rows": [row]})
    assert result.added == 1
    assert result.problems == [
        "the file holds 1 of the search's 250 annotations: the others were not read (ask the"
        " API for each page: offset, or search_after)"
    ]
    page = {
        "type": "AnnotationPage",
        "id": "https://anno.example.org/c/?page=0",
        "partOf": {"id": "https://anno.example.org/c/", "total": 42},
        "next": "https://anno.example.org/c/?page=1",
        "items": [w3c("urn:p:9", {"source": PAGE, "selector": QUOTE})],
    }
    result = import_annotations(store, page)
    assert result.added == 1
    assert result.problems == [
        "the file is one page of 42 of a collection: the next"
        " (https://anno.example.org/c/?page=1) is only named, not in the file: its"
        " annotations were not read (save each page, or export the whole collection)"
    ]


def _readium(book: str, quote: str) -> dict[str, Any]:
    """A Readium (Thorium) AnnotationSet: the chapter named by its path in the book."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationSet",
        "about": {"dc:identifier": [f"urn:isbn:{book}"], "dc:title": f"Book {book}"},
        "items": [
            w3c(
                f"urn:uuid:{book}",
                {
                    "source": "OEBPS/text/chapter1.html",
                    "selector": [{"type": "TextQuoteSelector", "exact": quote}],
                },
                {
                    "type": "TextualBody",
                    "value": "j'adore !",
                    "color": "blue",
                    "keyword": "to-read",
                },
            )
        ],
    }


def test_a_chapter_of_a_book_is_named_within_the_book(store: Store) -> None:
    """Two books' "OEBPS/text/chapter1.html" were one untitled article with no address, and
    the body's colour and keyword were dropped."""
    import_annotations(store, _readium("111", "a sentence of the first book"))
    import_annotations(store, _readium("222", "a sentence of the second book"))
    articles = sorted(store.annotated_articles(), key=lambda a: a.url)
    assert [(a.url, a.title) for a in articles] == [
        ("urn:isbn:111/OEBPS/text/chapter1.html", "Book 111 (OEBPS/text/chapter1.html)"),
        ("urn:isbn:222/OEBPS/text/chapter1.html", "Book 222 (OEBPS/text/chapter1.html)"),
    ]
    [h] = store.list_highlights(articles[0].id)
    assert (h.quote, h.note, h.color, h.tags) == (
        "a sentence of the first book",
        "j'adore !",
        "blue",
        ("to-read",),
    )
    # Imported again: nothing new.
    again = import_annotations(store, _readium("111", "a sentence of the first book"))
    assert (again.added, again.skipped, again.articles_created) == (0, 1, 0)


def test_books_named_by_their_title_alone_stay_apart(store: Store) -> None:
    """dc:identifier is optional in Readium's AnnotationSet: without it, every book's
    "OEBPS/text/chapter1.html" was one article, untitled, named by that path alone."""
    for title in ("Moby Dick", "Alice in Wonderland"):
        data = _readium("0", f"a sentence of {title}")
        data["about"] = {"dc:title": title}
        import_annotations(store, data)
    articles = sorted(store.annotated_articles(), key=lambda a: a.title)
    assert [(a.url, a.title) for a in articles] == [
        (
            "urn:x-book-title:Alice%20in%20Wonderland/OEBPS/text/chapter1.html",
            "Alice in Wonderland (OEBPS/text/chapter1.html)",
        ),
        (
            "urn:x-book-title:Moby%20Dick/OEBPS/text/chapter1.html",
            "Moby Dick (OEBPS/text/chapter1.html)",
        ),
    ]


def test_tags_of_several_words_are_said_to_be_written_with_hyphens(store: Store) -> None:
    row = {
        "id": "CCCCCCCCCCCCCCCCCCCCCC",
        "uri": PAGE,
        "tags": ["software testing", "QA, process", "solo"],
        "target": [{"source": PAGE, "selector": [QUOTE]}],
    }
    result = import_annotations(store, [row])
    [article] = list(store.annotated_articles())
    [h] = store.list_highlights(article.id)
    assert h.tags == ("software-testing", "QA,-process", "solo")
    assert "2 tag(s) of several words written with hyphens (a tag is one word)" in (
        result.summary()
    )
