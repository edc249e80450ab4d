"""The reader's settings, read from ``config.toml`` with :mod:`tomllib`.

A broken file never stops the reader: :func:`load_config` returns the defaults for whatever it
could not use, with one clear message per problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class HighlightColor:
    name: str
    color: str


DEFAULT_COLORS: tuple[HighlightColor, ...] = (
    HighlightColor("key point", "yellow"),
    HighlightColor("disputed", "red"),
    HighlightColor("fact", "green"),
    HighlightColor("quote", "blue"),
)


@dataclass(frozen=True)
class RefreshConfig:
    concurrency: int = 32
    per_host: int = 6
    timeout: float = 20.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    interval_minutes: int = 60
    auto: bool = False  # in the app: refresh feeds as they come due


@dataclass(frozen=True)
class ReaderConfig:
    measure: int = 80
    theme: str = ""
    keep_days: int = 0  # 0: never prune
    # Pictures in the image viewer: "auto" (the terminal's graphics protocol, found at start),
    # "blocks" (coloured half cells, any terminal), "off" (never drawn; o opens the browser).
    images: str = "auto"
    # Pictures inside the reading pane, in place of their [image: alt] line (kept under them):
    # "auto" (where the terminal speaks Kitty's graphics protocol), "kitty" (assume it does),
    # "blocks" (coloured half cells, any truecolour terminal), "off" (the alt line only).
    inline_images: str = "auto"


@dataclass(frozen=True)
class LimitsConfig:
    """Time budgets: a document that takes longer is abandoned (its worker process is stopped)
    and reported as an error; the reader goes on."""

    parse_seconds: float = 10.0  # parsing one feed
    extract_seconds: float = 10.0  # extracting the article from one page


@dataclass(frozen=True)
class ExportConfig:
    folder: str = ""  # empty: the platform's documents folder / tui-reader


@dataclass(frozen=True)
class SyncConfig:
    """A feed server to sync with (tui_reader.sync). The password is never read from the
    file: it comes from TUI_READER_SYNC_PASSWORD or the output of ``password_command``."""

    service: str = ""  # "" (off) or "ttrss"
    url: str = ""
    user: str = ""
    password_command: tuple[str, ...] = ()  # an argv list, run without a shell
    auto: bool = False  # in the app: sync on the refresh schedule too

    @property
    def enabled(self) -> bool:
        return bool(self.service and self.url and self.user)


SYNC_SERVICES = ("ttrss",)


@dataclass(frozen=True)
class CommandConfig:
    """A program an article can be handed to ([[commands]]; see tui_reader.commands)."""

    name: str
    argv: tuple[str, ...]
    key: str = ""  # "" : from the command palette only


@dataclass(frozen=True)
class Config:
    reader: ReaderConfig = field(default_factory=ReaderConfig)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    colors: tuple[HighlightColor, ...] = DEFAULT_COLORS
    keys: dict[str, str] = field(default_factory=dict)
    sync: SyncConfig = field(default_factory=SyncConfig)
    commands: tuple[CommandConfig, ...] = ()


_SECTIONS: dict[str, type[Any]] = {
    "reader": ReaderConfig,
    "refresh": RefreshConfig,
    "export": ExportConfig,
    "limits": LimitsConfig,
}
# Settings that must be more than 0 (a budget of no time would skip every document).
_POSITIVE = frozenset({"limits.parse_seconds", "limits.extract_seconds"})
# The largest sensible value of each number: one above it is a mistake, and may be past what
# the system's timers or a date can hold (parse_seconds = 1e300 ended `add` in a traceback from
# poll()). tests/hostile/test_config.py holds every numeric setting to having one.
_MAXIMUM: dict[str, float] = {
    "refresh.concurrency": 1000,
    "refresh.per_host": 100,
    "refresh.timeout": 3600,
    "refresh.max_bytes": 2**40,
    "refresh.max_redirects": 100,
    "refresh.interval_minutes": 525_600,  # a year
    "reader.measure": 10_000,
    "reader.keep_days": 36_500,
    "limits.parse_seconds": 3600,
    "limits.extract_seconds": 3600,
}
# Settings that take one of a few words.
_CHOICES = {
    "reader.images": ("auto", "blocks", "off"),
    "reader.inline_images": ("auto", "kitty", "blocks", "off"),
}


def _coerce(value: Any, default: Any) -> Any:
    """Return value if it has the default's type (ints are accepted for floats), else raise."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:  # (an integer of hundreds of digits: TOML's are not bounded)
                return math.inf
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(default, str) and isinstance(value, str):
        return value
    raise TypeError(type(default).__name__)


def _load_section(name: str, raw: Any, cls: type[Any], problems: list[str]) -> Any:
    default = cls()
    if not isinstance(raw, dict):
        problems.append(f"[{name}] should be a table; using defaults")
        return default
    known = {f.name: f for f in fields(cls)}
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"unknown setting {name}.{key} (ignored)")
            continue
        current = getattr(default, key)
        try:
            changes[key] = _coerce(value, current)
        except TypeError as exc:
            problems.append(
                f"{name}.{key} should be of type {exc.args[0]}, not {type(value).__name__};"
                f" using {current!r}"
            )
            continue
        numeric = isinstance(current, int | float) and not isinstance(current, bool)
        if isinstance(changes[key], float) and not math.isfinite(changes[key]):  # inf, nan
            problems.append(f"{name}.{key} must be a finite number; using {current!r}")
            del changes[key]
        elif numeric and changes[key] < 0:
            problems.append(f"{name}.{key} cannot be negative; using {current!r}")
            del changes[key]
        elif numeric and changes[key] > (most := _MAXIMUM.get(f"{name}.{key}", math.inf)):
            limit = f"{int(most):,}" if float(most).is_integer() else f"{most:,}"
            problems.append(f"{name}.{key} cannot be more than {limit}; using {current!r}")
            del changes[key]
        elif f"{name}.{key}" in _POSITIVE and changes[key] <= 0:
            problems.append(f"{name}.{key} must be more than 0; using {current!r}")
            del changes[key]
        elif f"{name}.{key}" in _CHOICES and changes[key] not in _CHOICES[f"{name}.{key}"]:
            choices = ", ".join(_CHOICES[f"{name}.{key}"])
            problems.append(f"{name}.{key} must be one of {choices}; using {current!r}")
            del changes[key]
    return replace(default, **changes)


def _load_colors(raw: Any, problems: list[str]) -> tuple[HighlightColor, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(
            "colors should be a non-empty array of {name, color} tables; using defaults"
        )
        return DEFAULT_COLORS
    out: list[HighlightColor] = []
    for item in raw:
        if (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("color"), str)
            and item["name"].strip()
        ):
            out.append(HighlightColor(item["name"].strip(), item["color"].strip()))
        else:
            problems.append(f"ignored colour entry {item!r}: it needs a name and a color")
    return tuple(out) or DEFAULT_COLORS


def _load_keys(raw: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append('[keys] should be a table of action = "key"; ignored')
        return {}
    keys: dict[str, str] = {}
    for action, key in raw.items():
        if isinstance(key, str) and key.strip():
            keys[action] = key.strip()
        else:
            problems.append(f'keys.{action} should be a key name such as "ctrl+r"; ignored')
    return keys


def _load_sync(raw: Any, problems: list[str]) -> SyncConfig:
    if not isinstance(raw, dict):
        problems.append("[sync] should be a table; sync is off")
        return SyncConfig()
    raw = dict(raw)
    if "password" in raw:
        del raw["password"]
        problems.append(
            "sync.password is not read from the config file: set TUI_READER_SYNC_PASSWORD"
            " or sync.password_command (ignored)"
        )
    command = raw.pop("password_command", None)
    argv: tuple[str, ...] = ()
    if command is not None:
        if isinstance(command, list) and command and all(isinstance(a, str) and a for a in command):
            argv = tuple(command)
        else:
            problems.append(
                'sync.password_command should be a list of strings such as ["pass", "show",'
                ' "ttrss"]; ignored'
            )
    cfg: SyncConfig = replace(
        _load_section("sync", raw, SyncConfig, problems), password_command=argv
    )
    if cfg.service and cfg.service not in SYNC_SERVICES:
        problems.append(
            f'sync.service {cfg.service!r} is not supported (only "ttrss" yet); sync is off'
        )
        return SyncConfig()
    if cfg.service and not (cfg.url and cfg.user):
        problems.append("[sync] needs url and user; sync is off")
        return SyncConfig()
    return cfg


# {url}, {title}, {file} in a command's argv (tui_reader.commands fills them in).
PLACEHOLDER = re.compile(r"\{(url|title|file)\}")


def check_argv(argv: Sequence[object]) -> str:
    """What is wrong with a command's argv ("" when nothing)."""
    if not argv or not all(isinstance(a, str) for a in argv):
        return "argv should be a non-empty list of strings"
    args = [str(a) for a in argv]
    if not args[0].strip():
        return "argv's first item (the program) is empty"
    if PLACEHOLDER.search(args[0]):
        return "argv's first item (the program) cannot be a placeholder"
    if any("\0" in a for a in args):
        return "argv cannot hold a NUL character"
    return ""


def _load_commands(raw: Any, problems: list[str]) -> tuple[CommandConfig, ...]:
    if not isinstance(raw, list):
        problems.append("commands should be an array of {name, key, argv} tables; ignored")
        return ()
    out: list[CommandConfig] = []
    for n, item in enumerate(raw, 1):
        where = f"commands #{n}"
        if not isinstance(item, dict):
            problems.append(f"{where} should be a table with name, key and argv; ignored")
            continue
        unknown = sorted(set(item) - {"name", "key", "argv"})
        if unknown:
            problems.append(f"{where}: unknown setting {unknown[0]!r} (ignored)")
        name, key, argv = item.get("name"), item.get("key", ""), item.get("argv")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where} needs a name; ignored")
            continue
        where = f"commands {name.strip()!r}"
        if not isinstance(key, str):
            problems.append(f'{where}: key should be a key name such as "P"; ignored')
            continue
        if not isinstance(argv, list):
            problems.append(f"{where}: argv should be a list of strings; ignored")
            continue
        problem = check_argv(argv)
        if problem:
            problems.append(f"{where}: {problem}; ignored")
            continue
        out.append(CommandConfig(name.strip(), tuple(str(a) for a in argv), key.strip()))
    return tuple(out)


def parse_config(data: dict[str, Any]) -> tuple[Config, list[str]]:
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            sections[key] = _load_section(key, value, _SECTIONS[key], problems)
        elif key == "colors":
            sections["colors"] = _load_colors(value, problems)
        elif key == "keys":
            sections["keys"] = _load_keys(value, problems)
        elif key == "sync":
            sections["sync"] = _load_sync(value, problems)
        elif key == "commands":
            sections["commands"] = _load_commands(value, problems)
        else:
            problems.append(f"unknown section or setting {key!r} (ignored)")
    return Config(**sections), problems


MAX_CONFIG_BYTES = 1_000_000  # a config file larger than this is not one (or not a file)
# tomllib takes time growing with the square of a dotted key's parts ("a.a.a...a = 1": 320 kB
# took minutes, at every start): no setting has more than 3, a key of more is refused first.
MAX_KEY_PARTS = 32


def _overlong_key(text: str) -> int:
    """The number of the first line whose key or table name has more than MAX_KEY_PARTS
    dotted parts (its dots before "=", or inside "[...]"), or 0. One pass over the text."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.count(".") < MAX_KEY_PARTS:
            continue
        head = line.lstrip()
        key = head[: head.find("]")] if head.startswith("[") else head.partition("=")[0]
        if key.count(".") >= MAX_KEY_PARTS:
            return number
    return 0


def load_config(path: Path) -> tuple[Config, list[str]]:
    """Read the config file; a missing file is the defaults, a broken one is defaults plus a
    message naming the problem."""
    from tui_reader.localfiles import FileTooLarge, NotAFile, read_own_file

    try:
        raw = read_own_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return Config(), []
    except NotAFile:
        return Config(), [f"{path} is not a regular file: not a config file; using defaults"]
    except FileTooLarge:
        return Config(), [
            f"{path} is larger than {MAX_CONFIG_BYTES:,} bytes: not a config file; using defaults"
        ]
    except OSError as exc:
        return Config(), [f"cannot read {path}: {exc.strerror or exc}; using defaults"]
    import tomllib  # here: with no config file (the usual start) it is never needed

    try:
        # (With a byte-order mark, as Notepad saves UTF-8: TOML has none, and the whole file
        # was refused, "line 1, column 1", every setting replaced by its default.)
        text = raw.decode("utf-8-sig")
        if line := _overlong_key(text):
            return Config(), [
                f"{path} is not a tui-reader config (line {line}: a key of more than"
                f" {MAX_KEY_PARTS} dotted parts); using defaults"
            ]
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return Config(), [f"{path} is not UTF-8 text; using defaults"]
    except tomllib.TOMLDecodeError as exc:
        return Config(), [f"{path} is not valid TOML ({exc}); using defaults"]
    except RecursionError:  # tomllib recurses on nested arrays and tables
        return Config(), [f"{path} is not valid TOML (nested too deeply); using defaults"]
    config, problems = parse_config(data)
    return config, [f"{path}: {p}" for p in problems]


DEFAULT_CONFIG_TEXT = """\
# tui-reader configuration. Every setting is optional; these are the defaults.

[reader]
measure = 80          # columns of text in the reading pane
theme = ""            # a Textual theme name; empty keeps the last one chosen in the app
keep_days = 0         # prune read articles older than this (0: never). Starred articles and
                      # articles with highlights or notes are never pruned.

[refresh]
concurrency = 32      # connections in total
per_host = 6          # connections to one host
timeout = 20.0        # seconds per request
max_bytes = 20000000  # largest response accepted
max_redirects = 5
interval_minutes = 60  # a feed is due again this long after it was fetched
auto = false          # while the app runs: refresh the feeds that are due, at start and as
                      # each comes due again (the key r refreshes every feed, any time)

[export]
folder = ""           # empty: <documents>/tui-reader

[limits]
parse_seconds = 10.0   # a feed that takes longer to parse is skipped, with an error
extract_seconds = 10.0  # a page that takes longer to extract is shown as an error

# Highlight colours, in the order `c` cycles through them.
[[colors]]
name = "key point"
color = "yellow"
[[colors]]
name = "disputed"
color = "red"
[[colors]]
name = "fact"
color = "green"
[[colors]]
name = "quote"
color = "blue"

[keys]
# action = "key", e.g. refresh = "ctrl+r"

# Sync with a feed server (Tiny Tiny RSS). Off unless service, url and user are set. The
# password is never read from this file: TUI_READER_SYNC_PASSWORD, or password_command.
[sync]
service = ""          # "ttrss"
url = ""              # the tt-rss base URL, e.g. "https://rss.example.org/tt-rss/"
user = ""
# password_command = ["pass", "show", "ttrss"]   # an argv list, run without a shell
auto = false          # while the app runs: sync on the refresh schedule too
# Programs an article can be handed to (none by default), run without a shell; in argv,
# {url} is the article's link, {title} its title, {file} a temporary file with its text.
# [[commands]]
# name = "Play in mpv"
# key = "X"
# argv = ["mpv", "--", "{url}"]
"""
