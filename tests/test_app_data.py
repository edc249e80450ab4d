"""The fixed data the app's tests read (``data``, made in tests/conftest.py) is what they expect."""

from __future__ import annotations

from tests.conftest import Data
from tui_reader.document import Document


def test_fixed_data_is_what_the_tests_expect(data: Data) -> None:
    assert len(data.articles) == 9
    feeds = {f.title: f for f in data.store.list_feeds()}
    assert feeds["Broken Feed"].last_status == "error"
    body = data.store.get_body(data.articles["News story 0"])
    assert Document.from_json(body.doc_json).title == "Document title 0"
