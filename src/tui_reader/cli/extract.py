"""``tui-reader extract SOURCE...``: the clean article text of pages or local HTML files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui_reader.cli.common import load_settings, too_large, warn
from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.errors import ExtractionError
from tui_reader.localfiles import FileTooLarge, read_capped
from tui_reader.paths import get_paths
from tui_reader.reader import Reader
from tui_reader.sanitize import is_web_url

FORMATS = ("markdown", "text", "json")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "extract",
        help="print the clean article text of web pages or local HTML files",
        description=(
            "Extract the article from each SOURCE (an http(s) URL or a local HTML file) and"
            " print it. A source that fails is reported on stderr and the others go on; the"
            " exit status is 1 if any failed."
        ),
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a URL or an HTML file")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="markdown (default), plain text, or one JSON object per line per source",
    )
    p.set_defaults(func=run)


def extract_source(source: str, config: Config) -> Document:
    """The article of one source; raises ExtractionError with a one-line reason."""
    reader = Reader(get_paths(), config)  # no database: nothing is stored
    if is_web_url(source):
        return reader.extract_url(source)
    path = Path("/dev/stdin") if source == "-" else Path(source).expanduser()
    try:
        data = read_capped(path, config.refresh.max_bytes)
    except FileTooLarge as exc:
        raise ExtractionError(f"{source}: {too_large(exc)}") from None
    except FileNotFoundError:
        raise ExtractionError(f"{source}: no such file (and not an http(s) URL)") from None
    except IsADirectoryError:
        raise ExtractionError(f"{source}: is a folder, not an HTML file") from None
    except OSError as exc:
        raise ExtractionError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    content_type = "text/plain" if path.suffix.lower() in (".txt", ".text") else ""
    try:
        return reader.extract_page(data, "", content_type=content_type)
    except ExtractionError as exc:
        if exc.url is not None:  # about the page, which has no address: name the file
            raise ExtractionError(exc.reason, source) from None
        raise ExtractionError(str(exc).replace("the page", source, 1)) from None


def as_json(source: str, doc: Document) -> str:
    return json.dumps(
        {
            "source": source,
            "title": doc.title,
            "byline": doc.byline,
            "published": doc.published,
            "site_name": doc.site_name,
            "url": doc.url,
            "lead_image": doc.lead_image,
            "text": doc.text,
            "markdown": doc.to_markdown(),
            "notice": doc.notice,
        },
        ensure_ascii=False,
    )


def run(args: argparse.Namespace) -> int:
    _, config = load_settings(quiet=True)
    failed = 0
    printed = 0
    for source in args.sources:
        try:
            doc = extract_source(source, config)
        except ExtractionError as exc:
            warn(str(exc))
            failed += 1
            continue
        if doc.notice and args.format != "json":
            warn(f"{source}: {doc.notice}")  # (on stderr: the text printed stays the article)
        if args.format == "json":
            out = as_json(source, doc) + "\n"
        elif args.format == "text":
            out = ("\n" if printed else "") + doc.to_plain()
        else:
            out = ("\n---\n\n" if printed else "") + doc.to_markdown()
        sys.stdout.write(out)
        sys.stdout.flush()
        printed += 1
    return 1 if failed else 0
