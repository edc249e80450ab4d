"""What ``tui-reader read FILE`` (cli/reading.py) still borrows from here: extracting a page.

The UI itself does not use this module: it reaches the core through the
:class:`~tui_reader.reader.Reader` only (see :mod:`tui_reader.ui.context`). Delete it once the
command calls :meth:`tui_reader.reader.Reader.save_page` (the core's side of issue 12).
"""

from __future__ import annotations

from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.errors import ExtractionError, ReaderError

Unavailable = ReaderError  # (was: a part missing from the build; there is none to miss)


def extraction_error() -> type[Exception]:
    return ExtractionError


def extract_html(html: bytes | str, url: str, config: Config) -> Document:
    """The article in a page, extracted in a worker process under the time budget (the
    command runs without Textual: its stderr is real, nothing to work around)."""
    from tui_reader.extract.guarded import extract_page

    return extract_page(html, url, config)
