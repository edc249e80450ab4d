"""What every subcommand needs: paths, config, the reader (the façade), clean messages."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui_reader.config import Config, load_config
from tui_reader.paths import Paths, get_paths
from tui_reader.reader import Reader
from tui_reader.sanitize import clean_text
from tui_reader.store import StoreError

if TYPE_CHECKING:
    from tui_reader.localfiles import FileTooLarge


class CommandError(Exception):
    """A failure to report as one clear line (no traceback), with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def warn(message: str) -> None:
    print(f"tui-reader: {clean_text(message)}", file=sys.stderr)


def load_settings(paths: Paths | None = None, *, quiet: bool = False) -> tuple[Paths, Config]:
    paths = paths or get_paths()
    config, problems = load_config(paths.config_file)
    if not quiet:
        for problem in problems:
            warn(problem)
    return paths, config


def open_reader(paths: Paths, config: Config | None = None, kind: type[Reader] = Reader) -> Reader:
    """The reader (a ``kind``) over the user's database, checked to open (a clear one-line
    message if it cannot be used)."""
    try:
        paths.ensure()
        return kind.open(paths, config)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        where = exc.filename or paths.data_dir
        why = "a file is in its place" if isinstance(exc, FileExistsError) else exc.strerror
        raise CommandError(f"cannot use the folder {where}: {why or exc}") from exc


def too_large(error: FileTooLarge) -> str:
    """Why a page file named on the command line (`extract FILE`, `read FILE`) is not read."""
    return f"{error.held}, more than refresh.max_bytes ({error.limit})"
