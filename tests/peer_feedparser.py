"""feedparser's own test suite, the yardstick for the parser's fast path (tui_reader.feeds.fastxml).

The fast path must read a feed exactly as feedparser does, or decline. The corpus checks that
on real feeds; feedparser's suite (``tests/wellformed``, ``illformed``, ``entities``,
``encoding``: ~2,200 small documents, one per element, attribute and quirk its authors thought
of) checks it on cases nobody here chose. It ships in feedparser's source archive on PyPI:
:func:`suite` downloads the archive of the installed version once (``pip download``), keeps its
``tests`` folder under ``.peer/`` (not in git), and gives None, with the reason, when it cannot
(no network, no archive for that version).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

PEER = REPO / ".peer"
DOWNLOAD_SECONDS = 120


def suite() -> tuple[Path | None, str]:
    """(the ``tests`` folder of the installed feedparser's source archive, "") or
    (None, why not)."""
    version = importlib.metadata.version("feedparser")
    target = PEER / f"feedparser-{version}" / "tests"
    if target.is_dir():
        return target, ""
    PEER.mkdir(exist_ok=True)
    with _locked(PEER / ".lock"):  # (several test processes may ask at once)
        if target.is_dir():
            return target, ""
        with tempfile.TemporaryDirectory(dir=PEER) as tmp:
            try:
                pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
                subprocess.run(
                    [*pip, "--no-binary", ":all:", f"feedparser=={version}", "-d", tmp],
                    check=True,
                    capture_output=True,
                    timeout=DOWNLOAD_SECONDS,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                said = getattr(exc, "stderr", None) or b""
                last = said.decode(errors="replace").strip().splitlines()[-1:] or [str(exc)]
                return None, f"feedparser {version}'s source archive not downloaded: {last[0]}"
            archives = list(Path(tmp).glob("feedparser-*.tar.gz"))
            if len(archives) != 1:
                return None, f"no source archive of feedparser {version}"
            unpacked = Path(tmp) / "unpacked"
            with tarfile.open(archives[0]) as tar:
                members = [m for m in tar.getmembers() if m.name.split("/")[1:2] == ["tests"]]
                tar.extractall(unpacked, members=members, filter="data")
            found = unpacked / f"feedparser-{version}" / "tests"
            if not (found / "wellformed").is_dir():
                return None, f"feedparser {version}'s archive holds no test suite"
            target.parent.mkdir(exist_ok=True)
            shutil.move(str(found), target)  # whole or not at all: the check above
    return target, ""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


FOLDERS = ("wellformed", "illformed", "entities", "encoding")  # the folders of documents
