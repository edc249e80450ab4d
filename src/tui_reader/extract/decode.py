"""Bytes to text: the page's own encoding where it can be trusted, never a crash.

Order: a byte-order mark; UTF-8 when the bytes are valid UTF-8 (a page that is valid UTF-8 but
declares a legacy charset is almost always mislabelled); the charset the server or the page
declares; and windows-1252, the web's default. Bytes that do not fit the chosen encoding (pages
that mix encodings) are read as windows-1252 one by one instead of being lost.
"""

from __future__ import annotations

import codecs
import re

from tui_reader.charsets import codec_for_label, header_charset
from tui_reader.extract.errors import ExtractionError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:\-]+)""")
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a media file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x78\x9c", "zlib-compressed data"),
    (b"\x78\xda", "zlib-compressed data"),
    (b"\x78\x01", "zlib-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"OggS", "a media file"),
    (b"ID3", "an MP3 file"),
    (b"\x00\x00\x00\x18ftyp", "a video"),
    (b"\x00\x00\x00\x20ftyp", "a video"),
    (b"wOFF", "a font"),
    (b"wOF2", "a font"),
)


_CONTROL_BYTES = bytes([*range(9), *range(14, 32), 127])


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", "replace"), exc.end


codecs.register_error("tui_reader_cp1252", _cp1252_fallback)


def _describe_binary(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "a PDF document"
    sample = data[:4096]
    if not sample:
        return None
    # Text has few control bytes (UTF-16 without a byte-order mark counts as binary here).
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls / len(sample) <= 0.02:
        return None
    for magic, what in _BINARY_MAGIC:
        if sample.startswith(magic):
            return what
    return "binary data" if controls / len(sample) > 0.1 else None


def _declared(data: bytes, content_type: str) -> list[str]:
    """The charsets the server, then the page's meta tags and XML declaration name."""
    head = data[:8192]
    labels = [m.decode("ascii") for m in _META_CHARSET.findall(head)]
    xml = _XML_DECL.match(head)
    if xml:
        labels.append(xml.group(1).decode("ascii"))
    candidates = [header_charset(content_type), *map(codec_for_label, labels)]
    return [c for c in candidates if c is not None]


def decode_html(data: bytes, *, content_type: str = "", url: str = "") -> str:
    """Decode a page's bytes. Raises :class:`ExtractionError` for binary data."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace")
    what = _describe_binary(data)
    if what:
        raise ExtractionError(f"it is {what}, not an HTML page", url)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if b"\x1b" in data and "iso2022_jp" in _declared(data, content_type)[:1]:
            return data.decode("iso2022_jp", "replace")  # (7-bit: valid UTF-8 too)
        return text
    candidates = _declared(data, content_type)
    for charset in candidates:
        if charset.startswith(("utf-16", "utf-32")):
            continue  # ASCII-compatible HTML cannot be UTF-16 without a BOM
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            if charset == "utf-8":
                break  # mostly UTF-8 with stray legacy bytes: handled below
    # Mixed or undeclared: UTF-8 where it is valid, windows-1252 for the bytes that are not.
    return data.decode("utf-8", "tui_reader_cp1252")
