"""Starting the app (``tui-reader`` with no command) and ``tui-reader read``."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    pass


def run_app(args: argparse.Namespace) -> int:
    print("The reading app is not built yet.")
    return 0
