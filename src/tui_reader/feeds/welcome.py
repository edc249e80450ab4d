"""The bundled welcome feed: read from a file inside the package, so it works offline.

Its URL is the pseudo URL :data:`WELCOME_URL`; a refresh reads the file instead of the network.
It is subscribed once, on the first run; removing it is permanent (a setting remembers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_reader.store import Store

WELCOME_URL = "tui-reader:welcome"
WELCOME_SETTING = "welcome_feed_added"


def welcome_bytes() -> bytes:
    # Read through the package's loader (as importlib.resources would, zipped packages
    # included), with pkgutil: every refresh reads the file, and importlib.resources costs
    # several times as much to import (its readers bring in zipfile). Imported here, not with
    # the module: the app's start-up reads WELCOME_SETTING from this module.
    import pkgutil

    data = pkgutil.get_data("tui_reader.feeds", "welcome.xml")
    if data is None:
        raise FileNotFoundError("welcome.xml: the package's loader cannot read files")
    return data


def welcome_etag(data: bytes) -> str:
    """A validator for the bundled file: its content hash."""
    import hashlib

    return '"' + hashlib.sha256(data).hexdigest()[:20] + '"'


def ensure_welcome(store: Store) -> bool:
    """On the first run, subscribe to the welcome feed and load its articles. Returns True when
    it was added now; False when it was added before (even if the user removed it since)."""
    if store.get_setting(WELCOME_SETTING):
        return False
    from tui_reader.feeds.parse import parse_feed

    data = welcome_bytes()
    parsed = parse_feed(data, WELCOME_URL)
    if not store.claim_setting(WELCOME_SETTING, "1"):
        return False  # another instance has just done it
    feed, created = store.add_feed(WELCOME_URL, title=parsed.title)
    if created:
        store.upsert_entries(feed, parsed.entries)
        store.record_fetch(feed.id, status="ok", etag=welcome_etag(data))
    return True
