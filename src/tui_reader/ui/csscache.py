"""The parsed TCSS of the first screen, kept between runs.

Textual parses every stylesheet at each start: the app's ``styles/*.tcss`` and the
``DEFAULT_CSS`` of each widget class on the first screen, about 13 kB of text tokenized and
turned into rule sets (the largest single cost of the app's start beyond a bare Textual app's).
The rules depend only on the text, where it was read from, and the theme's CSS variables;
Textual keeps them per run in ``Stylesheet._parse_cache`` under the first four (the cache is
emptied when the variables change). :func:`install` fills that cache from
``__pycache__/tcss-rules.<cache_tag>.bin`` beside this module when the file was written with
the same variables and the same Textual and Rich (their files' sizes and times are part of
the file); :func:`save` writes what the first screen parsed when the file lacked some of it.
Textual then finds the rules as if it had parsed them earlier in the same run.

Anything unexpected means Textual's normal path, never an error: a missing, unreadable or
corrupt file, another Python, Textual or Rich, other variables (another theme). No rule is
parsed to check the file (that alone would cost a third of what the file saves: the first
parse tokenizes every variable); Textual's and Rich's files in the stamp stand for the code
that made the rules. Like ``.pyc`` files, the file is trusted as the package's own: it is
written and read only inside the installed package.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.codecache import replace_file

if TYPE_CHECKING:
    from textual.css.stylesheet import Stylesheet

FORMAT = 1
# Whose files make the parsed rules (a new version changes their sizes and times).
_STAMP_MODULES = (
    ("textual", "__init__.py"),
    ("textual", "css/parse.py"),
    ("textual", "css/model.py"),
    ("textual", "css/styles.py"),
    ("textual", "css/_styles_builder.py"),
    ("textual", "color.py"),
    ("rich", "__init__.py"),
    ("rich", "style.py"),
)


class _State:
    path: Path | None = None
    variables: tuple[tuple[str, str], ...] | None = None
    seeded: frozenset[Any] = frozenset()


_state = _State()


def default_path() -> Path | None:
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    return Path(__file__).resolve().parent / "__pycache__" / f"tcss-rules.{tag}.bin"


def _stamp() -> tuple[Any, ...]:
    files = []
    for package, name in _STAMP_MODULES:
        module = sys.modules.get(package)
        if module is None or module.__file__ is None:
            raise LookupError(package)
        stat = (Path(module.__file__).parent / name).stat()
        files.append((package, name, stat.st_size, stat.st_mtime_ns))
    return (FORMAT, sys.version, tuple(files))


def _variables(stylesheet: Stylesheet) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(stylesheet._variables.items()))


def _values(rules: Any) -> list[tuple[str, str]]:
    return sorted((name, repr(value)) for name, value in rules.items())


def described(rules: Any) -> list[tuple[Any, ...]]:
    """What a list of rule sets says, comparable (``RuleSet.css`` fails on some rules)."""
    return [
        (
            repr(rule.selector_set),
            _values(rule.styles.get_rules()),
            rule.styles.important,
            rule.is_default_rules,
            rule.tie_breaker,
            rule.selector_names,
            rule.pseudo_classes,
        )
        for rule in rules
    ]


def install(stylesheet: Stylesheet, path: Path | None = None) -> int:
    """Give ``stylesheet`` the rules stored at ``path`` (default :func:`default_path`) for
    its variables; returns how many sources it was given (0: Textual parses as usual).
    Without a path (and with ``sys.dont_write_bytecode``, unless a path is given) nothing
    is read or written."""
    _state.path = None
    if path is None:
        if sys.dont_write_bytecode:
            return 0
        path = default_path()
        if path is None:
            return 0
    _state.path = path
    _state.variables = _variables(stylesheet)
    _state.seeded = frozenset()
    try:
        from tui_reader.localfiles import read_own_file  # (a FIFO there would hang)

        stored = pickle.loads(read_own_file(path, 256 * 1024 * 1024))
        if not isinstance(stored, tuple) or len(stored) != 3:
            return 0
        stamp, variables, entries = stored
        if stamp != _stamp() or variables != _state.variables or not isinstance(entries, dict):
            return 0
        if not all(isinstance(key, tuple) and len(key) == 5 for key in entries):
            return 0
    except Exception:  # unreadable, corrupt, another format: the normal path
        return 0
    cache = stylesheet._parse_cache
    cache.grow(len(entries) + cache.maxsize)
    for key, rules in entries.items():
        cache.set(key, rules)
    _state.seeded = frozenset(entries)
    return len(entries)


def save(stylesheet: Stylesheet) -> bool:
    """Write what ``stylesheet`` has parsed when the file lacks some of it (atomically: a
    file beside it, then renamed); not when its variables changed since :func:`install` (a
    theme set: the next start begins with the others). Returns whether it wrote; never
    raises."""
    path = _state.path
    if path is None or _variables(stylesheet) != _state.variables:
        return False
    try:
        cache = stylesheet._parse_cache
        keys = set(cache.keys())
        if keys <= _state.seeded:
            return False
        entries = {key: cache.get(key) for key in keys}
        data = pickle.dumps((_stamp(), _state.variables, entries), protocol=pickle.HIGHEST_PROTOCOL)
        replace_file(path, data)
    except Exception:  # a read-only install, a full disk, rules that do not pickle: no cache
        return False
    _state.seeded = frozenset(keys)
    return True
