"""The lxml fast path against a yardstick not written here: feedparser's own test suite.

Each of its ~2,200 documents is parsed by ``parse_feed`` twice, fast path on and off (feedparser
alone): the results must be the same (the same entries, or the same error), and nothing may
raise but a FeedError. The fast path must also read most of the well-formed ones itself, or it
would pass by declining everything. Its date reader must give what feedparser's gives for every
date of feedparser's date tests that it reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

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
