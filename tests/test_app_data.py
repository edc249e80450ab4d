"""Fixed data for the app's tests: feeds, articles and documents put straight into a real store.

Dates are fixed; every article has a stored document made by the current extractor, so opening
one never touches the network unless a test wants it to.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tui_reader.config import Config
from tui_reader.document import Block, Document, Span
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.store import Store
from tui_reader.ui import backend

BASE_TIME = 1_700_000_000.0  # 14 Nov 2023, 22:13 UTC
HOSTILE_TITLE = "[bold red]x[/] [@click=app.quit]click[/] \x1b[31mred\x1b[0m"


def rich_document(n: int = 0) -> Document:
    """A document with every kind of block and span."""
    para = (
        f"Article {n} opens here. The first paragraph has emphasis, strong text and code."
        " It links to the project page and to an archive. Then it ends."
    )
    em = para.index("emphasis")
    strong = para.index("strong text")
    code = para.index("code.")
    link1 = para.index("the project page")
    link2 = para.index("an archive")
    return Document(
        title=f"Document title {n}",
        byline="Ada Writer",
        site_name="Daily News",
        published="2023-11-14",
        url=f"https://news.example/{n}",
        blocks=(
            Block(
                "paragraph",
                para,
                spans=(
                    Span(em, em + 8, "em"),
                    Span(strong, strong + 11, "strong"),
                    Span(code, code + 4, "code"),
                    Span(link1, link1 + 16, "link", "https://project.example/"),
                    Span(link2, link2 + 10, "link", "javascript:alert(1)"),
                ),
            ),
            Block("heading", "A section heading", level=2),
            Block(
                "paragraph",
                "Second paragraph. Mr. Smith said it twice! Did he? Yes. Dr. Jones agreed."
                " The needle word zanzibar appears here once.",
            ),
            Block("list_item", "First point of the list.", level=0),
            Block("list_item", "Second point, nested.", level=1),
            Block("list_item", "Step one.", ordered=True, number=1),
            Block("quote", "A quoted passage that should carry a bar at its left."),
            Block("code", "def f(x):\n\treturn x * 2"),
            Block("figure", "A caption for the picture", src="https://news.example/p.png"),
            Block(
                "table",
                "Name Value Alpha 1 Beta 2",
                rows=(("Name", "Value"), ("Alpha", "1"), ("Beta", "2")),
            ),
            Block("paragraph", "The last paragraph of the article. It is short."),
        ),
    )


def long_document(words: int, *, seed: int = 7) -> Document:
    """A long article (``words`` words) of styled paragraphs, headings, lists and quotes."""
    import random

    rnd = random.Random(seed)
    vocab = re.findall(
        r"\w+",
        "the reader of news and notes was in a quiet room where every sentence mattered more"
        " than speed because close reading takes time and attention to detail",
    )
    blocks: list[Block] = []
    count = 0
    k = 0
    while count < words:
        k += 1
        if k % 10 == 1:
            blocks.append(Block("heading", f"Part {k}", level=2))
            continue
        if k % 10 == 5:
            text = " ".join(rnd.choice(vocab) for _ in range(14)) + "."
            blocks.append(Block("list_item", text.capitalize()))
            count += 14
            continue
        if k % 10 == 8:
            text = " ".join(rnd.choice(vocab) for _ in range(30)) + "."
            blocks.append(Block("quote", text.capitalize(), level=1))
            count += 30
            continue
        sentences = []
        for _ in range(rnd.randint(3, 6)):
            ws = [rnd.choice(vocab) for _ in range(rnd.randint(8, 22))]
            sentences.append(" ".join(ws).capitalize() + ".")
        text = " ".join(sentences)
        count += len(text.split())
        spans = (
            Span(0, 3, "strong"),
            Span(10, 20, "em"),
            Span(25, 35, "link", f"https://example.com/{k}"),
        )
        blocks.append(Block("paragraph", text, spans=spans if len(text) > 40 else ()))
    return Document(title="A long article", byline="Long Writer", blocks=tuple(blocks))


def save_doc(store: Store, article_id: int, doc: Document) -> None:
    store.save_document(
        article_id,
        doc_json=doc.to_json(),
        text=doc.text,
        version=backend.extractor_version(),
        source="page",
    )


@dataclass
class Data:
    paths: Paths
    store: Store
    news: int
    tech: int
    broken: int
    hostile: int
    articles: dict[str, int] = field(default_factory=dict)  # name -> id

    def app(self, config: Config | None = None, **kw: object):  # type: ignore[no-untyped-def]
        from tui_reader.ui.app import ReaderApp

        return ReaderApp(self.paths, config or Config(), **kw)  # type: ignore[arg-type]


def fill_store(paths: Paths, store: Store) -> Data:
    from tui_reader.feeds.welcome import WELCOME_SETTING

    store.set_setting(WELCOME_SETTING, "1")  # no welcome feed: fixed data only
    news, _ = store.add_feed("https://news.example/feed.xml", title="Daily News", folder="News")
    tech, _ = store.add_feed("https://tech.example/feed.xml", title="Tech Notes")
    broken, _ = store.add_feed("https://broken.example/feed.xml", title="Broken Feed")
    store.record_fetch(broken.id, status="error", error="HTTP 500 Internal Server Error")
    hostile, _ = store.add_feed("https://hostile.example/feed.xml", title=HOSTILE_TITLE)
    data = Data(paths, store, news.id, tech.id, broken.id, hostile.id)
    store.upsert_entries(
        news,
        [
            EntryData(
                guid=f"news-{i}",
                url=f"https://news.example/{i}",
                title=f"News story {i}",
                author="Ada Writer",
                published=BASE_TIME - i * 3600,
                summary=f"<p>Summary of story {i}.</p>",
            )
            for i in range(5)
        ],
    )
    store.upsert_entries(
        tech,
        [
            EntryData(
                guid=f"tech-{i}",
                url=f"https://tech.example/{i}",
                title=f"Tech note {i}",
                published=BASE_TIME - 1800 - i * 7200,
                summary=f"<p>Tech summary {i}.</p>",
            )
            for i in range(3)
        ],
    )
    store.upsert_entries(
        hostile,
        [
            EntryData(
                guid="hostile-1",
                url="https://hostile.example/1",
                title=HOSTILE_TITLE,
                published=BASE_TIME - 100_000,
                summary="<p>[bold]not bold[/bold] [@click=app.quit]no click[/]</p>",
            )
        ],
    )
    for article in store.list_articles():
        name = article.title
        data.articles[name] = article.id
        if article.feed_id == hostile.id:
            doc = Document(
                title=HOSTILE_TITLE,
                blocks=(Block("paragraph", "[bold]not bold[/bold] [@click=app.quit]no click[/]"),),
            )
        else:
            n = int(name.rsplit(" ", 1)[1])
            doc = rich_document(n)
        save_doc(store, article.id, doc)
    return data


@pytest.fixture(name="data")
def data_fixture(paths: Paths, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Data]:
    """The fixed data in the test's store (import ``data_fixture`` to use ``data``)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield fill_store(paths, store)
    time.tzset()


def test_fixed_data_is_what_the_tests_expect(data: Data) -> None:
    assert len(data.articles) == 9
    feeds = {f.title: f for f in data.store.list_feeds()}
    assert feeds["Broken Feed"].last_status == "error"
    body = data.store.get_body(data.articles["News story 0"])
    assert Document.from_json(body.doc_json).title == "Document title 0"


def store_path(data: Data) -> Path:
    return data.paths.database
