"""Shared fixtures: an isolated environment (no real user data is ever touched), a real SQLite
store in a temp dir, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import TestServer
from tests.tmux import Tmux
from tests.ttrss import TtRss
from tests.ttrss import running as ttrss_running
from tests.ttrss import unavailable as ttrss_unavailable
from tui_reader.paths import Paths, get_paths
from tui_reader.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TUI_READER_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """Every test gets its own XDG folders under tmp_path."""
    monkeypatch.delenv("TUI_READER_HOME", raising=False)
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DOCUMENTS_DIR", "documents"),
    ):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / sub))
    return get_paths()


@pytest.fixture
def paths(isolated_env: Paths) -> Paths:
    return isolated_env


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    paths.ensure()
    s = Store.open(paths.database)
    yield s
    s.close()


@pytest.fixture
def server() -> Iterator[TestServer]:
    srv = TestServer().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def no_workers_left() -> Iterator[None]:
    """Documents are read in worker processes (tui_reader.budget); the pool shared by a
    process lives until it exits. Each test stops it, so no test sees another's workers."""
    yield
    from tui_reader.budget import close_shared_workers

    close_shared_workers()


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = Tmux()
    try:
        yield session
    finally:
        subprocess.run(
            ["tmux", "-L", session.socket, "kill-server"], capture_output=True, timeout=20
        )


@pytest.fixture(scope="session")
def ttrss_server() -> Iterator[TtRss]:
    """A real Tiny Tiny RSS (tests/ttrss.py), one per test session (each test makes its own
    user). Its tests are in one xdist group: port 80 (the feed server) is one per machine."""
    reason = ttrss_unavailable()
    if reason:
        pytest.skip(reason)
    with ttrss_running() as server:
        yield server
