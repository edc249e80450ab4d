"""``tui-reader backup``, ``restore-backup`` and ``check``: the user's data, kept safe."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tui_reader.cli.common import CommandError, load_settings, open_reader
from tui_reader.reader import backups, restore_backup
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
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    except (OSError, sqlite3.Error) as exc:
        raise CommandError(f"backup failed: {exc}") from exc
    finally:
        reader.close()
    print(f"backed up to {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    paths, _ = load_settings()
    if args.file is not None:
        if args.file.is_dir():
            raise CommandError(f"{args.file} is a folder, not a backup")
        if not args.file.exists():
            raise CommandError(f"{args.file} does not exist")
        candidates = [args.file]
    else:
        # The newest usable one: a backup that is damaged too is passed over, saying so.
        candidates = backups(paths)
        if not candidates:
            raise CommandError(f"no backup found in {paths.backups_dir}")
    for n, chosen in enumerate(candidates):
        try:
            aside = restore_backup(paths, chosen)
            break
        except StoreError as exc:
            if n + 1 == len(candidates):
                raise CommandError(str(exc)) from exc
            print(f"tui-reader: passed over: {exc}", file=sys.stderr)
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
