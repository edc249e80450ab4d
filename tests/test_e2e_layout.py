"""The installed ``tui-reader`` in tmux at 110x30: reading an article with highlights, the
lists give way to the sidebar and the text keeps a readable measure (it was squeezed to about
24 columns); and ``read URL`` of a page stored already opens that article, highlights and all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tmux import Tmux, environment
from tui_reader.document import Block, Document
from tui_reader.paths import get_paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store
from tui_reader.ui import backend

pytestmark = pytest.mark.e2e

LINE = "Sixty-four characters of text must fit on one line of the pane."  # 64
TEXT = " ".join([LINE] * 12)


def test_text_keeps_its_measure_beside_the_sidebar(
    tmp_path: Path,
    tmux: Tmux,
) -> None:
    env = environment(tmp_path)
    url = "https://pages.example/essay"
    with Store.open(get_paths().database) as store:  # the same XDG folders as the app's
        article = store.add_saved_page(url, title="An essay")
        doc = Document(title="An essay", blocks=(Block("paragraph", TEXT),))
        store.save_document(
            article.id,
            doc_json=doc.to_json(),
            text=doc.text,
            version=backend.extractor_version(),
            source="page",
        )
        add_highlight(store, article.id, doc.text, 0, len(LINE), "key point")
    tmux.start(
        env,
        "read",
        "HTTP://Pages.Example/essay/?utm_source=newsletter",  # the same page, spelt otherwise
        size=(110, 30),
    )
    screen = tmux.wait_for("An essay")
    if "Notes · 1 highlight" not in screen:  # the list has the focus: open the article
        tmux.keys("Enter")
    screen = tmux.wait_for("Notes · 1 highlight")
    assert "Feeds" not in screen  # the lists gave way
    rows = [row for row in screen.splitlines() if LINE in row]
    assert rows, f"no line holds the {len(LINE)} characters:\n{screen}"
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
    with Store.open(get_paths().database) as store:
        assert [a.title for a in store.list_articles(saved=True)] == ["An essay"]  # one copy
