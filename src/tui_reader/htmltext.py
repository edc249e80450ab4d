"""HTML to plain text: the one function that does it (feed entries for the search index, the
quick view of an article while its full text loads). Linear in the input: it runs on the event
loop for the quick view, on every entry of every feed in a refresh. A pure module.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urljoin

from tui_reader.document import Block, Document, plain_paragraph
from tui_reader.models import Article, ArticleBody
from tui_reader.sanitize import (
    cap_line,
    clean_url,
    fast_clean,
    fast_line,
    is_web_url,
    url_text,
)
from tui_reader.scan import replace_spans, sub_to_last

__all__ = [
    "clean_html",
    "decode_control_refs",
    "decode_entities",
    "html_paragraphs",
    "html_paragraphs_with_links",
    "html_to_text",
    "plain_paragraphs",
    "quick_document",
    "text_to_html",
]

# Numeric character references to C0 controls, DEL and C1 controls (tab, newline and CR are
# left alone), with or without the semicolon HTML lets a page leave out.
_CONTROL_REF = re.compile(
    r"&#(?:[xX]0*([0-9a-fA-F]{1,2})(?![0-9a-fA-F])|0*([0-9]{1,3})(?![0-9]));?"
)


def _control_ref(match: re.Match[str]) -> str:
    hex_digits, dec_digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(dec_digits)
    if code in (9, 10, 13) or 0x20 <= code < 0x7F or code > 0x9F:
        return match.group(0)
    if code >= 0x80:
        # What HTML makes of it: the windows-1252 character (&#150; is an en dash), or for
        # the five code points windows-1252 leaves undefined the C1 control itself, which
        # cleaning then drops.
        return html.unescape(f"&#{code};")
    return chr(code)  # ESC and friends: clean_text removes them with their whole sequence


def decode_control_refs(markup: str) -> str:
    """Decode character references to control characters in HTML, so that cleaning the text
    afterwards removes them (``&#27;[31m`` goes as a whole, like ESC [31m) and the stored HTML
    holds none that a later reader would decode into a terminal escape."""
    if "&#" not in markup:
        return markup
    return _CONTROL_REF.sub(_control_ref, markup)


_DROPPED = "script|style|template|noscript|svg|math|head"  # elements dropped with their text
# Where a dropped block starts: an element, up to the first ">" then its end tag, or a comment
# up to "-->" (scan.replace_spans: ".*?" to a closer that never comes was quadratic). The
# lookahead (the names' first letters, case-folded as they are) turns away every other tag at
# its first letter, before the seven names are tried one by one: the same matches, the
# search over a feed's text ~40% faster.
_DROP_START = re.compile(rf"<(?:(?=[stnmh])({_DROPPED})\b|!--)", re.I)
_TAG_END = re.compile(">")
_COMMENT_END = (re.compile("-->"),)


@lru_cache(maxsize=32)
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.I)


def _block_end(m: re.Match[str]) -> tuple[re.Pattern[str], ...]:
    name = m.group(1)
    return _COMMENT_END if name is None else (_TAG_END, _end_tag(name.lower()))


# What is left of them once every closed one is dropped: a comment, a script or a style that
# never ends. In HTML the rest of the text is then inside it (a browser shows none of it): it
# goes too, instead of showing "<!-- gtag..." or a script's code as text.
_UNENDED = re.compile(r"<(?:!--|(?=[sS])(?:script|style)\b)", re.I)


def _drop_blocks(markup: str) -> str:
    markup = replace_spans(markup, _DROP_START, _block_end, lambda _t, _m, _c: " ")[0]
    unended = _UNENDED.search(markup)
    return markup if unended is None else markup[: unended.start()]


# What follows a tag's name, up to its ">", as HTML's tokenizer reads it: a quoted attribute
# value may hold ">" (alt="Settings > Privacy"), a quote anywhere else is a character
# (alt=it's), and so is a "<" (a tag missing its ">", <a href="x"<img ...>, ends at the next
# one, which a browser hides with it). Atomic and possessive, so a tag that never ends fails in
# one pass over it; sub_to_last cuts the text at its last ">", before which every tag started
# ends: each "<" is read once.
_ATTRS = r"""(?>[^>="']+|=\s*"[^"]*"|=\s*'[^']*'|[="'])*+"""
_LINE_BREAK = re.compile(rf"<br\b{_ATTRS}>", re.IGNORECASE)
# The names as a tree of their first letters (the same names as "<hr\b...>|</?(?:p|div|li|...)
# \b...>"): a tag that is not one fails after a letter or two instead of trying each name.
_BLOCK_NAMES = (
    r"p(?:re)?|d(?:iv|[ltd])|[uo]l|li|h(?:[1-6]|eader)|blockquote|t(?:r|able)"
    r"|section|a(?:rticle|side)|f(?:ooter|ig(?:ure|caption))|nav"
)
_BLOCK_EDGE = re.compile(rf"<(?:hr\b|/?(?:{_BLOCK_NAMES})\b){_ATTRS}>", re.IGNORECASE)
# The same with the names matched as ASCII ("(?a:...)", ~a fifth faster), for text without the
# four characters that Unicode case folding matches to letters of these names: "\u0130" and
# "\u0131" (i), "\u017f" (s), "\u212a" (k). (\b stays outside: it is Unicode's.)
_BLOCK_EDGE_ASCII = re.compile(rf"<(?:(?a:hr)\b|/?(?a:{_BLOCK_NAMES})\b){_ATTRS}>", re.IGNORECASE)
_FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _block_edge(markup: str) -> re.Pattern[str]:
    if markup.isascii() or not any(c in markup for c in _FOLDED_TO_ASCII):
        return _BLOCK_EDGE_ASCII
    return _BLOCK_EDGE


# A tag: "<" and a letter (a start tag) or "/" and a letter (an end tag), with its attributes;
# or "<!", "<?" or "</" and anything else up to ">" (a declaration, a bogus comment). A "<"
# before anything else is text: "1 < 2", "<3", "class A < B" in a code sample.
TAGS = re.compile(rf"<(?:/?[a-zA-Z]{_ATTRS}|[!?/][^>]*)>")
_HTMLISH = re.compile(r"<[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def html_paragraphs(markup: str) -> list[str]:
    """The paragraphs of an HTML fragment as plain text, the way the page extractor reads
    them: a block element ends a paragraph, ``<br>`` is a line break inside one (verse, a
    log), newlines in the source are spaces; entities decoded, control characters removed.
    Text with no markup is plain text: paragraphs at blank lines, a paragraph's own line
    breaks kept unless it was wrapped at a width (:func:`tui_reader.document.plain_paragraph`)."""
    if not markup:
        return []
    if not _HTMLISH.search(markup):
        return plain_paragraphs(markup)
    paragraphs = []
    for chunk in _PARAGRAPH_BREAK.split(_marked_text(markup)[0]):
        paragraph = _lines(chunk)
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


# Where a link's address stands while its paragraph is read and escaped (private-use
# characters, taken out of the markup first).
_ADDRESS_MARK = re.compile("\ue000(\\d+)\ue001")


def html_paragraphs_with_links(
    markup: str, escape: Callable[[str], str], link: Callable[[str], str]
) -> list[str]:
    """:func:`html_paragraphs`, each paragraph passed through ``escape``, with each link's
    web address that its words do not spell out written after them, as ``link`` writes it
    (an imported note in HTML lost its links' addresses)."""
    markup = markup.replace("\ue000", "").replace("\ue001", "")
    addresses: list[str] = []
    if "<a" in markup.lower():
        import lxml.html
        from lxml import etree

        try:
            root = lxml.html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            for a in root.iter("a"):
                href = url_text(a.get("href") or "").strip()
                if is_web_url(href) and href not in a.text_content():
                    a.tail = f" \ue000{len(addresses)}\ue001" + (a.tail or "")
                    addresses.append(href)
            if addresses:
                markup = lxml.html.tostring(root, encoding="unicode")
    return [
        _ADDRESS_MARK.sub(lambda m: link(addresses[int(m.group(1))]), escape(paragraph))
        for paragraph in html_paragraphs(markup)
    ]


def plain_paragraphs(text: str) -> list[str]:
    """The paragraphs of plain text (never read as HTML, whatever it holds): at blank lines,
    each one's own line breaks kept unless it was wrapped at a width."""
    return [p for p in map(plain_paragraph, _PARAGRAPH_BREAK.split(fast_clean(text))) if p]


def _marked_text(markup: str) -> tuple[str, bool]:
    """The text of an HTML fragment, cleaned, with "\n" for each line break and "\n\n" at
    each block edge (no other newline: those of the source are spaces); and whether its only
    whitespace is " " and "\n" (no character reference was decoded: every other whitespace
    character of the source is a space by then, and cleaning makes none)."""
    markup = _drop_blocks(markup)
    markup = _spaces(markup)
    markup = sub_to_last(_LINE_BREAK, "\n", markup)
    markup = sub_to_last(_block_edge(markup), "\n\n", markup)
    markup = sub_to_last(TAGS, "", markup)
    if "&" in markup:
        return fast_clean(html.unescape(decode_control_refs(markup))), False
    return fast_clean(markup), True


def _lines(text: str, spaces_only: bool = False) -> str:
    """Each line of ``text`` with its whitespace folded to single spaces, blank ones left
    out, joined with newlines. ``spaces_only``: its only whitespace is " " and "\n" (then
    no line needs str.isprintable to tell, and the blank ones go in C)."""
    if spaces_only:
        lines = list(filter(None, map(str.strip, text.split("\n"))))
        if "  " in text:
            lines = [" ".join(line.split()) if "  " in line else line for line in lines]
        return "\n".join(lines)
    lines = []
    for line in text.split("\n"):
        if not line:
            continue
        if line.isprintable():  # then its only whitespace is " " (every other one is not)
            line = line.strip()
            if "  " not in line:  # nothing to fold: no need to split it into words
                if line:
                    lines.append(line)
                continue
        words = line.split()
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)


# ASCII's whitespace characters (str.isspace) as spaces, for bytes.translate.
_ASCII_SPACES = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
# The other whitespace characters (str.isspace; tests/test_htmltext_same.py checks the list).
_OTHER_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _spaces(markup: str) -> str:
    """Every whitespace character of the source as a space, so that none is a line break
    later (the runs are folded at the end, by :func:`_lines`; nothing between here and there
    depends on their length). ASCII's with one bytes.translate (of the UTF-8 bytes for other
    text: no byte of a multi-byte character is ASCII), the others with a regex that rarely
    matches: ~2x faster than folding the runs with split and join, as it did before."""
    if markup.isascii():
        return markup.encode("ascii").translate(_ASCII_SPACES).decode("ascii")
    wide = markup.encode("utf-8", "surrogatepass").translate(_ASCII_SPACES)
    return _OTHER_SPACE.sub(" ", wide.decode("utf-8", "surrogatepass"))


def clean_html(markup: str) -> str:
    """HTML source as it is stored (a feed entry's content): control references decoded, so
    that cleaning removes them (:func:`decode_control_refs`), and the text rules of
    :func:`tui_reader.sanitize.fast_clean` applied.

    An escape sequence is text, so where the source holds one (an ESC) it is removed from the
    text between tags as a reader reads that text (character references decoded), never
    across a tag or an entity's spelling: "a&#27;&gt;b" is "a", ESC ">", "b" (the ESC and its
    ">" go, not "&g"), and "a&#27;<b>" keeps its tag. In a tag an ESC is only dropped."""
    markup = decode_control_refs(markup)
    if "\x1b" not in markup:
        return fast_clean(markup)
    parts: list[str] = []
    pos = 0
    # (Up to the last ">": there every "<" that starts a tag ends; sub_to_last's reason.)
    for tag in TAGS.finditer(markup, 0, markup.rfind(">") + 1):
        parts.append(_clean_text_run(markup[pos : tag.start()]))
        parts.append(fast_clean(tag.group().replace("\x1b", "")))
        pos = tag.end()
    parts.append(_clean_text_run(markup[pos:]))
    return "".join(parts)


def _clean_text_run(run: str) -> str:
    if "\x1b" not in run:
        return fast_clean(run)
    return html.escape(fast_clean(html.unescape(run)), quote=False)


def text_to_html(text: str) -> str:
    """Plain text (a JSON Feed's ``content_text``) as HTML that reads back the same: its
    paragraphs (as :func:`html_paragraphs` reads plain text) in ``<p>``, their own line
    breaks as ``<br>``."""
    paragraphs = [p for p in map(plain_paragraph, _PARAGRAPH_BREAK.split(text)) if p]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (for the search index and titles): its paragraphs'
    lines (:func:`html_paragraphs`), one a line."""
    if not markup:
        return ""
    if not _HTMLISH.search(markup):
        return "\n".join(plain_paragraphs(markup))
    # The same as joining html_paragraphs' lines: its paragraph breaks hold only whitespace
    # and newlines, so splitting at each newline and leaving blank lines out gives the same
    # lines (without the paragraph regex: a third of the time here).
    return _lines(*_marked_text(markup))


QUICK_LIMIT = 200_000  # characters of the feed's HTML the quick view reads


def quick_document(body: ArticleBody, article: Article) -> Document:
    """What the feed gave for the article, as plain paragraphs (one a block of the HTML) —
    cheap enough for the event loop, shown at once while the real document is made."""
    paragraphs = html_paragraphs((body.content or body.summary)[:QUICK_LIMIT])
    return Document(
        title=article.display_title,
        url=article.url,
        byline=article.author,
        site_name=article.source_title,
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
    )


def clean_title(value: str, *, is_html: bool = False) -> str:
    """A one-line title or name: markup removed when the feed says it is HTML, entities
    decoded either way (feeds often escape twice), controls stripped, at most
    ``MAX_LINE_CHARS`` characters (:func:`tui_reader.sanitize.cap_line`)."""
    if not value:
        return ""
    if is_html and "<" in value:
        # As html_to_text reads markup: scripts, styles and comments go with what is in them.
        value = sub_to_last(TAGS, "", _drop_blocks(value))
    return cap_line(fast_line(decode_entities(value)))


def decode_entities(value: str) -> str:
    """Text that a site or feed escaped once more than its format asks (a JSON-LD headline
    or an Open Graph title holding "&#8217;", a feed title "AT&amp;amp;T") with those
    character references decoded, once, as readers do (Readability's metadata, feedparser).
    Control references twice: one escaped once more than the rest (as a feed that only
    feedparser's loose parser reads gives them) must not be left for a later reader to
    decode into a terminal escape. Not cleaned: the caller cleans."""
    if "&" not in value:
        return value
    return decode_control_refs(html.unescape(decode_control_refs(value)))


# (Case-sensitive: urljoin writes a scheme in lower case, so "HTTP://..." takes the long way.)
# (The host holds none of what sanitize.is_web_url refuses in one: the shortcut gives what
# the long way gives, tests/test_feeds_parse.py.)
_PLAIN_WEB_URL = re.compile(r"https?://[^\s/?#@:<>\"{}|\\^`%]+(?::\d{1,5})?(?:/[^\s?#]*)?")


def clean_link(value: str, base: str) -> str:
    """An absolute http(s) link (resolved against ``base``), tracking parameters removed; ""
    for anything else (javascript:, data:, ...). Read as a browser reads it (:func:`url_text`)."""
    if not (value.isprintable() and " " not in value):
        value = url_text(value)
    value = fast_line(value)
    if not value:
        return ""
    if _PLAIN_WEB_URL.fullmatch(value):
        return value  # absolute, no query or fragment: clean_url would not change it
    try:
        value = urljoin(base, value)
    except ValueError:
        return ""
    return clean_url(value) if is_web_url(value) else ""
