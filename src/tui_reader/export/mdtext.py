"""Markdown pieces: escaping hostile text, YAML scalars, text-fragment links, and one highlight
rendered as a block quote with its links, id and note.

Article text is hostile. Everything that is not the user's own note is cleaned and escaped so
that it shows as the text it is, in a plain Markdown viewer and in Obsidian alike: no HTML, no
links or images it did not ask for, no math (``$``), comments (``%%``), tags (``#word``) or
block ids (``^id``) made by accident. Quotes keep their punctuation readable: only what would
change their meaning is escaped there. Notes are the user's Markdown and stay as written, with
two exceptions that protect the file: marker-like lines are defused and an unclosed code fence
is closed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote as pct
from urllib.parse import urlsplit

from tui_reader.export.regions import yaml_quoted
from tui_reader.mdescape import md_escape, md_url
from tui_reader.sanitize import clean_line, clean_text, is_web_url

__all__ = [
    "MARKER_PREFIX",
    "fragment_directive",
    "fragment_url",
    "link",
    "md_inline",
    "md_quote_line",
    "md_url",
    "note_markdown",
    "plain",
    "yaml_str",
]

MARKER_PREFIX = "<!-- tui-reader:"

# -- escaping (the rules: tui_reader.mdescape) ----------------------------------------------

_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")


def plain(text: str) -> str:
    """Metadata (titles, names) as one clean line of text: no control characters, no HTML
    tags (feeds put markup in titles; templates downstream may not escape it)."""
    return clean_line(_TAG.sub("", clean_line(text)))


def md_inline(text: str) -> str:
    """One line of hostile text as literal Markdown (titles, names, tags, labels)."""
    return md_escape(clean_line(text))


def md_quote_line(line: str) -> str:
    """A line of a quoted passage: structure and markup neutralised, punctuation kept."""
    return md_escape(line, plain=False)


def yaml_str(text: str) -> str:
    """``text`` cleaned to one line, as a YAML double-quoted scalar (:func:`yaml_quoted`)."""
    return yaml_quoted(clean_line(text))


def link(label_md: str, url: str) -> str:
    """``[label](url)`` for http(s) URLs only; other schemes give the bare label."""
    if not url or not is_web_url(url):
        return label_md
    return f"[{label_md}]({md_url(url)})"


# -- notes ---------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_OUR_ID = re.compile(r"^\^hl-")


def note_markdown(note: str) -> str:
    """The user's note as Markdown, kept as written (line breaks, lists, emphasis), made safe
    for the file around it."""
    lines = clean_text(note).strip("\n").split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        if line.lstrip().startswith(MARKER_PREFIX):
            line = line.replace("<!--", "&lt;!--", 1)
        elif _OUR_ID.match(line):
            line = "\\" + line
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
        out.append(line.rstrip())
    if fence is not None:
        out.append(fence)
    return "\n".join(out).strip("\n")


# -- text fragments ------------------------------------------------------------------------

_WORDS_EACH_END = 5
_CONTEXT_WORDS = 3


def _enc(term: str) -> str:
    """Percent-encode a text-directive term: everything but unreserved characters, and the
    dash too (it marks prefix/suffix), so ``&``, ``,`` and ``-`` never break the directive."""
    return pct(term, safe="").replace("-", "%2D")


def _words(text: str) -> list[str]:
    return text.split()


@lru_cache(maxsize=4)
def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _cut_at_start(prefix: str, quote: str) -> bool:
    """The quote starts inside a word (the selection began mid-word)."""
    return prefix[-1:].isalnum() and quote[:1].isalnum()


def _cut_at_end(quote: str, suffix: str) -> bool:
    """The quote ends inside a word."""
    return quote[-1:].isalnum() and suffix[:1].isalnum()


def fragment_directive(
    quote: str, prefix: str = "", suffix: str = "", *, text: str | None = None
) -> str:
    """``text=...`` for a quote: the whole quote when short and within one block, else its
    first and last words (``start,end``); with ``prefix-,`` and ``,-suffix`` words when the
    quote is ambiguous — its first term found more than once in the article's ``text``, or,
    without the text, a short quote. Partial words at the ends are dropped, since browsers
    match whole words. Empty when no word is left."""
    blocks = [b for b in re.split(r"\n\s*\n", quote) if b.strip()]
    if not blocks:
        return ""
    first = _words(blocks[0])
    last = _words(blocks[-1])
    single = len(blocks) == 1
    cut_start = _cut_at_start(prefix, quote.lstrip())
    cut_end = _cut_at_end(quote.rstrip(), suffix)
    if cut_start and len(first) > 1:
        first = first[1:]
        if single:
            last = first
    if cut_end and len(last) > 1:
        last = last[:-1]
        if single:
            first = last
    if not first or not last:
        return ""
    if single and len(first) <= 2 * _WORDS_EACH_END + 2:
        terms = [" ".join(first)]
    else:
        terms = [" ".join(first[:_WORDS_EACH_END]), " ".join(last[-_WORDS_EACH_END:])]
    if text is not None:
        ambiguous = _folded(text).count(_folded(terms[0])) > 1
    else:
        ambiguous = len(terms[0]) < 20
    parts = [_enc(t) for t in terms]
    if ambiguous:
        before = re.split(r"\n\s*\n", prefix)[-1].split()[-_CONTEXT_WORDS:]
        after = re.split(r"\n\s*\n", suffix)[0].split()[:_CONTEXT_WORDS]
        if before and not cut_start:
            parts.insert(0, _enc(" ".join(before)) + "-")
        if after and not cut_end:
            parts.append("-" + _enc(" ".join(after)))
    return "text=" + ",".join(parts)


def fragment_url(url: str, directive: str) -> str:
    """``url`` pointing at a passage (``#:~:`` after any existing fragment)."""
    if not directive or not is_web_url(url):
        return url
    try:
        has_fragment = bool(urlsplit(url).fragment) or url.endswith("#")
    except ValueError:
        return url
    return url + (":~:" if has_fragment else "#:~:") + directive
