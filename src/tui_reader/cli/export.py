"""``tui-reader export``, ``digest`` and ``import-notes``: highlights and notes out to Markdown
or Web Annotation JSON, and back in from JSON. Nothing here imports Textual, and the exporters
are imported by these commands when they run: building the parser (every command does) leaves
them out."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tui_reader.cli.common import CommandError, load_settings, open_reader
from tui_reader.models import Article
from tui_reader.reader import Reader
from tui_reader.sanitize import cap_line, clean_line, shown_url
from tui_reader.timestamps import MAX_YEAR, MIN_YEAR, sane_timestamp

T = TypeVar("T")

_DAYS = re.compile(r"^(\d+)\s*d(ays?)?$")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="export highlights and notes to Markdown (one file per article) or JSON",
        description="Export highlights and notes. Markdown: one file per article in the export"
        " folder (see `locate`), found again by the article id in its front matter when"
        " exported again — your edits and your own section are kept, only new highlights are"
        " added. JSON: W3C Web Annotations, for backup or another machine (`import-notes`)."
        " Without a selection, every article with highlights or a note is exported.",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every annotated article (default)")
    which.add_argument("--article", metavar="ID", help="one article, by its id or stable uid")
    p.add_argument("--feed", metavar="NAME", help="articles of one feed (id, URL or title)")
    p.add_argument(
        "--since",
        metavar="DATE",
        help="articles annotated since DATE (YYYY-MM-DD, an ISO time, or e.g. 7d)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", type=Path, help="folder to write in")
    where.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="file to write (JSON, or one article); - for standard output",
    )
    p.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="default: markdown"
    )
    p.set_defaults(func=run_export)

    p = sub.add_parser(
        "digest",
        help="write one Markdown file with every highlight since a date, by article",
        description="Write a digest: every highlight made since DATE, grouped by article,"
        " in one Markdown file (in the export folder unless --out or -o says otherwise)."
        " An unedited digest of the same dates is replaced; an edited one is never touched.",
    )
    p.add_argument("--since", metavar="DATE", required=True, help="YYYY-MM-DD, ISO time, 7d")
    p.add_argument("--until", metavar="DATE", help="up to (not including) DATE")
    p.add_argument("--feed", metavar="NAME", help="only this feed's articles")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", type=Path, help="folder to write in")
    where.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="file to write; - for standard output"
    )
    p.set_defaults(func=run_digest)

    p = sub.add_parser(
        "import-notes",
        help="import highlights and notes from a Web Annotation or Hypothesis JSON file",
        description="Import highlights and article notes from FILE (written by `export"
        " --format json`, W3C Web Annotations from another tool, or a Hypothesis export or"
        " API search result). Highlights already present (same id) are skipped; articles"
        " are matched by their address or created under Saved, and a page not stored yet is"
        " fetched so the highlights are placed at once.",
    )
    p.add_argument(
        "file", metavar="FILE", type=_file_or_stdin, help="a .json file (- for standard input)"
    )
    p.add_argument(
        "--no-fetch",
        action="store_true",
        help="do not fetch the pages of articles whose text is not stored yet",
    )
    p.set_defaults(func=run_import)


def parse_date(text: str, *, now: float | None = None) -> float:
    """A point in time from YYYY-MM-DD (local midnight), an ISO date-time, or ``N`` days
    ago (``7d``); CommandError otherwise."""
    from datetime import datetime, timedelta

    raw = text.strip()
    m = _DAYS.match(raw.lower())
    base = datetime.fromtimestamp(time.time() if now is None else now)
    found: float | None = None
    try:
        if m:
            day = base.replace(hour=0, minute=0, second=0, microsecond=0)
            found = (day - timedelta(days=int(m.group(1)))).timestamp()
        elif raw.lower() in ("today", "yesterday"):
            day = base.replace(hour=0, minute=0, second=0, microsecond=0)
            found = (day - timedelta(days=raw.lower() == "yesterday")).timestamp()
        else:
            found = datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
        found = None
    if sane_timestamp(found) is None:
        raise CommandError(
            f"cannot read {clean_line(text)[:80]!r} as a date between {MIN_YEAR} and"
            f" {MAX_YEAR} (use YYYY-MM-DD, an ISO time or 7d)"
        )
    assert found is not None
    return found


def _feed_id(reader: Reader, name: str | None) -> list[int] | None:
    if name is None:
        return None
    feeds, missing = reader.find_feeds([name])
    if missing or not feeds:
        raise CommandError(
            f"no feed called {clean_line(name)!r} (see `tui-reader feeds`)", status=2
        )
    return [f.id for f in feeds]


def _article_id(reader: Reader, ident: str) -> int:
    ident = ident.strip()
    article = None
    if ident.isascii():  # (a uid and an id are: bytes not UTF-8 name no article)
        article = reader.article_by_uid(ident)
        if article is None and ident.isdigit() and int(ident) < 2**63:  # (SQLite's integers)
            article = reader.article(int(ident))
    if article is None:
        raise CommandError(f"no article {clean_line(ident)!r}")
    return article.id


def _setup() -> Reader:
    paths, config = load_settings()
    return open_reader(paths, config)


def run_export(args: argparse.Namespace) -> int:
    from tui_reader.export import ExportError

    reader = _setup()
    try:
        since = parse_date(args.since) if args.since else None
        feeds = _feed_id(reader, args.feed)
        folder = args.out or reader.export_folder()
        if args.article is not None:
            ids = [_article_id(reader, args.article)]
        else:
            scopes: list[int | None] = list(feeds) if feeds is not None else [None]
            ids = []
            for feed_id in scopes:
                ids += [a.id for a in reader.annotated_articles(feed_id=feed_id, since=since)]
            ids = list(dict.fromkeys(ids))
        if not ids:
            print("tui-reader: nothing to export (no highlights or notes match)", file=sys.stderr)
            if args.format != "json":
                return 0
            # (JSON stays JSON when empty: an empty collection, which import-notes takes.
            # A script's `export --format json -o backup.json` wrote no file, or 0 bytes.)
        if args.format == "json":
            if _is_stdout(args.output):
                count = _to_stdout(
                    lambda out: reader.export_json(path=out, folder=folder, article_ids=ids)[1]
                )
            else:
                path, count = reader.export_json(path=args.output, folder=folder, article_ids=ids)
                print(path)
            print(f"tui-reader: {count} annotations written", file=sys.stderr)
            from tui_reader.export.anninput import MAX_ANNOTATIONS  # (only now: see above)

            if count > MAX_ANNOTATIONS:
                print(
                    f"tui-reader: warning: import-notes reads at most {MAX_ANNOTATIONS:,}"
                    " annotations a file; to carry them all, export them in parts (by feed or"
                    " article) or copy the database (`tui-reader backup`)",
                    file=sys.stderr,
                )
            return 0
        if args.output is not None:
            if len(ids) != 1:
                raise CommandError(
                    "-o FILE writes one article's Markdown: use --article ID, or --out DIR"
                    " for several (or `tui-reader digest` for one file of many)"
                )
            if _is_stdout(args.output):
                _to_stdout(lambda out: reader.export_article(ids[0], folder=folder, path=out))
            else:
                print(reader.export_article(ids[0], folder=folder, path=args.output))
            return 0
        read_only: list[Path] = []
        results = reader.export_many(article_ids=ids, folder=folder, read_only=read_only)
        for path, _ in results:
            print(path)
        for path in read_only:
            print(
                f"tui-reader: {clean_line(str(path))} is read-only: left as it is", file=sys.stderr
            )
        written = sum(1 for _, changed in results if changed)
        print(
            f"tui-reader: {len(results)} article(s) exported to {folder}"
            f" ({written} written, {len(results) - written} already up to date)",
            file=sys.stderr,
        )
        return 0
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        reader.close()


def run_digest(args: argparse.Namespace) -> int:
    from tui_reader.export import ExportError

    reader = _setup()
    try:
        since = parse_date(args.since)
        until = parse_date(args.until) if args.until else None
        # (A range that holds no day wrote an empty digest named after it, exit 0.)
        if until is not None and until <= since:
            raise CommandError(
                f"--until ({clean_line(args.until)}) is not after --since"
                f" ({clean_line(args.since)}): no highlight can be in between",
                status=2,
            )
        if since > time.time():
            raise CommandError(f"--since ({clean_line(args.since)}) is in the future", status=2)
        feeds = _feed_id(reader, args.feed)
        if feeds is not None and len(feeds) > 1:
            raise CommandError(f"{clean_line(args.feed)!r} names several feeds; use its id")

        def write(path: Path | None) -> Path:
            return reader.export_digest(
                since,
                until=until,
                feed_id=feeds[0] if feeds else None,
                folder=args.out or reader.export_folder(),
                path=path,
                kept=lambda edited: print(
                    f"tui-reader: {clean_line(str(edited))} was edited: kept as it is, this"
                    " digest written beside it",
                    file=sys.stderr,
                ),
            )

        if _is_stdout(args.output):
            _to_stdout(write)
        else:
            print(write(args.output))
        return 0
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        reader.close()


def _is_stdout(output: Path | None) -> bool:
    """``-o -``: standard output (as ``import-notes -`` reads standard input)."""
    return output is not None and str(output) == "-"


def _to_stdout(write: Callable[[Path], T]) -> T:
    """What ``write(path)`` writes, copied to standard output (the export's own atomic
    write, into a folder of its own that is then removed)."""
    import tempfile

    from tui_reader.cli.streams import copy_to_output

    with tempfile.TemporaryDirectory(prefix="tui-reader-export-") as tmp:
        out = Path(tmp) / "export"
        result = write(out)
        with out.open("rb") as written:
            copy_to_output(written)
    return result


def _file_or_stdin(text: str) -> Path:
    """A file's path; "-" is standard input (as ``curl ... | tui-reader import-notes -``)."""
    return Path("/dev/stdin") if text == "-" else Path(text)


def run_import(args: argparse.Namespace) -> int:
    from tui_reader.export import ExportError

    reader = _setup()
    try:
        # Without --no-fetch, an imported article without text has its page fetched (the
        # usual limits); offline or refused, its highlights wait, unanchored, for the
        # article's first opening.
        fetched = 0

        def where(article: Article) -> str:
            return cap_line(clean_line(shown_url(article.url)), 200)

        def fetching(article: Article) -> None:
            nonlocal fetched
            fetched += 1
            line = f"tui-reader: fetching {where(article)} to place its highlights ({fetched})"
            print(line, file=sys.stderr, flush=True)

        def failed(article: Article, why: str) -> None:
            said = clean_line(why)
            if article.url not in why:  # (an extraction error names the page already)
                said = f"{where(article)}: {said}"
            line = f"tui-reader: {said}; its highlights wait for its first opening"
            print(line, file=sys.stderr, flush=True)

        result = reader.import_annotations(
            args.file, fetch=not args.no_fetch, fetching=fetching, failed=failed
        )
    except ExportError as exc:
        raise CommandError(f"{clean_line(str(exc))}; nothing was imported") from exc
    finally:
        reader.close()
    shown = 20
    for problem in result.problems[:shown]:
        print(f"tui-reader: {clean_line(problem)}", file=sys.stderr)
    if len(result.problems) > shown:  # (the summary's "see above" counts them all)
        print(f"tui-reader: ... and {len(result.problems) - shown} more", file=sys.stderr)
    print(f"tui-reader: {result.summary()}", file=sys.stderr)
    return 0
