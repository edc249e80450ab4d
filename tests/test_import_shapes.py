"""Annotation files as other tools write them, where the import lost or bent what they say
(a black-box study of import-notes on real formats): several targets, a page note's tags, an
HTML note's links, a plain-text note, Hypothesis's proxy addresses, and a repeated quote
told apart by its position alone."""

from __future__ import annotations

from typing import Any

from tests.conftest import Document, add_article
from tui_reader.document import Block
from tui_reader.export.webannotation import import_annotations
from tui_reader.placing import place
from tui_reader.store import Store

PAGE = "https://example.org/odyssey"
OTHER = "https://example.org/iliad"


def quote(exact: str, prefix: str = "", suffix: str = "") -> dict[str, str]:
    return {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}


def body(value: str, fmt: str | None = None) -> dict[str, str]:
    b = {"type": "TextualBody", "value": value}
    if fmt is not None:
        b["format"] = fmt
    return b


def anno(id_: str, target: object, bodies: object = None, **more: object) -> dict[str, Any]:
    a: dict[str, Any] = {"type": "Annotation", "id": id_, "target": target, **more}
    if bodies is not None:
        a["body"] = bodies
    return a


def _notes(store: Store) -> dict[str, list[str]]:
    return {
        a.url: [h.note for h in store.list_highlights(a.id)] for a in store.annotated_articles()
    }


def test_every_target_of_an_annotation_is_annotated(store: Store) -> None:
    """Model 3.2.6: an annotation's bodies apply to each of its targets. Only the first was
    imported; the others went without a word. Imported twice, nothing is added."""
    targets = [
        {"source": PAGE, "selector": quote("Ithaca", "back to ", ";")},
        {"source": PAGE, "selector": quote("Penelope", "and ", " waited")},
        {"source": OTHER, "selector": quote("Troy", "walls of ", " stood")},
    ]
    data = [anno("urn:multi:1", targets, body("the same remark on three passages"))]
    result = import_annotations(store, data)
    assert result.added == 3 and result.problems == []
    notes = _notes(store)
    assert notes == {
        PAGE: ["the same remark on three passages"] * 2,
        OTHER: ["the same remark on three passages"],
    }
    assert import_annotations(store, data).added == 0


def test_the_spec_example_of_two_pages_is_a_note_on_each(store: Store) -> None:
    """The model's Example 9: a body on two resources named by their addresses."""
    data = [anno("urn:ex9", [PAGE, OTHER], body("Both pages say so."))]
    import_annotations(store, data)
    notes = {a.url: store.get_article_note(a.id) for a in store.annotated_articles()}
    assert notes == {PAGE: "Both pages say so.", OTHER: "Both pages say so."}


def test_a_page_notes_tags_are_kept_under_it(store: Store) -> None:
    """Hypothesis page notes and W3C bookmarks carry tags; an article's note has none of its
    own, so they were lost. A bookmark whose only body is a tag was skipped as having "no
    quoted text"."""
    hypothesis = {
        "id": "AAAAAAAAAAAAAAAAAAAAAA",
        "uri": PAGE,
        "text": "Read the follow-up.",
        "tags": ["to read", "odyssey"],
        "target": [{"source": PAGE, "selector": []}],
    }
    bookmark = anno(
        "urn:ex15",
        OTHER,
        [{"type": "TextualBody", "purpose": "tagging", "value": "readme"}],
        motivation="bookmarking",
    )
    result = import_annotations(store, [hypothesis, bookmark])
    assert result.notes_added == 2 and result.problems == []
    notes = {a.url: store.get_article_note(a.id) for a in store.annotated_articles()}
    assert notes == {PAGE: "Read the follow-up.\n\nTags: to read, odyssey", OTHER: "Tags: readme"}


def test_an_html_note_keeps_its_links_addresses(store: Store) -> None:
    html = (
        '<p>Contradicted by <a href="https://doi.org/10.1000/x_y">this study</a>.</p>'
        '<p>See <a href="https://example.org/a">https://example.org/a</a> and'
        ' <a href="javascript:alert(1)">this</a>, *not* emphasis.</p>'
    )
    import_annotations(
        store, [anno("urn:h:1", {"source": PAGE, "selector": quote("x")}, body(html, "text/html"))]
    )
    [[note]] = _notes(store).values()
    assert note == (
        "Contradicted by this study <https://doi.org/10.1000/x_y>.\n\n"
        "See https://example.org/a and this, \\*not\\* emphasis."
    )


def test_a_plain_text_note_is_literal_in_markdown(store: Store) -> None:
    """A body in text/plain was stored as Markdown: its "# 1" became a heading and its "<b>"
    HTML in the export, where an HTML body's text is escaped."""
    text = "# 1 reason\nthe <b>tag</b> and 2*3*4"
    import_annotations(
        store, [anno("urn:p:1", {"source": PAGE, "selector": quote("x")}, body(text, "text/plain"))]
    )
    [[note]] = _notes(store).values()
    assert note == "\\# 1 reason\nthe \\<b>tag\\</b> and 2\\*3\\*4"
    # Without a format (Hypothesis's text), a note is Markdown as it was.
    import_annotations(
        store, [anno("urn:p:2", {"source": OTHER, "selector": quote("y")}, body("# kept"))]
    )
    assert _notes(store)[OTHER] == ["# kept"]


def test_a_page_annotated_through_hypothesis_proxy_is_the_page(store: Store) -> None:
    """hypothesis/h names such pages by the proxy's address followed by the page's, and takes
    the prefix off itself; here it made a second article beside the page's."""
    rows = [
        {"id": "BBBBBBBBBBBBBBBBBBBBBB", "uri": PAGE, "text": "direct",
         "target": [{"source": PAGE, "selector": [quote("Ithaca")]}]},
        {"id": "CCCCCCCCCCCCCCCCCCCCCC", "uri": "https://via.hypothes.is/" + PAGE,
         "text": "through the proxy",
         "target": [{"source": "https://via.hypothes.is/" + PAGE, "selector": [quote("Troy")]}]},
    ]  # fmt: skip
    import_annotations(store, rows)
    assert {url: sorted(notes) for url, notes in _notes(store).items()} == {
        PAGE: ["direct", "through the proxy"]
    }


def test_a_repeated_quote_with_no_context_is_placed_at_the_copy_its_position_points_to(
    store: Store,
) -> None:
    """Recogito writes a quote and a position in the page's own text (a menu and a heading
    before the article shift it), no context: the copy nearest the position, at half the
    distance of any other, is the one. It was left unanchored without a reason."""
    paragraphs = [
        "For ten long years the walls of Troy stood against the Greek host upon the shore.",
        "Then came the horse, and in a single night Troy burned while its people slept.",
        "By morning the city had fallen, and for three thousand years poets sang of Troy.",
    ]
    doc = Document(title="Troy", blocks=tuple(Block("paragraph", p) for p in paragraphs))
    article = add_article(store, doc)
    want = doc.text.index("Troy burned")
    shifted = want + 20  # the page's menu and heading counted before it
    selector = [
        quote("Troy"),
        {"type": "TextPositionSelector", "start": shifted, "end": shifted + 4},
    ]
    result = import_annotations(
        store,
        [anno("urn:r:1", {"source": article.url, "selector": selector}, body("n"))],
        placer=place,
    )
    assert (result.added, result.placed) == (1, 1)
    [h] = store.list_highlights(article.id)
    assert (h.start, h.end) == (want, want + 4)
    # A position about as near two copies tells them apart no better than nothing.
    between = (doc.text.index("Troy stood") + want) // 2
    selector[1] = {"type": "TextPositionSelector", "start": between, "end": between + 4}
    result = import_annotations(
        store,
        [anno("urn:r:2", {"source": article.url, "selector": selector}, body("m"))],
        placer=place,
    )
    assert (result.added, result.placed) == (1, 0)
