"""Make an OPML file that is not well-formed XML readable (the lenient fallback of
:mod:`tui_reader.feeds.opml`).

Readers export OPML that strict XML refuses: raw ``<a href="...">`` markup inside a
``description`` attribute (the quotes inside it end the attribute early), bare ``&`` in URLs,
HTML entities such as ``&nbsp;``, a wrong or unknown encoding declared, a byte-order mark or
blank lines before the declaration, files cut off part-way. lxml's recovering parser alone
drops the rest of an outline at the first broken attribute (often its ``xmlUrl``) and turns
``?a=1&b=2`` into ``?a=1=2``; so the text is repaired first, in one forward pass:

- the bytes are decoded as what they are (a BOM, else UTF-8 when they are UTF-8, else the
  declared encoding, else Windows-1252) and the declaration dropped;
- a ``&`` that does not start a character reference or a known entity becomes ``&amp;``;
  HTML entities become their characters (a name maps to at most two characters: no growth);
- every ``<outline`` start tag is read attribute by attribute: a quoted value ends at the
  quote that is followed by another attribute or by the end of the tag (one followed by the
  next outline, a closing tag or the end of the file), so quotes and ``<``, ``>`` inside a
  value stay in it; stray characters between attributes are dropped; the tag is written back
  well-formed. A tag the file's end cuts off is dropped (its URL may be cut short).

Everything here is linear in the input: each character is looked at a bounded number of times.
Entity declarations never get here (the caller refuses them), nothing is fetched.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from dataclasses import dataclass

from tui_reader.charsets import (
    ascii_compatible,
    codec_for_label,
    decode_mixed,
    decode_windows_1252,
)
from tui_reader.sanitize import drop_escape_sequences

_XML_DECL = re.compile(r"\A\s*<\?xml\b[^>]{0,500}\?>", re.IGNORECASE)
_DECLARED = re.compile(rb"\A\s*<\?xml\b[^>]{0,500}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})")
_ENTITY = re.compile(r"&(?:(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)|([A-Za-z][A-Za-z0-9]{0,31});)?")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OUTLINE = re.compile(r"<outline\b", re.IGNORECASE)
_REGION_END = re.compile(r"<(?:outline\b|/outline\b|/body\b|/opml\b)", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:.\-]{0,63}")
_SPACE = re.compile(r"\s*")
_EQUALS = re.compile(r"\s*=\s*")
_NEXT_ATTR = re.compile(r"\s+[A-Za-z_:][A-Za-z0-9_:.\-]{0,63}\s*=")
_TAG_END = re.compile(r"\s*(/?)>")
# What may follow an outline's start tag: the next outline, a closing tag, a comment, the end.
_AFTER_TAG = re.compile(r"\s*(?:<(?:/?outline\b|/body\b|/opml\b|!--)|\Z)", re.IGNORECASE)
_UNQUOTED = re.compile(r"[^\s\"'<>=`/]+(?:/(?!>)[^\s\"'<>=`]*)*")


@dataclass
class Repaired:
    text: str  # the repaired document (no XML declaration; to be encoded as UTF-8)
    outlines: int = 0  # <outline start tags in the file
    repaired: int = 0  # of those, rewritten because they were not well-formed
    cut_off: int = 0  # dropped: the file ends inside them
    encoding: str = ""  # the encoding the bytes were read as, when not what they declared
    entities: int = 0  # bare "&" escaped and HTML entities replaced


def decode(data: bytes) -> tuple[str, str]:
    """The document's text, and a note naming the encoding used when it is not the one the
    file declares (or implies)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    found = _DECLARED.match(data[:600])
    declared = found.group(1).decode("ascii").lower() if found else "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        known = codec_for_label(declared)
        return text, "" if known in ("utf-8", None) else "UTF-8"
    codec = codec_for_label(declared)
    if codec and codec != "utf-8" and ascii_compatible(codec):  # (UTF-16 is UTF-8 by now)
        try:
            return data.decode(codec), ""
        except UnicodeDecodeError:
            pass
    text = decode_mixed(data)  # (a web page's and a feed's last resort too)
    if text == decode_windows_1252(data):
        return text, "Windows-1252"
    return text, "UTF-8, Windows-1252 for the bytes that are not"


def relabel_utf8(data: bytes) -> tuple[bytes, str]:
    """A document that declares another encoding (ISO-8859-1, Windows-1252...) but is UTF-8,
    with characters beyond ASCII — as many exports are — with its declaration saying UTF-8;
    and the encoding it declared. ``(data, "")`` when that is not the case."""
    found = _DECLARED.match(data[:600])
    if found is None or data.isascii():
        return data, ""
    declared = found.group(1).decode("ascii")
    codec = codec_for_label(declared)
    if codec is None or codec.startswith("utf"):
        return data, ""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data, ""
    return data[: found.start(1)] + b"UTF-8" + data[found.end(1) :], declared


def _entity(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(0)  # a character reference (impossible code points: lxml says)
    name = match.group(2)
    if name is None:
        return "&amp;"
    if name in _XML_ENTITIES:
        return match.group(0)
    char = html.entities.html5.get(name + ";")
    if char is None:
        return "&amp;" + name + ";"
    return char.replace("&", "&amp;").replace("<", "&lt;")


def _escape(value: str) -> str:
    return value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def repair(data: bytes) -> Repaired:
    """Repair an OPML document (see the module's docstring) for lxml's recovering parser."""
    text, encoding = decode(data)
    text = _XML_DECL.sub("", text, count=1).lstrip("\ufeff")
    # Escape sequences go whole first: made spaces control by control, "ESC[31m" left "[31m"
    # in a title for every later cleaning to keep.
    text = _CONTROLS.sub(" ", drop_escape_sequences(text))
    out = Repaired(text="", encoding=encoding)
    if "&" in text:

        def entity(match: re.Match[str]) -> str:
            fixed = _entity(match)
            out.entities += fixed != match.group(0)
            return fixed

        text = _ENTITY.sub(entity, text)
    pieces: list[str] = []
    copied = 0
    starts = [m.start() for m in _OUTLINE.finditer(text)]
    out.outlines = len(starts)
    # Where each outline's region ends: the next outline or closing tag after its name.
    for start in starts:
        if start < copied:  # inside a tag already rewritten (a value holding "<outline")
            out.outlines -= 1
            continue
        name_end = start + len("<outline")
        bound = _REGION_END.search(text, name_end)
        limit = bound.start() if bound else len(text)
        tag, end, broken = _read_tag(text, name_end, limit)
        pieces.append(text[copied:start])
        if tag is None:
            out.cut_off += 1
        else:
            pieces.append(tag)
            out.repaired += broken
        copied = end
    pieces.append(text[copied:])
    out.text = "".join(pieces)
    return out


def _read_tag(text: str, pos: int, limit: int) -> tuple[str | None, int, bool]:
    """Read the attributes of an outline start tag from ``pos`` (after its name) up to
    ``limit`` at most. Returns the tag written well-formed (None when the file ends inside
    it), where the original tag ends, and whether it had to be repaired."""
    attrs: dict[str, str] = {}
    seen: set[str] = set()
    broken = False
    closing = ""
    end = -1
    fallback: tuple[int, str, dict[str, str]] | None = None  # the first ">" seen, and then
    while pos < limit:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= limit:
            break
        tag_end = _TAG_END.match(text, pos)
        if tag_end is not None and tag_end.end() <= limit:
            if _AFTER_TAG.match(text, tag_end.end()) or tag_end.end() == limit:
                closing = tag_end.group(1)
                end = tag_end.end()
                break
            broken = True  # a ">" inside the tag: stray markup
            if fallback is None:
                fallback = (tag_end.end(), tag_end.group(1), dict(attrs))
            pos = tag_end.end()
            continue
        name = _NAME.match(text, pos)
        if name is None:
            broken = True  # a stray character
            pos += 1
            continue
        pos = name.end()
        eq = _EQUALS.match(text, pos)
        if eq is None or eq.end() >= limit:
            broken = True  # a bare word (HTML-ish attribute, or debris of markup)
            continue
        pos = eq.end()
        quote = text[pos]
        if quote in "\"'":
            value_end = _value_end(text, pos + 1, quote, limit)
            if value_end < 0:
                pos = limit  # the value runs to the end of what there is
                break
            value = text[pos + 1 : value_end]
            if "<" in value or ">" in value or quote in value:
                broken = True
            pos = value_end + 1
        else:
            unquoted = _UNQUOTED.match(text, pos)
            if unquoted is None:
                broken = True
                continue
            value = unquoted.group(0)
            pos = unquoted.end()
            broken = True
        key = name.group(0)
        if key.lower() in seen:
            broken = True  # a repeated attribute: the first one counts
            continue
        seen.add(key.lower())
        attrs[key] = value
    if end < 0 and fallback is not None and limit >= len(text):
        # The file ends after markup no outline is followed by (e.g. a closing tag cut
        # short): the tag ended at its first ">".
        end, closing, attrs = fallback
    if end < 0:
        if limit >= len(text):
            return None, len(text), True  # cut off by the end of the file
        # The region ended (the next outline starts) without a proper end: close it here.
        broken = True
        end = limit
        closing = "/" if "xmlurl" in seen else ""
    body = "".join(f' {k}="{_escape(v)}"' for k, v in attrs.items())
    return f"<outline{body}{closing}>", end, broken


def _value_end(text: str, start: int, quote: str, limit: int) -> int:
    """The index of the quote ending a value that starts at ``start``: the first one followed
    by another attribute, or by the end of the tag; -1 when none comes before ``limit``. When
    none does, the first quote followed by a ">" (else the first quote) ends it, unless the
    file ends there: then only one followed by a ">" does (else the value was cut off)."""
    first = closes = -1
    pos = start
    while True:
        i = text.find(quote, pos, limit)
        if i < 0:
            if limit >= len(text):
                return closes
            return closes if closes >= 0 else first
        if first < 0:
            first = i
        after = i + 1
        if _NEXT_ATTR.match(text, after):
            return i
        tag_end = _TAG_END.match(text, after)
        if tag_end is not None:
            if tag_end.end() >= limit or _AFTER_TAG.match(text, tag_end.end()) is not None:
                return i
            if closes < 0:
                closes = i
        pos = after
