"""Clean article text: a page or a feed's content HTML to a structured
:class:`~tui_reader.document.Document`.

- :func:`extract_html` finds the article in a whole page (readability-lxml, with cleaning
  before and after, and a fallback where it finds too little);
- :func:`document_from_fragment` converts a feed's own content;
- :func:`load_document` is what the app and the CLI call for a stored article: the stored
  document when current, else the feed's content or the fetched page, stored for next time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tui_reader.extract.errors import EXTRACTOR_VERSION, ExtractionError

if TYPE_CHECKING:
    from tui_reader.extract.loader import load_document
    from tui_reader.extract.pipeline import document_from_fragment, extract_html

# readability and lxml take ~90 ms to import: loaded on first use, so commands and the app
# that never extract (refresh, feeds, start-up) do not pay for them.
_LAZY = {
    "load_document": "tui_reader.extract.loader",
    "document_from_fragment": "tui_reader.extract.pipeline",
    "extract_html": "tui_reader.extract.pipeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractionError",
    "document_from_fragment",
    "extract_html",
    "load_document",
]
