"""Clean article text: a page or a feed's content HTML to a structured
:class:`~tui_reader.document.Document`.

- :func:`extract_html` finds the article in a whole page (readability-lxml, with cleaning
  before and after, and a fallback where it finds too little);
- :func:`document_from_fragment` converts a feed's own content;
- :func:`load_document` is what the app and the CLI call for a stored article: the stored
  document when current, else the feed's content or the fetched page, stored for next time.
"""

from __future__ import annotations

from tui_reader.extract.errors import EXTRACTOR_VERSION, ExtractionError
from tui_reader.extract.loader import load_document
from tui_reader.extract.pipeline import document_from_fragment, extract_html

__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractionError",
    "document_from_fragment",
    "extract_html",
    "load_document",
]
