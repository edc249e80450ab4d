"""``tui-reader backup``, ``restore-backup`` and ``check``: the user's data, kept safe."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import Any

from tui_reader.cli.common import CommandError, load_settings, open_reader
from tui_reader.reader import latest_backup, restore_backup
from tui_reader.store import StoreError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "backup",
        help="copy the database to the backups folder now",
        description="Copy the live database (with what is still in its WAL) to the backups"
        " folder, using SQLite's backup API.",
    )
    p.set_defaults(func=run_backup)
    p = sub.add_parser(
        "restore-backup",
        help="replace a damaged database with a backup",
        description="Put a backup (the newest one unless FILE is given) in place of the"
        " database. The current file is moved aside, never deleted.",
    )
    p.add_argument("file", nargs="?", type=Path, help="the backup to restore")
    p.set_defaults(func=run_restore)
    p = sub.add_parser(
        "check",
        help="check the database's integrity",
        description="Run SQLite's integrity check on the database and report the result.",
    )
    p.set_defaults(func=run_check)


def run_backup(args: argparse.Namespace) -> int:
    paths, _ = load_settings()
    reader = open_reader(paths)
    try:
        target = reader.backup("manual")
    except (OSError, sqlite3.Error) as exc:
        raise CommandError(f"backup failed: {exc}") from exc
    finally:
        reader.close()
    print(f"backed up to {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    paths, _ = load_settings()
    chosen: Path | None = args.file or latest_backup(paths)
    if chosen is None:
        raise CommandError(f"no backup found in {paths.backups_dir}")
    if not chosen.is_file():
        raise CommandError(f"{chosen} does not exist")
    try:
        aside = restore_backup(paths, chosen)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"could not restore {chosen}: {exc.strerror or exc}") from exc
    print(f"restored {chosen}")
    if aside.exists():
        print(f"the previous database was kept as {aside}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    paths, _ = load_settings()
    reader = open_reader(paths)
    try:
        result = reader.integrity_check()
    finally:
        reader.close()
    if result == ["ok"]:
        print(f"{paths.database}: ok")
        return 0
    for line in result:
        print(line)
    return 1
