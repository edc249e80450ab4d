"""A broken config file, through the real command line: one clear line per problem, the
defaults used for whatever could not be, and the command still does its work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.config import Config, load_config
from tui_reader.paths import Paths

pytestmark = pytest.mark.hostile(category="config")

CONFIGS = {
    "not-toml": ("[reader\nmeasure = 3\n", ["is not valid TOML"]),
    "not-utf8": ("measure = '\xff\xfe'\n", ["is not UTF-8 text"]),
    "nested-too-deep": ("a = " + "[" * 50_000 + "]" * 50_000 + "\n", ["nested too deeply"]),
    "unknown-keys": (
        "[reader]\nmeasur = 90\n[refreshing]\nx = 1\n",
        ["unknown setting reader.measur", "unknown section or setting 'refreshing'"],
    ),
    "wrong-types": (
        '[reader]\nmeasure = "wide"\n[refresh]\ntimeout = "soon"\nmax_bytes = true\n'
        "[export]\nfolder = 3\n",
        [
            "reader.measure should be",
            "refresh.timeout should be",
            "refresh.max_bytes should",
            "export.folder should be",
        ],
    ),
    "not-tables": (
        'reader = 3\nrefresh = "x"\ncolors = 5\nkeys = []\n',
        [
            "[reader] should be a table",
            "[refresh] should be a table",
            "colors should be",
            "[keys] should be a table",
        ],
    ),
    "impossible-numbers": (
        "[refresh]\ntimeout = nan\nmax_bytes = -5\ninterval_minutes = inf\n",
        [
            "refresh.timeout must be a finite number",
            "refresh.max_bytes cannot be negative",
            "refresh.interval_minutes should be",
        ],
    ),
    "numbers-too-large": (
        "[refresh]\ntimeout = 1" + "0" * 400 + "\ninterval_minutes = 9223372036854775807\n"
        "max_bytes = 2000000000000\n[limits]\nparse_seconds = 1e300\n",
        [
            "refresh.timeout must be a finite number",
            "refresh.interval_minutes cannot be more than 525,600",
            "refresh.max_bytes cannot be more than 1,099,511,627,776",
            "limits.parse_seconds cannot be more than 3,600",
        ],
    ),
    "escape-in-a-key": ('"\\u001b]0;pwned\\u0007" = 1\n', ["unknown section or setting"]),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_broken_config_is_one_line_per_problem_and_the_command_works(
    name: str, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = CONFIGS[name]
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    data = text.encode("latin-1") if name == "not-utf8" else text.encode()
    paths.config_file.write_bytes(data)
    code = main(["feeds"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Welcome to tui-reader" in out  # the command did its work
    lines = err.splitlines()
    assert len(lines) == len(expected), err
    for line, wanted in zip(lines, expected, strict=True):
        assert line.startswith("tui-reader: ") and wanted in line, line
    assert "\x1b" not in err and "Traceback" not in err
    config, _problems = load_config(paths.config_file)
    defaults = Config()
    assert config.reader.measure == defaults.reader.measure
    assert config.refresh.timeout == defaults.refresh.timeout


def test_every_number_has_a_largest_sensible_value() -> None:
    """A setting above it is a mistake and may be past what the system's timers hold (a
    parse_seconds of 1e300 ended `add` in a traceback). Every numeric setting has one, and
    each default is within it."""
    from dataclasses import fields

    from tui_reader.config import _MAXIMUM, _SECTIONS

    for name, cls in _SECTIONS.items():
        for f in fields(cls):
            value = getattr(cls(), f.name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert 0 <= value <= _MAXIMUM[f"{name}.{f.name}"], f.name


def test_config_that_is_a_folder(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    paths.config_file.mkdir(parents=True)
    assert main(["feeds"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err and "using defaults" in err


def test_a_good_setting_survives_a_bad_neighbour(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[refresh]\ntimeout = 5\nmax_bytes = "lots"\n')
    config, problems = load_config(path)
    assert config.refresh.timeout == 5.0 and config.refresh.max_bytes == 20_000_000
    assert len(problems) == 1


@pytest.mark.parametrize(
    "line", ["a" + ".a" * 40 + " = 1", "[a" + ".a" * 40 + "]", '[["a"' + '."a"' * 40 + "]]"]
)
def test_a_key_of_many_dotted_parts_is_refused_before_it_is_read(tmp_path: Path, line: str) -> None:
    """tomllib takes time growing with the square of a key's parts: a 320 kB key held every
    command for minutes at its start."""
    path = tmp_path / "config.toml"
    path.write_text(f"[reader]\nmeasure = 70\n{line}\n# a comment . . . . . . . . . .\n")
    config, problems = load_config(path)
    assert config == Config()
    assert problems == [
        f"{path} is not a tui-reader config (line 3: a key of more than 32 dotted parts);"
        " using defaults"
    ]


def test_dots_in_values_and_comments_are_no_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    dots = "." * 100
    path.write_text(f'[reader]\nmeasure = 70  # {dots}\n[keys]\nrefresh = "f5" # {dots}\n')
    config, problems = load_config(path)
    assert problems == [] and config.reader.measure == 70
