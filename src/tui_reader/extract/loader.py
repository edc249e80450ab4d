"""The article text for a stored article: from the store, the feed, or the page.

:func:`load_document` blocks (network, parsing): the app calls it from a worker thread with a
Store connection of that thread's own. The parsing runs in a worker process, under the time
budget (``[limits] extract_seconds``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.errors import ArticleUnavailable, ExtractionError
from tui_reader.extract.errors import EXTRACTOR_VERSION
from tui_reader.extract.guarded import extract_page, run_budgeted
from tui_reader.models import Article, ArticleBody
from tui_reader.net import FetchError, FetchLimits, fetch
from tui_reader.sanitize import is_web_url
from tui_reader.store import Store
from tui_reader.store.annotations import Placer
from tui_reader.timestamps import utc_datetime

# A feed's content shorter than this is taken for a teaser and the page is fetched instead.
FULL_CONTENT_WORDS = 150
# How a teaser ends: "Read more", "Continue reading ...", "[…]", an ellipsis.
_TEASER_END = re.compile(
    r"(?:(?:read|see) (?:more|the (?:full|rest|whole)\b[^.]*)|continues? reading\b[^.]*|"
    r"keep reading\b[^.]*|full (?:story|article|post)\b[^.]*|…|\.\.\.|more)\W*$",
    re.IGNORECASE,
)


def _iso(timestamp: float | None) -> str:
    dt = utc_datetime(timestamp)  # a stored value that is no usable time: no date
    return dt.isoformat(timespec="seconds") if dt is not None else ""


def _from_feed(html: str, article: Article) -> Document | None:
    # Here, in the worker process only: the app never imports the parsers (~0.1-0.3 s of
    # holding the interpreter lock, the screen stalled meanwhile).
    from tui_reader.extract.pipeline import document_from_fragment

    if not html.strip():
        return None
    try:
        return document_from_fragment(
            html,
            title=article.title,
            url=article.url,
            byline=article.author,
            published=_iso(article.published),
        )
    except ExtractionError:
        return None


def is_whole_article(doc: Document) -> bool:
    """Whether a feed's content looks like the whole article rather than a teaser."""
    if doc.word_count() < FULL_CONTENT_WORDS or not doc.blocks:
        return False
    last = doc.blocks[-1].text.strip()
    return not _TEASER_END.search(last[-80:])


def _feed_documents(body: ArticleBody, article: Article) -> tuple[Document | None, Document | None]:
    """The feed's own text: (the whole article, when the feed holds it — or when there is no
    page to fetch (no web address, as in the bundled welcome feed), so the feed's text is all
    there is and showing it is no fallback; the first text it has, for when the page fails).
    Runs in a worker process, under the time budget."""
    no_page = not is_web_url(article.url)
    first: Document | None = None
    for html in (body.content, body.summary):
        doc = _from_feed(html, article)
        if doc is None or doc.is_empty:
            continue
        if no_page or is_whole_article(doc):
            return doc, doc
        first = first or doc
    return None, first


def _fill(doc: Document, article: Article) -> Document:
    """Metadata the page lacks, from the feed."""
    return replace(
        doc,
        title=doc.title or article.title,
        byline=doc.byline or article.author,
        published=doc.published or _iso(article.published),
        url=doc.url or article.url,
    )


def _save(store: Store, article_id: int, doc: Document, source: str, placer: Placer | None) -> None:
    store.save_document(
        article_id,
        doc_json=doc.to_json(),
        text=doc.text,
        version=EXTRACTOR_VERSION,
        source=source,
        placer=placer,
    )


def is_current(body: ArticleBody) -> bool:
    """Whether the article's stored document is shown as it is (else it is made again)."""
    return body.is_current(EXTRACTOR_VERSION)


def load_document(
    store: Store,
    article_id: int,
    config: Config,
    *,
    force: bool = False,
    article: Article | None = None,
    body: ArticleBody | None = None,
    placer: Placer | None = None,
) -> Document:
    """The article's document: stored if current (and not ``force``), else made from the
    feed's content or the fetched page and stored. ``article`` and ``body``, when the caller
    has read them already (opening an article), are not read again. Raises
    :class:`~tui_reader.errors.ArticleUnavailable` (its ``url`` the one to open in a browser)
    when there is no text to show (an ExtractionError for an unknown id). ``placer`` is how
    the article's highlights follow a newly stored text (the Reader's: it alone decides when
    highlights are re-anchored)."""
    if article is None:
        article = store.get_article(article_id)
    if article is None:
        raise ExtractionError(f"no article with id {article_id}")
    if body is None:
        body = store.get_body(article_id)
    stored = body.document
    if stored is not None and not force and is_current(body):
        return stored
    url = article.url
    feed_failed: ExtractionError | None = None
    whole: Document | None = None
    fallback: Document | None = None
    try:
        if body.content.strip() or body.summary.strip():
            whole, fallback = run_budgeted(
                config, "the feed's text", _feed_documents, body, article
            )
    except ExtractionError as exc:  # over the budget: the page may do better
        whole, fallback, feed_failed = None, None, exc
    if whole is not None:
        _save(store, article_id, whole, "feed", placer)
        return whole
    try:
        if not is_web_url(url):
            if feed_failed is not None:
                raise feed_failed
            raise ExtractionError("the article has no web address to fetch")
        result = fetch(url, limits=FetchLimits.from_config(config.refresh))
        doc = _fill(
            extract_page(result.body, result.url, config, content_type=result.content_type),
            article,
        )
    except (FetchError, ExtractionError) as exc:
        reason = exc.reason if isinstance(exc, ExtractionError) else str(exc)
        failed = ArticleUnavailable(reason, url, can_open=is_web_url(url))
        store.save_document(
            article_id,
            doc_json="",
            text="",
            version=EXTRACTOR_VERSION,
            source="page",
            error=failed.message,
        )
        if stored is not None:  # made by another version, or a refresh was asked for
            return replace(stored, notice=f"{failed.message}. Showing the copy stored earlier.")
        if fallback is not None:
            return replace(
                fallback, notice=f"{failed.message}. Showing the feed's summary instead."
            )
        raise failed from exc
    _save(store, article_id, doc, "page", placer)
    return doc
