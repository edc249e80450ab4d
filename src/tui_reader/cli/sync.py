"""``tui-reader sync``: one two-way sync with the feed server set in ``[sync]``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from tui_reader.cli.common import CommandError, load_settings, open_reader
from tui_reader.sanitize import clean_line

if TYPE_CHECKING:
    import argparse

    from tui_reader.sync import SyncSummary


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sync",
        help="sync feeds, articles, read/starred and notes with a feed server",
        description="Run one two-way sync with the feed server set in [sync] (Tiny Tiny RSS):"
        " subscriptions, new articles, read and starred state, and article notes. The password"
        " comes from TUI_READER_SYNC_PASSWORD or sync.password_command.",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="read every feed's read/starred state and notes from the server again, not only"
        " those whose counts changed",
    )
    p.set_defaults(func=run_sync_command)


def _count(n: int, what: str) -> str:
    return f"{n} {what}"


def print_summary(summary: SyncSummary, out: Any = None) -> None:
    out = out or sys.stdout
    s = summary
    if s.account_before:
        print(
            f"The [sync] account changed (it was {clean_line(s.account_before)}): its links were"
            " forgotten and this sync linked feeds and articles afresh; nothing here was removed.",
            file=out,
        )
    if s.relinked:
        print(
            f"The server lists none of the {s.relinked} feeds linked to it (a reset account?):"
            " they were kept here and linked afresh, subscribed there again where it lacks them"
            " (unsubscribe them here to remove them).",
            file=out,
        )
    print(
        f"Feeds: {len(s.feeds_added_here)} added here, {len(s.feeds_removed_here)} removed here,"
        f" {len(s.feeds_added_there)} added on the server,"
        f" {len(s.feeds_removed_there)} removed on the server.",
        file=out,
    )
    print(
        f"Articles: {s.articles_new} fetched"
        + (f", {s.articles_matched} matched to ones here" if s.articles_matched else "")
        + (f", {s.kept_in_saved} kept under Saved" if s.kept_in_saved else "")
        + ".",
        file=out,
    )
    print(
        f"Pushed: {s.read_pushed} read/unread, {s.starred_pushed} starred, {s.notes_pushed} notes."
        f" Pulled: {s.read_pulled} read/unread, {s.starred_pulled} starred,"
        f" {s.notes_pulled} notes.",
        file=out,
    )
    for error in s.errors:
        print(f"  error: {clean_line(error)}", file=out)


def run_sync_command(args: argparse.Namespace) -> int:
    from tui_reader.sync import SyncError

    paths, config = load_settings()
    if not config.sync.enabled:
        raise CommandError(
            "sync is off: set [sync] service, url and user in "
            f"{paths.config_file} (see the README)",
            status=2,
        )
    with open_reader(paths, config) as reader:  # a clear message for an unusable data folder
        try:
            summary = reader.sync(full=bool(getattr(args, "full", False)))
        except SyncError as exc:
            raise CommandError(str(exc)) from None
    if summary.failed_at_start:
        # Nothing was done (the login failed, the server is down): one clear line.
        raise CommandError(f"sync: {summary.errors[0]}")
    print_summary(summary)
    return 1 if summary.errors else 0
