"""Compiled code that Python rebuilds at every start, kept between runs.

Python keeps a module's bytecode in ``__pycache__``, but not the code it makes while modules
run: each dataclass's generated methods (``__init__``, ``__repr__``, ``__eq__``, ...: source
text, compiled per class), each namedtuple's ``__new__`` and each regular expression's program
(parsed and compiled per pattern). Together that is a fifth of the reader's import time.
:func:`install` serves them from ``__pycache__/compiled-code.<cache_tag>.bin`` next to this
module, keyed on their exact source (the generated text, or the pattern and its flags), and
:func:`save` writes what the run used, when it compiled something the file lacked.

Anything unexpected means the normal path, never an error: a missing, unreadable or corrupt
file, one written by another Python (the interpreter's version, its bytecode magic and the
regex engine's magic are part of the file), or a regex engine whose compiler no longer gives
the stored program for a probe pattern (rebuilt both ways and compared at load, matches
included). A code object from the file is the one ``compile`` would make from the same text;
a regex is built by the same ``_sre.compile`` call with the same arguments.
"""

from __future__ import annotations

import builtins
import marshal
import os
import stat
import sys
from pathlib import Path
from typing import Any

FORMAT = 1
PROBE = r"(?P<word>[^\W\d_]+)\s*(?:\d{2,4}|[-–]+)?(?=\.|$)|(?i:x(y)?z)"
PROBE_TEXTS = ("Hello 2024.", "xYz", "Ünïcode -- end", "12 34", "")

_path: Path | None = None
_code: dict[tuple[str, str], Any] = {}  # (mode, source) -> code object
_regex: dict[tuple[Any, int], tuple[Any, ...]] = {}  # (pattern, flags) -> _sre.compile args
_used_code: set[tuple[str, str]] = set()
_used_regex: set[tuple[Any, int]] = set()
_dirty = False
_installed = False
_originals: dict[str, Any] = {}


def _stamp() -> tuple[Any, ...]:
    import _sre  # type: ignore[import-not-found]
    import importlib.util

    return (FORMAT, sys.version, importlib.util.MAGIC_NUMBER, _sre.MAGIC, _sre.CODESIZE)


def default_path(kind: str = "app") -> Path | None:
    """``__pycache__/compiled-code.<cache_tag>.<kind>.bin`` beside this module (None: no cache
    tag). One file per kind of run (the app, each command): a file holds what its kind
    compiles, so the app does not load a refresh's or the test suite's entries (a 940 kB file
    instead of 550 kB made the app's start-up measurably slower)."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    if not (len(kind) <= 24 and kind.isascii() and kind[:1].isalpha() and kind.islower()):
        kind = "other"  # a command's name is lower-case ASCII; anything else shares a file
    elif not kind.replace("-", "").isalpha():
        kind = "other"
    return Path(__file__).resolve().parent / "__pycache__" / f"compiled-code.{tag}.{kind}.bin"


def install(path: Path | None = None, *, kind: str = "app") -> bool:
    """Serve generated code and regex programs from the cache at ``path`` (default
    :func:`default_path` of ``kind``) from now on; returns whether the file was loaded and
    passed its checks. Idempotent. Without a path (and with ``sys.dont_write_bytecode``,
    unless a path is given) nothing is installed."""
    global _path, _installed
    if _installed:
        return bool(_code or _regex)
    if path is None:
        if sys.dont_write_bytecode:
            return False
        path = default_path(kind)
        if path is None:
            return False
    loaded = _load(path)
    if not loaded and not _engine_known():
        return False  # a regex compiler this module does not know: Python's own path
    _path = path
    _patch()
    _installed = True
    return loaded


def uninstall() -> None:
    """Back to Python's own behaviour (and an empty cache): for tests."""
    global _installed, _path, _dirty
    import collections
    import dataclasses
    import re
    import typing

    for name, module in (("dataclasses", dataclasses), ("collections", collections)):
        original = _originals.pop(name, None)
        if original is not None:
            module.__dict__.pop(original, None)
    if "typing" in _originals:
        _originals.pop("typing")
        typing.__dict__.pop("compile", None)
    if "re" in _originals:
        re._compiler.compile = _originals.pop("re")  # type: ignore[attr-defined]
    re.purge()
    _code.clear()
    _regex.clear()
    _used_code.clear()
    _used_regex.clear()
    _installed = False
    _path = None
    _dirty = False


def _load(path: Path) -> bool:
    try:
        # A regular file only (a FIFO there would hang every start). Not localfiles'
        # read_own_file: this runs before the imports, which it must not start.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            os.set_blocking(fd, True)
            data = marshal.loads(f.read())
        if not isinstance(data, tuple) or len(data) != 3 or data[0] != _stamp():
            return False
        code, regex = data[1], data[2]
        if not isinstance(code, dict) or not isinstance(regex, dict):
            return False
        if not _probe_holds(regex.get((PROBE, 0))):
            return False
    except Exception:  # unreadable, corrupt, another format: the normal path
        return False
    _code.update(code)
    _regex.update(regex)
    return True


def _engine_known() -> bool:
    """This Python's regex compiler is the one :func:`_compile_args` copies: the probe built
    from its split-up call matches as a normal compile does (checked also when there is no
    file yet, so another Python never runs the copy unchecked)."""
    try:
        return _probe_holds(_compile_args(PROBE, 0))
    except Exception:
        return False


def _probe_holds(stored: Any) -> bool:
    """The stored program of :data:`PROBE` is the one the regex compiler makes now, and a
    pattern built from it matches as a freshly compiled one does."""
    import re

    if stored is None:
        return False
    fresh = _compile_args(PROBE, 0)
    if tuple(stored) != fresh:
        return False
    built = _build(PROBE, stored)
    original: Any = _originals.get("re") or re._compiler.compile  # type: ignore[attr-defined]
    normal = original(PROBE, 0)
    for text in PROBE_TEXTS:
        a, b = built.search(text), normal.search(text)
        if (a and (a.span(), a.groups(), a.groupdict())) != (
            b and (b.span(), b.groups(), b.groupdict())
        ):
            return False
    return True


def _compile_args(pattern: Any, flags: int) -> tuple[Any, ...]:
    """What the regex compiler hands ``_sre.compile`` for ``pattern`` (CPython 3.11's
    ``re._compiler.compile``, split at the call)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        [int(op) for op in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _build(pattern: Any, args: Any) -> Any:
    import _sre

    final_flags, code, groups, groupindex, indexgroup = args
    return _sre.compile(pattern, final_flags, list(code), groups, dict(groupindex), indexgroup)


def _patch() -> None:
    import collections
    import dataclasses
    import re
    import typing

    # dataclasses and collections call the builtins exec and eval by name: a module global
    # of that name is found first.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    _originals["dataclasses"] = "exec"
    collections.eval = _eval  # type: ignore[attr-defined]
    _originals["collections"] = "eval"
    typing.compile = _compile  # type: ignore[attr-defined]
    _originals["typing"] = True
    _originals["re"] = re._compiler.compile  # type: ignore[attr-defined]
    re._compiler.compile = _regex_compile  # type: ignore[attr-defined]


def _cached_code(source: str, mode: str) -> Any:
    global _dirty
    key = (mode, source)
    code = _code.get(key)
    if code is None:
        # As exec/eval compile it in dataclasses, collections and typing: none of them has a
        # future import, and this module's (annotations) must not be inherited.
        code = builtins.compile(source, "<string>", mode, 0, True)
        _code[key] = code
        _dirty = True
    _used_code.add(key)
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    if isinstance(source, str):
        source = _cached_code(source, "exec")
    builtins.exec(source, globals, locals)


def _eval(source: Any, globals: Any = None, locals: Any = None, /) -> Any:
    if isinstance(source, str):
        source = _cached_code(source, "eval")
    return builtins.eval(source, globals, locals)


def _compile(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
    if isinstance(source, str) and filename == "<string>" and not args and not kwargs:
        return _cached_code(source, mode)
    return builtins.compile(source, filename, mode, *args, **kwargs)


def _regex_compile(pattern: Any, flags: int = 0) -> Any:
    global _dirty
    import re

    if not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        return _originals["re"](pattern, flags)
    key = (pattern, int(flags))
    args = _regex.get(key)
    if args is not None:
        try:
            built = _build(pattern, args)
        except Exception:  # a damaged entry: compile it as usual
            _regex.pop(key, None)
        else:
            _used_regex.add(key)
            return built
    try:
        args = _compile_args(pattern, int(flags))
        built = _build(pattern, args)
    except Exception:  # a bad pattern's error (or any surprise) comes from the normal path
        return _originals["re"](pattern, flags)
    _regex[key] = args
    _used_regex.add(key)
    _dirty = True
    return built


def replace_file(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all: beside it (a name of this process's own), then
    renamed over it. Raises OSError; no temporary file is left either way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save() -> bool:
    """Write the cache if this run compiled something it did not hold (atomically: a file
    beside it, then renamed). Returns whether it wrote. Never raises."""
    global _dirty
    if not _installed or not _dirty or _path is None:
        return False
    try:
        # What this run used, not all the file ever held: the app's file grew with every
        # feature a run had touched (an export's code, a sync's) and each start-up loaded all
        # of it (the test suite's runs made it 751 kB against 547 kB: start-up 1.17-1.24 x a
        # bare app against 1.07 x, tmux, ui_bench). A feature left out compiles again when used.
        code = {k: v for k, v in _code.items() if k in _used_code}
        regex = {k: v for k, v in _regex.items() if k in _used_regex}
        regex[(PROBE, 0)] = _compile_args(PROBE, 0)
        replace_file(_path, marshal.dumps((_stamp(), code, regex)))
    except Exception:  # a read-only install, a full disk, an odd key: no cache, no harm
        return False
    _dirty = False
    return True
