"""The settings of a refresh's parser processes, and their early start.

``tui-reader refresh`` calls :func:`fork_early` first of all, before its own imports: a process
forked then imports the parsers and forks the workers from itself on the core the refresh's
start-up leaves idle (tui_reader.budget.Forker), and the refresh takes them
(:func:`tui_reader.budget.take_early`) when its first fetches go out. Light on purpose: the
command imports this module before anything else of the refresh's."""

from __future__ import annotations

from pathlib import Path

from tui_reader import budget

# The parsers run at a lower priority than this process, which stores what they send back: when
# they took the cores, its writes fell behind and the refresh ended with a backlog to store.
WORKER_NICE = 5
WARM_UP = "tui_reader.feeds.parse:warm_up"  # what a worker runs before its first feed


# Feeds without validators (ETag, Last-Modified) from which a refresh starts a parser per core
# at once (tui_reader.feeds.refresh): most such feeds send a body. Fewer, and most feeds will
# answer 304: the refresh starts one worker, cold, and needs no early ones.
POOL_AT_START = 8


def fork_early(database: Path) -> None:
    """Fork the parser processes of a refresh about to start when the refresh will want them
    at once: at least POOL_AT_START feeds in ``database`` without validators (a first refresh;
    checked read-only, ~1 ms; nothing when it cannot be read). Only while this process runs a
    single thread; nothing otherwise."""
    from tui_reader.feeds.welcome import WELCOME_URL
    from tui_reader.store.peek import unvalidated_feeds

    if unvalidated_feeds(database, besides=WELCOME_URL) >= POOL_AT_START:
        budget.fork_early(budget.per_core(), WARM_UP, nice=WORKER_NICE, queueing=True)
