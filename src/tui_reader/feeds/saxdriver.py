"""A SAX driver for feedparser: the standard expat driver with ``buffer_text`` on.

feedparser tries the drivers named in ``feedparser.api.PREFERRED_XML_PARSERS`` first. Plain
expat reports text in many small pieces (a call per entity reference, per line...), and
feedparser does Python work for each; buffered, it gets one piece per text node. The parse
result is the same (checked over the corpus in the tests), about a fifth faster.
"""

from __future__ import annotations

from xml.sax import expatreader

DRIVER = "tui_reader.feeds.saxdriver"


class BufferedExpatParser(expatreader.ExpatParser):
    def reset(self) -> None:
        super().reset()
        parser = getattr(self, "_parser", None)  # the pyexpat parser reset() just made
        if parser is not None:
            parser.buffer_text = True
            parser.buffer_size = 1 << 16


def create_parser() -> BufferedExpatParser:
    return BufferedExpatParser()
