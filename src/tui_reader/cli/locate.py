"""``tui-reader locate``: where the reader keeps everything."""

from __future__ import annotations

import argparse
from typing import Any

from tui_reader.cli.common import load_settings


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "locate",
        help="print where the database, config, cache, logs and exports live",
        description="Print every path tui-reader uses (they follow the XDG_* variables).",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths, config = load_settings(quiet=True)
    rows = paths.as_rows()
    if config.export.folder:
        rows = [
            (k, v) if k != "exports" else (k, type(v)(config.export.folder).expanduser())
            for k, v in rows
        ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0
