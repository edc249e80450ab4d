"""Files in the export folder: safe names, atomic writes, and finding an article's file again
by the id in its front matter (wherever in the folder it was moved, whatever it was renamed)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from tui_reader.export.data import ExportError
from tui_reader.export.regions import front_matter_value, split_front_matter
from tui_reader.sanitize import clean_line

MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 180  # well under the 255 bytes most file systems allow, room for " (12).md"
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
_DROP = re.compile(r'[<>"?*#^\[\]{}]')
_DASH = re.compile(r"[/\\|]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_HEAD_BYTES = 32768
_MAX_HEAD_BYTES = 4 * 1024 * 1024  # a front matter longer than this is no export's
_FENCE_END = re.compile(rb"\n(?:---|\.\.\.)\r?\n")


def safe_filename(title: str, fallback: str = "Untitled") -> str:
    """A file name stem from a title, valid on Linux, macOS and Windows and as an Obsidian
    link target: no path separators or reserved characters, no leading dot, not a reserved
    device name, at most 100 characters / 180 bytes (cut at a word where possible)."""
    name = _TAG.sub("", clean_line(title))
    name = name.replace(":", " -")
    name = _DASH.sub("-", name)
    name = _DROP.sub("", name)
    name = " ".join(name.split()).strip(" .-")
    if len(name) > MAX_NAME_CHARS or len(name.encode()) > MAX_NAME_BYTES:
        cut = name[:MAX_NAME_CHARS]
        while len(cut.encode()) > MAX_NAME_BYTES:
            cut = cut[:-1]
        if " " in cut[MAX_NAME_CHARS // 2 :]:
            cut = cut[: cut.rfind(" ")]
        name = cut.strip(" .-")
    if not name:
        name = clean_line(fallback) or "Untitled"
    if name.split(".")[0].upper() in _RESERVED:
        name = name + "_"
    return name


def unique_path(folder: Path, stem: str, suffix: str = ".md") -> Path:
    """``folder/stem.md``, or ``stem (2).md`` and so on if taken (case-insensitively)."""
    return FreeNames(folder).take(stem, suffix)


class FreeNames:
    """The names free in ``folder`` for one run of exports (see :func:`unique_path`): the
    folder is listed once, each name handed out is taken, and each name's next number is
    remembered. (Listing the folder for each of 16,000 articles, and trying "Title (2)",
    "Title (3)"... from the start for each article of one title, took minutes.)"""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            self.taken = {p.name.casefold() for p in folder.iterdir()}
        except OSError:
            self.taken = set()
        self._next: dict[str, int] = {}

    def take(self, stem: str, suffix: str = ".md") -> Path:
        name = stem + suffix
        key = name.casefold()
        n = self._next.get(key, 2)
        while name.casefold() in self.taken:
            name = f"{stem} ({n}){suffix}"
            n += 1
        self._next[key] = n
        self.taken.add(name.casefold())
        return self.folder / name


def ensure_folder(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot create the export folder {folder}: {exc.strerror or exc}"
        ) from exc
    if not folder.is_dir():
        raise ExportError(f"the export folder {folder} is not a folder")
    return folder


def is_stream(path: Path) -> bool:
    """Whether ``path`` is something other than a regular file or folder: a FIFO, a device,
    ``/dev/stdout``. Such a target is written to as it is (atomic_write) and never read
    first: reading one waits for a writer (a FIFO, and /dev/stdout on a pipe is that very
    pipe's read end), which hung ``export -o /dev/stdout | head`` for good."""
    try:
        kind = os.stat(path).st_mode  # (follows links)
    except OSError:
        return False
    return not stat.S_ISREG(kind) and not stat.S_ISDIR(kind)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that it is either the old file or the new one, never a
    mix: a temporary file in the same folder, flushed to disk, renamed over the target. On
    any failure the temporary file is removed and ExportError says what went wrong.

    A symbolic link is written through (the file it names is replaced, the link kept: a
    dotfiles folder's list stayed old while the link became a copy); a path that is no
    regular file (a FIFO, /dev/stdout, a device) is written to as it is, not replaced."""
    try:
        kind = os.stat(path).st_mode  # (follows links)
    except OSError:
        kind = None
    if kind is not None and not stat.S_ISREG(kind):
        if stat.S_ISDIR(kind):
            raise ExportError(f"cannot write {path}: it is a folder")
        try:
            # Without waiting: a FIFO that no process reads would hold the command for ever.
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise ExportError(f"cannot write {path}: no process reads from it") from exc
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        try:
            os.set_blocking(fd, True)
            with open(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # (a dangling link: the file it names, made)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tui-reader-", suffix=".tmp")
    except OSError as exc:
        raise ExportError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def read_text(path: Path) -> str:
    """A file's text, its line breaks as "\n" (as Python reads text)."""
    return read_text_and_endings(path)[0]


def read_text_and_endings(path: Path) -> tuple[str, bool]:
    """:func:`read_text`, and whether most of the file's lines ended in CRLF (a file saved on
    Windows, to be written back so): one read of the file for both."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path} is not UTF-8 text; not touching it") from exc
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from exc
    crlf = raw.count(b"\r\n")
    return text.replace("\r\n", "\n").replace("\r", "\n"), crlf > 0 and 2 * crlf > raw.count(b"\n")


def _head(path: Path) -> str:
    """The start of a file, its whole front matter when it has one of up to _MAX_HEAD_BYTES
    (one of 3,000 properties did not fit in the first read, and the file was not found)."""
    with path.open("rb") as f:
        data = f.read(_HEAD_BYTES)
        if len(data) == _HEAD_BYTES and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"---"):
            seen = 3  # (each read is searched once, from just before it)
            while len(data) < _MAX_HEAD_BYTES and not _FENCE_END.search(data, seen):
                more = f.read(_HEAD_BYTES)
                if not more:
                    break
                seen = max(3, len(data) - 8)
                data += more
    return data.decode("utf-8", "replace")


def index_folder(folder: Path, key: str = "article_id") -> dict[str, Path]:
    """Every Markdown file under ``folder`` (hidden folders such as .obsidian and .trash
    skipped) by the ``key`` in its front matter. When two files claim one id, the one with
    the shorter name wins, then the one modified last: a copy's name is the original's and
    more (a sync tool's "(conflicted copy …)", a file manager's " copy" or " (1)"), and the
    copy, made later, was updated while the user's own file went stale."""
    found: dict[str, tuple[int, float, Path]] = {}
    if not folder.is_dir():
        return {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.lower().endswith(".md") or name.startswith("."):
                continue
            path = Path(root) / name
            try:
                head = _head(path)
                mtime = path.stat().st_mtime
            except OSError:
                continue
            fm, _ = split_front_matter(head)
            if fm is None:
                continue
            value = front_matter_value(fm, key)
            rank = (-len(name), mtime)
            if value and (value not in found or found[value][:2] < rank):
                found[value] = (*rank, path)
    return {k: p for k, (_, _, p) in found.items()}
