"""The installed ``tui-reader`` command in tmux, for the end-to-end tests: a private tmux
server per test (``tmux`` fixture in conftest.py), an environment of its own, keys in and the
screen out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

COMMAND = Path(sys.executable).parent / "tui-reader"


class Tmux:
    def __init__(self) -> None:
        self.socket = "tui-reader-e2e-" + uuid.uuid4().hex[:8]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        )
        return done.stdout

    def start(self, env: dict[str, str], *argv: str, size: tuple[int, int] = (120, 40)) -> None:
        """Run ``argv`` (after the installed command) in a new session named "reader" of
        ``size`` columns x rows, with ``env`` as its whole environment."""
        self.run(
            "new-session",
            "-d",
            "-s",
            "reader",
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            "env",
            "-i",
            *[f"{key}={value}" for key, value in env.items()],
            str(COMMAND),
            *argv,
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "reader")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "reader", *keys)

    def wait_gone(self, timeout: float = 20.0) -> bool:
        """Wait for the app to end (its session, and so the tmux server, goes away)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.run("has-session", "-t", "reader")
            except subprocess.CalledProcessError:
                return True
            time.sleep(0.1)
        return False

    def press_until(self, key: str, text: str, *, not_yet: str, tries: int = 20) -> str:
        """Press ``key`` until ``text`` shows; the app saying ``not_yet`` (a notice that it
        is still loading) means try again. Anything else that never shows ``text`` fails."""
        for _ in range(tries):
            self.keys(key)
            shown = self.wait_for_any(text, not_yet)
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed after {tries} tries")

    def wait_for_any(self, *texts: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if any(text in shown for text in texts):
                return shown
            time.sleep(0.05)
        raise AssertionError(f"none of {texts!r} showed; the screen was:\n{shown}")

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen was:\n{shown}")


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NO_PROXY": "127.0.0.1",
    }
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DOCUMENTS_DIR", "documents"),
    ):
        env[var] = str(tmp_path / "xdg" / sub)
    return env
