"""The suite's own xdist scheduler (tests/xdist_groups.py), run on a small suite in a child
pytest: a worker that dies mid-run costs one test, never the run. With pytest-xdist's own
``--dist loadgroup`` such a run hung to CI's limit (5400 s) with 3 tests left."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

_CONFTEST = "from tests.xdist_groups import pytest_xdist_make_scheduler  # noqa: F401\n"

# Twenty quick tests before and after a test that kills its worker (os._exit: as a segfault
# or an OOM kill would), and a group of three that must stay on one worker.
_FIRST = "import pytest\n\n@pytest.mark.parametrize('n', range(20))\ndef test_first(n): pass\n"
_CRASH = """
import os
from pathlib import Path

import pytest


@pytest.mark.xdist_group("g")
@pytest.mark.parametrize("n", range(3))
def test_grouped(n):
    assert os.environ["PYTEST_XDIST_WORKER"]


def test_crashes():
    mark = Path(os.environ["CRASH_MARK"])
    if os.environ["CRASH"] == "always" or not mark.exists():
        mark.touch()
        os._exit(1)
"""
_LAST = "import pytest\n\n@pytest.mark.parametrize('n', range(20))\ndef test_last(n): pass\n"


def _run(tmp_path: Path, crash: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    (tmp_path / "test_a.py").write_text(_FIRST)
    (tmp_path / "test_m.py").write_text(_CRASH)
    (tmp_path / "test_z.py").write_text(_LAST)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "CRASH_MARK": str(tmp_path / "crashed"),
        "CRASH": crash,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2"]
    command += [
        "--dist",
        "loadgroup",
        "--reruns",
        "1",
        "-q",
        "-rA",
        "-rR",
        "--rerun-show-tracebacks",
        str(tmp_path),
    ]
    try:
        return subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the run hung after its worker crashed:\n{e.stdout!r}")


def test_a_test_that_kills_its_worker_once_is_rerun_and_the_run_ends(tmp_path: Path) -> None:
    done = _run(tmp_path, "once")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RERUN test_m.py::test_crashes" in done.stdout, done.stdout
    assert "crashed while running 'test_m.py::test_crashes'" in done.stdout, done.stdout
    assert "44 passed, 1 rerun" in done.stdout, done.stdout


def test_a_test_that_kills_every_worker_fails_and_every_other_test_runs(tmp_path: Path) -> None:
    done = _run(tmp_path, "always")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED test_m.py::test_crashes" in done.stdout, done.stdout
    assert "1 failed, 43 passed, 1 rerun" in done.stdout, done.stdout
