"""`tui-reader import`: subscriptions from OPML or newsboat's ``urls`` file, and read and
starred state from newsboat's ``cache.db``. Each file's format is judged by its content."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.cli.common import CommandError, load_settings, warn
from tui_reader.sanitize import clean_line, shown_url

if TYPE_CHECKING:
    from tui_reader.reader import Reader


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="subscribe to the feeds in an OPML or newsboat urls file (and take newsboat's"
        " read and flagged state from its cache.db)",
        description="Subscribe to every feed in FILE: OPML (nested outlines become folders;"
        " a file that is not well-formed XML is read leniently) or newsboat's urls file (a"
        ' "~title" tag is the title, the first other tag the folder). Given newsboat\'s'
        " cache.db as well, carry over which articles were read and flagged (starred), for"
        " the feeds subscribed here; the cache is only read. Each file's format is judged by"
        " its content. Feeds you already have are left as they are. Run `refresh` afterwards"
        " to fetch.",
    )
    p.add_argument(
        "files",
        metavar="FILE",
        type=Path,
        nargs="+",
        help="an OPML file, newsboat's urls file or newsboat's cache.db",
    )
    p.add_argument(
        "--star-flags",
        metavar="LETTERS",
        default="",
        help="star only articles newsboat flagged with one of these letters (default: any flag)",
    )
    p.set_defaults(func=run_import)


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def run_import(args: argparse.Namespace) -> int:
    from tui_reader.cli.feeds import _reader
    from tui_reader.feeds.newsboat import NewsboatError, sniff

    paths, _config = load_settings()
    kinds: list[tuple[Path, str, bytes | None]] = []
    for path in args.files:
        if str(path) == "-":  # (standard input, as import-notes - and the POSIX convention)
            path = Path("/dev/stdin")
        head, whole = _head(path)
        if not head.strip():
            raise CommandError(f"{clean_line(str(path))}: the file is empty")
        found = sniff(head)
        if found == "unknown":
            raise CommandError(
                f"{path}: neither OPML nor a newsboat urls file nor newsboat's cache.db"
            )
        if found == "newsboat-cache" and whole is not None:
            raise CommandError(f"{path}: newsboat's cache.db is read from a file, not a pipe")
        kinds.append((path, found, whole))
    # Subscriptions first, then the state of their articles.
    kinds.sort(key=lambda pk: pk[1] == "newsboat-cache")
    added_any = False
    failed: list[str] = []
    with _reader(paths) as reader:
        for path, what, whole in kinds:
            # Each file is imported whole or not at all; one refused, the others go on (the
            # files after it were never read, and nothing said so).
            try:
                if what == "newsboat-cache":
                    _import_cache(reader, path, args.star_flags)
                else:
                    added_any |= _import_feeds(reader, path, what, whole)
            except (NewsboatError, CommandError) as exc:
                failed.append(str(exc))
    if added_any:
        print("Run `tui-reader refresh` to fetch their articles.")
    if len(failed) == 1 and len(kinds) == 1:
        raise CommandError(failed[0])
    for message in failed:
        warn(message)
    if failed:
        raise CommandError(
            f"{_plural(len(failed), 'file')} of {len(kinds)} not imported (nothing of"
            f" {'it' if len(failed) == 1 else 'them'} stored); the others were"
        )
    return 0


def _head(path: Path) -> tuple[bytes, bytes | None]:
    """The start of a file to import, to tell what it is; and, when it is not a regular file
    (a pipe: ``import <(curl ...)``, ``/dev/stdin``), all of it, read now: what is read from a
    pipe is gone, and the importer would find it empty."""
    from tui_reader.feeds.opml import MAX_OPML_BYTES
    from tui_reader.localfiles import FileTooLarge, read_open

    try:
        with path.open("rb") as f:
            if stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return f.read(65536), None
            whole = read_open(f, path, MAX_OPML_BYTES)
    except FileTooLarge:
        raise CommandError(
            f"{path}: over {MAX_OPML_BYTES} bytes, too large for OPML or a urls file"
        ) from None
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    return whole, whole


def _import_feeds(reader: Reader, path: Path, kind: str, whole: bytes | None) -> bool:
    from tui_reader.feeds.opml import OpmlError

    try:
        read = reader.import_opml if kind == "opml" else reader.import_newsboat_urls
        result = read(path, whole)
    except OpmlError as exc:
        # (Named: with several files, which one was refused.)
        name = clean_line(str(path))
        raise CommandError(str(exc) if name in str(exc) else f"{name}: {exc}") from None
    for note in [result.recovery_note(), *result.notes]:
        if note:
            print(note)
    print(
        f"Imported {_plural(len(result.added), 'new feed')} from {clean_line(str(path))};"
        f" {len(result.existing)} already subscribed (unchanged)."
    )
    for what, reason in result.skipped:
        print(f"Skipped {shown_url(clean_line(what))}: {reason}")
    return bool(result.added)


def _import_cache(reader: Reader, path: Path, star_flags: str) -> None:
    r = reader.import_newsboat_cache(path, star_flags=star_flags)
    print(
        f"From newsboat's cache {clean_line(str(path))}: {_plural(r.items, 'article')};"
        f" {r.matched} already here, {r.added} added;"
        f" {_plural(r.read, 'article')} marked read, {r.starred} starred."
    )
    if r.other_feeds:
        # (It said to import the urls file, also when it had just been, its exec: and
        # filter: feeds skipped.)
        print(
            f"  {_plural(r.other_feeds, 'article')} of feeds not subscribed here left out"
            " (a feed the urls file names is subscribed when that file is imported, unless"
            " it was skipped above)."
        )
    if r.deleted:
        print(f"  {_plural(r.deleted, 'article')} deleted in newsboat: read here.")
    if r.invalid:
        print(f"  {_plural(r.invalid, 'row')} with values that cannot be right skipped.")
