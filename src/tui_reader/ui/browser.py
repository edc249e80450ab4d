"""Opening links in the user's browser: http(s) only, through :mod:`webbrowser` (which starts
the browser directly, never through a shell)."""

from __future__ import annotations

import webbrowser

from tui_reader.sanitize import is_web_url


class NotAWebLink(ValueError):
    pass


def open_in_browser(url: str) -> None:
    """Open ``url`` (blocking for as long as starting the browser takes: call it in a worker).
    Raises :class:`NotAWebLink` for anything but an http(s) URL, and OSError when no browser
    could be started."""
    if not is_web_url(url):
        raise NotAWebLink(url)
    if not webbrowser.open(url.strip(), new=2):
        raise OSError("no web browser could be started")
