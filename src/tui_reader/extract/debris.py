"""Debris: the remains of markup and code that a broken page turned into visible text.

The model case is a page whose first line reads ``!-- Google tag (gtag.js) -->``: a comment
whose ``<`` was lost, followed by the tracking script's code as text. Whatever its origin —
escaped markup, a half-stripped comment, a script printed as text, JSON-LD shown as a
paragraph — such text is removed wherever it appears (page head, article body, feed content),
while prose that merely mentions code is kept.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from tui_reader.scan import replace_spans

# Cheap tests: only text holding one of these characters, then one of these patterns, can
# contain debris.
_TRIGGERS = re.compile(r"[!<>&{};=|(@.]")
_SUSPICIOUS = re.compile(
    r"!--|-->|<|&lt;|[{};]|=>|\|\||\w\(|\bvar\s|\bwindow\.|\bdocument\.|@media|@import"
)
_LT = r"(?:<|&lt;)"
_GT = r"(?:>|&gt;)"
# Spans from an opener to its closer are removed with scan.replace_spans (one forward pass):
# "opener.*?closer" searched from every opener that has no closer was quadratic.
_SCRIPT = re.compile(_LT + r"(script|style|noscript|template)\b", re.I)
_OPEN_SCRIPT = re.compile(_LT + r"(?:script|style)\b[^\n]*", re.I)
_COMMENT = re.compile(_LT + r"?!--")
_COMMENT_END = (re.compile(r"--!?" + _GT),)
_OPEN_COMMENT = re.compile(r"(?:" + _LT + r"!--|(?<!\S)!--)[^\n]*")
_CLOSE_COMMENT = re.compile(r"(?:^[ \t]*--!?" + _GT + r"|--!?" + _GT + r"[ \t]*$)", re.M)
_HTML_TAGS = (
    "a|abbr|applet|article|aside|audio|b|blockquote|body|br|button|canvas|center|dd|div|dl|"
    "dt|em|embed|fieldset|figcaption|figure|font|footer|form|frame|h[1-6]|head|header|hr|"
    "html|i|iframe|img|input|label|li|link|main|meta|nav|noscript|object|ol|option|p|param|"
    "path|picture|script|section|select|source|span|strong|style|svg|table|tbody|td|"
    "template|tfoot|th|thead|title|tr|track|u|ul|video|wbr"
)
# A tag with attributes, a closing or self-closing tag of a known element, or an opening
# script/style tag; a bare opening tag ("the <img> element") may be prose about HTML: kept.
# An unquoted value ends at a space, ">" or "&gt;", and never runs past a "<" or "&lt;"; an
# attribute once read is not read again another way (atomic); one may follow a quoted value
# with no space (alt=""id="x", as browsers read it). A run of '<a x="' or '<a x=' with no ">"
# had been read to the end of the text from every "<" in it (quadratic: 100 kB took a minute).
_ATTRS = r"(?>\s*[\w:&.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|(?:[^\s<>&]|&(?![gl]t;))+))"
# (A tag with attributes also ends where the next one starts: '<a href="x"<img ...>', a ">"
# left out, is two tags here as it is one to a browser; both go.)
_TAG = re.compile(
    _LT
    + r"(?=[a-z/])(?:[a-z][\w:-]*(?:\s+[\w:-]+)*"
    + _ATTRS
    + r"+(?:\s+[\w:-]+)*\s*/?(?:"
    + _GT
    + r"|(?="
    + _LT
    + r"[a-z/]))|(?:/(?:"
    + _HTML_TAGS
    + r")\s*|(?:"
    + _HTML_TAGS
    + r")\s*/|(?:script|style|iframe|noscript|template)\b[^<>]*)"
    + _GT
    + ")",
    re.I,
)
# "<b>bold</b>" printed as text: the markup goes, the words stay.
_PAIRED = re.compile(_LT + r"(?=[a-z])(" + _HTML_TAGS + r")" + _GT, re.I)
# Leading blanks of its own line only: "^\s*" rescanned a run of blank lines from every line
# start in it (quadratic). _drop_bare_tag_lines adds the blank lines before, as "^\s*" did.
_BARE_TAGS_LINE = re.compile(
    r"^[^\S\n]*(?:" + _LT + r"/?(?:" + _HTML_TAGS + r")\s*/?" + _GT + r"\s*){2,}$", re.I | re.M
)
# (The lookahead holds the characters a signal can start with: most text fails it at once
# instead of trying each alternative at each position.)
_CODE_SIGNALS = re.compile(
    r"(?=[\w=.)}(|$\]\-;@!])(?:\bfunction\s*[\w$]*\s*\(|=>|\bvar\s+[\w$]+\s*=|\b(?:const|let)\s+[\w$]+\s*=|"
    r"\bwindow\.[\w$]+|\bdocument\.[\w$]+|\bdataLayer\b|\bgtag\(|\bfbq\(|\b_gaq\b|"
    r"\bgoogletag\.|\.push\(|\);|\}\)|\(\)\s*\{|\bnew Date\(\)|\|\|\s*\[\]|\|\|\s*\{\}|"
    r"\breturn\s+[\w$!(]|\bif\s*\([^(){}]*\)\s*\{|\$\(|\bconsole\.\w+|"
    r"[\w\]-]\s*\{\s*[\w-]+\s*:\s*[^;{}]+;|;\s*\}|@media\b|@import\b|@font-face\b|!important\b)",
    re.I,
)
_CODE_CHARS = re.compile(r"[{}()\[\];=<>|&$\\]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _code_like(line: str) -> bool:
    """True for a line of script, style sheet or JSON rather than prose."""
    stripped = line.strip()
    if len(stripped) < 3:
        return False
    if stripped[0] in "{[" and stripped[-1] in "}]":
        if "@context" in stripped or '"@type"' in stripped:
            return True
        try:
            json.loads(stripped)
        except (ValueError, RecursionError):
            pass
        else:
            return True
    signals = len(_CODE_SIGNALS.findall(stripped))
    if not signals:
        return False
    density = len(_CODE_CHARS.findall(stripped)) / len(stripped)
    if signals >= 2 and density >= 0.04:
        return True
    # One signal: code only if there is hardly any prose around it.
    words = len(_WORD.findall(stripped))
    return density >= 0.12 and words <= 12


# A sentence: it starts with a word (after an opening quote or bracket) and a blank, and ends
# with a word and a full stop, with enough words between; what it quotes — "Add <script
# src=...> to your page", "if (a < b) { return a; } ends the loop" — is the writer's text,
# not debris. (Markup, comments and code start otherwise, or end with ">", ";" or "}".)
_PROSE_START = re.compile(r"[\"'“‘«(¿¡]?[^\W\d_][\w'’-]*,?[ \t]")
_SENTENCE_END = frozenset(".!?…:")
_CLOSING = "\"'”’»)]*_ \t"
PROSE_WORDS = 8


def is_prose(line: str) -> bool:
    """True for a line that reads as one or more sentences (see _PROSE_START)."""
    s = line.strip()
    end = s.rstrip(_CLOSING)
    if len(end) < 2 or end[-1] not in _SENTENCE_END or not end[-2].isalnum():
        return False
    return bool(_PROSE_START.match(s)) and len(_WORD.findall(s)) >= PROSE_WORDS


def is_debris(text: str) -> bool:
    """True when a whole block of text is debris (nothing in it worth keeping)."""
    return bool(text.strip()) and not scrub_text(text).strip()


def scrub_text(text: str) -> str:
    """``text`` without markup remains, comment fragments or lines of code; a line of prose
    (:func:`is_prose`) is kept whole, whatever markup or code it quotes."""
    if not text or not _TRIGGERS.search(text) or not _SUSPICIOUS.search(text):
        return text
    lines = text.split("\n")
    prose = [is_prose(line) for line in lines]
    if not any(prose):
        return _scrub(text)
    # Runs of other lines are scrubbed together (a comment or script may span them).
    out: list[str] = []
    run: list[str] = []
    for line, kept in zip(lines, prose, strict=True):
        if kept:
            if run:
                out.append(_scrub("\n".join(run)))
                run = []
            out.append(line)
        else:
            run.append(line)
    if run:
        out.append(_scrub("\n".join(run)))
    return "\n".join(out)


def _scrub(text: str) -> str:
    if not _SUSPICIOUS.search(text):
        return text
    text = replace_spans(text, _SCRIPT, _end_tag, _space)[0]
    text = replace_spans(text, _COMMENT, _comment_end, _space)[0]
    text = _OPEN_COMMENT.sub(" ", text)
    text = _OPEN_SCRIPT.sub(" ", text)
    text = _CLOSE_COMMENT.sub(" ", text)
    for _ in range(8):  # nested pairs, innermost last
        text, found = replace_spans(text, _PAIRED, _end_tag, _inner)
        if not found:
            break
    text = _TAG.sub(" ", text)
    text = _drop_bare_tag_lines(text)
    if not _SUSPICIOUS.search(text):
        return _respace(text)
    lines = text.split("\n")
    kept = [line for line in lines if not _code_like(line)]
    if len(kept) == len(lines):
        return _respace(text)
    return _respace("\n".join(kept))


@lru_cache(maxsize=128)
def _end_tag_of(name: str) -> tuple[re.Pattern[str]]:
    return (re.compile(_LT + "/" + re.escape(name) + r"\s*" + _GT, re.I),)


def _end_tag(m: re.Match[str]) -> tuple[re.Pattern[str]]:
    return _end_tag_of(m.group(1).lower())


def _comment_end(_m: re.Match[str]) -> tuple[re.Pattern[str]]:
    return _COMMENT_END


def _space(_text: str, _m: re.Match[str], _end: re.Match[str]) -> str:
    return " "


def _inner(text: str, m: re.Match[str], end: re.Match[str]) -> str:
    return text[m.end() : end.start()]


def _drop_bare_tag_lines(text: str) -> str:
    r"""``re.sub(r"^\s*(?:tag\s*){2,}$", " ", text, flags=re.M)`` in linear time: each match
    of _BARE_TAGS_LINE is extended back over the blank lines before it (not past the last
    match), to the first line start "^\s*" would have matched from."""
    pieces: list[str] = []
    copied = 0
    for m in _BARE_TAGS_LINE.finditer(text):
        start = m.start()
        while start > copied and text[start - 1].isspace():
            start -= 1
        if start > 0 and text[start - 1] != "\n":
            start = text.find("\n", start, m.start()) + 1 or m.start()
        pieces.append(text[copied:start])
        pieces.append(" ")
        copied = m.end()
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


def _respace(text: str) -> str:
    """Collapse the holes removals leave, keeping line structure."""
    return re.sub(r"[ \t]{2,}", " ", text)
