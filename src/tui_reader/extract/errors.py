"""The extractor's version, and its error (defined in :mod:`tui_reader.errors`)."""

from __future__ import annotations

from tui_reader.errors import ArticleUnavailable, ExtractionError

__all__ = ["EXTRACTOR_VERSION", "ArticleUnavailable", "ExtractionError"]

# Bump whenever the documents extraction produces change: stored documents made by another
# version are extracted again the next time they are opened.
EXTRACTOR_VERSION = "16"
