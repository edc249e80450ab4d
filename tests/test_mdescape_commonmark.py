"""The Markdown escaper against a CommonMark parser (markdown-it-py, Textual's own), not
against examples written here: random text built of everything Markdown reads as markup is
escaped, rendered, and must come back as the same text (whitespace aside), with nothing live.

Plain text (titles, article paragraphs) may render no element at all but its paragraphs; a
quoted passage's lines (``plain=False``) keep ``*``/``_`` emphasis readable on purpose, so
only emphasis may render there, and its text is compared without those two characters.
"""

from __future__ import annotations

import random

import pytest
from markdown_it import MarkdownIt

from tui_reader.mdescape import md_escape

CASES = 20_000
# Single characters and pieces that start or make Markdown constructs: escapes, code, emphasis,
# links and images, autolinks, HTML, entities, headings, lists, quotes, rules, setext
# underlines, fences, indented code, link reference definitions, hard breaks.
PIECES = [
    *"\\`*_{}[]()#+-.!|<>&;$%=~^:/\"' \t\n0123456789aZ",
    *["http://x.y", "&amp;", "&#35;", "&copy;", "<div>", "</p>", "```", "~~~", "    ", "  \n"],
    *["1.", "1)", "- ", "* ", "+ ", "> ", "==", "---", "***", "___", "_ _ _", "[a]: /u"],
    *["![i](u)", "[l](u)", "<http://a.b>", "<a@b.co>", "www.x.com", "\\\n", "#\t"],
]
_md = MarkdownIt("commonmark")


def _rendered(markdown: str, allowed: frozenset[str]) -> tuple[str, list[str]]:
    """The text a CommonMark reader shows for ``markdown``, and what else it rendered."""
    text: list[str] = []
    live: list[str] = []
    for token in _md.parse(markdown):
        if token.type == "paragraph_open":
            text.append(" ")
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "text":
                    text.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    text.append(" ")
                elif child.type not in allowed:
                    live.append(child.type)
        elif token.type != "paragraph_close":
            live.append(token.type)
    return "".join(text), live


def _words(text: str, drop: str = "") -> str:
    for ch in drop:
        text = text.replace(ch, "")
    return " ".join(text.split())


@pytest.mark.parametrize("plain", [True, False])
def test_escaped_text_renders_as_itself_in_commonmark(plain: bool) -> None:
    allowed = (
        frozenset() if plain else frozenset({"em_open", "em_close", "strong_open", "strong_close"})
    )
    drop = "" if plain else "*_"
    rng = random.Random(20261203 + plain)
    wrong = []
    for _ in range(CASES):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        escaped = md_escape(text, plain=plain)
        shown, live = _rendered(escaped, allowed)
        if live or _words(shown, drop) != _words(text, drop):
            wrong.append((text, escaped, shown, live))
    assert wrong[:5] == []


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("    code?", True),  # indented code: the escapes would show in it
        ("\tcode_x", True),
        ("  \tcode", False),
        ("___", False),  # a rule, in a quoted passage
        ("_ _ _", False),
    ],
)
def test_what_commonmark_read_as_blocks_is_text(text: str, plain: bool) -> None:
    shown, live = _rendered(md_escape(text, plain=plain), frozenset())
    assert live == [] and _words(shown) == _words(text)
