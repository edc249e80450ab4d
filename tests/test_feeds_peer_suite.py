"""The lxml fast path against a yardstick not written here: feedparser's own test suite.

Each of its ~2,200 documents is parsed by ``parse_feed`` twice, fast path on and off (feedparser
alone): the results must be the same (the same entries, or the same error), and nothing may
raise but a FeedError. The fast path must also read most of the well-formed ones itself, or it
would pass by declining everything. Its date reader must give what feedparser's gives for every
date of feedparser's date tests that it reads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.peer_feedparser import FOLDERS, suite

from .conftest import fast_path_takes, parse_both

URL = "http://example.org/feeds/main.xml"


@pytest.fixture(scope="module")
def tests_folder() -> Path:
    found, why = suite()
    if found is None:
        pytest.skip(why)
    return found


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_fast_path_reads_feedparsers_own_tests_as_feedparser_does(
    folder: str, tests_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = sorted((tests_folder / folder).glob("**/*.xml"))
    assert len(paths) >= 10, f"feedparser's {folder} tests not found"
    differ = []
    taken = 0
    for path in paths:
        data = path.read_bytes()
        slow, fast = parse_both(data, URL, monkeypatch)
        if slow != fast:
            differ.append(str(path.relative_to(tests_folder)))
        taken += fast_path_takes(data)
    assert differ == []
    if folder == "wellformed":
        assert taken >= 0.8 * len(paths), f"the fast path read {taken} of {len(paths)}"


def _date_tests(runner: Path) -> list[str]:
    """The date strings of feedparser's date tests (its runner's ``date_tests``)."""
    source = runner.read_text("utf-8")
    start = source.index("date_tests = {")
    tree = ast.parse(source[start : source.index("\n}\n", start) + 3])
    strings = (n.value for n in ast.walk(tree) if isinstance(n, ast.Constant))
    return sorted({s for s in strings if isinstance(s, str)})


def test_the_fast_paths_dates_are_feedparsers_on_its_date_tests(tests_folder: Path) -> None:
    from tui_reader.feeds.fastxml import _common_date, _fp

    dates = _date_tests(tests_folder / "runtests.py")
    read = [value for value in dates if _common_date(value) is not None]
    assert len(dates) >= 30 and len(read) >= 5  # (both forms it reads are among them)
    assert [(v, _common_date(v)) for v in read] == [(v, _fp().parse_date(v)) for v in read]


# The head of one of feedparser's test documents: its comment says what feedparser must read
# ("Expect: not bozo and feed['title'] == u'\xc7'") and which codec the test needs
# ("SkipUnless: __import__('codecs').lookup('cp850')"). EBCDIC documents' heads are cp037.
_EXPECTED_TITLE = re.compile(r"Expect:.*?feed(?:\['title'\]|\.title) == (u?'(?:[^'\\]|\\.)*')")
_NEEDS_CODEC = re.compile(r"Skip\s*Unless:.*?lookup\('([^']+)'\)")


def _expected_title(data: bytes) -> tuple[str, str | None] | None:
    """(the feed title feedparser's test expects, the codec it needs) or None."""
    for encoding in ("utf-8", "cp037", "utf-16", "utf-32"):
        head = data[:2000].decode(encoding, "ignore")
        found = _EXPECTED_TITLE.search(head)
        if found:
            needs = _NEEDS_CODEC.search(head)
            value = ast.literal_eval(found.group(1).removeprefix("u"))
            return str(value), needs.group(1) if needs else None
    return None


def _titles_against_expected(folder: Path, shown: Callable[[str], str]) -> tuple[int, list[Any]]:
    """How many of ``folder``'s documents name the feed title they expect (and have their
    codec here: feedparser's own run skips the others too), and those whose title, as
    parse_feed reads it, is not ``shown(expected)``: (name, expected, got)."""
    import codecs

    from tui_reader.feeds.parse import parse_feed

    checked, wrong = 0, []
    for path in sorted(folder.glob("*.xml")):
        data = path.read_bytes()
        expected = _expected_title(data)
        if expected is None:
            continue
        title, needs = expected
        if needs is not None:
            try:
                codecs.lookup(needs)
            except LookupError:
                continue
        checked += 1
        got = parse_feed(data, URL).title
        if got != shown(title):
            wrong.append((path.name, title, got))
    return checked, wrong


def test_every_encoding_feedparser_reads_is_read(tests_folder: Path) -> None:
    """feedparser's encoding tests against their own expectations, not against feedparser run
    here: each names a feed title that only the right decoding gives (a character above
    0x7F in that encoding). Every one whose codec Python has must be read to that title: the
    Standard's encodings, the IBM, DOS and Mac code pages feeds may name, EBCDIC, UTF-16 and
    UTF-32 with and without their byte-order marks."""
    checked, wrong = _titles_against_expected(tests_folder / "encoding", lambda t: t)
    assert checked >= 100
    assert wrong == []


def test_no_title_of_feedparsers_sanitizer_tests_shows_code_or_a_comment(
    tests_folder: Path,
) -> None:
    """feedparser's sanitizer tests put scripts, event handlers, styles and broken comments
    in feed and entry titles (type html, escaped, inline XHTML, CDATA). A title is text: none
    of ours may hold a script's code or what is left of a comment ("safealert(1);" and
    "safe<!--" before; feedparser's own answer is "safe")."""
    from tui_reader.feeds.parse import FeedError, parse_feed

    titles = []
    for path in sorted((tests_folder / "wellformed" / "sanitize").glob("*.xml")):
        if "title" not in path.name and "comment" not in path.name:
            continue
        try:
            feed = parse_feed(path.read_bytes(), URL)
        except FeedError:
            continue
        titles += [(path.name, feed.title)] + [(path.name, e.title) for e in feed.entries]
    assert len(titles) >= 40
    shown = [
        (name, title)
        for name, title in titles
        if any(code in title for code in ("<!--", "alert(", "location.href", "<script", "{"))
    ]
    assert shown == []


def test_feed_titles_with_html_entities_are_read_as_feedparser_reads_them(
    tests_folder: Path,
) -> None:
    """feedparser's entity tests: a feed whose title holds one of HTML's 253 named entities
    (undefined in XML, so the feed is not well-formed) and no entry. Each was refused ("broken
    feed with no entries"), as a new blog whose name holds "&eacute;" would have been; now
    each reads to the title the test expects, as a title is shown (whitespace folded, format
    characters such as U+200E left out but the joiners U+200C and U+200D, which scripts and
    emoji need; canonical composition: U+2329 is U+3008)."""
    import unicodedata

    def shown(text: str) -> str:
        joiners = "\u200c\u200d"
        text = "".join(c for c in text if unicodedata.category(c) != "Cf" or c in joiners)
        return unicodedata.normalize("NFC", " ".join(text.split()))

    checked, wrong = _titles_against_expected(tests_folder / "entities", shown)
    assert checked >= 250
    assert wrong == []
