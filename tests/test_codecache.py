"""The cache of compiled code Python rebuilds at every start (tui_reader/codecache.py): served
from the file on the next run, the same behaviour as without it, and any damage or another
Python's file means the normal path."""

from __future__ import annotations

import dataclasses
import marshal
import re
import sys
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui_reader import codecache

PATTERNS = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(\d\d))?", 0),
    (r"^\s*(title|author)\s*:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE),
    (r"[^\W\d_]+(?=[.!?])", 0),
    (rb"\x1b\[[0-9;]*m", 0),
]
TEXTS = ["On 2024-05-17 and 1999-12.", "Title: A Tale \nAUTHOR :  me \n", "Stop. Go! Why?", ""]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    codecache.uninstall()
    yield tmp_path / "__pycache__" / "compiled-code.test.bin"
    codecache.uninstall()


def behaviour() -> list[Any]:
    """What code made by dataclasses, namedtuple and re does, written down."""

    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 3
        tags: list[str] = dataclasses.field(default_factory=list)

    Pair = namedtuple("Pair", "left right")
    out: list[Any] = [
        repr(Point(1)),
        Point(1, 2) < Point(1, 3),
        Point(2) == Point(2),
        Point(5).tags,
        # compiled as dataclasses compiles it (no `from __future__ import annotations`)
        sorted(Point.__init__.__annotations__.items()),
        dataclasses.astuple(Point(1, 2, ["a"])),
        Pair(1, right=2),
        Pair._make([3, 4])._asdict(),
    ]
    for pattern, flags in PATTERNS:
        compiled = re.compile(pattern, flags)
        out.append((compiled.groups, compiled.groupindex, compiled.flags))
        for text in TEXTS:
            subject: Any = text.encode() if isinstance(pattern, bytes) else text
            out.append([(m.span(), m.groups()) for m in compiled.finditer(subject)])
    return out


def fresh_run(path: Path) -> tuple[bool, list[Any]]:
    """A new 'process': the regex cache emptied, the code cache installed from ``path``."""
    codecache.uninstall()
    loaded = codecache.install(path)
    return loaded, behaviour()


def test_a_second_run_is_served_from_the_file_with_the_same_results(cache: Path) -> None:
    plain = behaviour()
    re.purge()
    loaded, first = fresh_run(cache)
    assert not loaded  # no file yet
    assert codecache.save()
    assert cache.exists()
    loaded, second = fresh_run(cache)
    assert loaded
    assert first == second == plain
    # Nothing was compiled anew: everything came from the file, and nothing is left to save.
    assert codecache._used_code and codecache._used_regex
    assert not codecache._dirty
    assert not codecache.save()


def test_a_file_keeps_what_its_last_writing_run_used(cache: Path) -> None:
    """An entry that a run did not use is left out when that run writes the file: a feature
    used once (an export's patterns) is not loaded by every later start-up."""
    codecache.install(cache)
    re.compile(r"(?:once)+ only", 0)  # one run's feature
    behaviour()
    assert codecache.save()
    codecache.uninstall()
    loaded, _ = fresh_run(cache)  # start-up's code only, and something new
    assert loaded and (r"(?:once)+ only", 0) in codecache._regex
    re.compile(r"(?:new)+ here", 0)
    assert codecache.save()
    codecache.uninstall()
    assert codecache.install(cache)
    assert (r"(?:new)+ here", 0) in codecache._regex
    assert (r"(?:once)+ only", 0) not in codecache._regex
    assert (PATTERNS[0][0], PATTERNS[0][1]) in codecache._regex


def test_cached_regex_program_is_the_compilers(cache: Path) -> None:
    codecache.install(cache)
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    codecache.save()
    codecache.uninstall()
    codecache.install(cache)
    for pattern, flags in PATTERNS:
        key = (pattern, int(flags))
        assert codecache._regex[key] == codecache._compile_args(pattern, int(flags))


def test_a_corrupt_file_is_ignored_and_replaced(cache: Path) -> None:
    plain = behaviour()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"\x00garbage" * 50)
    loaded, results = fresh_run(cache)
    assert not loaded
    assert results == plain
    assert codecache.save()
    loaded, results = fresh_run(cache)
    assert loaded
    assert results == plain


def test_a_truncated_file_is_ignored(cache: Path) -> None:
    codecache.install(cache)
    behaviour()
    codecache.save()
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2])
    loaded, results = fresh_run(cache)
    assert not loaded
    codecache.uninstall()
    assert results == behaviour()


def test_another_pythons_file_is_ignored(cache: Path) -> None:
    plain = behaviour()
    codecache.install(cache)
    behaviour()
    codecache.save()
    stamp, code, regex = marshal.loads(cache.read_bytes())
    other = (stamp[0], "2.7.18 (elsewhere)", *stamp[2:])
    cache.write_bytes(marshal.dumps((other, code, regex)))
    loaded, results = fresh_run(cache)
    assert not loaded
    assert results == plain


def test_a_regex_engine_that_compiles_otherwise_is_not_trusted(cache: Path) -> None:
    codecache.install(cache)
    behaviour()
    codecache.save()
    stamp, code, regex = marshal.loads(cache.read_bytes())
    flags, program, groups, groupindex, indexgroup = regex[(codecache.PROBE, 0)]
    regex[(codecache.PROBE, 0)] = (flags, [*program[:-1], 0], groups, groupindex, indexgroup)
    cache.write_bytes(marshal.dumps((stamp, code, regex)))
    loaded, _ = fresh_run(cache)
    assert not loaded


def test_a_changed_source_is_compiled_anew(cache: Path) -> None:
    codecache.install(cache)
    behaviour()
    codecache.save()
    loaded, _ = fresh_run(cache)
    assert loaded and not codecache._dirty

    @dataclasses.dataclass
    class Other:  # new generated source: a miss, compiled and kept
        name: str

    assert Other("a") == Other("a")
    assert codecache._dirty
    assert codecache.save()


def test_without_a_path_and_with_dont_write_bytecode_nothing_is_installed(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    assert not codecache.install()
    assert not codecache._installed
    assert "exec" not in vars(dataclasses)


def test_an_unknown_regex_compiler_is_not_patched_even_without_a_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another Python whose compiler the copy in _compile_args gets wrong: with no file to
    # check against, the probe still runs, and nothing is patched.
    real = codecache._compile_args

    def wrong(pattern: Any, flags: int) -> tuple[Any, ...]:
        final, program, groups, groupindex, indexgroup = real(pattern, flags)
        return (final, [*program[:-1], 0], groups, groupindex, indexgroup)

    monkeypatch.setattr(codecache, "_compile_args", wrong)
    assert not cache.exists()
    assert codecache.install(cache) is False
    assert re._compiler.compile is not codecache._regex_compile  # type: ignore[attr-defined]
    assert behaviour() == fresh_run_without_cache()


def fresh_run_without_cache() -> list[Any]:
    re.purge()
    return behaviour()


def test_a_pattern_the_copy_cannot_build_comes_from_the_normal_compiler(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codecache.install(cache)

    def broken(pattern: Any, flags: int) -> tuple[Any, ...]:
        raise RuntimeError("a compiler this copy does not know")

    monkeypatch.setattr(codecache, "_compile_args", broken)
    re.purge()
    compiled = re.compile(r"(?P<n>\d+)-x")
    assert compiled.match("12-x") and compiled.match("12-x")["n"] == "12"  # type: ignore[index]
    with pytest.raises(re.error):
        re.compile(r"(unclosed")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("app", "app"),
        ("refresh", "refresh"),
        ("import-notes", "import-notes"),
        ("../../etc/x", "other"),
        ("Refresh", "other"),
        ("https://example.org/feed", "other"),
        ("", "other"),
        ("a" * 25, "other"),
    ],
)
def test_each_kind_of_run_has_its_own_file_named_safely(kind: str, name: str) -> None:
    path = codecache.default_path(kind)
    assert path is not None
    assert path.parent.name == "__pycache__"
    assert path.name == f"compiled-code.{sys.implementation.cache_tag}.{name}.bin"
