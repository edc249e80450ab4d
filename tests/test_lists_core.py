"""Lists in the core: sort orders, the read filter, marking a whole list read and undoing it,
and the per-list views kept in the store's settings (issue 16)."""

from __future__ import annotations

from tests.conftest import BASE_TIME, Data
from tui_reader.listview import DEFAULT, SETTING, ListView, dump_views, list_key, parse_views
from tui_reader.models import EntryData
from tui_reader.reader import Reader
from tui_reader.store import Store
from tui_reader.store.listing import SORTS, ListFilter, list_articles, mark_list_read, mark_unread
from tui_reader.ui.sources import ALL, SAVED, UNREAD, feed_source, folder_source


def titles(store: Store, which: ListFilter, sort: str = "newest") -> list[str]:
    return [a.title for a in list_articles(store.conn, which, sort=sort)]  # type: ignore[arg-type]


def test_each_sort_order(data: Data) -> None:
    store = data.store
    news = ListFilter(feed_id=data.news)
    assert titles(store, news) == [f"News story {i}" for i in range(5)]
    assert titles(store, news, "oldest") == [f"News story {i}" for i in reversed(range(5))]
    # Newest first is what Store.list_articles gives (the order the app always had).
    assert titles(store, ListFilter()) == [a.title for a in store.list_articles()]
    by_title = titles(store, ListFilter(), "title")
    assert by_title == sorted(by_title, key=str.casefold)
    by_feed = [a.feed_id for a in list_articles(store.conn, ListFilter(), sort="feed")]
    names = {f.id: f.display_title.casefold() for f in store.list_feeds()}
    assert [names[i] for i in by_feed if i is not None] == sorted(names[i] for i in by_feed if i)


def test_sort_by_feed_follows_a_rename(data: Data) -> None:
    store = data.store

    def first() -> int | None:
        rows = list_articles(store.conn, ListFilter(), sort="feed")
        return next(a.feed_id for a in rows if a.feed_id in (data.news, data.tech))

    assert first() == data.news  # "Daily News" comes before "Tech Notes"
    store.rename_feed(data.tech, "A tech feed")
    assert first() == data.tech


def test_untitled_articles_sort_after_titled_ones(data: Data) -> None:
    feed = data.store.get_feed(data.tech)
    assert feed is not None
    data.store.upsert_entries(feed, [EntryData(guid="u", text="aaa first words", published=1.0)])
    rows = list_articles(data.store.conn, ListFilter(feed_id=data.tech), sort="title")
    assert [a.title for a in rows] == ["Tech note 0", "Tech note 1", "Tech note 2", ""]


def test_pages_of_a_sorted_list_join_up(data: Data) -> None:
    for sort in SORTS:
        whole = list_articles(data.store.conn, ListFilter(), sort=sort)
        paged = [
            a
            for offset in range(0, len(whole), 2)
            for a in list_articles(data.store.conn, ListFilter(), sort=sort, limit=2, offset=offset)
        ]
        assert [a.id for a in paged] == [a.id for a in whole], sort


def test_mark_a_feed_read_returns_what_changed_and_undo_restores_it(data: Data) -> None:
    store = data.store
    already = data.articles["News story 1"]
    store.set_read([already], True)
    ids = mark_list_read(store.conn, ListFilter(feed_id=data.news))
    assert sorted(ids) == sorted(data.articles[f"News story {i}"] for i in (0, 2, 3, 4))
    assert all(a.read for a in store.list_articles(feed_id=data.news))
    assert not any(a.read for a in store.list_articles(feed_id=data.tech))  # other feeds alone
    assert mark_list_read(store.conn, ListFilter(feed_id=data.news)) == []
    mark_unread(store.conn, ids)
    read = {a.title for a in store.list_articles(feed_id=data.news) if a.read}
    assert read == {"News story 1"}  # the one read before stays read


def test_mark_a_folder_read_takes_its_subfolders_but_not_look_alikes(data: Data) -> None:
    store = data.store
    old, _ = store.add_feed("https://old.example/feed.xml", title="Old", folder="News/Old")
    alike, _ = store.add_feed("https://alike.example/feed.xml", title="Alike", folder="Newsy")
    for feed in (old, alike):
        store.upsert_entries(feed, [EntryData(guid="x", title=f"{feed.title} story")])
    ids = mark_list_read(store.conn, ListFilter(folder="News"))
    assert len(ids) == 6  # Daily News's five and News/Old's one
    assert not next(a for a in store.list_articles() if a.title == "Alike story").read


def test_mark_starred_saved_and_given_ids(data: Data) -> None:
    store = data.store
    star = data.articles["Tech note 1"]
    store.set_starred(star, True)
    assert mark_list_read(store.conn, ListFilter(starred_only=True)) == [star]
    page = store.add_saved_page("https://page.example/x", title="A page")
    assert mark_list_read(store.conn, ListFilter(saved=True)) == [page.id]
    some = (data.articles["News story 3"], data.articles["Tech note 2"])
    assert sorted(mark_list_read(store.conn, ListFilter(ids=some))) == sorted(some)
    assert mark_list_read(store.conn, ListFilter(ids=())) == []
    rest = mark_list_read(store.conn, ListFilter())
    assert len(rest) == 10 - 4 and store.unread_total() == 0  # nine articles and the page


def test_the_read_filter(data: Data) -> None:
    data.store.set_read([data.articles["News story 0"]], True)
    source = feed_source(data.news, "Daily News")
    with Reader(data.paths) as reader:  # the UI's lists are read through the Reader
        hidden = source.fetch(reader, 100, view=ListView(show_read=False))
        assert [a.title for a in hidden] == [f"News story {i}" for i in range(1, 5)]
        assert len(source.fetch(reader, 100)) == 5
        oldest_unread = source.fetch(reader, 100, view=ListView(sort="oldest", show_read=False))
        assert [a.title for a in oldest_unread] == [f"News story {i}" for i in (4, 3, 2, 1)]


def test_views_round_trip_and_bad_settings_are_ignored(store: Store) -> None:
    views = {
        list_key("feed", 12): ListView("oldest", True),
        list_key("folder", folder="Tech/Old"): ListView("title", False),
        "all": DEFAULT,  # not stored
    }
    text = dump_views(views)
    assert "all" not in text
    assert parse_views(text) == {
        "feed:12": ListView("oldest"),
        "folder:Tech/Old": ListView("title", False),
    }
    store.set_setting(SETTING, text)
    assert parse_views(store.get_setting(SETTING))["feed:12"].sort == "oldest"
    for bad in ("", "[", "[1]", '{"a": 1}', '{"a": {"sort": "random"}}', '{"a": {"show_read": 1}}'):
        assert parse_views(bad) == {}, bad
    assert parse_views('{"a": {"sort": "feed"}, "b": 3}') == {"a": ListView("feed")}


def test_sort_cycle_and_labels() -> None:
    view = DEFAULT
    seen = []
    for _ in SORTS:
        seen.append(view.sort)
        view = view.next_sort()
    assert seen == list(SORTS) and view == DEFAULT
    assert DEFAULT.label == ""
    assert ListView("oldest", False).label == "oldest first, unread only"


def test_list_keys_name_each_list() -> None:
    keys = {s.key for s in (ALL, UNREAD, SAVED, feed_source(3, "x"), folder_source("A/B"))}
    assert keys == {"all", "unread", "saved", "feed:3", "folder:A/B"}


def test_a_big_list_is_marked_read_in_one_go(store: Store) -> None:
    feed, _ = store.add_feed("https://big.example/feed.xml")
    store.upsert_entries(
        feed,
        [EntryData(guid=str(i), title=f"t{i}", published=BASE_TIME - i) for i in range(5000)],
    )
    ids = mark_list_read(store.conn, ListFilter(feed_id=feed.id))
    assert len(ids) == 5000 and store.unread_total() == 0
    mark_unread(store.conn, ids)
    assert store.unread_total() == 5000
