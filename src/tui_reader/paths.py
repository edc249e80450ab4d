"""Every path the reader uses, in one place.

All locations come from platformdirs, which honours ``XDG_*`` variables on Linux. Nothing here
touches the file system at import time: call :func:`get_paths` and then :meth:`Paths.ensure`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from tui_reader.errors import ReaderError

APP_NAME = "tui-reader"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path
    export_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "reader.sqlite3"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "tui-reader.log"

    def ensure(self) -> None:
        """Create the folders the reader writes to (not the export folder: made on export).
        Only the data folder must be: a cache or log folder that cannot be made (a file in
        its place) stopped every command, saying the data folder could not be used; what
        writes there says so itself."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for folder in (self.config_dir, self.cache_dir, self.log_dir):
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)

    def as_rows(self) -> list[tuple[str, Path]]:
        return [
            ("database", self.database),
            ("config", self.config_file),
            ("data", self.data_dir),
            ("backups", self.backups_dir),
            ("cache", self.cache_dir),
            ("logs", self.log_file),
            ("exports", self.export_dir),
        ]


def get_paths() -> Paths:
    """Resolve the reader's paths now (environment variables are read on each call)."""
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    override = os.environ.get("TUI_READER_HOME")
    if override:
        home = Path(override)
        return Paths(
            data_dir=home / "data",
            config_dir=home / "config",
            cache_dir=home / "cache",
            log_dir=home / "logs",
            export_dir=home / "exports",
        )
    try:
        data_dir = Path(dirs.user_data_dir)
        config_dir = Path(dirs.user_config_dir)
        cache_dir = Path(dirs.user_cache_dir)
        log_dir = Path(dirs.user_log_dir)
    except RuntimeError:  # (platformdirs: no home folder to put them in)
        raise NoHome(
            "no home folder (HOME is unset and this user has none): set HOME, the XDG_*_HOME"
            " variables, or TUI_READER_HOME"
        ) from None
    try:
        export_dir = Path(dirs.user_documents_dir) / APP_NAME
    except RuntimeError:  # (the XDG folders are given, the home folder is not)
        export_dir = data_dir / "exports"
    return Paths(
        data_dir=data_dir,
        config_dir=config_dir,
        cache_dir=cache_dir,
        log_dir=log_dir,
        export_dir=export_dir,
    )


class NoHome(ReaderError):
    """Nowhere to keep the reader's data: no home folder, no XDG folders given."""
