"""The core functions the app calls from its workers, in one place.

Everything here blocks (network, parsing, SQLite): call it from a thread worker, never on the
event loop. The core parts are looked up when first used, so the UI keeps working (with a clear
message) in a build where one of them is missing.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import importlib
import re
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.models import Article, ArticleBody
from tui_reader.sanitize import clean_text
from tui_reader.scan import replace_spans, sub_to_last
from tui_reader.store import Store


class Unavailable(Exception):
    """A part of the reader this build lacks; the message says which."""


def _get(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"{module}.{name} is not available in this build") from exc


def extraction_error() -> type[Exception]:
    try:
        error: type[Exception] = _get("tui_reader.extract", "ExtractionError")
    except Unavailable:
        return Unavailable
    return error


def extractor_version() -> str:
    try:
        return str(_get("tui_reader.extract", "EXTRACTOR_VERSION"))
    except Unavailable:
        return ""


def load_document(
    store: Store, article_id: int, config: Config, *, force: bool = False
) -> Document:
    """The article's full document: stored, extracted from the feed, or fetched (blocking;
    the extraction itself runs in a worker process)."""
    _start_resource_tracker()
    func = _get("tui_reader.extract", "load_document")
    doc = func(store, article_id, config, force=force)
    assert isinstance(doc, Document)
    return doc


def warm_workers() -> None:
    """Start a worker process for extraction ahead of need (blocking: call from a thread)."""
    _start_resource_tracker()
    with contextlib.suppress(Exception):  # opening an article will say what fails
        _get("tui_reader.budget", "shared_workers")().start(1)


def extract_html(html: bytes | str, url: str, config: Config) -> Document:
    """The article in a page, extracted in a worker process under the time budget."""
    _start_resource_tracker()
    doc = _get("tui_reader.extract.guarded", "extract_page")(html, url, config)
    assert isinstance(doc, Document)
    return doc


def refresh(
    store_path: Path,
    config: Config,
    feed_ids: Sequence[int] | None,
    progress: Callable[[Any], None],
    *,
    only_due: bool = False,
) -> Any:
    """Refresh feeds (all when ``feed_ids`` is None; with ``only_due``, those whose next fetch
    has come); returns the feeds' RefreshSummary."""
    _start_resource_tracker()
    return _get("tui_reader.feeds.refresh", "refresh")(
        store_path, config, feed_ids=feed_ids, progress=progress, only_due=only_due
    )


def subscribe(store_path: Path, url: str, config: Config, folder: str) -> Any:
    """Subscribe to ``url`` (a feed, or a page naming one): the app's ``+``. Returns
    :class:`~tui_reader.feeds.subscribe.Subscribed`; raises its SubscribeError."""
    _start_resource_tracker()
    with Store.open(store_path) as store:
        return _get("tui_reader.feeds.subscribe", "subscribe")(store, url, config, folder=folder)


def subscribe_error() -> type[Exception]:
    return _get("tui_reader.feeds.subscribe", "SubscribeError")  # type: ignore[no-any-return]


_TRACKER_LOCK = threading.Lock()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr.

    Feeds are parsed and articles extracted in worker processes. The first pool starts the
    tracker, which hands it ``sys.stderr.fileno()`` — but while Textual runs, ``sys.stderr``
    is Textual's capture, whose fileno is -1, and the start fails ("bad value(s) in
    fds_to_keep"). Starting it here, with the real stderr for that moment, avoids that; it runs
    once per process."""
    from multiprocessing import resource_tracker

    with _TRACKER_LOCK:
        saved = sys.stderr
        try:
            if sys.__stderr__ is not None:
                sys.stderr = sys.__stderr__
            resource_tracker.ensure_running()
        except (OSError, ValueError):
            pass  # the refresh reports what fails
        finally:
            sys.stderr = saved


def ensure_welcome(store: Store) -> bool:
    """Subscribe to the bundled welcome feed on the first run; True if it was added now."""
    try:
        func = _get("tui_reader.feeds.welcome", "ensure_welcome")
    except Unavailable:
        return False
    return bool(func(store))


# -- the summary shown while the full text loads ----------------------------------------------

# This runs on the event loop, so linear in the text: "<\s*/?\s*" split a run of spaces
# between two "\s*" every way when no "/" came; "[^>]*>" and ".*?</script>" rescanned to the
# end from every opener without a closer (scan.sub_to_last and scan.replace_spans do not).
_BLOCK_TAGS = re.compile(
    r"<\s*+(?:/\s*+)?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|pre|tr|table|section|article"
    r"|figure|figcaption|hr)\b[^>]*>",
    re.IGNORECASE,
)
_DROP = re.compile(r"<(script|style|template)\b", re.IGNORECASE)
_DROP_END = {
    name: (re.compile(rf"</{name}\s*>", re.IGNORECASE),) for name in ("script", "style", "template")
}
_TAG = re.compile(r"<[^>]*>")
_QUICK_LIMIT = 200_000


def _space(_text: str, _m: re.Match[str], _end: re.Match[str]) -> str:
    return " "


def quick_document(body: ArticleBody, article: Article) -> Document:
    """What the feed gave for the article, as plain paragraphs — cheap enough for the event
    loop, shown at once while the real document is made in a worker."""
    raw = (body.content or body.summary)[:_QUICK_LIMIT]
    text = replace_spans(raw, _DROP, lambda m: _DROP_END[m.group(1).lower()], _space)[0]
    text = sub_to_last(_BLOCK_TAGS, "\n\n", text)
    text = html_lib.unescape(sub_to_last(_TAG, "", text))
    return Document.from_plain_text(
        clean_text(text),
        title=article.display_title,
        url=article.url,
        byline=article.author,
        site_name=article.source_title,
    )
