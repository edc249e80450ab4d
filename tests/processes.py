"""What processes a test left behind, read from /proc (no psutil)."""

from __future__ import annotations

import os
from multiprocessing import forkserver, resource_tracker
from pathlib import Path


def _children() -> dict[int, list[int]]:
    """Every live process's children, by parent pid."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def leftover_processes() -> list[int]:
    """Pids of every descendant of this process, except multiprocessing's own helpers that
    live as long as this process does (the forkserver and the resource tracker) — their
    children, the workers, are counted."""
    helpers = {
        getattr(forkserver._forkserver, "_forkserver_pid", None),
        getattr(resource_tracker._resource_tracker, "_pid", None),
    }
    tree = _children()
    found: list[int] = []
    todo = list(tree.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        if pid not in helpers:
            found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def group_members(pgid: int) -> list[int]:
    """Pids of the live processes of process group ``pgid`` (wherever their parents are)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile
                continue
    return found
