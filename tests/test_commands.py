"""Handing an article to a program ([[commands]]): placeholders filled in one pass, hostile
text reaching the program as one argument and never a shell, the exit status, the temporary
file, and the config's validation. Real programs run (the test's own Python)."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from tui_reader.commands import (
    CommandError,
    Handoff,
    Outcome,
    describe,
    expand,
    prepare,
    run,
    run_handoff,
)
from tui_reader.config import CommandConfig, parse_config

HOSTILE = "$(touch pwned); `touch pwned2` ; rm -rf ~ | cat > x \x1b[31m\n{file} --evil"


def recorder(tmp_path: Path) -> list[str]:
    """A program that writes the arguments it got (as JSON) and a copy of any file named in
    them: argv for a command, so the test sees exactly what the program saw."""
    script = tmp_path / "record.py"
    script.write_text(
        "import json, sys, pathlib\n"
        "out = {'argv': sys.argv[1:], 'files': {}}\n"
        "for a in sys.argv[1:]:\n"
        "    p = pathlib.Path(a)\n"
        "    if p.is_absolute() and p.is_file():\n"
        "        out['files'][a] = [p.read_text(encoding='utf-8'), oct(p.stat().st_mode & 0o777)]\n"
        f"pathlib.Path({str(tmp_path / 'seen.json')!r}).write_text(json.dumps(out))\n",
        encoding="utf-8",
    )
    return [sys.executable, str(script)]


def seen(tmp_path: Path) -> dict[str, object]:
    return json.loads((tmp_path / "seen.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_placeholders_are_filled_once_and_hostile_text_is_one_argument(tmp_path: Path) -> None:
    argv = [*recorder(tmp_path), "--title={title}", "{url}", "{title}", "{file}"]
    handoff = Handoff("https://news.example/a?b=1&c=2", HOSTILE, "The clean text. ¶ Ünïcode.")
    outcome = run_handoff(argv, handoff, folder=tmp_path)
    assert outcome == Outcome(0)
    got = seen(tmp_path)
    args = got["argv"]
    assert isinstance(args, list)
    title = args[2]
    # One argument each, the text as it was (no shell ran: no file made by $(...) or `...`).
    assert title.startswith("$(touch pwned); `touch pwned2` ; rm -rf ~ | cat > x")
    assert "\x1b" not in title and "\n" not in title  # control characters cleaned
    assert title.endswith("{file} --evil")  # a placeholder inside a title stays text
    assert args[0] == "--title=" + title
    assert args[1] == "https://news.example/a?b=1&c=2"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    files = got["files"]
    assert isinstance(files, dict) and list(files) == [args[3]]
    text, mode = files[args[3]]
    assert text == "The clean text. ¶ Ünïcode." and mode == "0o600"
    assert not Path(args[3]).exists()  # removed once the program ended


def test_a_title_never_reads_as_an_option() -> None:
    argv, _ = prepare(["prog", "{title}"], Handoff(title="--output=/etc/passwd"))
    assert argv == ["prog", "output=/etc/passwd"]


def test_a_url_must_be_a_web_link() -> None:
    for url in ("", "javascript:alert(1)", "file:///etc/passwd", "-oProxyCommand=x", "ftp://x/y"):
        with pytest.raises(CommandError, match="no web link"):
            prepare(["prog", "{url}"], Handoff(url=url))
    # Not asked for: not needed.
    assert prepare(["prog", "fixed"], Handoff())[0] == ["prog", "fixed"]


def test_no_text_no_file() -> None:
    with pytest.raises(CommandError, match="no text"):
        prepare(["prog", "{file}"], Handoff(text="  \n"))


def test_expand_is_a_single_pass() -> None:
    values = {"url": "{title}", "title": "{file}", "file": "F"}
    assert expand(["{url}{title}", "x{file}y", "{nope}"], values) == [
        "{title}{file}",
        "xFy",
        "{nope}",
    ]


def test_the_exit_status_and_the_last_error_line_are_reported(tmp_path: Path) -> None:
    code = (
        "import sys; print('noise', file=sys.stderr);"
        " print('\\x1b[31mbad thing', file=sys.stderr); sys.exit(3)"
    )
    outcome = run([sys.executable, "-c", code])
    assert outcome.returncode == 3 and outcome.error_tail == "bad thing"
    said = describe("Player", outcome)
    assert said == "Player: failed (exit status 3): bad thing"
    assert describe("Player", Outcome(0)) == "Player: done (exit status 0)"


def test_a_missing_program_is_said_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such program"):
        run([str(tmp_path / "no-such-program")])
    plain = tmp_path / "plain.txt"
    plain.write_text("not a program")
    plain.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(CommandError, match="not allowed"):
        run([str(plain)])


def test_the_file_goes_when_the_program_cannot_start(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run_handoff([str(tmp_path / "missing"), "{file}"], Handoff(text="x"), folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_waiting_stops_when_asked_and_the_program_goes_on(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    code = f"import time, pathlib; time.sleep(1.0); pathlib.Path({str(marker)!r}).touch()"
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    began = time.monotonic()
    outcome = run([sys.executable, "-c", code], should_stop=stop.is_set)
    assert outcome.returncode is None and time.monotonic() - began < 0.9
    assert describe("Long", outcome) == "Long: still running"
    for _ in range(50):  # it was left running, in its own session
        if marker.exists():
            break
        time.sleep(0.1)
    assert marker.exists()


def test_the_program_gets_no_terminal(tmp_path: Path) -> None:
    code = "import os, sys; sys.exit(0 if not os.isatty(0) and os.getsid(0) == os.getpid() else 1)"
    assert run([sys.executable, "-c", code]).returncode == 0


def test_commands_in_the_config() -> None:
    config, problems = parse_config(
        {
            "commands": [
                {"name": "Play", "key": "M", "argv": ["mpv", "--", "{url}"]},
                {"name": "Palette only", "argv": ["true"]},
                {"name": "", "argv": ["x"]},
                {"name": "Shell-ish", "argv": "mpv {url}"},
                {"name": "Placeholder program", "argv": ["{url}"]},
                {"name": "Empty", "argv": []},
                {"name": "Odd", "argv": ["x", 3]},
                {"name": "Extra", "argv": ["x"], "shell": True},
                "nonsense",
            ]
        }
    )
    assert config.commands == (
        CommandConfig("Play", ("mpv", "--", "{url}"), "M"),
        CommandConfig("Palette only", ("true",), ""),
        CommandConfig("Extra", ("x",), ""),
    )
    text = "\n".join(problems)
    for words in (
        "commands #3 needs a name",
        "'Shell-ish': argv should be a list",
        "'Placeholder program': argv's first item (the program) cannot be a placeholder",
        "'Empty': argv should be a non-empty list",
        "'Odd': argv should be a non-empty list of strings",
        "unknown setting 'shell'",
        "commands #9 should be a table",
    ):
        assert words in text, words
    _, problems = parse_config({"commands": {"name": "x"}})
    assert problems == ["commands should be an array of {name, key, argv} tables; ignored"]


def test_the_default_config_text_documents_commands() -> None:
    from tui_reader.config import DEFAULT_CONFIG_TEXT

    assert "[[commands]]" in DEFAULT_CONFIG_TEXT and "{file}" in DEFAULT_CONFIG_TEXT


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_temporary_files_are_private(tmp_path: Path) -> None:
    _, path = prepare(["prog", "{file}"], Handoff(text="secret notes"), tmp_path)
    assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
