"""Hostile text as literal Markdown: the one escaper (the exporter's notes and digests, and
``Document.to_markdown`` for ``tui-reader extract``). A pure module.

Escaped so that text shows as the text it is, in a plain Markdown viewer and in Obsidian
alike: no HTML, no links or images it did not ask for, no math (``$``), comments (``%%``),
tags (``#word``), highlights (``==``) or block ids (``^id``) made by accident, no line read as
a heading, quote, list, rule or indented code. ``plain=False`` (the lines of a quoted passage)
keeps the punctuation readable: only what would change their meaning is escaped. Linear in the
input. tests/test_mdescape_commonmark.py checks it with a CommonMark parser (markdown-it-py).
"""

from __future__ import annotations

import re

__all__ = ["md_escape", "md_url"]

_ALWAYS = re.compile(r"([\\`<\[$])")
_PLAIN_EXTRA = re.compile(r"([*_\]|~])")
_HASHTAG = re.compile(r"#(?=[^\s#])")
_COMMENT = re.compile(r"%%")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_ID = re.compile(r"\^(?=[\w-]+\s*$)")
_LINE_START = re.compile(r"^(\s*)([#>+\-*_=~]|\d+(?=[.)]))")
# A line indented by four columns (spaces, or a tab within the first four) is a code block, in
# which the escapes would show: its first space or tab becomes a character reference.
_INDENT = re.compile(r"^(?= {0,3}\t| {4})([ \t])")
_HIGHLIGHT = re.compile(r"==")


def _escape_line(text: str, plain: bool) -> str:
    text = _ALWAYS.sub(r"\\\1", text)
    if plain:
        text = _PLAIN_EXTRA.sub(r"\\\1", text)
        text = _HIGHLIGHT.sub(r"=\\=", text)
    text = _HASHTAG.sub(r"\\#", text)
    text = _COMMENT.sub(r"%\\%", text)
    text = _ENTITY.sub("&amp;", text)
    text = _BLOCK_ID.sub(r"\\^", text)
    text = _LINE_START.sub(_escape_line_start, text)
    return _INDENT.sub(lambda m: f"&#{ord(m.group(1))};", text)


def _escape_line_start(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():
        return m.group(1) + marker + "\\"  # "1." -> "1\." (the dot follows)
    return m.group(1) + "\\" + marker


def md_escape(text: str, *, plain: bool = True) -> str:
    """``text`` as literal Markdown, line by line (each line's start is a line start)."""
    if "\n" not in text:
        return _escape_line(text, plain)
    return "\n".join(_escape_line(line, plain) for line in text.split("\n"))


def md_url(url: str) -> str:
    """A URL safe inside ``(...)`` of a Markdown link."""
    for ch, enc in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(ch, enc)
    return url


_BACKTICKS = re.compile("`+")


def code_span(text: str) -> str:
    """``text`` as a Markdown code span that reads back as it is (CommonMark 6.1): fenced by
    one backtick more than its longest run of them, with a space inside the fences where it
    starts or ends with one."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
