"""What the screens share: the :class:`~tui_reader.reader.Reader` (the one way to the core),
the ordered writer over it, the config and the user's paths.

The UI reaches the store, the extractor, the feeds and the exporter only through the Reader:
quick reads on the event loop (a list, an article to open), anything that may wait in a
thread worker (``@work(thread=True)``, which hands its result back with ``call_from_thread``
or ``post_message``), and writes whose order matters through :attr:`Context.writer`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_reader.config import Config
from tui_reader.paths import Paths
from tui_reader.ui.appreader import AppReader
from tui_reader.ui.writer import ReaderWriter

__all__ = ["AppReader", "Context"]


@dataclass
class Context:
    reader: AppReader  # everything the UI asks of the core
    config: Config
    writer: ReaderWriter  # the writes, in order, on one thread
    paths: Paths
