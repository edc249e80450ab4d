"""Handing an article to a program: the ``[[commands]]`` of config.toml.

A command is an argv list, run without a shell: every argument reaches the program as one
argument, whatever it holds, so nothing from a feed is ever read by a shell. Placeholders in
the arguments are filled in one pass (a title holding ``{file}`` stays that text):

- ``{url}``: the article's link — only an http(s) URL, else the command is not run;
- ``{title}``: its title, cleaned to one line of printable text, leading ``-`` removed (so
  it never reads as an option);
- ``{file}``: a temporary file (readable by the user alone) holding the article's clean
  text, removed once the program ends.

The program itself (``argv[0]``) is always the config's literal text, never a placeholder.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui_reader.config import PLACEHOLDER, check_argv
from tui_reader.errors import ReaderError
from tui_reader.sanitize import clean_line, clean_text, is_web_url

TAIL_BYTES = 4096  # of the program's stderr, for the message when it fails
POLL = 0.2  # seconds between checks whether the app still waits for the program


class CommandError(ReaderError):
    """The command could not be run (said in one line)."""


@dataclass(frozen=True)
class Handoff:
    """What a command may be given of an article."""

    url: str = ""
    title: str = ""
    text: str = ""  # the clean text (Document.text)


@dataclass(frozen=True)
class Outcome:
    returncode: int | None  # None: still running when the app stopped waiting
    error_tail: str = ""  # the last line the program wrote to stderr (cleaned)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self, name: str, started: float | None = None) -> str:
        """One line for the app to show (:func:`describe`)."""
        return describe(name, self, started)


def placeholders(argv: Sequence[str]) -> set[str]:
    return {m.group(1) for arg in argv for m in PLACEHOLDER.finditer(arg)}


def expand(argv: Sequence[str], values: dict[str, str]) -> list[str]:
    """``argv`` with each placeholder replaced by its value, in one pass."""
    return [PLACEHOLDER.sub(lambda m: values[m.group(1)], arg) for arg in argv]


def _title(title: str) -> str:
    return clean_line(title).lstrip("-").strip()


def prepare(
    argv: Sequence[str], handoff: Handoff, folder: Path | None = None
) -> tuple[list[str], Path | None]:
    """The argv to run and the temporary file made for ``{file}`` (None when not used);
    :class:`CommandError` when the article lacks what the command needs."""
    problem = check_argv(argv)
    if problem:
        raise CommandError(problem)
    wanted = placeholders(argv)
    values = {"url": "", "title": "", "file": ""}
    if "url" in wanted:
        url = handoff.url.strip()
        if not is_web_url(url):
            raise CommandError("the article has no web link (http or https) to hand over")
        values["url"] = url
    if "title" in wanted:
        values["title"] = _title(handoff.title)
    path: Path | None = None
    if "file" in wanted:
        text = clean_text(handoff.text)
        if not text.strip():
            raise CommandError("the article has no text yet to hand over")
        fd, name = tempfile.mkstemp(prefix="tui-reader-", suffix=".txt", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:  # mkstemp: mode 0600
            f.write(text)
        path = Path(name)
        values["file"] = str(path)
    return expand(argv, values), path


def run(argv: Sequence[str], *, should_stop: Callable[[], bool] = lambda: False) -> Outcome:
    """Run ``argv`` (no shell, no terminal: stdin and stdout are /dev/null, its own session)
    and wait for it, checking ``should_stop`` as it waits; :class:`CommandError` when it
    cannot be started."""
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(  # a list, never a shell
                list(argv),
                shell=False,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
                close_fds=True,
            )
        except FileNotFoundError:
            raise CommandError(f"{clean_line(argv[0])}: no such program") from None
        except PermissionError:
            raise CommandError(f"{clean_line(argv[0])}: not allowed to run it") from None
        except OSError as exc:
            raise CommandError(f"{clean_line(argv[0])}: {exc.strerror or exc}") from None
        while True:
            try:
                code = proc.wait(timeout=POLL)
                break
            except subprocess.TimeoutExpired:
                if should_stop():
                    return Outcome(None)
        err.seek(0, os.SEEK_END)
        size = err.tell()
        err.seek(max(0, size - TAIL_BYTES))
        tail = err.read().decode("utf-8", "replace")
    lines = [clean_line(line) for line in tail.splitlines()]
    last = next((line for line in reversed(lines) if line), "")
    return Outcome(code, last[:300])


def run_handoff(
    argv: Sequence[str],
    handoff: Handoff,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    folder: Path | None = None,
) -> Outcome:
    """Prepare and run a command for an article; the temporary file goes when it ends (one
    left to a program still running when the app stops waiting is left to it)."""
    args, path = prepare(argv, handoff, folder)
    try:
        outcome = run(args, should_stop=should_stop)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    if path is not None and outcome.returncode is not None:
        path.unlink(missing_ok=True)
    return outcome


def describe(name: str, outcome: Outcome, started: float | None = None) -> str:
    """One line for the app to show."""
    name = clean_line(name)
    if outcome.returncode is None:
        return f"{name}: still running"
    took = f" after {time.monotonic() - started:.0f} s" if started is not None else ""
    if outcome.ok:
        return f"{name}: done (exit status 0){took}"
    why = f": {outcome.error_tail}" if outcome.error_tail else ""
    return f"{name}: failed (exit status {outcome.returncode}){took}{why}"
