"""The network layer keeps httpx's command-line tool (click, rich, pygments) out of a refresh,
and httpx's ``main`` still works when asked for."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_httpx_is_imported_without_its_command_line_tool() -> None:
    done = _run(
        "import sys, tui_reader.net, httpx\n"
        "httpx.AsyncHTTPTransport\n"
        "print(sorted(m for m in ('httpx._main', 'click', 'pygments') if m in sys.modules))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['httpx._main']"  # the stand-in only
    helped = _run("import tui_reader.net, httpx, sys\nsys.argv = ['httpx', '--help']\nhttpx.main()")
    assert helped.returncode == 0, helped.stderr
    assert "Usage" in helped.stdout
