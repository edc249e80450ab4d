"""One key per web address, for matching an article to an address given elsewhere (an
annotation file, a link): tracking parameters, the fragment, the default port, letter case of
scheme and host and a trailing slash do not make two addresses different."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from tui_reader.sanitize import clean_url

__all__ = ["url_key"]


def url_key(url: str) -> str:
    """The normalised form of ``url`` ("" for an empty one); not a URL to fetch."""
    url = clean_url(url.strip())
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if scheme == "http":
        scheme = "https"  # the same page, served both ways
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, parts.query, ""))
