"""A page's bytes to text: binary data refused with a clear message; the decoding itself is
:func:`tui_reader.charsets.decode_page` (which the feed discovery uses too)."""

from __future__ import annotations

from tui_reader.charsets import PAGE_BOMS, decode_page
from tui_reader.extract.errors import ExtractionError

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


def decode_html(data: bytes, *, content_type: str = "", url: str = "") -> str:
    """Decode a page's bytes (:func:`tui_reader.charsets.decode_page`). Raises
    :class:`ExtractionError` for binary data."""
    if not data.startswith(PAGE_BOMS):  # (a byte-order mark says it is text)
        what = _describe_binary(data)
        if what:
            raise ExtractionError(f"it is {what}, not an HTML page", url)
    return decode_page(data, content_type)
