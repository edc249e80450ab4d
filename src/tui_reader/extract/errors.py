"""The one error extraction raises, and the extractor's version."""

from __future__ import annotations

# Bump whenever the documents extraction produces change: stored documents made by another
# version are extracted again the next time they are opened.
EXTRACTOR_VERSION = "2"


class ExtractionError(Exception):
    """No readable article could be made from a page; the message says why, in one line."""
