"""Charset labels and legacy encodings, in every reader that takes a label from outside text
(a feed's XML declaration, a server's Content-Type, a page's ``<meta charset>``, an OPML file's
declaration).

The yardstick is the text itself: each sample is written in an encoding, labelled (truly,
falsely, or not at all) by the document and by the server, and must be read back as written
whenever the labels leave the truth knowable.
"""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases
import pkgutil
from xml.sax.saxutils import escape

import pytest

from tui_reader.charsets import (
    EBCDIC,
    ascii_compatible,
    codec_for_label,
    decode_windows_1252,
    header_charset,
    mostly_utf8,
)
from tui_reader.extract.decode import decode_html
from tui_reader.feeds.discover import find_feed_links
from tui_reader.feeds.opml import OpmlError, read_opml
from tui_reader.feeds.parse import FeedError, parse_feed

# Text in languages whose legacy encodings are still served, and encodings that can write it.
SAMPLES = {
    "Новости дня: Привет, мир, ёлка": ["windows-1251", "koi8-r", "iso-8859-5", "ibm866"],
    "Ειδήσεις της ημέρας": ["iso-8859-7", "windows-1253"],
    "Příliš žluťoučký kůň úpěl ďábelské ódy": ["iso-8859-2", "windows-1250"],
    "Çok güzel bir gün, İstanbul'da şişli": ["windows-1254", "iso-8859-9"],
    "Café “naïve” – déjà vu, 5 €": ["windows-1252"],
    "今日のニュース：東京で桜が満開": ["shift_jis", "euc-jp", "iso-2022-jp"],
    "今天的新闻：北京下雪了": ["gbk", "gb18030"],
    "今天的新聞：臺北下雨了": ["big5"],
    "오늘의 뉴스: 서울에 눈이 내렸다": ["euc-kr"],
    "חדשות היום בירושלים": ["windows-1255"],
    "أخبار اليوم من القاهرة": ["windows-1256"],
    "ข่าววันนี้จากกรุงเทพ": ["cp874", "tis-620"],
}
CASES = [(text, enc) for text, encs in SAMPLES.items() for enc in encs]


def _feed(title: str, encoding: str, declared: str | None) -> bytes:
    decl = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    doc = (
        f'{decl}<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<item><guid>1</guid><title>{escape(title)}</title></item></channel></rss>"
    )
    return doc.encode(encoding)


def _page(text: str, encoding: str, meta: str | None) -> bytes:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>".encode(
        encoding
    )


def test_legacy_text_is_never_valid_utf8() -> None:
    """The premise of "valid UTF-8 wins over a label": none of the samples, in any of its
    legacy encodings, happens to be valid UTF-8."""
    for text, enc in CASES:
        data = text.encode(enc)
        if enc == "iso-2022-jp":
            assert data.isascii()  # 7-bit: the one encoding a label must decide
            continue
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


@pytest.mark.parametrize(("text", "encoding"), CASES)
def test_a_feed_in_a_legacy_encoding_reads_as_written(text: str, encoding: str) -> None:
    """Every labelling that leaves the truth knowable: the document's declaration alone, the
    server's charset alone, a true declaration against a server's default charset (the
    document comes first), a declaration of UTF-8 the bytes are not against the server's true
    charset (the bytes decide)."""
    truly = f"application/rss+xml; charset={encoding}"
    knowable = [
        (encoding, ""),
        (encoding, "text/xml; charset=iso-8859-1"),
        (encoding, "text/xml; charset=utf-8"),
        (None, truly),
        ("utf-8", truly),
    ]
    for declared, content_type in knowable:
        if encoding == "iso-2022-jp" and declared not in (encoding, None):
            continue  # (7-bit bytes, valid UTF-8: a declaration saying UTF-8 is believed)
        parsed = parse_feed(_feed(text, encoding, declared), "https://x/", content_type)
        assert (parsed.title, parsed.entries[0].title) == (text, text), (declared, content_type)
        assert "server" in parsed.warning or declared != "utf-8"


@pytest.mark.parametrize("text", list(SAMPLES))
def test_a_feed_in_utf8_labelled_otherwise_reads_as_written(text: str) -> None:
    """UTF-8 with characters beyond ASCII is UTF-8, whatever the document or the server say."""
    for label in ("iso-8859-1", "windows-1251", "shift_jis", "gbk", "koi8-r", "big5"):
        data = _feed(text, "utf-8", label)
        parsed = parse_feed(data, "https://x/", f"text/xml; charset={label}")
        assert parsed.entries[0].title == text
        assert parsed.warning == f"declared as {label} but is UTF-8; read as utf-8"
        bare = _feed(text, "utf-8", None)
        undeclared = parse_feed(bare, "https://x/", f"text/xml; charset={label}")
        assert undeclared.entries[0].title == text and undeclared.warning == ""


@pytest.mark.parametrize(("text", "encoding"), CASES)
def test_a_page_in_a_legacy_encoding_reads_as_written(text: str, encoding: str) -> None:
    for meta, content_type in ((encoding, ""), (None, f"text/html; charset={encoding}")):
        assert text in decode_html(_page(text, encoding, meta), content_type=content_type)
    for label in ("iso-8859-1", "windows-1251", "shift_jis"):  # UTF-8 is UTF-8
        page = _page(text, "utf-8", label)
        assert text in decode_html(page, content_type=f"text/html; charset={label}")


@pytest.mark.parametrize(("text", "encoding"), CASES)
def test_a_pages_feed_links_read_as_written(text: str, encoding: str) -> None:
    """The titles of the feeds a page names (shown to choose one when it names several) were
    read as UTF-8 whatever the page's charset: mojibake or U+FFFD in a legacy page."""
    link = f'<link rel="alternate" type="application/rss+xml" href="/f.xml" title="{text}">'
    for meta, content_type in ((encoding, ""), (None, f"text/html; charset={encoding}")):
        head = f'<meta charset="{meta}">' if meta else ""
        page = f"<html><head>{head}{link}</head><body></body></html>".encode(encoding)
        (found,) = find_feed_links(page, "https://x.example/", content_type)
        assert (found.url, found.title) == ("https://x.example/f.xml", text)


def _every_label_python_knows() -> list[str]:
    names = set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
    names |= {m.name for m in pkgutil.iter_modules(encodings.__path__)}
    names |= {n.replace("_", "-") for n in names}
    return sorted(names)


def test_no_label_reaches_a_codec_that_is_not_a_text_encoding() -> None:
    """Python's codec registry holds more than text encodings (base64, rot13, zlib, hex,
    undefined, unicode_escape...). A label naming one of those, in a feed's declaration, a
    server's header, a page's meta or an OPML file's declaration, raised LookupError or
    UnicodeError out of the reader (the feed lost, the import ended by a traceback), or read
    backslash escapes as characters. Now every label is read as the WHATWG standard reads
    it, or is unknown."""
    labels = _every_label_python_knows()
    assert len(labels) > 300 and {"base64", "rot13", "undefined", "unicode_escape"} <= set(labels)
    for label in labels:
        codec = codec_for_label(label)
        if codec is not None:
            # A text codec, ASCII-compatible; or one read only where a document's own first
            # bytes say so (UTF-16 after a byte-order mark, EBCDIC after "<?xm" in EBCDIC),
            # never for a label written in ASCII.
            if codec.startswith("utf-16") or codec in EBCDIC:
                assert not ascii_compatible(codec)
            else:
                assert b"<a href='x'>".decode(codec) == "<a href='x'>", codec
        feed = _feed("T", "ascii", label).replace(b"<title>T", b"<title>T\xe9\\x1b")
        try:
            parsed = parse_feed(feed, "https://x/", f"text/xml; charset={label}")
        except FeedError:
            pass
        else:
            assert parsed.title.startswith("T") and "\x1b" not in parsed.title
        page = _page("T\xe9", "latin-1", label)
        assert "<p>T" in decode_html(page, content_type=f"text/html; charset={label}")
        opml = (
            f'<?xml version="1.0" encoding="{label}"?><opml version="2.0"><body>'
            '<outline text="Caf\xe9" xmlUrl="https://a/"/></body></opml>'
        ).encode("latin-1")
        try:
            feeds, _ = read_opml(opml)
        except OpmlError:
            pass
        else:
            assert [f.url for f in feeds] == ["https://a/"]


def test_the_label_table_names_codecs_as_python_does() -> None:
    from tui_reader.charsets import _ENCODINGS

    assert [c for c in _ENCODINGS if codecs.lookup(c).name != c] == []


def test_labels_read_as_browsers_read_them() -> None:
    assert codec_for_label("ISO-8859-1") == codec_for_label("us-ascii") == "cp1252"
    assert codec_for_label(" Windows-1251 ") == "cp1251"
    assert codec_for_label("utf_8") == codec_for_label("UTF8") == "utf-8"  # Python spellings
    assert codec_for_label("latin_1") == "cp1252"
    assert codec_for_label("gb2312") == codec_for_label("GBK") == "gb18030"
    assert codec_for_label("\u212aoi8-r") is None  # (the Kelvin sign is no "k")
    assert codec_for_label("hz-gb-2312") is None  # the standard's "replacement" encoding
    assert header_charset('application/rss+xml; charset="KOI8-R"') == "koi8-r"
    assert header_charset("application/rss+xml") is None
    assert header_charset("text/xml; charset=base64") is None


def test_windows_1252_is_decoded_as_browsers_do() -> None:
    data = bytes(range(0x80, 0xA0))
    text = decode_windows_1252(data)
    assert len(text) == 32
    for byte, char in zip(data, text, strict=True):
        try:
            expected = bytes((byte,)).decode("cp1252")
        except UnicodeDecodeError:
            expected = chr(byte)  # (five bytes Windows left undefined)
        assert char == expected
    assert decode_windows_1252(b"plain") == "plain"


def test_every_legacy_charset_is_reachable_and_a_text_encoding() -> None:
    """Each name in the lists of charsets outside the Standard is the one Python's registry
    gives (or no label could ever reach it), and decodes every byte to text."""
    import codecs

    from tui_reader.charsets import _LEGACY

    for name in _LEGACY | EBCDIC:
        assert codecs.lookup(name).name == name
        assert codec_for_label(name) == name
        assert isinstance(bytes(range(0x20, 0x7F)).decode(name, "replace"), str)
    assert codec_for_label("ibm850") == codec_for_label("850") == "cp850"
    assert codec_for_label("cspc8codepage437") == "cp437"
    assert codec_for_label("ebcdic-cp-us") == "cp037"


def test_legacy_text_is_never_mostly_utf8() -> None:
    """The premise of "mostly UTF-8 wins over a label": no sample in any of its legacy
    encodings (the 7-bit one aside) has most of its characters beyond ASCII as whole UTF-8
    sequences, alone or among ASCII."""
    for text, enc in CASES:
        if enc == "iso-2022-jp":
            continue
        for data in (text.encode(enc), ("News: " + text + " (more) ").encode(enc) * 50):
            assert not mostly_utf8(data), (text, enc)


def _with_stray(feed: bytes) -> bytes:
    return feed.replace(b"</title></item>", b" caf\xe9</title></item>")


@pytest.mark.parametrize("text", list(SAMPLES))
def test_utf8_with_a_stray_byte_labelled_otherwise_reads_as_written(text: str) -> None:
    """A UTF-8 feed or page with one byte pasted in from a Latin-1 source ("\\xe9") is not
    valid UTF-8; a legacy label, the document's or the server's (ISO-8859-1 was Apache's
    default), made every character beyond ASCII mojibake ("ß" as "ÃŸ"). It reads as UTF-8,
    the stray byte as windows-1252."""
    stray = text + " caf\xe9"
    for label in ("iso-8859-1", "windows-1252", "windows-1251", "gbk", "shift_jis"):
        feed = _with_stray(_feed(text, "utf-8", None))
        parsed = parse_feed(feed, "https://x/", f"text/xml; charset={label}")
        assert parsed.entries[0].title == stray, label
        assert "mostly UTF-8" in parsed.warning
        declared = _feed(text, "utf-8", label).replace(
            b"</title></item>", b" caf\xe9</title></item>"
        )
        assert parse_feed(declared, "https://x/").entries[0].title == stray, label
        page = _page(text + " caf", "utf-8", label).replace(b"caf</p>", b"caf\xe9</p>")
        assert stray in decode_html(page, content_type=f"text/html; charset={label}"), label
