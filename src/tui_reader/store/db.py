"""The SQLite connection: pragmas, migrations (with a backup first), write transactions.

Every write runs in ``BEGIN IMMEDIATE`` so that two running instances wait for each other
(within ``busy_timeout``) instead of failing with "database is locked" mid-transaction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui_reader.errors import ReaderError
from tui_reader.sanitize import clean_line
from tui_reader.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


class StoreError(ReaderError):
    """The database cannot be used; the message says why and what to do."""


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and str(conn.execute("PRAGMA database_list").fetchone()[2]):
        raise StoreError(f"could not switch the database to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = NORMAL")
    # 16 MB of page cache rather than 2 MB: a refresh writes tens of MB of article text and
    # its indexes; with the small cache, pages were spilled and re-read (~12% of storing).
    conn.execute("PRAGMA cache_size = -16384")
    # Sub-journals in memory, not in temporary files. A refresh's batch is one transaction
    # with a savepoint per feed (Store.store_fetches); each page a feed changes that the feeds
    # before it had changed is copied to the sub-journal first, for a rollback to that
    # savepoint. On disk that was a file written and deleted per batch: ~50 MB of writes for
    # a cold refresh of 500 feeds (strace), 5-15 % of storing's CPU. In memory it is emptied
    # at each savepoint's release. Sorts are the other temporary data; none here is larger
    # than an index.
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")


_SQLITE_HEADER = b"SQLite format 3\x00"


def backups(path: Path) -> list[Path]:
    """The backups of the database at ``path``, newest first: the files of the backups folder
    named as backups that are SQLite databases with something in them (an empty file, a
    folder, another kind of file named so is none, even when it is the newest)."""
    folder = path.parent / "backups"
    found: list[tuple[float, Path]] = []
    try:
        for candidate in folder.glob(f"{path.stem}-*.sqlite3"):
            try:
                stat = candidate.stat()
                if not candidate.is_file() or stat.st_size < 512:
                    continue
                with candidate.open("rb") as f:
                    if f.read(16) != _SQLITE_HEADER:
                        continue
            except OSError:
                continue
            found.append((stat.st_mtime, candidate))
    except OSError:
        return []
    return [p for _, p in sorted(found, reverse=True)]


def latest_backup(path: Path) -> Path | None:
    found = backups(path)
    return found[0] if found else None


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def _damaged(path: Path, what: str) -> str:
    backup_file = latest_backup(path)
    offer = (
        f" The newest backup is {backup_file}; `tui-reader restore-backup` puts it in place"
        " (the damaged file is kept beside it, never overwritten)."
        if backup_file
        else " There is no backup to restore; `tui-reader restore-backup FILE` takes one."
    )
    return f"the database {path} is damaged ({what}); nothing was changed.{offer}"


def explain_error(path: Path, exc: sqlite3.Error) -> str:
    """One line saying what went wrong with the database at ``path`` and what to do: for
    errors when opening it, and for those found later (damage in a page only now read, a
    disk that filled up during a write)."""
    text = str(exc)
    low = text.lower()
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return _damaged(path, text)
    if (
        "disk is full" in low
        or "database or disk is full" in low
        or ("disk i/o error" in low and _disk_full(path))
    ):
        return f"the disk holding {path} is full; free some space and try again"
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
            return f"cannot write the database {path}: the folder {path.parent} is read-only"
        return (
            f"cannot write the database {path} ({text}): check that its folder exists and is"
            " writable"
        )
    return f"cannot use the database {path}: {text}"


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``.

    Any failure is a :class:`StoreError` with a message that says what to do; a damaged file is
    never modified or replaced here.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {path.parent}: {exc.strerror}") from exc
    if _emptied(path):
        # SQLite would take an empty file for a new database and start afresh on top of it.
        raise StoreError(_damaged(path, "the file is empty, yet backups of it exist"))
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.row_factory = sqlite3.Row
        _refuse_foreign(conn, path)  # (before anything is written: WAL mode is, in its header)
        _configure(conn)
        migrate(conn, path)
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise StoreError(explain_error(path, exc)) from exc
    except StoreError:
        if conn is not None:
            conn.close()
        raise
    return conn


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Another program's database where the store should be (a wrong XDG_DATA_HOME, a link,
    a copy mixed up): the whole schema and the welcome feed were written into it. A database
    of no tui-reader schema that holds anything is refused, unchanged."""
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) != 0:
        return
    other = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1"
    ).fetchone()
    if other is not None:
        raise StoreError(
            f"{path} is not a tui-reader database (it has a {other[0]}"
            f" {clean_line(str(other[1]))[:80]!r} that tui-reader never makes); nothing was"
            " changed"
        )


def _emptied(path: Path) -> bool:
    """An existing database file of 0 bytes, when backups show it once held data."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        return False
    if not empty:
        return False
    wal = path.with_name(path.name + "-wal")
    return latest_backup(path) is not None and not (wal.exists() and wal.stat().st_size > 0)


def restore_backup(path: Path, backup_file: Path) -> Path:
    """Put ``backup_file`` in place of the database; the current file (and its WAL) is moved
    aside, never deleted. Returns where the old file went."""
    if backup_file.is_dir():
        raise StoreError(f"{backup_file} is a folder, not a backup")
    if backup_file.stat().st_size == 0:
        # (SQLite reads an empty file as an empty database: the store would start afresh.)
        raise StoreError(f"{backup_file} is empty: not a backup")
    check = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        check.execute("PRAGMA query_only = ON")
        check.execute("PRAGMA trusted_schema = OFF")
        # The schema first: checking the integrity of an index computes its expressions.
        _check_schema(check, backup_file)
        if int(check.execute("PRAGMA user_version").fetchone()[0]) == 0:
            # (An empty database: the store would start afresh, everything in it gone.)
            raise StoreError(f"{backup_file} is not a tui-reader backup: it holds no store")
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise StoreError(f"the backup {backup_file} is damaged too; pick another one")
    except sqlite3.Error as exc:
        raise StoreError(f"{backup_file} is not a usable database: {exc}") from exc
    finally:
        check.close()
    if _in_use(path):
        raise StoreError(
            f"the database {path} is open in another tui-reader (the app, a refresh): quit it"
            " first; nothing was changed"
        )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}-damaged-{stamp}{path.suffix}")
    # The copy first, beside the store, under a name of its own; only once it is whole are
    # the files swapped (two renames). A copy that failed (a full disk) left the store as
    # an empty file and the good one named "damaged".
    incoming = path.with_name(f".{path.name}.restoring")
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        dest = sqlite3.connect(incoming)
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
        with incoming.open("rb+") as f:
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            incoming.unlink()
        raise
    if path.exists():
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
    incoming.rename(path)
    return aside


# Where every connection to a WAL database holds a shared lock for as long as it is open:
# the "DMS" byte of its -shm file (SQLite's wal.c: WALINDEX_LOCK_OFFSET 120, slot 8), which
# SQLite itself tries to lock exclusively to learn it is the only one.
_SHM_DMS_BYTE = 128


def _in_use(path: Path) -> bool:
    """Whether another process has the database open (a running app kept writing to the
    file a restore had moved aside, saying "saved")."""
    import fcntl

    try:
        fd = os.open(path.with_name(path.name + "-shm"), os.O_RDWR)
    except OSError:
        return False  # (no -shm: nobody has it open in WAL mode)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


# SQLite's own tables: their content is SQLite's (sqlite_stat1 comes with ANALYZE).
_SQLITE_OWN = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat4")


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """Every table, index, view and trigger: its type, name and definition (blanks folded)."""
    return {
        (str(kind), str(name), " ".join(str(sql or "").split()))
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
        if name not in _SQLITE_OWN
    }


def schema_at(version: int) -> set[tuple[str, str, str]]:
    """The schema a store has at ``version``: its migrations' up to it, run on an empty
    database in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        for number in range(version):
            for statement in _split_sql(MIGRATIONS[number]):
                conn.execute(statement)
        return _schema(conn)
    finally:
        conn.close()


def _check_schema(conn: sqlite3.Connection, backup_file: Path) -> None:
    """Refuse a file whose schema is not one a tui-reader store has had. An SQLite file
    holds code as well as data: a trigger, a view, an index on an expression or a generated
    column put in a "backup" would run inside every later refresh (an endless trigger hung
    each one for good)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the backup {backup_file} was written by a newer tui-reader (schema {version},"
            f" this one knows {SCHEMA_VERSION}); upgrade tui-reader to restore it"
        )
    found = _schema(conn)
    expected = schema_at(version)
    if found != expected:
        extra = sorted(found - expected)
        missing = sorted(expected - found)
        what = (
            f"it has a {extra[0][0]} {clean_line(extra[0][1])[:80]!r} that tui-reader never makes"
            if extra
            else f"it lacks the {missing[0][0]} {missing[0][1]!r}"
        )
        raise StoreError(f"{backup_file} is not a tui-reader backup (schema {version}): {what}")


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception, a failed COMMIT
    (a full disk) included, and the original error raised (SQLite may have rolled back
    already, and "no transaction is active" must not hide why)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


class Checkpointer:
    """Copies the write-ahead log into the database file on a thread and connection of its
    own, while ``conn`` (a writer that commits often: a refresh) has its automatic checkpoints
    turned off. SQLite's own checkpoint runs inside the COMMIT that grows the log past 1,000
    pages and waits there for the disk to sync: measured on a cold refresh of 500 feeds, about
    half of the 0.5-0.8 s its COMMITs took. A PASSIVE checkpoint on another connection never
    blocks the writer. What is left when this stops, the last connection to close copies, as
    always. A checkpoint that fails is left to the next one (nothing is lost: the log keeps
    every commit until it is copied)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        import concurrent.futures
        import threading

        self._path = path
        self._conn = conn
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="tui-reader-checkpoint"
        )
        self._own: sqlite3.Connection | None = None  # used on the pool's one thread only
        self._lock = threading.Lock()
        self._queued = False
        self._used = False
        self._before = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        conn.execute("PRAGMA wal_autocheckpoint = 0")

    def request(self) -> None:
        """Ask for a checkpoint (after a commit); one already waiting to run covers it."""
        with self._lock:
            if self._queued:
                return
            self._queued = self._used = True
        self._pool.submit(self._run)

    def _run(self) -> None:
        with self._lock:
            self._queued = False
        try:
            if self._own is None:
                self._own = sqlite3.connect(self._path, timeout=0)
            self._own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            pass  # the next checkpoint, or the closing connection's, copies it

    def _close_own(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None

    def close(self) -> None:
        """Wait for the running checkpoint; automatic checkpoints back on for ``conn``."""
        if self._used:
            self._pool.submit(self._close_own)
        self._pool.shutdown(wait=True)
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {self._before}")


def backup(conn: sqlite3.Connection, path: Path, label: str) -> Path:
    """Copy the live database (WAL included) with SQLite's backup API: to a temporary file,
    checked (``quick_check``), then renamed to its name. A copy that could not be finished (a
    full disk) or that is damaged (a damaged store copies as it is) is removed: it was left
    as the newest backup, the one a damaged store's message names and ``restore-backup``
    takes. StoreError says why no backup was made."""
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{label}-{stamp}.sqlite3"
    n = 1
    while target.exists():
        target = folder / f"{path.stem}-{label}-{stamp}-{n}.sqlite3"
        n += 1
    partial = folder / f".{target.name}.partial"  # (not named as a backup until it is one)
    try:
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
            try:
                problems = [str(r[0]) for r in dest.execute("PRAGMA quick_check")]
            except sqlite3.DatabaseError as exc:  # (damaged past what the check reports)
                problems = [str(exc)]
        finally:
            dest.close()
        if problems != ["ok"]:
            raise StoreError(
                f"the database {path} is damaged ({problems[0]}): no backup was made of it;"
                " `tui-reader check` says more"
            )
        with partial.open("rb+") as f:
            os.fsync(f.fileno())
        partial.rename(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return target


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer tui-reader (schema {version}, this one knows"
            f" {SCHEMA_VERSION}); upgrade tui-reader to open it"
        )
    if version == SCHEMA_VERSION:
        return
    if version > 0:
        backup(conn, path, f"before-v{version + 1}")
    for number in range(version, SCHEMA_VERSION):
        with write_transaction(conn):
            # Re-check inside the lock: another instance may have migrated meanwhile.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current > number:
                continue
            for statement in _split_sql(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
