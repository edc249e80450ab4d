"""Subscribing to a feed by a URL (the feed's, or a page naming one), as ``tui-reader add``
does and the app's ``+`` does: check the URL, find the feed, store it with its first
articles. Network and parsing: call it off the event loop, with a store of the thread's own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tui_reader.config import Config
from tui_reader.models import Feed
from tui_reader.sanitize import clean_line
from tui_reader.store import Store


class SubscribeError(Exception):
    """Why the URL could not be subscribed to (one line)."""


@dataclass(frozen=True)
class Subscribed:
    feed: Feed
    created: bool  # False: it was subscribed already (nothing changed)
    new_articles: int = 0
    via_page: str = ""  # the page whose <link rel="alternate"> named the feed
    warning: str = ""  # the feed loaded with a problem worth saying


def clean_folder(text: str) -> str:
    """A folder as typed ("News / World/") as stored ("News/World")."""
    return "/".join(p.strip() for p in clean_line(text).split("/") if p.strip())


def subscribe(store: Store, url: str, config: Config, *, folder: str = "") -> Subscribed:
    from tui_reader.feeds.discover import DiscoverError, discover
    from tui_reader.feeds.welcome import WELCOME_URL
    from tui_reader.net import FetchError, FetchLimits, check_url

    url = url.strip()
    folder = clean_folder(folder)
    if not url:
        raise SubscribeError("no URL given")
    if url != WELCOME_URL:
        try:
            check_url(url)
        except FetchError as exc:
            raise SubscribeError(f"cannot add {clean_line(url)[:200]}: {exc}") from None
    existing = store.feed_by_url(url)
    if existing is not None:
        return Subscribed(existing, created=False)
    try:
        found = discover(
            url,
            limits=FetchLimits.from_config(config.refresh),
            parse_seconds=config.limits.parse_seconds,
        )
    except DiscoverError as exc:
        raise SubscribeError(f"cannot add {clean_line(url)[:200]}: {exc}") from None
    existing = store.feed_by_url(found.url)
    if existing is not None:
        return Subscribed(existing, created=False)
    feed, _ = store.add_feed(
        found.url, title=found.parsed.title, folder=folder, site_url=found.parsed.site_url
    )
    new, _updated = store.upsert_entries(feed, found.parsed.entries)
    store.record_fetch(
        feed.id,
        status="ok",
        error=found.parsed.warning,
        etag=found.etag,
        last_modified=found.last_modified,
        next_fetch=time.time() + max(60, config.refresh.interval_minutes * 60),
    )
    stored = store.get_feed(feed.id) or feed
    return Subscribed(
        stored,
        created=True,
        new_articles=new,
        via_page=clean_line(found.via_page),
        warning=clean_line(found.parsed.warning),
    )
