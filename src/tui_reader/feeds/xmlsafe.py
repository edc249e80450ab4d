"""Make a feed's XML safe to hand to feedparser.

feedparser has its own defences, and they have holes:

- it removes ``<!ENTITY>`` declarations only before the first ``<word`` of the document, so an
  entity value holding ``<b>`` hides every declaration after it; expat then expands them (up
  to its amplification limit: ~8 MB of text and tens of seconds of CPU per feed);
- the entities it keeps for its loose parser are expanded at every reference, so one 10 kB
  entity referenced 8,000 times in a 35 kB feed becomes 80 MB of text;
- an entity value with a backslash (``\\x``) makes it raise ``re.error``;
- a character reference to a surrogate or past U+10FFFF (``&#xD800;``, ``&#x110000;``) makes
  its loose parser raise instead of reporting a broken feed.

:func:`neutralize` therefore rewrites the prolog before feedparser sees it: every DOCTYPE
internal subset is replaced by the entity declarations that cannot grow the text (a single
character reference, or plain text no longer than the reference to it); external entities,
parameter entities and everything else are dropped. Character references to code points that
cannot exist become U+FFFD. UTF-16 and UTF-32 documents are re-encoded as UTF-8 first, so that
the rewriting (on bytes) and feedparser's own filters see the real text.
"""

from __future__ import annotations

import codecs
import re

from tui_reader.charsets import EBCDIC, codec_for_label
from tui_reader.scan import drop_comments

# Tokens inside a declaration: quoted literals, comments, brackets and the closing ">".
_DECL_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--|[\[\]>]")
_ENTITY_DECL = re.compile(
    rb"<!ENTITY\s+(%\s+)?([A-Za-z_][\w.\-]*)\s+(\"[^\"]*\"|'[^']*')\s*>", re.S | re.I
)
_ANY_DECL = re.compile(rb"<!(?!--)", re.S)
_LITERAL = re.compile(rb"\"[^\"]*\"|'[^']*'")
_PE_REF = re.compile(rb"%[A-Za-z_]")
_DOCTYPE_HEAD = re.compile(
    rb"<!DOCTYPE\s+([A-Za-z_][\w.:\-]*)"
    rb"(\s+(?:SYSTEM\s+(?:\"[^\"<>&%\\]*\"|'[^'<>&%\\]*')"
    rb"|PUBLIC\s+(?:\"[^\"<>&%\\]*\"|'[^'<>&%\\]*')\s+(?:\"[^\"<>&%\\]*\"|'[^'<>&%\\]*')))?",
    re.I,
)
_CHARREF_VALUE = re.compile(rb"&#(?:([0-9]{1,7})|x([0-9a-fA-F]{1,6}));")
_PLAIN_VALUE = re.compile(rb"[^&<>%\"'\\\x00-\x1f]*")
# Character references that may name a code point outside Unicode or a surrogate: four or more
# significant hex digits, five or more decimal ones (the callback checks the value).
_BIG_CHARREF = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{4,})|0*([0-9]{5,}))(;?)")
_REPLACEMENT_REF = b"&#xFFFD;"

_XML_DECL = re.compile(rb"\A<\?xml\b[^>]*?\?>", re.IGNORECASE)
_NUL_PATTERNS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# A document whose first bytes are "<?xm" in EBCDIC (XML 1.0, appendix F): its declaration,
# read as cp037 (the same for these characters in every EBCDIC code page), names which one.
_EBCDIC_START = b"\x4c\x6f\xa7\x94"
_EBCDIC_DECL = re.compile(
    r"\A<\?xml\b[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]{1,40})[\"']"
)


class UnsafeXML(Exception):
    """The document cannot be made safe (e.g. it claims UTF-16 but is not)."""


def wide_to_utf8(data: bytes) -> bytes | None:
    """A document in an encoding that is not ASCII-compatible, UTF-16 or UTF-32 (by its BOM or
    its first bytes) or EBCDIC (its first bytes, then the code page its declaration names), as
    UTF-8, its declaration saying so; None when the document is in none of those."""
    codec = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = name
            break
    else:
        for pattern, name in _NUL_PATTERNS:
            if data.startswith(pattern):
                codec = name
                break
    if not codec and data.startswith(_EBCDIC_START):
        declared = _EBCDIC_DECL.match(data[:256].decode("cp037"))
        named = codec_for_label(declared.group(1)) if declared else None
        codec = named if named in EBCDIC else "cp037"
    if not codec:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise UnsafeXML(f"the document claims to be {codec.upper()} but is not") from None
    out = text.lstrip("\ufeff").encode("utf-8", "surrogatepass")
    if _XML_DECL.match(out):
        out = _XML_DECL.sub(b'<?xml version="1.0" encoding="utf-8"?>', out, count=1)
    return out


def _declaration_end(data: bytes, start: int) -> int:
    """The index just past the ``<!...>`` declaration starting at ``start`` (brackets, quotes
    and comments inside it skipped); len(data) when it never ends."""
    depth = 0
    pos = start + 2
    unclosed = len(data)  # no comment opened at or after this index ends
    while (token := _DECL_TOKEN.search(data, pos)) is not None:
        t = token.group(0)
        pos = token.end()
        if t == b"<!--":  # a comment up to its first "-->"; without one, not a token
            close = data.find(b"-->", pos) if token.start() < unclosed else -1
            if close < 0:
                unclosed = min(unclosed, token.start())
                pos = token.start() + 1
            else:
                pos = close + 3
        elif t == b"[":
            depth += 1
        elif t == b"]":
            depth = max(0, depth - 1)
        elif t == b">" and depth == 0:
            return token.end()
    return len(data)


def _safe_value(name: bytes, value: bytes) -> bool:
    ref = _CHARREF_VALUE.fullmatch(value)
    if ref is not None:
        code = int(ref.group(1)) if ref.group(1) else int(ref.group(2), 16)
        return _xml_char(code)
    return _PLAIN_VALUE.fullmatch(value) is not None and len(value) <= len(name) + 2


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _rebuild_doctype(decl: bytes) -> tuple[bytes, int]:
    """A DOCTYPE with only the harmless entity declarations of its internal subset; and how
    many declarations were dropped."""
    head = _DOCTYPE_HEAD.match(decl)
    name = head.group(1) if head else b"feed"
    external = head.group(2) or b"" if head else b""
    open_at = decl.find(b"[", head.end() if head else 0)
    if open_at < 0:
        dropped = 0 if head and decl[head.end() :].strip() == b">" else 1
        return b"<!DOCTYPE " + name + external + b">", dropped
    subset = decl[open_at + 1 : decl.rfind(b"]")] if b"]" in decl else decl[open_at + 1 :]
    subset = drop_comments(subset, b"")
    kept: list[bytes] = []
    for m in _ENTITY_DECL.finditer(subset):
        name_, value = m.group(2), m.group(3)[1:-1]
        if m.group(1) is None and _safe_value(name_, value):
            kept.append(b"<!ENTITY " + name_ + b' "' + value + b'">')
    bare = _LITERAL.sub(b"", subset)
    dropped = len(_ANY_DECL.findall(bare)) - len(kept)
    if not dropped and _PE_REF.search(bare):
        dropped = 1  # a parameter entity reference: it could pull in an external DTD
    if not kept:
        return b"<!DOCTYPE " + name + external + b">", dropped
    return b"<!DOCTYPE " + name + external + b" [\n" + b"\n".join(kept) + b"\n]>", dropped


def _fix_charref(match: re.Match[bytes]) -> bytes:
    hex_digits, dec_digits, _semi = match.groups()
    digits = hex_digits or dec_digits
    if len(digits) > 7:
        return _REPLACEMENT_REF
    code = int(digits, 16) if hex_digits else int(digits)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT_REF
    return match.group(0)


def neutralize(data: bytes) -> tuple[bytes, str]:
    """Return the document with its prolog's declarations made harmless and impossible
    character references replaced; and a warning when declarations were dropped. ``data``
    must be ASCII-compatible (see :func:`wide_to_utf8`)."""
    dropped = 0
    data, dropped = _neutralize_prolog(data)
    data = _short_first_line(data)
    if b"&#" in data:
        data = _BIG_CHARREF.sub(_fix_charref, data)
    warning = ""
    if dropped:
        plural = "s" if dropped != 1 else ""
        warning = (
            f"ignored {dropped} XML declaration{plural} (entities that could expand without"
            " bound or read other files)"
        )
    return data, warning


def _neutralize_prolog(data: bytes) -> tuple[bytes, int]:
    """Rewrite every ``<!...>`` declaration before the root element, and defuse feedparser's
    prolog filters (see _LONG_SPACE)."""
    out: list[bytes] = []
    dropped = 0
    copied = 0  # data[:copied] is in out
    pos = 0
    n = len(data)
    while pos < n:
        lt = data.find(b"<", pos)
        if lt < 0 or lt + 1 >= n:
            break
        if lt - pos > _MAX_SPACE and _LONG_SPACE.search(data, pos, lt):
            out.append(data[copied:pos])
            out.append(_LONG_SPACE.sub(_one_space, data[pos:lt]))
            copied = lt
        following = data[lt + 1 : lt + 2]
        if following == b"?" or data.startswith(b"<!--", lt):
            comment = following == b"!"
            closer = b"-->" if comment else b"?>"
            end = data.find(closer, lt + 4 if comment else lt + 2)
            pos = n if end < 0 else end + len(closer)
            if end >= 0 and _feedparser_trap(data, lt, pos):
                out.append(data[copied:lt])
                if lt == 0 and not comment:  # the XML declaration: kept, defused
                    decl = _LONG_SPACE.sub(_one_space, data[lt:pos])
                    out.append(decl[:2] + decl[2:].replace(b"<!", b"< !"))
                copied = pos  # any other comment or PI means nothing here: dropped
        elif following == b"!":
            end = _declaration_end(data, lt)
            decl = data[lt:end]
            if decl[2:9].upper() == b"DOCTYPE":
                new, lost = _rebuild_doctype(decl)
            else:
                new, lost = b"", 1
            dropped += lost
            out.append(data[copied:lt])
            out.append(new)
            copied = pos = end
        elif following.isalpha() or following in (b"_", b":"):
            break  # the root element
        else:
            pos = lt + 1
    if not out:
        return data, dropped
    out.append(data[copied:])
    return b"".join(out), dropped


# feedparser's own prolog filters are super-linear (it cannot be changed, so its input is):
# ``^\s*<!ENTITY([^>]*?)>`` (MULTILINE) rescans the rest of a whitespace run from every line
# start in it and the text up to the next ">" from every "<!ENTITY" at a line start; and
# ``^<\?.*encoding=['"](.*?)['"].*\?>`` backtracks over every "encoding=" and quote on a long
# first line. So in the prolog, whitespace runs longer than _MAX_SPACE become one character,
# comments and PIs holding such runs or "<!" are dropped (the XML declaration keeps its place,
# its long runs shortened), and text after the declaration on its line that holds
# "encoding=" moves to the next line. None of this changes what the feed means.
_MAX_SPACE = 64
_LONG_SPACE = re.compile(rb"[ \t\r\n]{%d,}" % (_MAX_SPACE + 1))


def _one_space(match: re.Match[bytes]) -> bytes:
    return b"\n" if b"\n" in match.group(0) else b" "


def _feedparser_trap(data: bytes, start: int, end: int) -> bool:
    return data.find(b"<!", start + 2, end) >= 0 or _LONG_SPACE.search(data, start, end) is not None


def _short_first_line(data: bytes) -> bytes:
    """The document with nothing after the leading PI on its line when that holds
    "encoding=" (see _LONG_SPACE)."""
    if not data.startswith(b"<?"):
        return data
    line_end = data.find(b"\n")
    if line_end < 0:
        line_end = len(data)
    end = data.find(b"?>", 2, line_end)
    cut = 2 if end < 0 else end + 2
    if data.find(b"encoding=", cut, line_end) < 0:
        return data
    return data[:cut] + b"\n" + data[cut:]
