"""The ``tui-reader`` command: subcommands wire the core (and, for the app, the UI) together.

Each module in this package registers its subcommands; Textual is imported only by the commands
that start the app, so the others start fast. With no arguments at all (the reader, the common
case) no parser is built and no other command's module is imported: start-up time is the app's.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from tui_reader import __version__, codecache
from tui_reader.cli import streams
from tui_reader.errors import ReaderError

if TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from tui_reader.cli import data as data_cmd
    from tui_reader.cli import export as export_cmd
    from tui_reader.cli import extract as extract_cmd
    from tui_reader.cli import feeds as feeds_cmd
    from tui_reader.cli import locate as locate_cmd
    from tui_reader.cli import reading as reading_cmd
    from tui_reader.cli import sync as sync_cmd

    parser = argparse.ArgumentParser(
        prog="tui-reader",
        description=(
            "A terminal news reader for close reading: feeds, clean article text, highlights,"
            " notes and Markdown export. Without a command it opens the reader."
        ),
    )
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (reading_cmd, feeds_cmd, extract_cmd, export_cmd, data_cmd, locate_cmd, sync_cmd):
        module.register(sub)
    return parser


_exit_at_once = False  # set by a command that leaves nothing open when it returns
_leave_threads = False  # set by the reader once it has quit (leave_running_threads)


def run() -> None:
    """The ``tui-reader`` console script: :func:`main`, then, after a command that leaves
    nothing open (``exit_at_once`` in its parser's defaults: a refresh), the process ends as
    soon as its output is flushed, when no thread the normal exit would wait for and no child
    process is left. Python's normal exit frees every object one by one: 0.034 s after a cold
    refresh of 500 feeds, for a process that is ending anyway (0.011 s this way).

    After the reader, it ends at once if a fetch the app started still runs on a thread (its
    result is not wanted: the app is gone; what it stores is one transaction, kept whole or
    not at all). The normal exit waited for it, up to its timeout, with no screen and no
    prompt, and Ctrl-C there printed a traceback. Only the console script ends the process
    this way: :func:`main` and the commands return to their caller (the reader, called in a
    test's process, had ended that process while a thread of the test's ran)."""
    code = main()
    if _leave_threads and _running():
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    if _exit_at_once and not _running() and not _children():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # (a closed or broken pipe: the normal exit reports it as it always did)
        else:
            os._exit(code)
    raise SystemExit(code)


def _set_exit_at_once(value: bool) -> None:
    global _exit_at_once
    _exit_at_once = value


def _reset_ending() -> None:
    """Until a command says how the console script may end: the normal exit."""
    global _leave_threads
    _set_exit_at_once(False)
    _leave_threads = False


def leave_running_threads() -> None:
    """The reader has quit: the console script need not wait for the threads still running
    (see :func:`run`)."""
    global _leave_threads
    _leave_threads = True


def _running() -> bool:
    """Whether a thread the normal exit would wait for runs (a daemon thread it would not)."""
    main_thread = threading.main_thread()
    return any(t is not main_thread and not t.daemon for t in threading.enumerate())


def _children() -> bool:
    mp = sys.modules.get("multiprocessing")
    return mp is not None and bool(mp.active_children())


def main(argv: Sequence[str] | None = None) -> int:
    # First of all, before the imports: dataclass methods, namedtuples and regex programs
    # compiled in an earlier run are not compiled again (tui_reader/codecache.py).
    arguments = sys.argv[1:] if argv is None else argv
    codecache.install(kind=arguments[0] if arguments else "app")
    # A refresh of every feed (with FEEDs named, too few are refreshed for the parsers to be
    # wanted at once; with -h, none).
    early = list(arguments) == ["refresh"]
    if early:
        # Next, the refresh's parser processes: forked now, they import the parsers on the
        # core this process's imports leave idle (tui_reader/feeds/parsers.py).
        from tui_reader.errors import ReaderError
        from tui_reader.feeds.parsers import fork_early
        from tui_reader.paths import get_paths

        with contextlib.suppress(ReaderError):  # (the command says it, once)
            fork_early(get_paths().database)
    try:
        return _main(argv)
    finally:
        codecache.save()
        if early:
            from tui_reader.budget import stop_early

            stop_early()  # (when the command did not take them: a sync, all feeds 304...)


def _main(argv: Sequence[str] | None) -> int:
    # The imports make many objects and free few: the collector's passes over the growing
    # heap find nothing. It waits until they are done (the app: until its first screen is
    # drawn, cli/reading.py).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _command(argv, collecting)
    finally:
        if collecting and not gc.isenabled():
            gc.freeze()  # what the imports made lives as long as the process
            gc.enable()


def _lenient_output() -> None:
    """What a command prints never fails for a character its terminal's encoding lacks: a file
    name that is not UTF-8 (os.fsdecode's surrogates), under a strict UTF-8 locale, had raised
    UnicodeEncodeError after the import it reported had been committed. In the C locale (no
    UTF-8 mode) Python writes with "surrogateescape", as strict for any other character: a
    feed titled "Café" ended ``feeds``. The bytes a surrogate stands for are still written as
    they were; any other character as its escape."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            if stream.errors == "strict":
                stream.reconfigure(errors="backslashreplace")
            elif stream.errors == "surrogateescape":
                codecs.register_error(_LENIENT, _surrogates_else_escapes)
                stream.reconfigure(errors=_LENIENT)


_LENIENT = "tui-reader-lenient"


def _surrogates_else_escapes(exc: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start : exc.end]:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)  # (surrogateescape's own: the byte it stands for)
        else:
            out += ch.encode("ascii", "backslashreplace")
    return bytes(out), exc.end


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``timeout``, ``kill``, systemd, a terminal closed) during a command:
    ended as an interrupt is (every ``except KeyboardInterrupt`` cleanup runs: temporary
    files removed, parser processes stopped, what was done kept), with the signal's status."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _terminations() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` while a command runs (not the app:
    Textual's loop ends it, ui/app.py). Only the main thread can set handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, _terminate) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _command(argv: Sequence[str] | None, collecting: bool) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    _reset_ending()
    _lenient_output()
    if not arguments:
        # No arguments (the common case) is the reader: no parser to build.
        from tui_reader.cli.reading import start_app

        return start_app()
    with streams.guarded():
        code = _run_command(arguments, collecting)
        failed = streams.flush_output()
    return code if failed is None else failed


def _run_command(arguments: list[str], collecting: bool) -> int:
    import sqlite3

    from tui_reader.cli.common import CommandError

    try:
        try:
            args = build_parser().parse_args(arguments)
        except SystemExit as exc:  # --help, --version, a usage error: argparse said it
            return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        func = getattr(args, "func", None)
        if func is None:
            from tui_reader.cli.reading import start_app

            return start_app()
        if collecting:
            gc.freeze()
            gc.enable()
        with _terminations():
            code = int(func(args) or 0)
        _set_exit_at_once(bool(getattr(args, "exit_at_once", False)))
        return code
    except streams.OutputError as exc:
        return streams.report(exc)
    except CommandError as exc:
        from tui_reader.sanitize import clean_text

        # (an error may quote a server, a file or a feed: no escape sequence reaches the
        # terminal, whichever message forgot to clean what it quotes)
        print(f"tui-reader: {clean_text(str(exc))}", file=sys.stderr)
        return exc.status
    except ReaderError as exc:  # (one the command did not turn into its own message)
        from tui_reader.sanitize import clean_text

        print(f"tui-reader: {clean_text(str(exc))}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        # Found after opening: damage in a page only now read, a disk that filled up.
        from tui_reader.paths import get_paths
        from tui_reader.store.db import explain_error

        print(f"tui-reader: {explain_error(get_paths().database, exc)}", file=sys.stderr)
        return 1
    except Terminated as exc:
        print("tui-reader: terminated", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("tui-reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return streams.PIPE_CLOSED_STATUS
