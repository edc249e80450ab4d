"""Starting the app (``tui-reader`` with no command) and ``tui-reader read URL_OR_FILE``."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader import codecache
from tui_reader.cli import leave_running_threads
from tui_reader.cli.common import CommandError, open_reader
from tui_reader.config import Config, load_config
from tui_reader.errors import ExtractionError
from tui_reader.paths import Paths, get_paths
from tui_reader.reader import Reader
from tui_reader.sanitize import is_web_url

if TYPE_CHECKING:
    import argparse

    from tui_reader.ui.appreader import AppReader


def register(sub: Any) -> None:
    p = sub.add_parser(
        "read",
        help="open a web page or an HTML file in the reader",
        description="Open one page in the reading pane. It is kept under Saved, so its"
        " highlights and notes stay. A URL is fetched in the app; a file is read now.",
    )
    p.add_argument("target", metavar="URL_OR_FILE", help="an http(s) URL or an HTML file")
    p.set_defaults(func=run_read)


NO_TERMINAL = (
    "the reader needs a terminal (standard input and standard error, where it draws, are"
    " not both one); the commands work without one: `tui-reader refresh` (for cron),"
    " `tui-reader --help`"
)


def _terminal() -> bool:
    """Whether the app has a terminal to read keys from and draw on (Textual draws on
    standard error). Without one it drew ~45 kB of escape sequences into a log and waited
    for keys for ever (cron, ``ssh host`` without ``-t``, ``2>log``, a script that forgot
    ``refresh``)."""
    return all(s is not None and s.isatty() for s in (sys.stdin, sys.__stderr__))


def start_app() -> int:
    """``tui-reader`` with no command: the reader."""
    if not _terminal():
        print(f"tui-reader: {NO_TERMINAL}", file=sys.stderr)
        return 2
    from tui_reader.errors import ReaderError
    from tui_reader.ui.appreader import AppReader  # no Textual

    try:
        paths, config, problems = _settings()
    except ReaderError as exc:  # (no home folder)
        print(f"tui-reader: {exc}", file=sys.stderr)
        return 1
    # A clear one-line message if the database cannot be used; its connection is then the
    # app's own (on this thread, which runs the app): not opened and checked a second time.
    reader = open_reader(paths, config, AppReader)
    assert isinstance(reader, AppReader)
    return _run(paths, config, problems, None, reader)


def _settings() -> tuple[Paths, Config, list[str]]:
    paths = get_paths()
    config, problems = load_config(paths.config_file)
    return paths, config, problems


def _run(
    paths: Paths,
    config: Config,
    problems: list[str],
    open_article: int | None,
    reader: AppReader | None = None,
) -> int:
    # Start-up makes many objects and frees few: the collector's passes over the growing heap
    # cost tens of milliseconds and find nothing, so it waits until the first screen is drawn.
    gc.disable()
    try:
        from tui_reader.ui.sources import EarlyLoad

        # The first screen's rows are read while Textual is imported and starts.
        early = EarlyLoad.start(paths.database, open_article)
        from tui_reader.ui import graphics

        # What the terminal draws pictures with: asked while Textual is imported, as it will
        # own the keyboard once it runs.
        graphics.start(config.reader.images, config.reader.inline_images)
        try:
            from tui_reader.ui.app import ReaderApp  # Textual is imported only to run the app
        finally:
            graphics.finish()  # the terminal's modes are back before anything else runs
        # What the imports compiled anew is kept now: the app may end by a signal.
        codecache.save()

        app = ReaderApp(
            paths,
            config,
            open_article=open_article,
            messages=problems,
            early=early,
            on_shown=_collect_again,
            reader=reader,
        )
        try:
            app.run()
        finally:
            app.close_store()
    finally:
        # The process ends now and the system frees its memory: leave what is left out of the
        # interpreter's last full collection on the way out (~40 ms with Textual loaded).
        gc.freeze()
        gc.enable()
    if app.unsaved:
        # Quit twice while another program held the store: never lost without a word.
        for what in app.unsaved:
            print(
                f"tui-reader: not saved: the {what} (another program was writing to the"
                " store when the reader quit)",
                file=sys.stderr,
            )
        return 1
    code = 128 + 15 if app.terminated else int(app.return_code or 0)  # (SIGTERM's status)
    leave_running_threads()  # (the console script's to act on: cli.run)
    return code


def _collect_again() -> None:
    """The first screen is up: what start-up made lives as long as the app, so it is frozen
    (later collections skip it) and collecting resumes for what comes after."""
    gc.freeze()
    gc.enable()


def run_read(args: argparse.Namespace) -> int:
    target = str(args.target).strip()
    is_url = is_web_url(target)
    if not is_url and ("://" in target or target.startswith("www.")):
        raise CommandError(f"{target}: only http(s) URLs can be read (or a local file)")
    paths, config, problems = _settings()
    reader = open_reader(paths, config)
    try:
        if is_url:
            article_id = saved_page_for(reader, target)
        else:
            article_id = _save_file(reader, Path(target), config)
    finally:
        reader.close()
    if not _terminal():  # (the page is kept under Saved: it opens there later)
        raise CommandError(NO_TERMINAL, status=2)
    return _run(paths, config, problems, article_id)


def saved_page_for(reader: Reader, url: str) -> int:
    """The article to open for ``url``: the one already stored for that page (in a feed or
    under Saved: one copy, so its highlights stay together), else a new Saved one."""
    return reader.saved_page(url).id


def _save_file(reader: Reader, path: Path, config: Config) -> int:
    """Extract an HTML file now and keep it as a saved article; returns its id."""
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    if not path.is_file():
        raise CommandError(f"{path}: not a file")
    from tui_reader.cli.common import too_large
    from tui_reader.localfiles import FileTooLarge, read_capped

    try:
        data = read_capped(path, config.refresh.max_bytes)
    except FileTooLarge as exc:
        raise CommandError(f"{path}: {too_large(exc)}") from None
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return reader.save_page(data, path.resolve().as_uri(), name=path.name).id
    except ExtractionError as exc:
        raise CommandError(f"{path}: {exc}") from exc
