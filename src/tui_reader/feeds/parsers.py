"""The settings of a refresh's parser processes, and their early start.

``tui-reader refresh`` calls :func:`fork_early` first of all, before its own imports: a process
forked then imports the parsers and forks the workers from itself on the core the refresh's
start-up leaves idle (tui_reader.budget.Forker), and the refresh takes them
(:func:`tui_reader.budget.take_early`) when its first fetches go out. Light on purpose: the
command imports this module before anything else of the refresh's."""

from __future__ import annotations

import os

from tui_reader import budget

# The parsers run at a lower priority than this process, which stores what they send back: when
# they took the cores, its writes fell behind and the refresh ended with a backlog to store.
WORKER_NICE = 5
WARM_UP = "tui_reader.feeds.parse:warm_up"  # what a worker runs before its first feed


def workers() -> int:
    """How many parser processes a refresh runs at most: one per core, up to four."""
    return max(1, min(os.cpu_count() or 1, 4))


def fork_early() -> None:
    """Fork the parser processes of a refresh about to start (only while this process runs a
    single thread; nothing otherwise)."""
    budget.fork_early(workers(), WARM_UP, nice=WORKER_NICE, queueing=True)
