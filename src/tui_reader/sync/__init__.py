"""Sync with a feed server: subscriptions, new articles, read/starred and article notes, both
ways (:mod:`.engine`), through Tiny Tiny RSS's JSON API (:mod:`.client`); the store's side is
:mod:`tui_reader.store.sync`. Nothing here imports Textual.

:func:`run_sync` is what the ``sync`` command, ``refresh`` with sync on, and the app call.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.store import sync as state
from tui_reader.sync.client import AuthError, ServerError, SyncError, TtRssClient
from tui_reader.sync.engine import Progress, SyncSummary, sync_once

if TYPE_CHECKING:
    from tui_reader.config import Config, SyncConfig

__all__ = [
    "AuthError",
    "ServerError",
    "SyncError",
    "SyncRefresh",
    "SyncSummary",
    "password",
    "refresh_by_sync",
    "run_sync",
]

PASSWORD_ENV = "TUI_READER_SYNC_PASSWORD"


def password(cfg: SyncConfig) -> str:
    """The sync password: from TUI_READER_SYNC_PASSWORD, else the first line printed by
    ``password_command`` (run without a shell, 30 s at most). Never logged nor stored."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not cfg.password_command:
        raise SyncError(f"no sync password: set {PASSWORD_ENV} or sync.password_command")
    name = cfg.password_command[0]
    try:
        run = subprocess.run(
            list(cfg.password_command),
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError:
        raise SyncError(f"sync.password_command: {name!r} was not found") from None
    except subprocess.TimeoutExpired:
        raise SyncError(f"sync.password_command: {name!r} did not finish in 30 s") from None
    except OSError as exc:
        raise SyncError(f"sync.password_command: {name!r}: {exc.strerror or exc}") from None
    if run.returncode != 0:
        # Its output is not shown: it could hold the password.
        raise SyncError(f"sync.password_command: {name!r} exited with status {run.returncode}")
    lines = run.stdout.splitlines()
    if not lines or not lines[0]:
        raise SyncError(f"sync.password_command: {name!r} printed no password")
    return lines[0]


def run_sync(
    store_path: Path, config: Config, progress: Progress | None = None, *, full: bool = False
) -> SyncSummary:
    """One sync of the store at ``store_path`` (blocking: a worker thread in the app)."""
    from tui_reader.net import FetchLimits
    from tui_reader.store import Store

    cfg = config.sync
    if not cfg.enabled:
        raise SyncError("sync is off: set [sync] service, url and user in the config file")
    secret = password(cfg)
    client = TtRssClient(cfg.url, cfg.user, limits=FetchLimits.from_config(config.refresh))
    with Store.open(store_path) as store:
        summary = sync_once(store, client, secret, progress, full=full)
        if not summary.failed_at_start:
            # Every feed is now as fresh as the server has it: due again after the interval.
            minutes = max(1, config.refresh.interval_minutes)
            state.set_next_fetch(store, time.time() + minutes * 60)
    return summary


@dataclass
class SyncRefresh:
    """A sync seen as a refresh (what the app's refresh reports: new_articles, failed)."""

    sync: SyncSummary
    new_articles: int = 0
    updated_articles: int = 0
    failed: list[tuple[object, str]] = field(default_factory=list)


def refresh_by_sync(
    store_path: Path, config: Config, progress: Callable[[Any], None] | None = None
) -> SyncRefresh:
    """``refresh`` with sync on: pull from the server (it fetches the feeds). A sync that
    could not start raises SyncError (one clear line)."""
    summary = run_sync(store_path, config)
    if summary.failed_at_start:
        raise SyncError(summary.errors[0])
    return SyncRefresh(
        summary,
        new_articles=summary.articles_new,
        failed=[(None, e) for e in summary.errors],
    )
