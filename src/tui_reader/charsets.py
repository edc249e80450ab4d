"""Charset labels: the one home for what a label names (a page's ``<meta charset>``, a feed's or
an OPML file's XML declaration, a server's Content-Type header).

A label is outside text, and Python's codec registry holds more than text encodings: ``base64``,
``rot13``, ``zlib``, ``hex``, ``undefined``, ``unicode_escape`` (which reads backslash escapes as
characters) are "encodings" to :func:`codecs.lookup`, and decoding with them raises or does
something no document means. So a label is read as browsers read it, by the WHATWG Encoding
Standard's list of labels (https://encoding.spec.whatwg.org/#names-and-labels), with its few
remappings (ISO-8859-1 and US-ASCII are windows-1252, GB2312 is GBK, EUC-KR is windows-949...).
A Python spelling of one of those encodings (``utf_8``, ``koi8_r``, ``latin_1``) is accepted too,
and so are the real charsets the Standard leaves out that feeds may name and Python decodes
(IBM and DOS code pages, EBCDIC, other Mac sets: ``_LEGACY``, ``EBCDIC``), by Python's own
aliases for them. Anything else is unknown: None, never an exception.

It is also the home of a web page's decoding (:func:`decode_page`), for the extractor and for
the feed discovery that reads a page's ``<link>`` tags.
"""

from __future__ import annotations

import codecs
import functools
import re

# The Python codec for each encoding of the standard (its name as codecs.lookup gives it), and
# the standard's labels for it.
# (Left out: the "replacement" encoding's labels (ISO-2022-KR/CN, HZ), which the standard reads
# as one U+FFFD; x-user-defined.) GBK's decoder is GB18030's in the standard.
_ENCODINGS: dict[str, str] = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859-2": (
        "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"
    ),
    "iso8859-3": (
        "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"
    ),
    "iso8859-4": (
        "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"
    ),
    "iso8859-5": (
        "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
        "iso_8859-5:1988"
    ),
    "iso8859-6": (
        "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 "
        "iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"
    ),
    "iso8859-7": (
        "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
        "iso_8859-7 iso_8859-7:1987 sun_eu_greek"
    ),
    "iso8859-8": (
        "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 "
        "iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical"
    ),
    "iso8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": (
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
        "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"
    ),
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": (
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 "
        "l5 latin5 windows-1254 x-cp1254"
    ),
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "gb18030": (
        "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030"
    ),
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": (
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
        "ksc_5601 windows-949"
    ),
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
}
# Real charsets the Standard leaves out, by their Python codec names: the IBM and DOS code
# pages, EBCDIC, the other Mac and regional single-byte sets, CJK variants. A feed's XML
# declaration may name any IANA charset, and feedparser and newsboat (iconv) read these: a feed
# in cp850 read as windows-1252 lost its accented letters. Each is a text encoding and nothing
# else; a label reaches one only through Python's own aliases ("850", "ibm850",
# "cspc850multilingual" -> cp850). feedparser's encoding tests hold a document for each.
# fmt: off
_LEGACY = frozenset({
    "cp437", "cp720", "cp737", "cp775", "cp850", "cp852", "cp855", "cp856", "cp857", "cp858",
    "cp860", "cp861", "cp862", "cp863", "cp864", "cp865", "cp869", "cp1006", "cp1125",
    "hp-roman8", "koi8-t", "kz1048", "ptcp154", "mac-arabic", "mac-croatian", "mac-farsi",
    "mac-greek", "mac-iceland", "mac-latin2", "mac-romanian", "mac-turkish", "euc_jis_2004",
    "euc_jisx0213", "shift_jis_2004", "shift_jisx0213", "johab", "cp950",
})
# fmt: on
# EBCDIC: not ASCII-compatible, so never what a label written in ASCII truly means (a page's
# <meta>, a Content-Type, an ASCII declaration); only a document whose own first bytes are
# EBCDIC ("<?xml" is 4C 6F A7 94 93) is read in one (tui_reader.feeds.xmlsafe).
EBCDIC = frozenset(("cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140"))


def ascii_compatible(codec: str) -> bool:
    """Whether ``codec`` (from :func:`codec_for_label`) reads ASCII bytes as ASCII: a label
    found in ASCII text can only mean such a codec."""
    return codec not in EBCDIC and not codec.startswith(("utf-16", "utf-32"))


_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)


@functools.cache
def _labels() -> dict[str, str]:
    """Every label (and each codec's own Python name) to its codec's Python name. (The keys
    of _ENCODINGS are those names already: no codec module is imported to build this.)"""
    table: dict[str, str] = {}
    for codec, labels in _ENCODINGS.items():
        table[codec] = codec
        for label in labels.split():
            table[label] = codec
    return table


@functools.lru_cache(maxsize=256)  # (labels are outside text: no unbounded cache)
def codec_for_label(label: str) -> str | None:
    """The Python codec a charset label names, as a browser reads the label (or, for the
    charsets the Standard leaves out, as Python does); None when it names no text encoding
    (see the module's docstring)."""
    label = label.strip("\t\n\f\r ")
    if not label.isascii():  # (str.lower would make the Kelvin sign a "k")
        return None
    label = label.lower()
    table = _labels()
    found = table.get(label)
    if found is None and len(label) <= 40:
        try:
            name = codecs.lookup(label).name
        except (LookupError, ValueError):
            return None
        # A Python spelling of the Standard's ("utf_8"), or a legacy charset's label.
        found = table.get(name) or (name if name in _LEGACY or name in EBCDIC else None)
    return found


def header_charset(content_type: str) -> str | None:
    """The codec a Content-Type header's charset parameter names (:func:`codec_for_label`)."""
    match = _HEADER_CHARSET.search(content_type or "")
    return codec_for_label(match.group(1)) if match else None


# windows-1252 as the standard decodes it: Latin-1, but for the bytes 0x80-0x9F Windows gave
# characters to (curly quotes, dashes, the euro sign); its five undefined bytes stay as they are.
_WINDOWS_1252_HIGH = {
    byte: char
    for byte in range(0x80, 0xA0)
    if len(char := bytes((byte,)).decode("cp1252", "ignore")) == 1
}


def decode_windows_1252(data: bytes) -> str:
    """``data`` read as windows-1252, the way browsers do: it never fails."""
    text = data.decode("latin-1")
    return text if text.isascii() else text.translate(_WINDOWS_1252_HIGH)


PAGE_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE,
             codecs.BOM_UTF16_BE)  # fmt: skip
_BOM_CODECS = ("utf-8", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE
)
_PAGE_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:\-]+)""")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return decode_windows_1252(exc.object[exc.start : exc.end]), exc.end


codecs.register_error("tui_reader_cp1252", _cp1252_fallback)


def decode_mixed(data: bytes) -> str:
    """``data`` read as UTF-8 where it is valid UTF-8 and as windows-1252 byte by byte where it
    is not: the last resort for a document in no one encoding (mostly UTF-8, with a paragraph
    or a name pasted in from a Latin-1 source). Text wholly in windows-1252 reads the same as
    :func:`decode_windows_1252` gives it, but for pairs of its characters that happen to be
    UTF-8 ("Ã©"), which real text almost never holds."""
    return data.decode("utf-8", "tui_reader_cp1252")


def mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are UTF-8 all the same, but for a few strays (a
    name pasted in from a Latin-1 source): at least four in five of their characters beyond
    ASCII are whole UTF-8 sequences. Text in a legacy encoding almost never holds any (Latin-1's
    "é" is one byte, no sequence; GBK's and Shift_JIS's pairs make one now and then), so its
    own charset, declared or sent by the server, should not be trusted over this: a feed in
    UTF-8 with one stray byte, served as ISO-8859-1 (Apache's old default), read as Latin-1
    turned every "ß" and "’" into "ÃŸ" and "â€™"."""
    text = data.decode("utf-8", "surrogateescape")  # each stray byte: one lone surrogate
    kept = text.encode("utf-8", "ignore")  # (lone surrogates cannot be encoded: dropped)
    kept_text = kept.decode("utf-8")
    strays = len(text) - len(kept_text)
    wide = len(kept) - len(kept_text.encode("ascii", "ignore"))  # their bytes
    return wide >= 4 and wide >= 8 * strays  # (a character is 2-4 bytes: ~4 in 5 at least)


def _page_declared(data: bytes, content_type: str) -> list[str]:
    """The charsets the server, then the page's meta tags and XML declaration name."""
    head = data[:8192]
    labels = [m.decode("ascii") for m in _META_CHARSET.findall(head)]
    xml = _PAGE_XML_DECL.match(head)
    if xml:
        labels.append(xml.group(1).decode("ascii"))
    candidates = [header_charset(content_type), *map(codec_for_label, labels)]
    return [c for c in candidates if c is not None]


def decode_page(data: bytes, content_type: str = "") -> str:
    """A web page's bytes as text, never a crash. Order: a byte-order mark; UTF-8 when the
    bytes are valid UTF-8 (a page that is valid UTF-8 but declares a legacy charset is almost
    always mislabelled; ISO-2022-JP, 7-bit, excepted when named first); the charset the server
    (``content_type``), then the page declares; and windows-1252, the web's default. Bytes
    that do not fit the chosen encoding (pages that mix encodings) are read as windows-1252
    one by one instead of being lost."""
    for bom, name in zip(PAGE_BOMS, _BOM_CODECS, strict=True):
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if b"\x1b" in data and "iso2022_jp" in _page_declared(data, content_type)[:1]:
            return data.decode("iso2022_jp", "replace")  # (7-bit: valid UTF-8 too)
        return text
    if mostly_utf8(data):
        return decode_mixed(data)
    for charset in _page_declared(data, content_type):
        if not ascii_compatible(charset):
            continue  # ASCII-compatible HTML is no UTF-16 without a BOM, and no EBCDIC
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            if charset == "utf-8":
                break  # mostly UTF-8 with stray legacy bytes: handled below
    # Mixed or undeclared: UTF-8 where it is valid, windows-1252 for the bytes that are not.
    return decode_mixed(data)
