"""Hostile and broken pages: a clear ExtractionError naming the URL, or correct text — never a
crash, never a silently empty document."""

from __future__ import annotations

import gzip
import zlib

import pytest

from tui_reader.extract import ExtractionError, document_from_fragment, extract_html
from tui_reader.extract.pipeline import MAX_PAGE_CHARS

URL = "https://news.example/broken"
SENTENCE = "The harbour reopened after the storm, and the ferries ran again on Sunday morning. "
PARAS = "".join(f"<p>{SENTENCE * 3}({i})</p>" for i in range(6))


def failure(data: bytes | str, **kw: str) -> str:
    with pytest.raises(ExtractionError) as info:
        extract_html(data, URL, **kw)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"could not extract an article from {URL}: "), message
    return message


@pytest.mark.parametrize("data", [b"", b"   \n\t ", "", "<html><body></body></html>"])
def test_empty_pages(data: bytes | str) -> None:
    message = failure(data)
    assert "empty" in message or "no article" in message


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><script>var a = 1;</script><style>p{color:red}</style></head>"
        b"<body><script>document.write('x')</script><!-- nothing --></body></html>",
        b"<html><body><nav><a href='/'>Home</a></nav><div class='menu'><a href='/a'>News</a>"
        b" <a href='/b'>Sport</a> <a href='/c'>Weather</a></div></body></html>",
        b"<html><body><img src='/a.gif' width='1' height='1'><div></div><p> </p></body></html>",
    ],
    ids=["scripts-only", "links-only", "nothing-visible"],
)
def test_pages_without_an_article(page: bytes) -> None:
    assert "no article" in failure(page)


def test_deep_nesting_keeps_the_text_at_the_bottom() -> None:
    """libxml2 drops everything below 256 levels; the article there must still be found."""
    page = "<html><body>" + "<div>" * 10_000 + PARAS + "</div>" * 10_000 + "</body></html>"
    doc = extract_html(page.encode(), URL)
    assert [b.text.endswith(f"({i})") for i, b in enumerate(doc.blocks)] == [True] * 6
    unclosed = "<html><body>" + "<div><span><b>" * 10_000 + PARAS
    assert extract_html(unclosed, URL).text == doc.text


def test_deep_nesting_without_text() -> None:
    page = "<html><body>" + "<div>" * 10_000 + "</div>" * 10_000 + "</body></html>"
    assert "no article" in failure(page.encode())


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8, "JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (gzip.compress(b"<html><body>" + PARAS.encode() * 20 + b"</body></html>"), "gzip"),
        (zlib.compress(b"<html><body>" + PARAS.encode() * 20 + b"</body></html>"), "zlib"),
        (bytes((i * 7919) % 256 for i in range(6000)), "binary data"),
    ],
    ids=["png", "jpeg", "pdf", "gzip", "deflate", "noise"],
)
def test_binary_served_as_html(data: bytes, what: str) -> None:
    message = failure(data, content_type="text/html; charset=utf-8")
    assert what in message and "not an HTML page" in message


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "video/mp4"])
def test_non_page_content_types(content_type: str) -> None:
    assert content_type in failure(b"whatever", content_type=content_type)


def test_huge_page() -> None:
    page = "<html><body>" + "<p>" + "word " * (MAX_PAGE_CHARS // 5 + 10) + "</p></body></html>"
    assert "too large" in failure(page)


def test_large_but_reasonable_page() -> None:
    """A long article (about 1 MB of HTML) is extracted whole."""
    body = "".join(f"<p>{SENTENCE * 8}[{i}]</p>" for i in range(1400))
    doc = extract_html(f"<html><body><article>{body}</article></body></html>", URL)
    assert len(doc.blocks) == 1400 and doc.blocks[-1].text.endswith("[1399]")


WORDS = "Crème brûlée, façade, naïve café; «déjà vu» in Zürich"


def page_bytes(text: str, encoding: str, meta: str = "") -> bytes:
    html = (
        f"<html><head>{meta}<title>t</title></head><body><article>"
        f"<p>{text}. {SENTENCE * 3}</p><p>{SENTENCE * 3}</p></article></body></html>"
    )
    return html.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "meta", "content_type"),
    [
        ("cp1252", '<meta charset="windows-1252">', ""),
        (
            "iso-8859-1",
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            "",
        ),
        ("cp1252", "", "text/html; charset=windows-1252"),
        ("cp1252", "", ""),  # undeclared legacy encoding
        ("utf-8", '<meta charset="iso-8859-1">', ""),  # mislabelled UTF-8
        ("utf-8-sig", '<meta charset="windows-1252">', ""),  # BOM beats the meta
        ("utf-16", "", ""),  # UTF-16 with its BOM
    ],
)
def test_encodings(encoding: str, meta: str, content_type: str) -> None:
    doc = extract_html(page_bytes(WORDS, encoding, meta), URL, content_type=content_type)
    assert doc.blocks[0].text.startswith(WORDS)


@pytest.mark.parametrize(
    ("encoding", "meta", "text"),
    [
        ("shift_jis", '<meta charset="Shift_JIS">', "東京の天気は晴れです"),
        ("koi8-r", '<meta charset="koi8-r">', "Привет, мир"),
        (
            "gb2312",
            '<meta http-equiv="content-type" content="text/html;charset=gb2312">',
            "你好世界",
        ),
    ],
)
def test_declared_legacy_encodings(encoding: str, meta: str, text: str) -> None:
    doc = extract_html(page_bytes(text, encoding, meta), URL)
    assert doc.blocks[0].text.startswith(text)


def test_mixed_encodings() -> None:
    """Mostly UTF-8 with a paragraph pasted in windows-1252: both read right."""
    data = page_bytes("Zürich café", "utf-8", '<meta charset="utf-8">')
    data = data.replace(
        b"</article>", "<p>Crème brûlée à la française</p>".encode("cp1252") + b"</article>"
    )
    doc = extract_html(data, URL)
    assert doc.blocks[0].text.startswith("Zürich café")
    assert "Crème brûlée à la française" in doc.text
    assert "\ufffd" not in doc.text


def test_control_characters_and_escapes_in_the_page() -> None:
    data = page_bytes("Safe\x1b[2J\x1b]0;title\x07 text\x00\x08", "utf-8")
    doc = extract_html(data, URL)
    assert doc.blocks[0].text.startswith("Safe text")
    assert not any(ch in doc.text for ch in "\x1b\x00\x07\x08")


def test_plain_text_served_as_text() -> None:
    """Paragraphs at blank lines; one wrapped at a width is one line (a short line's own
    break is kept: tests/test_reader_sees.py)."""
    doc = extract_html(
        b"First paragraph, wrapped at the width a mail client or a plain-text\n"
        b"feed uses, wraps here.\n\nSecond one.",
        URL,
        content_type="text/plain",
    )
    assert [b.text for b in doc.blocks] == [
        "First paragraph, wrapped at the width a mail client or a plain-text feed uses,"
        " wraps here.",
        "Second one.",
    ]


def test_markdown_served_as_markdown_is_read_as_plain_text() -> None:
    """A text/markdown page was parsed as HTML: its paragraphs, list and code ran into one
    line of literal markup."""
    doc = extract_html(
        b"# Pier to close\n\nThe harbour authority said on **Tuesday** that the old pier"
        b" would close.\n\n- item one\n- item two",
        URL,
        content_type="text/markdown; charset=utf-8",
    )
    assert doc.title == "# Pier to close"  # (a plain text's first short line is its title)
    assert [b.text for b in doc.blocks] == [
        "The harbour authority said on **Tuesday** that the old pier would close.",
        "- item one\n- item two",
    ]


@pytest.mark.parametrize(
    "content_type", ["application/rss+xml", "application/atom+xml; charset=utf-8"]
)
def test_a_feed_opened_as_an_article_says_it_is_a_feed(content_type: str) -> None:
    """Its items' titles, links and summaries ran together as the article's text."""
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>'
    with pytest.raises(ExtractionError) as caught:
        extract_html(feed, URL, content_type=content_type)
    kind = content_type.split(";")[0]
    assert str(caught.value).endswith(
        f"it is a feed ({kind}), not an article's page: subscribe to it with `tui-reader add`"
    )


@pytest.mark.parametrize(
    "fragment",
    ["", "   ", "<p></p>", "<div><!-- only a comment --></div>", "<script>x()</script>"],
)
def test_empty_feed_content_gives_an_empty_document(fragment: str) -> None:
    assert document_from_fragment(fragment).is_empty


def test_unclosed_and_garbage_markup() -> None:
    page = f"<html><body><div><p>{SENTENCE * 4}<table><tr><td><p>{SENTENCE * 4}</b></i></p></tt>"
    doc = extract_html(page + "<<<>>>&&&;;; </ < >", URL)
    assert doc.text.count("harbour reopened") >= 4


def test_character_references_to_control_characters() -> None:
    """lxml decodes &#1; into the tree but refuses it when text is set back."""
    fragment = f"&lt;!-- x --&gt;&#x1;&#xFFFE; <p>{SENTENCE}&#7;</p><span>a</span>&#x1b;[31m b"
    doc = document_from_fragment(fragment)
    assert doc.blocks[0].text == SENTENCE.strip()
    assert all(ch.isprintable() or ch == "\n" for ch in doc.text)


@pytest.mark.parametrize(
    "content_type",
    [
        "image/\x1b]0;owned\x07png",
        "video/mp4\x1b[2J\r\nX-Injected: 1",
        "audio/" + "\u202e" * 3 + "x" * 5000,
    ],
    ids=["osc", "csi-crlf", "bidi-long"],
)
def test_a_servers_content_type_reaches_the_error_as_one_clean_line(content_type: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_html(
            b"<html><body><p>x</p></body></html>",
            "https://example.org/a",
            content_type=content_type,
        )
    message = str(caught.value)
    assert message.startswith("could not extract an article from https://example.org/a: it is ")
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in message)
    assert "\u202e" not in message and "\n" not in message
    assert len(caught.value.reason) <= 300


def test_an_element_of_many_attributes_loses_them_and_the_page_reads() -> None:
    """libxml2 checks each attribute against those before it: one element of 100,000 took a
    minute to parse (50,000: 6 s); the page could never be read within its budget."""
    from tui_reader.extract.parse import MAX_ATTRIBUTES, parse_html

    words = "Ordinary words of the article. " * 30
    many = " ".join(f'a{i}="v"' for i in range(MAX_ATTRIBUTES + 1))
    few = " ".join(f'a{i}="v"' for i in range(MAX_ATTRIBUTES))
    alt = "a long caption " * 1000
    root = parse_html(
        f"<p {many} id='x'>{words}</p><p {few}>b</p><img src='data:{'A' * 5000}' alt=\"{alt}\">"
    )
    first, second = root.iter("p")
    assert dict(first.attrib) == {} and (first.text or "").startswith("Ordinary")
    assert len(second.attrib) == MAX_ATTRIBUTES  # (as many as that: kept)
    img = next(root.iter("img"))  # (long values, of many words: kept)
    assert len(img.get("src")) == 5005 and img.get("alt") == alt
