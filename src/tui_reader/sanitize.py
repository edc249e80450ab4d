"""Make hostile text safe to store and show.

Feed and page text may carry terminal escape sequences, control characters, bidi overrides and
invisible characters. :func:`clean_text` removes them; :func:`clean_url` drops tracking
parameters and refuses schemes other than http(s) where a link is to be followed.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# ESC-introduced sequences: CSI (ESC [), OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^),
# APC (ESC _), and two-character escapes. Their 8-bit C1 forms (U+009B CSI, U+009D OSC, ...)
# are single characters in decoded text, dropped one by one with every C1 control (_DROP):
# taken as introducers, they took the text after them along, up to the next U+009C or to the
# end, and both are common in mojibake (a closing quote read as latin-1 is "\u00e2\u0080\u009d",
# the next opening one ends in U+009C): whole articles went. What stays of a real 8-bit
# sequence is plain text, with no control character left to act on a terminal. One exception:
# an 8-bit CSI with parameters and a final byte ("\u009b31m", which left "31m" in a title)
# goes whole, as an ESC [ one does: mojibake puts no digits after a U+009B.
#
# A CSI runs to its final byte as a terminal reads it (the VT500 parser xterm and vte follow):
# a parameter after an intermediate ("ESC [1 2m") and a C0 control inside it (executed, not
# ending it: "ESC [3 DEL 1m") do not end it; CAN, SUB and ESC do. A newline ends it here (a
# terminal would execute it and go on), so that no line break of the text goes with it.
#
# A string (OSC, DCS, SOS, PM, APC) runs to its BEL or ST; CAN and SUB abort it, as they do in
# a terminal. One left open ends at the end of its line here: a terminal would hold the rest
# of the text in it, and so had the reader lost a whole article to one stray "ESC ]".
_ESCAPES = re.compile(
    r"""
    \x1b\[[\x00-\x09\x0b-\x17\x19\x1c-\x3f\x7f]*[\x40-\x7e]?           # CSI ... final
  | \x1b[\]PX^_][^\x07\x1b\x9c\x18\x1a\n]*(?:\x07|\x1b\\|\x9c|\x18|\x1a)?  # OSC DCS ... BEL/ST
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                                # other escapes
  | \x9b[\x30-\x3f]{1,32}[\x20-\x2f]{0,4}[\x40-\x7e]              # 8-bit CSI, with parameters
    """,
    re.VERBOSE,
)

# Characters never kept: C0 controls but tab and newline, DEL, C1 controls, bidi embedding,
# override and isolate controls, zero-width space / word joiner / BOM / invisible operators,
# Hangul fillers (blank letters: a title or name of nothing but them shows as nothing),
# Khmer's invisible vowels, shorthand and musical format controls (Unicode's ignorables),
# interlinear annotation, object replacement, tag characters, and noncharacters.
_DROP_RANGES: list[tuple[int, int]] = [
    (0x00, 0x08),
    (0x0B, 0x0C),
    (0x0E, 0x1F),
    (0x7F, 0x9F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180E, 0x180E),
    (0x200B, 0x200B),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFC),
    (0xFDD0, 0xFDEF),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE007F),
    (0xD800, 0xDFFF),
]
_DROP = re.compile(
    "["
    + "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in _DROP_RANGES
    )
    + "]"
)
# Soft hyphens (U+00AD): a hint where a word may break, invisible unless it does; a terminal
# draws it or not at will, and search and highlights must not see it inside words
# ("US \u00adforces"). Removed from text, but not in control_map: text stored before keeps
# its offsets on screen.
_SOFT_HYPHEN = "\u00ad"
REMOVED_BUT_SHOWN = _SOFT_HYPHEN  # removed by clean_text, harmless on a terminal
_DROP = re.compile(_DROP.pattern[:-1] + _SOFT_HYPHEN + "]")
# An emoji tag sequence that is a subdivision's flag (UTS #51 ED-14c; England's, Scotland's,
# Wales's): U+1F3F4, the tag letters of a region and of its subdivision ("gbsct"), U+E007F.
# Its tag characters are the emoji, kept; every other tag character goes (hidden text, "ASCII
# smuggling"), as before. At most five tag letters or digits in one: nothing to hide in them.
_FLAG_BASE = "\U0001f3f4"
TAG_FLAG = re.compile(
    "\U0001f3f4[\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,3}"
    "\U000e007f"
)
_DROP_BUT_FLAGS = re.compile(f"({TAG_FLAG.pattern})|{_DROP.pattern}")


def _drop(text: str) -> str:
    if _FLAG_BASE not in text:
        return _DROP.sub("", text)
    return _DROP_BUT_FLAGS.sub(lambda m: m.group(1) or "", text)


_CR = re.compile(r"\r\n?")
# ASCII's controls (all but tab and newline) for bytes.translate: deleting them and comparing
# lengths is ~3x faster than a regex search over the text.
_ASCII_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])


def _plain_ascii(text: str) -> bool:
    """True for ASCII text with no control character but tab and newline (nothing to clean)."""
    return text.isascii() and len(
        text.encode("ascii").translate(None, _ASCII_CONTROL_BYTES)
    ) == len(text)


# C0 controls but tab, newline and carriage return, and DEL: what a parser must not see (lxml
# keeps them in its tree but refuses them when text is set back). extract/parse.py checks a
# page for them before deciding to clean it.
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# U+xFFFE and U+xFFFF in every plane.
_NONCHARS = re.compile(
    "["
    + "".join(
        re.escape(chr(p * 0x10000 + 0xFFFE)) + re.escape(chr(p * 0x10000 + 0xFFFF))
        for p in range(17)
    )
    + "]"
)
_MAX_COMBINING = 3
_COMBINING_RUN = re.compile(
    "([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
    + f"{{{_MAX_COMBINING + 1},}})"
)


def _trim_combining(match: re.Match[str]) -> str:
    return match.group(1)[:_MAX_COMBINING]


# Any other run of combining marks (Thai, Hebrew, Cyrillic, enclosing marks...) is capped more
# generously: real text stacks at most five or six on one letter.
MAX_MARKS = 8


def _char_class(codes: list[int]) -> str:
    ranges: list[tuple[int, int]] = []
    for cp in codes:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


def _marks(codes: Iterable[int]) -> list[int]:
    return [cp for cp in codes if unicodedata.category(chr(cp))[0] == "M"]


@functools.cache
def _bmp_mark_run() -> re.Pattern[str]:
    """The regex for a run of more than MAX_MARKS marks of the BMP (fast: a bitmap), built on
    first use from the running Python's Unicode tables (~13 ms; apart from the one below, as
    the first non-Latin title the app draws may build it on the event loop)."""
    return re.compile(f"[{_char_class(_marks(range(0x300, 0x10000)))}]{{{MAX_MARKS + 1},}}")


@functools.cache
def _any_mark_run() -> re.Pattern[str]:
    """The same for every mark (slower: used only on text with marks beyond the BMP)."""
    astral = (*range(0x10000, 0x20000), *range(0xE0100, 0xE01F0))
    every = _char_class([*_marks(range(0x300, 0x10000)), *_marks(astral)])
    return re.compile(f"[{every}]{{{MAX_MARKS + 1},}}")


# Marks live above U+02FF, and none in General Punctuation (curly quotes, dashes): text with
# nothing else is checked at a fraction of the cost of the mark-run regex.
_MAYBE_MARKS = re.compile("[^\x00-\u02ff\u2000-\u206f]")


def has_mark_run(text: str) -> bool:
    """Whether ``text`` holds a run of marks that :func:`clean_text` would cap (for fast
    paths that skip clean_text on text that is already clean)."""
    return (
        not text.isascii()
        and _MAYBE_MARKS.search(text) is not None
        and _mark_run_for(text).search(text) is not None
    )


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _mark_run_for(text: str) -> re.Pattern[str]:
    if max(text) > "\uffff" and any(
        unicodedata.category(ch)[0] == "M" for ch in _ASTRAL.findall(text)
    ):
        return _any_mark_run()  # only text with marks beyond the BMP pays for the slower regex
    return _bmp_mark_run()


def _cap_marks(text: str) -> str:
    if _MAYBE_MARKS.search(text) is None:
        return text  # no mark at all (and no regex to build: Latin text never builds one)
    return _mark_run_for(text).sub(lambda m: m.group(0)[:MAX_MARKS], text)


def drop_escape_sequences(text: str) -> str:
    """``text`` without its terminal escape sequences, each removed whole (``ESC [31m``, an
    OSC title ended by BEL): what :func:`clean_text` does first, for a caller that must deal
    with the remaining control characters itself (a document about to be parsed)."""
    return _ESCAPES.sub("", text) if "\x1b" in text else text


def clean_text(text: str) -> str:
    """Remove escape sequences, control and invisible characters; keep newlines and tabs.

    Carriage returns become newlines, runs of combining marks are capped (no "Zalgo" towers:
    three accents on a letter, MAX_MARKS marks of other scripts), and the result is
    NFC-normalised.
    """
    if not text:
        return ""
    if _plain_ascii(text):
        return text  # printable ASCII, newlines and tabs: nothing to remove or normalise
    text = _CR.sub("\n", text)
    text = _ESCAPES.sub("", text)
    text = _drop(text)
    text = unicodedata.normalize("NFC", text)
    # (the regex first: it finds no run in nearly all text, in C, where the test of each
    # character in Python took a tenth of a refresh's text cleaning)
    if _COMBINING_RUN.search(text) is not None and any(unicodedata.combining(c) for c in text):
        text = _COMBINING_RUN.sub(_trim_combining, text)
    if not text.isascii():
        text = _cap_marks(text)
    return _NONCHARS.sub("", text)


_SPACES = re.compile(r"[^\S\n]+")


def clean_line(text: str) -> str:
    """:func:`clean_text`, then all whitespace (newlines too) folded to single spaces."""
    return " ".join(clean_text(text).split())


def normalize_spaces(text: str) -> str:
    """Fold runs of spaces and tabs within lines; strip each line; keep line breaks."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "__hs", "_hs", "vero_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "ncid",
        "cmpid",
        "s_cid",
        "ocid",
        "ref_src",
        "ref_url",
        "spm",
        "scid",
        "icid",
        "wt_mc",
        "wt.mc_id",
        "rb_clickid",
        "sc_cid",
        "_openstat",
    }
)


# Affiliate parameters: they pay a referrer and select nothing on the page they lead to.
_AFFILIATE_NAMES = frozenset(
    {
        "clickref",
        "affid",
        "aff_id",
        "aff_sub",
        "aff_sub2",
        "affiliate_id",
        "irclickid",
        "irgwc",
        "ranmid",
        "raneaid",
        "ransiteid",
        "xcust",
    }
)
# On a shop's host (Amazon's stores) these are the associate's: "tag" elsewhere is content
# ("?tag=python" on a blog), so they are dropped only there.
_SHOP_NAMES = frozenset(
    {"tag", "ascsubtag", "linkcode", "linkid", "ref_", "camp", "creative", "creativeasin"}
)
_SHOP_HOST = re.compile(r"(?:^|\.)amazon\.(?:com|co\.[a-z]{2}|com?\.[a-z]{2}|[a-z]{2,3})$")
# Affiliate networks' redirect wrappers (Skimlinks, VigLink, Rakuten, Awin, CJ): the host and
# the parameter holding the real target, which the link is unwrapped to.
_WRAPPERS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?:^|\.)(?:skimresources|redirectingat)\.com$"), ("url",)),
    (re.compile(r"(?:^|\.)viglink\.com$"), ("u", "url")),
    (re.compile(r"(?:^|\.)linksynergy\.com$"), ("murl",)),
    (re.compile(r"(?:^|\.)awin1\.com$"), ("ued",)),
    (
        re.compile(r"(?:^|\.)(?:anrdoezrs|dpbolvw|jdoqocy|kqzyfj|tkqlhce)\.net$"),
        ("url",),
    ),
)


def is_tracking_param(name: str, host: str = "") -> bool:
    """Whether a query parameter only tracks or pays (``host``: the link's, lower case; some
    names are affiliate parameters on shops' hosts only)."""
    low = name.lower()
    if low in _TRACKING_NAMES or low in _AFFILIATE_NAMES or low.startswith(_TRACKING_PREFIXES):
        return True
    return low in _SHOP_NAMES and bool(host) and _SHOP_HOST.search(host) is not None


def _unwrapped(host: str, query: str) -> str:
    """The target of an affiliate redirect wrapper, or "" when the link is none."""
    for pattern, names in _WRAPPERS:
        if pattern.search(host):
            params = dict(parse_qsl(query))
            for name in names:
                target = params.get(name, "")
                if target.lower().startswith(("http://", "https://")):
                    return target
    return ""


def clean_url(url: str, *, _depth: int = 0) -> str:
    """Strip control characters and tracking and affiliate parameters from a URL (an
    affiliate network's redirect wrapper is unwrapped to its target); keep everything else."""
    url = clean_line(url)
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return url
    if parts.query:
        target = _unwrapped(host, parts.query) if _depth < 3 else ""
        if target:
            return clean_url(target, _depth=_depth + 1)
        kept = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(k, host)
        ]
        query = (
            urlencode(kept, doseq=True) if len(kept) != len(parts.query.split("&")) else parts.query
        )
    else:
        query = ""
    fragment = parts.fragment
    if fragment.startswith(("utm_", "xtor=")):
        fragment = ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, fragment))


def url_key(url: str) -> str:
    """What two links to the same web page have in common: tracking parameters, the fragment,
    the scheme (http or https), the case of the host, an international host name's form
    (Unicode or xn--), a default port and a trailing slash do not count; the query's
    parameters are sorted. A link that is not http(s) is its own key."""
    url = clean_url(url)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return url
    if not host.isascii() and len(host) <= 253:  # (DNS's longest name: no longer one exists)
        # An international name and its xn-- form are one host (IDNA, as browsers send it).
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = _escapes(parts.path).rstrip("/") or "/"
    query = "&".join(sorted(_escapes(parts.query).split("&"))) if parts.query else ""
    return f"//{host}{path}" + (f"?{query}" if query else "")


_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _escape_normal(m: re.Match[str]) -> str:
    char = chr(int(m.group(1), 16))
    return char if char in _UNRESERVED else "%" + m.group(1).upper()


def _escapes(part: str) -> str:
    """A path or query with its percent-escapes as RFC 3986 6.2.2 compares them: an
    unreserved character's escape is the character ("%66eed" is "feed"), the others' hex
    digits in capitals."""
    return _ESCAPE.sub(_escape_normal, part) if "%" in part else part


def shown_url(url: str) -> str:
    """An address as it is shown (a feed's, in a line or a list): a password in it
    (``https://user:password@host/``, a feed behind a login) as ``***``; the rest, and the
    address stored and fetched, as they are."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    login, at, host = parts.netloc.rpartition("@")
    if not at or ":" not in login:
        return url
    user = login.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only links the reader ever follows.

    A URL holding a control, bidi or other invisible character is refused too (urlsplit
    would quietly drop a leading NUL; a browser launcher would choke on it or show a
    spoofed address)."""
    url = url.strip()
    if not url.isprintable():
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    if any(c.isspace() or c in _NOT_IN_HOSTS for c in host):
        return False  # ("exa mple.com": no such host can exist)
    return parts.scheme.lower() in ("http", "https") and bool(host)


_NOT_IN_HOSTS = frozenset('<>"{}|\\^`%')


_URL_ENDS = "".join(map(chr, range(0x21)))  # C0 controls and the space
_URL_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")


def url_text(text: str) -> str:
    """A URL as a page, a feed or a file writes it, read as a browser reads it (the WHATWG URL
    standard): C0 controls and spaces at its ends stripped, tabs and line breaks anywhere
    removed (an address wrapped over two lines is one address), and a space left inside
    written as %20. Before, "https://a/x\nhttps://b/" was kept as "https://a/x https://b/",
    an address with a space, shown and opened as such."""
    url = text.strip(_URL_ENDS)
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_URL_TAB_NEWLINE)
    return url.replace(" ", "%20") if " " in url else url


_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,31}:")  # RFC 3986's, of a reasonable length


def has_scheme(reference: str) -> bool:
    """Whether ``reference`` is an absolute URI (it starts with a scheme: "https:", "urn:",
    "file:"), not a relative reference ("/slug", "post-1")."""
    return _SCHEME.match(reference) is not None


# Pseudo-schemes of "subscribe" links: the feed: of browsers and readers, and podcast apps'
# itpc: (iTunes), pcast: and podcast:. What follows is the feed's address, or its host and path.
_SUBSCRIBE_SCHEMES = frozenset({"feed", "itpc", "pcast", "podcast"})


def feed_address(text: str) -> str:
    """A feed's address as a person types or pastes it, or a subscription list gives it, as
    the URL to fetch: the ``feed:`` pseudo-scheme that browsers and other readers write
    ("feed:https://example.com/rss", "feed://example.com/rss", "feed://http://example.com/rss"),
    podcast apps' ``itpc:``, ``pcast:`` and ``podcast:``, and an address with no scheme
    ("example.com/rss", "localhost:8080/feed") become http(s) URLs (https when none is
    said). Anything else comes back stripped, for the caller's check to judge (a line break
    inside a subscription's address is refused there, not joined: see feeds/opml.py)."""
    url = text.strip()
    scheme, colon, rest = url.partition(":")
    if colon and scheme.lower() in _SUBSCRIBE_SCHEMES:
        rest = rest.lstrip("/")  # ("feed://http://host/x" is "http://host/x")
        for given in ("http:", "https:"):
            if rest[: len(given)].lower() == given:
                return _lower_host(given + "//" + rest[len(given) :].lstrip("/"))
        return _lower_host("https://" + rest)
    if "://" in url or not url:
        return _lower_host(url)
    host = url
    for mark in "/?#":
        host = host.partition(mark)[0]
    return _lower_host(f"https://{url}") if _bare_host(host) else url


def _lower_host(url: str) -> str:
    """An http(s) URL with its scheme and host in lower case (they are case-insensitive:
    "https://NEWS.example/rss" is the feed "https://news.example/rss", not a second one); its
    login, path and query as they are. Anything else as it is."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return url
    authority, slash, tail = rest.partition("/")
    for mark in "?#":  # (an authority ends at the first of "/", "?" and "#")
        if mark in authority:
            authority, cut, more = authority.partition(mark)
            slash, tail = cut, more + slash + tail
    login, at, host = authority.rpartition("@")
    return f"{scheme.lower()}://{login}{at}{host.lower()}{slash}{tail}"


def _bare_host(host: str) -> bool:
    """``host[:port]`` of an address written without its scheme: labels of letters, digits
    and hyphens, at least two of them (or "localhost"); nothing else (no user, no scheme
    such as "mailto:")."""
    name, _, port = host.partition(":")
    if port and not (port.isdigit() and len(port) <= 5):
        return False
    labels = name.split(".")
    if name.lower() != "localhost" and len(labels) < 2:
        return False
    return all(x and x.isascii() and x.replace("-", "").isalnum() for x in labels)


# -- fast paths and the display check, from the same lists -----------------------------------

# Every character clean_text may remove or change (a superset is fine: it only costs the slow
# path): CR, C0/C1 controls and ESC, bidi and zero-width controls, BOM, interlinear annotation,
# tag characters, surrogates, noncharacters, and the combining marks whose runs it caps.
_MAYBE_UNCLEAN_BMP = (
    "\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffc\ufdd0-\ufdef\ud800-\udfff\ufffe\uffff"
    "\u115f\u1160\u3164\uffa0\u17b4\u17b5"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
MAYBE_UNCLEAN = re.compile(
    "["
    + _MAYBE_UNCLEAN_BMP
    + "\U000e0000-\U000e007f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    + "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(1, 17))
    + "]"
)
# The same test for text without characters beyond the BMP (nearly all): a class holding only
# BMP characters is matched from a bitmap, ~15x faster than one reaching beyond it (measured:
# 0.06 s against 0.89 s over the 14 MB of non-ASCII text of 500 feeds).
_MAYBE_UNCLEAN_IN_BMP = re.compile(f"[{_MAYBE_UNCLEAN_BMP}]")


# What is neither clean for certain nor a character beyond the BMP: anything but the clean
# characters of Latin, IPA and General Punctuation (U+0000-U+02FF and U+2000-U+206F, where no
# mark lives, less what _MAYBE_UNCLEAN_IN_BMP holds: tests/test_feeds_parse.py derives it). A
# Latin text (accents, curly quotes, dashes, no-break spaces) is found clean by this one search,
# without the two it otherwise takes (_MAYBE_UNCLEAN_IN_BMP, then _MAYBE_MARKS).
_NOT_LATIN_CLEAN = re.compile(
    "[^\t\n -~\u00a0-\u00ac\u00ae-\u02ff\u2000-\u200a\u2010-\u2029\u202f-\u205f]"
)


def fast_clean(text: str) -> str:
    """Exactly :func:`clean_text`, without its cost for text that is already clean (one regex
    search and an NFC test, both in C): for the thousands of text nodes in a page and the
    entries of a feed."""
    if not text:
        return ""
    if text.isascii():  # clean_text's own first test
        return text if _plain_ascii(text) else clean_text(text)
    # No character beyond the BMP when UTF-16 takes two bytes for each (several times faster
    # than searching for one); surrogates are unclean and go to the search below either way.
    bmp = len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)
    if bmp and _NOT_LATIN_CLEAN.search(text) is None:
        return text if unicodedata.is_normalized("NFC", text) else clean_text(text)
    maybe = _MAYBE_UNCLEAN_IN_BMP if bmp else MAYBE_UNCLEAN
    if (
        maybe.search(text) is None
        and unicodedata.is_normalized("NFC", text)
        and not has_mark_run(text)  # a tower of Thai, Hebrew... marks
    ):
        return text
    return clean_text(text)


def fast_line(text: str) -> str:
    """Exactly :func:`clean_line`, faster on ordinary text."""
    if text.isascii() and text.isprintable():
        # Clean as it is, and its only whitespace is " ": nothing to fold when no space is
        # doubled or at an end (a link, an id, most titles: a third of the time here).
        if "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
        return " ".join(text.split())
    return " ".join(fast_clean(text).split()) if text else ""


MAX_LINE_CHARS = 2_000  # a title, a name, a byline: what a feed or page gives beyond is cut


def cap_line(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """A one-line field (a title, an author) of at most ``limit`` characters: cut at the last
    space before the limit (mid-word when there is none in its second half) and ended with
    "…" (punctuation left before it dropped). Feeds and pages give a title of megabytes now
    and then (a template's bug, or on purpose); every list row, progress line and heading
    that shows it would pay for it. The UI's previews shorten their text the same way."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "\u2026"


def control_map(*, replacement: str = "\ufffd", whitespace: str | None = " ") -> dict[int, str]:
    """A :meth:`str.translate` table drawing every character :func:`clean_text` would remove
    as ``replacement`` (one for one, so offsets stay exact): every C0 control (CR included),
    DEL, C1 controls, bidi and invisible format characters, surrogates, BMP noncharacters and
    tag characters. Tab and newline become ``whitespace``, or are left alone when it is None.

    For a display that must never send such a character to the terminal, whatever slipped
    past cleaning (a row written before, or by something else): the UI's last check."""
    table = {c: replacement for a, b in _DROP_RANGES for c in range(a, b + 1)}
    for c in (0x0D, 0xFFFE, 0xFFFF):
        table[c] = replacement
    if whitespace is not None:
        table[0x09] = whitespace
        table[0x0A] = whitespace
    return table


def shown(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)`` (a :func:`control_map`), keeping the subdivision flags that
    :func:`clean_text` keeps (their tag characters are the emoji): one character for one."""
    if _FLAG_BASE not in text:
        return text.translate(table)
    parts: list[str] = []
    pos = 0
    for m in TAG_FLAG.finditer(text):
        parts += [text[pos : m.start()].translate(table), m.group()]
        pos = m.end()
    parts.append(text[pos:].translate(table))
    return "".join(parts)


def is_forbidden(ch: str) -> bool:
    """Whether ``ch`` is a character never shown (see :func:`control_map`); tab and newline
    are not."""
    return ord(ch) in _FORBIDDEN


_FORBIDDEN = frozenset(control_map(whitespace=None))
