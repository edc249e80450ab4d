"""The commands as Unix tools: an output that stops taking what is written (a pipe closed by
``head``, a full disk), closed standard streams, SIGTERM, end of input at a prompt, a locale
that cannot write a title. Never a traceback, never work cut short by its output, a status
that says what happened (cli/streams.py)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.fixtures.feeds.builders import rss
from tests.httpserver import TestServer
from tui_reader.paths import Paths
from tui_reader.store import Store

CLI = [sys.executable, "-m", "tui_reader"]


def _feeds(paths: Paths, server: TestServer, count: int, title: str = "Feed") -> list[str]:
    paths.ensure()
    urls = [server.route(f"/f{n}.xml", rss(title=f"{title} {n}")) for n in range(count)]
    store = Store.open(paths.database)
    try:
        for url in urls:
            store.add_feed(url)
    finally:
        store.close()
    return urls


def _not_fetched(paths: Paths) -> int:
    store = Store.open(paths.database)
    try:
        return sum(1 for f in store.list_feeds() if f.last_fetched is None)
    finally:
        store.close()


def test_a_refresh_whose_reader_goes_away_still_refreshes_every_feed(
    paths: Paths, server: TestServer
) -> None:
    """``refresh | head -1``: the pipe closed, the progress line failed inside the refresh
    loop and the feeds after it were never fetched, exit 0."""
    _feeds(paths, server, 12)
    read, write = os.pipe()
    os.close(read)  # (nobody reads: the first line written fails)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [*CLI, "refresh"], stdout=write, stderr=subprocess.PIPE, env=env, timeout=60
    )
    os.close(write)
    assert b"Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 141  # (a command whose output pipe closed, as SIGPIPE's)
    assert _not_fetched(paths) == 0


def test_output_to_a_full_disk_is_one_line_and_a_failure(paths: Paths) -> None:
    for command in (["feeds"], ["--version"], ["locate"], ["export-opml"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [*CLI, *command], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
            )
        assert proc.returncode == 1, (command, proc.stderr)
        assert proc.stderr == "tui-reader: cannot write output: No space left on device\n"


def test_closed_standard_streams(paths: Paths) -> None:
    """A closed stdout is a failure to write (export-opml "succeeded" writing nothing, or
    raised AttributeError); with stderr closed an error went into stdout, among the data."""
    proc = subprocess.run(
        [*CLI, "export-opml"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.returncode == 0
    closed = subprocess.run(
        ["sh", "-c", f"{sys.executable} -m tui_reader export-opml >&-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert closed.returncode == 1 and "Traceback" not in closed.stderr
    assert "cannot write output: standard output is closed" in closed.stderr
    no_stderr = subprocess.run(
        ["sh", "-c", f"{sys.executable} -m tui_reader add ftp://x.example/f 2>&-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert no_stderr.returncode != 0 and no_stderr.stdout == ""


def test_sigterm_ends_a_command_as_an_interrupt_does(paths: Paths, server: TestServer) -> None:
    paths.ensure()
    release = threading.Event()
    slow = server.route("/slow.xml", rss(title="Slow"), wait=lambda: release.wait(30))
    store = Store.open(paths.database)
    store.add_feed(slow)
    store.close()
    proc = subprocess.Popen([*CLI, "refresh"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.0)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    release.set()
    assert proc.returncode == 143, err
    assert err.decode().strip().endswith("tui-reader: terminated")
    assert b"Traceback" not in err


def test_end_of_input_at_the_remove_prompt_keeps_the_feed(paths: Paths, server: TestServer) -> None:
    _feeds(paths, server, 1)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*CLI, "remove", "1"], stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        seen += os.read(leader, 1024)
    os.write(leader, b"\x04")  # Ctrl-D
    proc.wait(timeout=30)
    with_rest = seen
    try:
        while True:
            chunk = os.read(leader, 1024)
            if not chunk:
                break
            with_rest += chunk
    except OSError:
        pass
    os.close(leader)
    assert b"Traceback" not in with_rest and b"Nothing removed." in with_rest
    assert proc.returncode == 1
    store = Store.open(paths.database)
    assert len(store.list_feeds()) == 2  # (and the welcome feed)
    store.close()


def test_a_title_the_c_locale_cannot_write_is_escaped(paths: Paths, server: TestServer) -> None:
    _feeds(paths, server, 1, title="Café Müller")
    assert subprocess.run([*CLI, "refresh"], capture_output=True, timeout=60).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0")
    proc = subprocess.run([*CLI, "feeds"], capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert b"Caf\\xe9 M\\xfcller 0" in proc.stdout


def test_the_reader_without_a_terminal_says_so_at_once(paths: Path) -> None:
    proc = subprocess.run(CLI, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert proc.stdout == "" and "needs a terminal" in proc.stderr
