"""The pieces of a Markdown export: text-fragment links, escaping, notes, regions and front
matter."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tui_reader.export.mdtext import (
    fragment_directive,
    fragment_url,
    link,
    md_inline,
    md_quote_line,
    note_markdown,
    yaml_str,
)
from tui_reader.export.regions import (
    block_ids,
    content_hash,
    find_regions,
    front_matter_value,
    merge_front_matter,
    region_text,
    split_front_matter,
    yaml_list,
)


def _terms(directive: str) -> list[str]:
    assert directive.startswith("text=")
    return [unquote(t) for t in directive[5:].split(",")]


def test_fragment_whole_short_quote_percent_encoded() -> None:
    d = fragment_directive(
        "A well-known fact, & more", "x ", " y", text="A well-known fact, & more"
    )
    assert d == "text=A%20well%2Dknown%20fact%2C%20%26%20more"
    assert _terms(d) == ["A well-known fact, & more"]


def test_fragment_long_or_multi_block_quote_uses_start_and_end() -> None:
    quote = "one two three four five six seven eight nine ten eleven twelve thirteen"
    assert _terms(fragment_directive(quote, text=quote)) == [
        "one two three four five",
        "nine ten eleven twelve thirteen",
    ]
    two = "First paragraph ends here.\n\nSecond one starts"
    assert _terms(fragment_directive(two, text=two)) == [
        "First paragraph ends here.",
        "Second one starts",
    ]


def test_fragment_adds_context_when_ambiguous() -> None:
    text = "He said no. Later he said no again."
    d = fragment_directive("said no", "Later he ", " again.", text=text)
    assert _terms(d) == ["Later he-", "said no", "-again."]
    # Context never crosses a block boundary.
    d = fragment_directive("said no", "the end.\n\n", " again.", text=text)
    assert _terms(d) == ["said no", "-again."]
    assert _terms(fragment_directive("said no", "Later he ", " again.", text="said no")) == [
        "said no"
    ]


def test_fragment_drops_partial_words() -> None:
    # Selected from the middle of "consequences" to the middle of "matter".
    d = fragment_directive("quences of this mat", "the conse", "ter are", text="x")
    assert _terms(d) == ["of this"]
    assert fragment_directive("   \n\n ", text="") == ""


def test_fragment_url_only_for_web_links() -> None:
    assert fragment_url("https://x.org/a", "text=b") == "https://x.org/a#:~:text=b"
    assert fragment_url("https://x.org/a#sec", "text=b") == "https://x.org/a#sec:~:text=b"
    assert fragment_url("javascript:alert(1)", "text=b") == "javascript:alert(1)"
    assert link("label", "javascript:alert(1)") == "label"
    assert link("l", "https://x.org/a (b)") == "[l](https://x.org/a%20%28b%29)"


def test_inline_escaping_leaves_nothing_live() -> None:
    out = md_inline("<b>x</b> [a](b) *e* _u_ `c` $m$ #tag %%c%% ==h== a|b ^id")
    for live in ("<b>", "[a](", "*e*", "_u_", "`c`", "$m$", "#tag", "%%c%%", "==h==", "^id"):
        assert not re.search(r"(?<!\\)" + re.escape(live), out), live
    assert md_inline("# h") == "\\# h" and md_inline("1. x") == "1\\. x"
    assert md_inline("a\x1b[31mb\nc") == "ab c"


def test_quote_escaping_keeps_prose_readable() -> None:
    assert md_quote_line("It's *really* 5 - 3, isn't it?") == "It's *really* 5 - 3, isn't it?"
    assert md_quote_line("- item") == "\\- item"
    assert md_quote_line("<script>") == "\\<script>"
    assert md_quote_line("$5 and $10") == "\\$5 and \\$10"


def test_note_markdown_is_kept_but_defused() -> None:
    note = "# My heading\n\n- a\n- **b**\n\n<!-- tui-reader:end highlights -->\n^hl-0000\n```py\nx"
    out = note_markdown(note + "\x1b[2J")
    assert out.startswith("# My heading\n\n- a\n- **b**\n\n")
    assert "&lt;!-- tui-reader:end highlights -->" in out
    assert "\n\\^hl-0000\n" in out
    assert out.endswith("```py\nx\n```")
    assert note_markdown("~~~\ncode\n~~~") == "~~~\ncode\n~~~"


def test_yaml_scalars_are_quoted_json() -> None:
    for hostile in ["a: b # c", '"quoted"', "line\u2028sep", "- [x]", "@at", "yes", "\\back"]:
        out = yaml_str(hostile)
        assert out.startswith('"') and "\u2028" not in out
        assert json.loads(out.replace("\\u2028", " ")) in (hostile, "line sep")


def test_regions_hash_and_parse() -> None:
    text = "intro\n" + region_text("highlights", "## H\n\n> q\n\n^hl-1", {"ids": "1"}) + "\nout\n"
    regions = find_regions(text.splitlines(keepends=True))
    r = regions["highlights"]
    assert r.intact and r.ids == {"hl-1"} and r.content == "## H\n\n> q\n\n^hl-1\n"
    assert content_hash("a  \r\nb\n\n") == content_hash("a\nb")
    edited = text.replace("> q", "> q edited")
    assert not find_regions(edited.splitlines(keepends=True))["highlights"].intact
    broken = text.replace("<!-- tui-reader:end highlights -->", "")
    assert find_regions(broken.splitlines(keepends=True)) == {}
    assert block_ids(text) == {"hl-1"}


def test_front_matter_merge_keeps_user_keys_and_tags() -> None:
    old = [
        'article_id: "abc"',
        'title: "Old"',
        "aliases:",
        "  - Bridge",
        "tags: [mine, claim]",
        "author: Someone",
        "status: reading",
    ]
    ours = [
        ("article_id", '"abc"'),
        ("title", '"New"'),
        ("author", ""),
        ("tags", json.dumps(["claim", "new"])),
        ("exported", "2026-07-03T08:00:00Z"),
    ]
    merged = merge_front_matter(old, ours).lines
    assert merged == [
        'article_id: "abc"',
        'title: "New"',
        "aliases:",
        "  - Bridge",
        'tags: ["mine", "claim", "new"]',
        "status: reading",
        "exported: 2026-07-03T08:00:00Z",
    ]
    fm, rest = split_front_matter("---\n" + "\n".join(merged) + "\n---\nbody\n")
    assert fm == merged and rest == "body\n"
    assert front_matter_value(merged, "title") == "New"
    assert split_front_matter("no front matter") == (None, "no front matter")


# YAML's printable characters (YAML 1.2, 5.1), less NEL, U+2028 and U+2029: line breaks to a
# YAML 1.1 reader (PyYAML, Obsidian's) inside a double-quoted scalar, folded into a space.
_YAML_PLAIN = re.compile(
    "[\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*"
)


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "a: b # c",
        "nel\x85x",
        "\ud800 lone",
        "nc \ufffe",
        "u\u2028l",
        "del\x7fx",
        "c1\x9bx",
    ],
)
def test_front_matter_lists_read_back_as_written(value: str) -> None:
    """A tag list (ours, or merged with the user's own front matter, which is kept as typed)
    is read back as itself: PyYAML refused a lone surrogate or U+FFFE in one ("unacceptable
    character"), the whole front matter with it, and read NEL as a line break."""
    written = yaml_list([value])
    assert _YAML_PLAIN.fullmatch(written)
    assert json.loads(written) == [value]  # JSON's string syntax is a subset of YAML's


@pytest.mark.parametrize(
    ("tag", "written"),
    [
        ("ok-tag", "#ok-tag"),
        ("`bt", "``#`bt``"),  # (was "`#'bt`": another tag than the one stored)
        ("a``b", "```#a``b```"),
        ("end`", "`` #end` ``"),
    ],
)
def test_a_tag_is_written_as_itself(tag: str, written: str) -> None:
    from tui_reader.export.markdown import tag_markdown

    assert tag_markdown(tag) == written


@pytest.mark.parametrize(
    "start",
    ["", "\ufeff", "\n\n", "\ufeff\r\n"],
    ids=["plain", "a byte-order mark", "blank lines", "both, CRLF"],
)
def test_front_matter_is_read_after_a_bom_or_blank_lines(start: str) -> None:
    """An export Notepad or a sync tool saved with a BOM, or with a blank line before its
    fence, was not recognised: the next export wrote a second copy beside it."""
    fm, body = split_front_matter(start + '---\narticle_id: "abc"\n---\n# Title\n')
    assert fm is not None and front_matter_value(fm, "article_id") == "abc"
    assert body == "# Title\n"


def test_a_value_in_typographic_quotes_is_its_text() -> None:
    assert front_matter_value(["article_id: \u201cabc\u201d"], "article_id") == "abc"
    assert front_matter_value(["title: \u2018x\u2019"], "title") == "x"


def test_an_export_with_a_long_front_matter_is_found_by_its_id(tmp_path: Path) -> None:
    from tui_reader.export.files import index_folder

    props = "".join(f"prop{i}: value {i}\n" for i in range(3000))  # ~60 kB
    (tmp_path / "a.md").write_text(f'---\n{props}article_id: "abc"\n---\n# A\n')
    assert index_folder(tmp_path) == {"abc": tmp_path / "a.md"}


def test_of_two_files_claiming_one_article_the_original_is_the_export(tmp_path: Path) -> None:
    """A sync tool's conflicted copy (or a file manager's copy) of an export claims its
    article too; the copy, made later, was the one updated, the user's file left stale."""
    import os

    from tui_reader.export.files import index_folder

    text = '---\narticle_id: "abc"\n---\n# A\n'
    original = tmp_path / "A story.md"
    copy = tmp_path / "A story (conflicted copy 2026-12-05).md"
    original.write_text(text)
    copy.write_text(text)
    os.utime(original, (1_700_000_000, 1_700_000_000))  # (the copy is the newer file)
    assert index_folder(tmp_path) == {"abc": original}


def test_merge_front_matter_keeps_what_the_user_made_of_its_values() -> None:
    ours = [
        ("article_id", '"abc"'),
        ("title", '"Generated"'),
        ("site", '"Example"'),
        ("tags", json.dumps(["claim", "new"])),
        ("exported", "2026-07-03T08:00:00Z"),
    ]
    first = merge_front_matter([], [*ours[:3], ("tags", '["claim"]'), ours[4]])
    assert first.lines[1] == 'title: "Generated"'
    edited = [
        'article_id: "abc"',
        "title: Mine",  # edited
        "tags: []",  # the user removed the export's tag
        "exported: 2026-07-02T08:00:00Z",  # (always the export's)
    ]  # (site: deleted)
    merged = merge_front_matter(edited, ours, written=first.written)
    assert merged.lines == [
        'article_id: "abc"',
        "title: Mine",
        'tags: ["new"]',
        "exported: 2026-07-03T08:00:00Z",
    ]
    # Nothing new: the user's empty list stays as written; an older export (no record) is
    # written over as before.
    again = merge_front_matter([*merged.lines[:2], "tags: []"], ours, written=merged.written)
    assert again.lines == [*merged.lines[:2], "tags: []", "exported: 2026-07-03T08:00:00Z"]
    assert merge_front_matter(edited, ours).lines[1] == 'title: "Generated"'
