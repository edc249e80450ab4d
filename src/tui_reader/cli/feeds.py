"""Subscriptions and refresh from the shell: add, remove, rename, feeds, import, export-opml,
refresh. Nothing here imports Textual, so these commands start fast."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui_reader.cells import cells, fit, pad
from tui_reader.cli.common import CommandError, load_settings, open_reader
from tui_reader.cli.streams import OutputError
from tui_reader.config import Config
from tui_reader.models import Feed
from tui_reader.paths import Paths
from tui_reader.reader import Reader
from tui_reader.sanitize import clean_line, shown_url

if TYPE_CHECKING:
    # The refresh machinery (asyncio, the HTTP client, worker processes) is imported by a
    # refresh only (Reader.refresh), not by the other commands here.
    from tui_reader.feeds.refresh import RefreshProgress


def register(sub: Any) -> None:
    p = sub.add_parser(
        "add",
        help="subscribe to a feed (or to the feed a web page names)",
        description="Subscribe to URL: a feed (RSS, Atom or JSON Feed), or a web page whose"
        ' <link rel="alternate"> names its feed. Its current articles are stored at once.',
    )
    p.add_argument("url", metavar="URL", help="the feed's or the web page's http(s) URL")
    p.add_argument(
        "--folder", metavar="NAME", default="", help='file the feed in a folder ("a/b" nests)'
    )
    p.set_defaults(func=run_add)

    p = sub.add_parser(
        "remove",
        help="unsubscribe from a feed",
        description="Unsubscribe from FEED (its id, URL or title). Its articles go too, except"
        " those with highlights, notes or a star: they are kept under Saved.",
    )
    p.add_argument("feed", metavar="FEED", help="the feed's id, URL or title (see `feeds`)")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run_remove)

    p = sub.add_parser(
        "rename",
        help="give a feed a new title",
        description="Give FEED (its id, URL or title) the title TITLE. A refresh never"
        " overwrites a title you chose.",
    )
    p.add_argument("feed", metavar="FEED", help="the feed's id, URL or title")
    p.add_argument("title", metavar="TITLE", help="the new title")
    p.set_defaults(func=run_rename)

    p = sub.add_parser(
        "feeds",
        help="list subscriptions: title, folder, unread/total, last result",
        description="List your feeds with their folder, unread and total articles, and how"
        " the last refresh went.",
    )
    p.set_defaults(func=run_feeds)

    from tui_reader.cli import imports  # `import`: OPML, newsboat's urls and cache.db

    imports.register(sub)

    p = sub.add_parser(
        "export-opml",
        help="write your subscriptions as OPML",
        description="Write every feed, in its folders, as OPML 2.0 to FILE, or to standard"
        " output without FILE.",
    )
    p.add_argument("file", metavar="FILE", type=Path, nargs="?", help="where to write")
    p.set_defaults(func=run_export_opml)

    p = sub.add_parser(
        "refresh",
        help="fetch new articles from all feeds, or from the ones named",
        description="Fetch new articles from every feed, or from the FEEDs named (id, URL or"
        " title), concurrently and with conditional requests. Ends with a summary; the exit"
        " status is non-zero only when a feed failed.",
    )
    p.add_argument("feeds", metavar="FEED", nargs="*", help="feeds to refresh (default: all)")
    # Nothing of a refresh is left open when it returns (tui_reader.cli.run).
    p.set_defaults(func=run_refresh, exit_at_once=True)


# -- helpers ---------------------------------------------------------------------------------


def _reader(paths: Paths, config: Config | None = None) -> Reader:
    """Open the reader; the first use subscribes the bundled welcome feed."""
    reader = open_reader(paths, config)
    try:
        reader.ensure_welcome()
    except Exception:
        reader.close()
        raise
    return reader


def _one_feed(reader: Reader, name: str) -> Feed:
    found, missing = reader.find_feeds([name])
    if missing or not found:
        raise CommandError(
            f"no feed called {clean_line(name)!r} (see `tui-reader feeds`)", status=2
        )
    if len(found) > 1:
        ids = ", ".join(str(f.id) for f in found)
        raise CommandError(f"{clean_line(name)!r} names {len(found)} feeds (ids {ids}); use an id")
    return found[0]


def _label(feed: Feed) -> str:
    return clean_line(feed.display_title)


def _ago(when: float | None, now: float) -> str:
    if when is None:
        return ""
    seconds = max(0.0, now - when)
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 129600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def last_result(feed: Feed, now: float | None = None) -> str:
    now = time.time() if now is None else now
    status = {"ok": "ok", "not-modified": "unchanged", "error": "error"}.get(feed.last_status)
    if status is None:
        return "not fetched yet"
    text = status
    if feed.last_error:
        text += f": {clean_line(feed.last_error)}" if status == "error" else " (with warnings)"
    ago = _ago(feed.last_fetched, now)
    return f"{text}, {ago}" if ago else text


def _fit(text: str, width: int) -> str:
    return fit(text, width)


# -- commands --------------------------------------------------------------------------------


def run_add(args: argparse.Namespace) -> int:
    from tui_reader.feeds.discover import DiscoverError
    from tui_reader.net import FetchError

    paths, config = load_settings()
    url = str(args.url).strip()
    folder = "/".join(p.strip() for p in clean_line(args.folder).split("/") if p.strip())
    try:
        url = Reader.check_url(url)
    except FetchError as exc:
        raise CommandError(f"cannot add {clean_line(shown_url(url))!r}: {exc}", status=2) from None
    with _reader(paths, config) as reader:
        try:
            done = reader.subscribe(url, folder=folder)
        except (DiscoverError, FetchError) as exc:
            raise CommandError(f"cannot add {clean_line(shown_url(url))}: {exc}") from None
    feed = done.feed
    if not done.created:
        print(f"Already subscribed: {_label(feed)} ({shown_url(feed.url)}); nothing changed.")
        return 0
    new = done.new_articles
    where = f" in {folder}" if folder else ""
    via = f" (found on {clean_line(done.via_page)})" if done.via_page else ""
    print(f"Subscribed to {_label(feed)}{where}: {shown_url(feed.url)}{via}")
    print(f"{new} article{'s' if new != 1 else ''} stored.")
    if done.warning:
        print(f"Warning: {clean_line(done.warning)}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    paths, _config = load_settings()
    with _reader(paths) as reader:
        feed = _one_feed(reader, args.feed)
        kept = reader.annotated_article_count(feed.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"remove {_label(feed)!r}? Add --yes to remove without being asked.", status=2
                )
            keep_note = (
                f" ({kept} with highlights, notes or a star will be kept under Saved)"
                if kept
                else ""
            )
            try:
                answer = input(
                    f"Remove {_label(feed)} and its {feed.total} articles{keep_note}? [y/N] "
                )
            except EOFError:  # (Ctrl-D, or input ended: the default, no)
                print()
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing removed.")
                return 1
        kept = reader.remove_feed(feed.id)
    print(f"Removed {_label(feed)}.")
    if kept:
        print(
            f"{kept} article{'s' if kept != 1 else ''} with highlights, notes or a star"
            f" {'are' if kept != 1 else 'is'} kept under Saved."
        )
    return 0


def run_rename(args: argparse.Namespace) -> int:
    title = clean_line(args.title)
    if not title:
        raise CommandError("the new title is empty", status=2)
    paths, _config = load_settings()
    with _reader(paths) as reader:
        feed = _one_feed(reader, args.feed)
        reader.rename_feed(feed.id, title)
    print(f"Renamed {_label(feed)} to {title}.")
    return 0


def run_feeds(args: argparse.Namespace) -> int:
    paths, _config = load_settings()
    with _reader(paths) as reader:
        feeds = reader.feeds()
    if not feeds:
        print("No feeds yet. Add one with `tui-reader add URL` or `tui-reader import FILE`.")
        return 0
    now = time.time()
    rows = [
        (str(f.id), _label(f), clean_line(f.folder), f"{f.unread}/{f.total}", last_result(f, now))
        for f in feeds
    ]
    headers = ("ID", "TITLE", "FOLDER", "UNREAD/TOTAL", "LAST RESULT")
    # Columns measured in terminal cells (a CJK title or an emoji takes two a character: the
    # columns after it were pushed out of line). The last column is cut to the terminal's
    # width only on a terminal: a pipe or a file (`feeds | grep error`, cron's mail) gets it
    # whole, as git and ls do.
    width = shutil.get_terminal_size((120, 24)).columns
    id_w = max(len(headers[0]), *(len(r[0]) for r in rows))
    folder_w = min(24, max(len(headers[2]), *(cells(r[2]) for r in rows)))
    count_w = max(len(headers[3]), *(len(r[3]) for r in rows))
    title_w = min(48, max(len(headers[1]), *(cells(r[1]) for r in rows)))
    result_w = max(12, width - (id_w + title_w + folder_w + count_w + 8))
    whole = not sys.stdout.isatty()
    for row in [headers, *rows]:
        print(
            f"{row[0]:>{id_w}}  {pad(fit(row[1], title_w), title_w)}  "
            f"{pad(fit(row[2], folder_w), folder_w)}  {row[3]:>{count_w}}  "
            f"{row[4] if whole else fit(row[4], result_w)}".rstrip()
        )
    return 0


def run_export_opml(args: argparse.Namespace) -> int:
    from tui_reader.export import ExportError

    paths, _config = load_settings()
    with _reader(paths) as reader:
        if args.file is None or str(args.file) == "-":  # ("-": standard output, as everywhere)
            sys.stdout.write(reader.export_opml())
            return 0
        try:
            count = reader.write_opml(args.file)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
    print(f"Wrote {count} feed{'s' if count != 1 else ''} to {args.file}.")
    return 0


class _Progress:
    """A one-line bar on a terminal; plain lines otherwise. Whether anyone reads them does
    not change what is fetched: once the output takes no more (``| head`` closed the pipe, a
    full disk), the lines stop and the refresh goes on; the failure is the command's at its
    end (cli/streams.py)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.width = shutil.get_terminal_size((80, 24)).columns
        self.failed: OutputError | None = None

    def __call__(self, p: RefreshProgress) -> None:
        if self.failed is not None:
            return
        try:
            self._show(p)
        except OutputError as exc:
            self.failed = exc

    def _show(self, p: RefreshProgress) -> None:
        title = _label(p.feed)
        if not self.tty:
            self.out.write(f"[{p.done}/{p.total}] {title}: {clean_line(p.outcome)}\n")
            return
        bar_w = 24
        filled = bar_w * p.done // max(1, p.total)
        head = f"[{'#' * filled}{'.' * (bar_w - filled)}] {p.done}/{p.total} "
        line = head + _fit(title, max(1, self.width - len(head) - 1))
        self.out.write("\r" + line.ljust(self.width - 1))
        self.out.flush()

    def finish(self) -> None:
        if self.tty and self.failed is None:
            self.out.write("\r" + " " * (self.width - 1) + "\r")
            self.out.flush()


def run_refresh(args: argparse.Namespace) -> int:
    paths, config = load_settings()
    if config.sync.enabled and not args.feeds:  # the server fetches the feeds: pull from it
        from tui_reader.cli.sync import run_sync_command

        args.exit_at_once = False  # a sync (its HTTP client, its password store): the usual exit
        return run_sync_command(args)
    with _reader(paths, config) as reader:
        feed_ids: list[int] | None = None
        if args.feeds:
            found, missing = reader.find_feeds(args.feeds)
            if missing:
                names = ", ".join(repr(clean_line(m)) for m in missing)
                raise CommandError(f"no feed called {names} (see `tui-reader feeds`)", status=2)
            feed_ids = [f.id for f in found]
        elif not reader.feeds():
            print("No feeds to refresh. Add one with `tui-reader add URL`.")
            return 0
        bar = _Progress(sys.stdout)
        try:
            summary = reader.refresh(feed_ids, progress=bar)
        finally:
            bar.finish()
        if bar.failed is not None:
            raise bar.failed  # (every feed was refreshed: only the lines are lost)
    print(
        f"New articles: {summary.new_articles}"
        + (f" ({summary.updated_articles} updated)" if summary.updated_articles else "")
        + f". Feeds: {len(summary.ok)} fetched, {len(summary.unchanged)} unchanged,"
        f" {len(summary.failed)} failed"
        + (f", {len(summary.skipped)} skipped" if summary.skipped else "")
        + "."
    )
    for feed, reason in summary.skipped:
        print(f"  skipped {_label(feed)}: {clean_line(reason)}")
    for feed, warning in summary.warnings:
        print(f"  warning {_label(feed)}: {clean_line(warning)}")
    for feed, reason in summary.failed:
        address = shown_url(feed.url)
        named = _label(feed)
        # (An untitled feed is named by its address: not twice.)
        where = address if clean_line(address) == named else f"{named} ({address})"
        print(f"  failed  {where}: {clean_line(reason)}")
    return 1 if summary.failed else 0
