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
from tui_reader.extract.pointer import fetch_page
from tui_reader.models import Article, ArticleBody
from tui_reader.net import FetchError, FetchLimits
from tui_reader.sanitize import is_web_url
from tui_reader.store import Store
from tui_reader.store.annotations import Placer
from tui_reader.timestamps import utc_datetime

# A feed's content of at least this many words, not ending like a teaser, is the article.
FULL_CONTENT_WORDS = 150
# Shorter content is the article too when it has this many paragraphs and words (a short
# post whole in the feed), or is clearly more than the entry's summary (the teaser beside it).
_WHOLE_PARAGRAPHS, _WHOLE_WORDS = 3, 60
_MORE_THAN_SUMMARY = 2.0
# How a teaser ends: "Read more", "Continue reading ...", "(more…)", "[…]".
_TEASER_END = re.compile(
    r"(?:(?:read|see) (?:more|the (?:full|rest|whole)\b[^.]*)|continues? reading\b[^.]*|"
    r"keep reading\b[^.]*|full (?:story|article|post)\b[^.]*|"
    r"[\[(] *(?:more *)?(?:…|\.\.\.|more) *[\])]|\bmore *(?:»|›|→|>>))\W*$",
    re.IGNORECASE,
)
# An excerpt cut short: an ellipsis at its end (a whole post may end with one too: only a
# short text is taken for an excerpt by it).
_CUT_END = re.compile(r"(?:…|\.\.\.)\W*$")


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


def _prose(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if b.text.strip() and b.kind != "figure"]


def ends_as_teaser(doc: Document) -> bool:
    """Whether a feed's text ends the way a teaser does: "Read more", "(more…)", "[…]", or
    an ellipsis closing a short text (one or two paragraphs, fewer than 150 words)."""
    prose = _prose(doc)
    if not prose:
        return True
    last = prose[-1].strip()[-80:]
    if _TEASER_END.search(last):
        return True
    short = len(prose) <= 2 or doc.word_count() < FULL_CONTENT_WORDS
    return short and _CUT_END.search(last) is not None


def is_whole_article(doc: Document, teaser: Document | None = None) -> bool:
    """Whether a feed's content is the whole article rather than a teaser, by its shape: it
    does not end as a teaser does, and it is long (150 words), or a short post of several
    paragraphs, or clearly more than the entry's ``teaser`` (its summary) when it has one."""
    if doc.is_empty or ends_as_teaser(doc):
        return False
    words = doc.word_count()
    if words >= FULL_CONTENT_WORDS:
        return True
    paragraphs = len(_prose(doc))
    if paragraphs >= _WHOLE_PARAGRAPHS and words >= _WHOLE_WORDS:
        return True
    if teaser is not None and not teaser.is_empty:
        more_words = words >= teaser.word_count() * _MORE_THAN_SUMMARY
        return more_words and paragraphs > len(_prose(teaser))
    return False


def _feed_documents(
    body: ArticleBody, article: Article
) -> tuple[Document | None, Document | None, bool]:
    """The feed's own text: (the whole article, when the feed holds it — or when there is no
    page to fetch (no web address, as in the bundled welcome feed), so the feed's text is all
    there is and showing it is no fallback; the first text it has, for when the page fails;
    whether that text is complete: the entry's content, of several paragraphs, not ending as
    a teaser does — shown without a notice when the page fails). Runs in a worker process,
    under the time budget."""
    no_page = not is_web_url(article.url)
    content = _from_feed(body.content, article)
    summary = _from_feed(body.summary, article)
    if content is not None and content.is_empty:
        content = None
    if summary is not None and summary.is_empty:
        summary = None
    for doc, teaser in ((content, summary), (summary, None)):
        if doc is not None and (no_page or is_whole_article(doc, teaser)):
            return doc, doc, True
    complete = content is not None and not ends_as_teaser(content) and len(_prose(content)) > 1
    return None, content or summary, complete


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
    fallback_complete = False
    try:
        if body.content.strip() or body.summary.strip():
            whole, fallback, fallback_complete = run_budgeted(
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
        result = fetch_page(url, FetchLimits.from_config(config.refresh))
        page = extract_page(
            result.body,
            result.url,
            config,
            content_type=result.content_type,
            published=_iso(article.published),  # before a date read from the page's text
        )
        doc = _fill(page, article)
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
        if fallback is not None and fallback_complete:
            return fallback  # the feed's whole text: nothing is missing to say sorry for
        if fallback is not None:
            return replace(
                fallback, notice=f"{failed.message}. Showing the feed's summary instead."
            )
        raise failed from exc
    _save(store, article_id, doc, "page", placer)
    return doc
