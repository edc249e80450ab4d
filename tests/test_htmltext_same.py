"""html_to_text and html_paragraphs give what they gave before they were made faster.

The reference below is the earlier code, kept line for line: whitespace folded with
collapse_space before the tags were read, paragraphs split at the paragraph regex, each line's
whitespace folded. The fast code maps ASCII whitespace to spaces with bytes.translate, reads
block edges with one leading "<", and joins html_to_text's lines without the paragraph split.
Every corpus feed's entries (content and summary) and whole documents must read the same."""

from __future__ import annotations

import html
import re
import sys

import pytest

from tui_reader.document import plain_paragraph
from tui_reader.htmltext import (
    _ATTRS,
    _LINE_BREAK,
    _OTHER_SPACE,
    TAGS,
    _drop_blocks,
    decode_control_refs,
    html_paragraphs,
    html_to_text,
)
from tui_reader.sanitize import clean_text
from tui_reader.scan import sub_to_last

from .conftest import CORPUS

# What a tag is (where it ends, which "<" starts one) is a rule, not a speed-up: the reference
# reads tags with the module's own attribute rule (_ATTRS, TAGS, _LINE_BREAK) and the block
# names as one flat list.
_BLOCK_EDGE = re.compile(
    rf"<hr\b{_ATTRS}>|</?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|tr|table|section"
    rf"|article|header|footer|figure|figcaption|aside|nav)\b{_ATTRS}>",
    re.IGNORECASE,
)
_HTMLISH = re.compile(r"<[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def collapse_space(text: str) -> str:
    """The earlier code's whitespace folding: every run of whitespace as one space,
    ``re.sub(r"\\s+", " ", text)`` with split and join (the same whitespace: ``str.isspace``)."""
    words = text.split()
    if not words:
        return " " if text else ""
    joined = " ".join(words)
    if text[0].isspace():
        joined = " " + joined
    if text[-1].isspace():
        joined += " "
    return joined


def reference_paragraphs(markup: str) -> list[str]:
    if not markup:
        return []
    if not _HTMLISH.search(markup):
        return [p for p in map(plain_paragraph, _PARAGRAPH_BREAK.split(clean_text(markup))) if p]
    markup = _drop_blocks(markup)
    markup = collapse_space(markup)
    markup = sub_to_last(_LINE_BREAK, "\n", markup)
    markup = sub_to_last(_BLOCK_EDGE, "\n\n", markup)
    markup = sub_to_last(TAGS, "", markup)
    if "&" in markup:
        markup = html.unescape(decode_control_refs(markup))
    text = clean_text(markup)
    paragraphs = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


_EVERY_SPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
SAMPLES = [
    "",
    " ",
    "plain text\n\nsecond paragraph",
    "<p>a</p>",
    f"<p>{_EVERY_SPACE}a{_EVERY_SPACE}b{_EVERY_SPACE}</p>{_EVERY_SPACE}<br>{_EVERY_SPACE}c",
    "<p>a\rb\r\nc\x0bd\x0ce\x1cf\x1dg\x1eh\x1fi\x85j\u2028k\u2029l</p>",
    "<p>one</p>\n\n<p>two<br>three<br/><br>four</p><HR><DIV>five</DIV>",
    "<p>esc \x1b[1\t\tm ok \x1b[31\nm</p><p>&#27;[31m&#10;&#13;&#133;x</p>",
    "<p>x<\u017fection>a</\u017fection>b<d\u0130v>c</d\u0131v>d<bloc\u212aquote>e \u00e9</p>",
    "<p>esc \x1b[1\xa0\u3000m ok &#27;[2\u2003\x85m &#x1b;]0;t\u2028x\x07 \ud800\xa0</p>",
    "<p>e<b>\u0301</b> a\u0301\u0302\u0303\u0304\u0305 \u0e01" + "\u0e49" * 20 + "</p>",
    "<p>&nbsp;&nbsp;x&#8232;y&#x2029;z &amp;nbsp; &#xA0;</p>",
    "<p>caf\u00e9 \u201cquoted\u201d \u2014 \U0001f600 \U0001d165\U0001d165 \ufffe</p>",
    "<ul><li>a</li>\n \t<li>b</li></ul><pre>x\n  y</pre><!-- c --><script>s</script>",
    "<p>unclosed <b",
    "a < b & c > d",
    "<p> lead and trail </p><p>double  space\ttab</p><p>\u00a0nbsp\u00a0</p><p>\u3000</p>",
    "<p>\ue000private \u0378unassigned  x</p>",
    "<p><a href='x>y'>link</a> <img alt=\"a > b\">after</p><br title='<p>'>z",
    "<p>1 < 2 and 3 > 2; a <3 b</p><pre>class A < B</pre></ p><?x?><!x>",
    '<p class="a>b">para</p><p>two<img alt=it\'s>three<a href="x"<b>y</b></p>',
]


def _corpus_samples() -> list[str]:
    from tui_reader.feeds.parse import FeedError, parse_feed

    samples: list[str] = []
    for path in sorted((CORPUS / "feeds").glob("*.xml")):
        data = path.read_bytes()
        samples.append(data.decode("utf-8", "replace"))
        try:
            feed = parse_feed(data, "http://example.org/feed.xml")
        except FeedError:
            continue
        for entry in feed.entries:
            samples += [entry.content, entry.summary]
    return samples


def test_the_only_printable_whitespace_is_the_space() -> None:
    """What the fast code's line folding assumes: a printable line holds no whitespace but
    " ", so stripping it and finding no double space leaves nothing to fold."""
    assert [c for c in _EVERY_SPACE if c.isprintable()] == [" "]


def test_the_other_spaces_are_every_non_ascii_space() -> None:
    """_spaces maps ASCII's whitespace with a table and the rest with _OTHER_SPACE."""
    assert "".join(c for c in _EVERY_SPACE if not c.isascii()) == "".join(
        _OTHER_SPACE.findall(_EVERY_SPACE)
    )
    others = "".join(c for c in map(chr, range(128, 0x3001)) if not c.isspace())
    assert not _OTHER_SPACE.search(others)


def test_the_fast_code_reads_every_sample_as_before() -> None:
    for sample in SAMPLES:
        expected = reference_paragraphs(sample)
        assert html_paragraphs(sample) == expected, repr(sample)
        assert html_to_text(sample) == "\n".join(expected), repr(sample)


@pytest.mark.skipif(not (CORPUS / "feeds").is_dir(), reason="corpus not present")
def test_the_fast_code_reads_every_corpus_feed_as_before() -> None:
    samples = _corpus_samples()
    assert len(samples) > 2000
    differ = 0
    for sample in samples:
        expected = reference_paragraphs(sample)
        if html_paragraphs(sample) != expected or html_to_text(sample) != "\n".join(expected):
            differ += 1
    assert differ == 0


def test_collapse_space_is_the_regex_it_replaces() -> None:
    """The reference's split/join folding is ``re.sub(r"\\s+", " ")``: the same output for
    every whitespace character (all of Unicode), at the edges, and on every corpus feed's
    text."""
    space = re.compile(r"\s+")
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [c for c in every if c.isspace() != bool(space.fullmatch(c))] == []
    spaces = "".join(c for c in every if c.isspace())
    samples = ["", " ", "a", " a", "a ", spaces, f"{spaces}x{spaces}y{spaces}", "a\u2028b\x1c"]
    samples += [p.read_text("utf-8", "replace") for p in sorted((CORPUS / "feeds").iterdir())]
    for sample in samples:
        assert collapse_space(sample) == space.sub(" ", sample)


def test_lines_of_text_spaced_only_with_spaces_read_the_same() -> None:
    """_lines' shortcut for text whose only whitespace is " " and "\\n" (no reference was
    decoded): the same lines as its general loop, non-printable characters (a format
    character, an unassigned or private one) included."""
    from tui_reader.htmltext import _lines

    samples = [
        "",
        "\n",
        " \n \n",
        "a",
        " a \n\n b  c \n  \n d",
        "x\u0600y  z\n\ue000 \u0378  w \n",
        "  lead\ntrail  \n  both  \n",
        "one line  with   runs",
    ]
    for sample in samples:
        assert _lines(sample, True) == _lines(sample), repr(sample)


def test_markup_without_references_leaves_only_spaces_and_newlines() -> None:
    """What _marked_text says of its text when no reference was decoded holds: every other
    whitespace character of the source (all of Unicode's) is a space by then."""
    from tui_reader.htmltext import _marked_text

    samples = [*SAMPLES, f"<p>{_EVERY_SPACE}x</p>\r\n<br>\u2028<b>y</b>\x85z"]
    for sample in samples:
        text, spaces_only = _marked_text(sample)
        if spaces_only:
            assert not [c for c in text if c.isspace() and c not in " \n"], repr(sample)


def test_the_dropped_blocks_start_where_they_started() -> None:
    """_DROP_START's lookahead (the names' first letters) turns away other tags sooner: it
    holds every character each name's first letter matches (case-folded: "\\u017f" is an
    "s"), and the openers found (and the names they give) are those of the plain pattern."""
    import random

    from tui_reader.htmltext import _DROP_START, _DROPPED

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    letters = re.compile("[stnmh]", re.I).findall(every)
    assert letters == re.compile("s|t|n|m|h", re.I).findall(every)
    plain = re.compile(rf"<({_DROPPED})\b|<!--", re.I)
    tokens = ["<", "</", "script", "STYLE", "\u017fvg", "template", "noscript", "math", "HeAd"]
    tokens += ["!--", "!-", ">", " ", "x", "scriptx", "\u0130", "\u212a", "<s", "<h"]
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 12)))
        expected = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groups()) for m in _DROP_START.finditer(text)] == expected, text
