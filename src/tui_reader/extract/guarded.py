"""Extraction under the time budget: the work runs in a worker process (tui_reader.budget),
so a page that takes too long is given up — its worker stopped — and never holds this
process's interpreter lock meanwhile (in the app: the screen keeps answering)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tui_reader.budget import BudgetError, DocumentTimeout, shared_workers
from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.extract.errors import ExtractionError
from tui_reader.units import human_seconds

R = TypeVar("R")


class ExtractionTimeout(ExtractionError, DocumentTimeout):
    """The page took longer than the budget (``[limits] extract_seconds``) to extract:
    ``what`` (the page, the feed's text) took more than ``seconds``; ``url`` as in
    :class:`~tui_reader.errors.ExtractionError`."""

    def __init__(self, what: str, seconds: float, url: str | None = None) -> None:
        self.what = what
        self.seconds = seconds
        ExtractionError.__init__(
            self, f"{what} took longer than {human_seconds(seconds)} to read; skipped", url
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.what, self.seconds, self.url))


def run_budgeted(
    config: Config, what: str, func: Callable[..., R], *args: object, url: str | None = None
) -> R:
    """``func(*args)`` in a worker, within ``config.limits.extract_seconds``. Raises
    :class:`ExtractionTimeout` (naming ``what``, and ``url`` when given) when over it,
    ExtractionError if the worker failed, and whatever ``func`` raised."""
    try:
        return shared_workers().run(config.limits.extract_seconds, what, func, *args)
    except DocumentTimeout as exc:
        raise ExtractionTimeout(exc.what, exc.seconds, url) from None
    except BudgetError as exc:
        raise ExtractionError(str(exc), url) from exc


def _extract(html: bytes | str, url: str, content_type: str, published: str) -> Document:
    from tui_reader.extract.pipeline import extract_html

    return extract_html(html, url, content_type=content_type, published=published)


def extract_page(
    html: bytes | str, url: str, config: Config, *, content_type: str = "", published: str = ""
) -> Document:
    """:func:`~tui_reader.extract.pipeline.extract_html` under the time budget. Raises
    ExtractionError (an :class:`ExtractionTimeout` when over the budget)."""
    return run_budgeted(config, "the page", _extract, html, url, content_type, published, url=url)
