"""Which stored article an incoming feed entry is: the identity rule, in plain code (no SQL).

Identity is within one feed:

- An entry with an id (RSS guid, Atom id, JSON Feed id; blank counts as none) is that id,
  as written (a relative id is never resolved: the feed's address or a base may change),
  unless its title, link and date all differ from the stored article's with that id: the id
  was reused for another story (positions as ids), and the entry is a new article.
  Entries with different ids are different articles, whatever their links say; the link is
  never consulted for an entry that has an id.
- An entry without an id is its link together with its title, and its date where link and
  title repeat too (items sharing a landing page or a podcast's home page stay apart).
- An id that entries with different links share within one document (a generator that
  writes the site's address, or "N/A", as every item's guid) identifies none of them: each
  is that id together with its link, and stored rows are matched to them by that link.
- Entries repeating an identity within one document are one article: the first wins (feeds
  list newest first; Atom's versions of one entry). Unless their text differs: entries
  without an id that repeat link, title and date (or have none of them: an item may be a
  description alone) but not their text are as many articles, told apart by their text.
- An entry with nothing in it (no id, link, title, text or enclosure: a feed's empty
  ``<item/>``) is no article.

An entry seen again need not look the same (matched in this order, each stored article at most
once, and only where the link or pair is unique on both sides, so entries sharing a page stay
apart): an entry without an id whose title was edited is the stored one with its link and
date, or with its link and a title sharing most words (no date on either side); a feed that
starts giving ids has its stored id-less articles matched by link and title, and one that stops
(a document with no id at all) has its stored articles matched the same way.

An id respelled is the same article: the stored row that no entry took (its id left the
document, or names another story now), matched (each unique on both sides) by the id without
its fragment on the same link (an update under a new fragment: the BBC's "#0", then "#1";
not a page whose anchors several entries or rows name), then by the id's path
with the same title (and date, where both have one), then by its last segment with the same
title and date (a site that moved: another host, http to https, a base path, a trailing slash,
a relative id made absolute), else by the same title and date with the same link (a
generator that makes new ids at every build) or ids that are permalinks on one site and a date
with a time of day (a slug or path renamed). An entry without an id whose link changed is
the row with its title and a date with a time of day. A title a blog repeats ("Weeknotes" at
/2024/01/05/weeknotes), a digest's ids ending in the day, a job board's postings dated by
the day alone: never matched to each other.

A relative id that an older version stored resolved (``https://site/slug`` for ``/slug``) is
matched to that row when the row's link or title is the entry's too, and takes the id as
written. A stored article is matched to an incoming entry at most once. Rows stored before this rule
(their ``guid`` was the link, or a hash of title and date, when the entry had no id) are still
matched, so a refresh never duplicates them; the caller then stores them under the new rule.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tui_reader.models import EntryData
from tui_reader.sanitize import has_scheme, is_web_url
from tui_reader.words import words

_LEGACY_HASH = re.compile(r"[0-9a-f]{40}")  # the old rule's sha1 key for an entry with no link


@dataclass(frozen=True)
class Known:
    """A stored article of the feed, as far as matching needs it."""

    id: int
    guid: str
    url: str
    title: str
    published: float | None
    entry_hash: str = ""  # entry_hash() of the entry it was stored from


@dataclass(frozen=True)
class Match:
    """An incoming entry and the stored article it is (None: a new article)."""

    entry: EntryData
    article_id: int | None
    key: str  # the entry's identity as text (unique within the feed's document)


Entry = EntryData | Known  # (what the keys below read: guid, url, title, published)


def entry_key(e: EntryData, shared: Collection[str] = ()) -> str:
    """The entry's identity within its feed, as one string (``shared``: the ids that do not
    identify an entry, see :func:`shared_ids`)."""
    if e.guid:
        return f"id\n{e.guid}\n{e.url}" if e.guid in shared else "id\n" + e.guid
    return f"entry\n{e.url}\n{e.title}\n{e.published!r}"


def shared_ids(entries: Iterable[EntryData]) -> set[str]:
    """The ids that entries with different links share: no entry's identity on their own."""
    first_link: dict[str, str] = {}
    shared: set[str] = set()
    for e in entries:
        if e.guid and e.url and first_link.setdefault(e.guid, e.url) != e.url:
            shared.add(e.guid)
    return shared


def is_empty(e: EntryData) -> bool:
    """Nothing in it to read or to tell it by (a feed's empty ``<item/>``)."""
    return not (e.guid or e.url or e.title or e.summary or e.content or e.enclosures)


def _keys(entries: Iterable[EntryData]) -> tuple[list[tuple[EntryData, str]], set[str]]:
    """The distinct entries with their keys: empty ones dropped; one repeating an identity
    dropped when its text is the same too (the first wins), else kept under its key and its
    text's digest (entries without an id that only their text tells apart). With the ids
    the document's entries share (:func:`shared_ids`)."""
    listed = [e for e in entries if not is_empty(e)]
    shared = shared_ids(listed)
    first: dict[str, EntryData] = {}  # key -> its first entry
    taken: set[str] = set()
    out: list[tuple[EntryData, str]] = []
    for e in listed:
        key = entry_key(e, shared)
        if key not in first:
            first[key] = e
            taken.add(key)
            out.append((e, key))
            continue
        if e.guid:
            # A repeat of an id is a version of the first entry with it (first wins), unless
            # its title and date both differ: then it is another story a generator gave the
            # same id (a podcast's guid copied from episode to episode, two posts a site
            # built at one address), kept under the id and its date.
            dated = f"{key}\n{e.published!r}"
            if _another_story_told(e, first[key]) and dated not in taken:
                taken.add(dated)
                out.append((e, dated))
            continue
        digest = entry_hash(e)  # (only for a repeat: most documents have none)
        told = f"{key}\n{digest}"
        if digest != entry_hash(first[key]) and told not in taken:
            taken.add(told)
            out.append((e, told))
    return out, shared


def _another_story_told(e: EntryData, first: EntryData) -> bool:
    """Whether ``e``, repeating the id (and link) of ``first`` in one document, is another
    story: both dated, and title and date both differ."""
    return (
        bool(e.title and first.title)
        and e.title != first.title
        and e.published is not None
        and first.published is not None
        and e.published != first.published
    )


def distinct_entries(entries: Iterable[EntryData]) -> list[EntryData]:
    """The entries with a repeated identity dropped (see :func:`_keys`), order kept."""
    return [e for e, _key in _keys(entries)[0]]


def _words(title: str) -> set[str]:
    return set(words(title))


def similar_titles(a: str, b: str) -> bool:
    """Most words shared (a typo fixed, a word changed or added): not another story."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) * 2 > len(wa | wb)


def match_entries(known: Iterable[Known], entries: Iterable[EntryData]) -> list[Match]:
    """Decide, for each distinct entry of a document, which stored article it is, if any.

    ``known`` is every stored article of the feed, oldest first (the oldest wins where old
    stores hold two rows with one guid). The result follows the document's order."""
    keyed, shared = _keys(entries)
    todo = [e for e, _key in keyed]
    rows = list(known)
    claimed: set[int] = set()
    found: dict[int, int] = {}  # index in todo -> article id

    def claim(i: int, row: Known) -> None:
        claimed.add(row.id)
        found[i] = row.id

    # 1. Entries with an id: the row with that guid, and nothing else. An id shared by
    # entries (or rows) with different links: the row with that guid and the entry's link.
    by_guid: dict[str, list[Known]] = {}
    for row in rows:
        if row.guid:
            by_guid.setdefault(row.guid, []).append(row)
    shared.update(g for g, same in by_guid.items() if len(same) > 1 and _links_differ(same))
    by_guid_link: dict[tuple[str, str], deque[Known]] = {}
    for guid in shared:
        for row in by_guid.get(guid, []):
            by_guid_link.setdefault((guid, row.url), deque()).append(row)
    # An id the document repeats for several stories (see _keys), or several rows have: the
    # row with the entry's title, else with its date (a title edited), else none (a new
    # story); never the first row with the id whatever it holds.
    ids = Counter(e.guid for e in todo)
    stories = _Stories(
        r for g, same in by_guid.items() if ids[g] > 1 or len(same) > 1 for r in same
    )
    idless: list[int] = []
    for i, e in enumerate(todo):
        if not e.guid:
            idless.append(i)
        elif e.guid in shared:
            same_link = by_guid_link.get((e.guid, e.url))
            if same_link:
                claim(i, same_link.popleft())
        elif ids[e.guid] > 1 or len(by_guid.get(e.guid, ())) > 1:
            if (story := stories.take(e, claimed)) is not None:
                claim(i, story)
        elif (
            (same_id := by_guid.get(e.guid))
            and same_id[0].id not in claimed
            and not _another_story(e, same_id[0])
        ):
            claim(i, same_id[0])

    # 1b. A relative id (jekyll-feed's "/slug") that older versions stored resolved against
    # a base ("https://site/slug"): the row whose guid it resolves to, against that guid.
    _by_resolved_id(
        [i for i, e in enumerate(todo) if e.guid and i not in found and _is_relative(e.guid)],
        [r for r in rows if r.guid and r.id not in claimed and not _is_relative(r.guid)],
        todo,
        claim,
    )

    # 1c. An id respelled. A site that updates a story under a new fragment of its id (the
    # BBC's ".../articles/x#0" then "#1", with a new time) on the same link; a site that
    # moves (another host, http to https, a base path, a trailing slash) respells every
    # permalink id by one prefix; a post whose slug is renamed respells its own. The row no
    # entry took, with the id without its fragment and the same link; with the id's path (or
    # its last segment) and the same title (and date); else with the same title and date.
    # Each unique on both sides.
    # (A row whose id is in the document but went to no entry: that id now names another
    # story, see _another_story.)
    left = [r for r in rows if r.guid and r.id not in claimed]
    # (An id's page that several entries or rows share, each under its own fragment, is a
    # page of anchors, a changelog's: none of them is another's update.)
    pages = Counter(_id_unfragmented(e.guid) for e in todo)
    pages.update(_id_unfragmented(r.guid) for r in rows)
    passes: list[tuple[Callable[[Entry], object], Callable[[EntryData, Known], bool]]] = [
        (lambda item: _one_page(item.guid, pages), _same_link),
        (_path_and_title, _same_title),
        (lambda item: _id_slug(item.guid), _same_title_and_date),
        (_title_and_date, _same_link_or_site),
    ]
    for key, agree in passes if left else []:
        _by_unique_key(
            [i for i, e in enumerate(todo) if e.guid and i not in found],
            [r for r in left if r.id not in claimed],
            todo,
            claim,
            key,
            key,
            agree,
        )

    # 2. Entries without an id, against rows without one: link, title and date first (the
    # row with the same text first, where several repeat them)...
    exact: dict[tuple[str, str, float | None], list[Known]] = {}
    loose: dict[tuple[str, str], list[Known]] = {}
    for row in rows:
        if not row.guid:
            exact.setdefault((row.url, row.title, row.published), []).append(row)
            loose.setdefault((row.url, row.title), []).append(row)
    for same_text in (True, False):
        for i in idless:
            if i in found:
                continue
            e = todo[i]
            group = exact.get((e.url, e.title, e.published), [])
            if same_text and len(group) < 2:
                continue  # (one row: the second pass takes it, text changed or not)
            digest = entry_hash(e) if same_text else ""
            for row in group:
                if row.id not in claimed and (not same_text or row.entry_hash == digest):
                    claim(i, row)
                    break
    # ...then link and title alone (a date that changed), where neither the document nor the
    # stored articles repeat them (where they do, the date is part of the identity).
    in_doc: dict[tuple[str, str], list[int]] = {}
    for i in idless:
        in_doc.setdefault((todo[i].url, todo[i].title), []).append(i)
    for pair, indexes in in_doc.items():
        same = loose.get(pair, [])
        if len(indexes) == len(same) == 1 and indexes[0] not in found and same[0].id not in claimed:
            claim(indexes[0], same[0])

    # ...then a title edited: the link alone, unique among the entries and the rows left,
    # with the same date, or (a date on neither) a title sharing most words.
    _by_unique_link(
        [i for i in idless if i not in found],
        [r for r in rows if not r.guid and r.id not in claimed],
        todo,
        claim,
        lambda e, r: (
            e.published == r.published
            if e.published is not None and r.published is not None
            else e.published is None and r.published is None and similar_titles(e.title, r.title)
        ),
    )
    # ...then a link changed (a site's new permalinks): the same title and date, unique.
    _by_unique_key(
        [i for i in idless if i not in found],
        [r for r in rows if not r.guid and r.id not in claimed],
        todo,
        claim,
        _title_and_time,
        _title_and_time,
        _always,
    )
    # ...and a feed that stopped giving ids (none in this document): its rows with one that
    # no entry claimed, by link and title.
    if not any(e.guid for e in todo):
        _by_unique_link(
            [i for i in idless if i not in found],
            [r for r in rows if r.guid and r.guid != r.url and r.id not in claimed],
            todo,
            claim,
            lambda e, r: e.title == r.title,
        )
    # 2b. Entries with an id no row has: a feed that started giving ids, its rows without
    # one, by link and title.
    _by_unique_link(
        [i for i, e in enumerate(todo) if e.guid and i not in found],
        [r for r in rows if not r.guid and r.id not in claimed],
        todo,
        claim,
        lambda e, r: e.title == r.title,
    )

    # 3. Rows stored by the old rule for entries without an id: guid = link (one row for all
    # the entries sharing it, holding the title of one of them: that one takes it), or a hash
    # of title and date when there was no link. A title no entry has any more is another
    # article by this rule; its row stays as it is.
    legacy: dict[tuple[str, str, float | None], deque[Known]] = {}
    for row in rows:
        if row.id in claimed or not row.guid:
            continue
        if row.guid == row.url:
            legacy.setdefault((row.url, row.title, None), deque()).append(row)
        elif not row.url and _LEGACY_HASH.fullmatch(row.guid):
            legacy.setdefault(("", row.title, row.published), deque()).append(row)
    for i in idless:
        e = todo[i]
        old = legacy.get((e.url, e.title, None if e.url else e.published))
        if i not in found and old:
            claim(i, old.popleft())

    return [Match(e, found.get(i), key) for i, (e, key) in enumerate(keyed)]


class _Stories:
    """Rows of ids that name several stories, by (guid, title) and (guid, date): each taken
    once, in the order given (the oldest first), in time linear in the rows."""

    def __init__(self, rows: Iterable[Known]) -> None:
        self.by_title: dict[tuple[str, str], deque[Known]] = {}
        self.by_date: dict[tuple[str, float], deque[Known]] = {}
        for r in rows:
            self.by_title.setdefault((r.guid, r.title), deque()).append(r)
            if r.published is not None:
                self.by_date.setdefault((r.guid, r.published), deque()).append(r)

    def take(self, e: EntryData, claimed: set[int]) -> Known | None:
        for found in (
            self.by_title.get((e.guid, e.title)),
            None if e.published is None else self.by_date.get((e.guid, e.published)),
        ):
            while found and found[0].id in claimed:
                found.popleft()
            if found:
                return found[0]
        return None


def _another_story(e: EntryData, row: Known) -> bool:
    """An entry whose title, link and date all differ from the row's with its id: another
    story under a reused id (ids that are positions, "1" for the newest; a show's one guid
    for its latest episode), never an edit of the stored one, which would take its read
    mark, star and highlights."""
    return (
        bool(e.title and row.title and e.url and row.url)
        and e.title != row.title
        and e.url != row.url
        and e.published is not None
        and row.published is not None
        and e.published != row.published
    )


def _links_differ(rows: list[Known]) -> bool:
    return any(r.url != rows[0].url for r in rows)


def _is_relative(guid: str) -> bool:
    """Whether an id is written as a relative reference (no scheme: "/slug", "post-1")."""
    return not has_scheme(guid)


def _last_segment(reference: str) -> str:
    return reference.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


_SAME_SEGMENT = 16  # stored ids ending in one name beyond which a relative path finds none


def _by_resolved_id(
    indexes: list[int],
    rows: list[Known],
    todo: list[EntryData],
    claim: Callable[[int, Known], None],
) -> None:
    """Claim, for each entry of ``indexes`` (a relative id), the one row of ``rows`` whose
    guid is that id resolved against itself (so against the base it was stored with), when
    its link or its title is the entry's too. Candidates come from an index (the guid's path
    for an id "/slug", its last segment for "post-1"), so a feed of many ids is no quadratic
    walk."""
    if not indexes or not rows:
        return
    from urllib.parse import urljoin, urlsplit

    taken: set[int] = set()
    by_path: dict[str, list[Known]] = {}
    by_segment: dict[str, list[Known]] = {}
    for row in rows:
        try:
            parts = urlsplit(row.guid)
        except ValueError:
            continue
        path = parts.path + ("?" + parts.query if parts.query else "")
        by_path.setdefault(path + ("#" + parts.fragment if parts.fragment else ""), []).append(row)
        by_segment.setdefault(_last_segment(row.guid), []).append(row)
    for i in indexes:
        e = todo[i]
        if e.guid.startswith("/") and not e.guid.startswith("//"):
            bucket = by_path.get(e.guid, [])
        else:
            bucket = by_segment.get(_last_segment(e.guid), [])
            if len(bucket) > _SAME_SEGMENT:
                continue
        candidates = []
        for row in bucket:
            try:
                resolves = urljoin(row.guid, e.guid) == row.guid
            except ValueError:
                resolves = False
            if resolves and row.id not in taken and (row.url == e.url or row.title == e.title):
                candidates.append(row)
        if len(candidates) == 1:
            taken.add(candidates[0].id)
            claim(i, candidates[0])


def _by_unique_link(
    indexes: list[int],
    rows: list[Known],
    todo: list[EntryData],
    claim: Callable[[int, Known], None],
    same: Callable[[EntryData, Known], bool],
) -> None:
    """Claim, for each entry whose link (not blank) no other of ``indexes`` has, the one row
    of ``rows`` with that link, when ``same`` says they are one."""
    _by_unique_key(
        indexes, rows, todo, claim, lambda e: e.url or None, lambda r: r.url or None, same
    )


def _by_unique_key(
    indexes: list[int],
    rows: list[Known],
    todo: list[EntryData],
    claim: Callable[[int, Known], None],
    entry_key: Callable[[Entry], object],
    row_key: Callable[[Entry], object],
    same: Callable[[EntryData, Known], bool],
) -> None:
    """Claim, for each entry of ``indexes`` whose key (None: none) no other of them has, the
    one row of ``rows`` with that key, when ``same`` says they are one."""
    entries_by_key: dict[object, list[int]] = {}
    for i in indexes:
        if (key := entry_key(todo[i])) is not None:
            entries_by_key.setdefault(key, []).append(i)
    rows_by_key: dict[object, list[Known]] = {}
    for row in rows:
        if (key := row_key(row)) is not None:
            rows_by_key.setdefault(key, []).append(row)
    for key, found_here in entries_by_key.items():
        candidates = rows_by_key.get(key, [])
        if len(found_here) == len(candidates) == 1 and same(todo[found_here[0]], candidates[0]):
            claim(found_here[0], candidates[0])


def _id_parts(guid: str) -> tuple[str, str] | None:
    """The host ("" for a path) and the path (with its query and fragment, without a trailing
    slash) of an id that is a web address or a path; None for other ids (a tag: URI, a UUID,
    a number) and for the root."""
    if guid.startswith("/") and not guid.startswith("//"):
        site, path = "", guid
    elif guid.startswith("//") or is_web_url(guid):
        try:
            parts = urlsplit(guid)
        except ValueError:
            return None
        site, path = parts.netloc.lower(), parts.path
        path += "?" + parts.query if parts.query else ""
        path += "#" + parts.fragment if parts.fragment else ""
    else:
        return None
    path = path.rstrip("/")
    return (site, path) if path else None


def _id_path(guid: str) -> str | None:
    parts = _id_parts(guid)
    return parts[1] if parts else None


def _path_and_title(item: Entry) -> tuple[str, str] | None:
    """The id's path with the title (a path that several stories share, which a document
    repeated the id for, is told apart by their titles)."""
    path = _id_path(item.guid)
    return None if path is None else (path, item.title)


def _id_slug(guid: str) -> str | None:
    """The last segment of :func:`_id_path`, its query kept (a base path added or dropped;
    "item?id=1" and "item?id=2" are two)."""
    path = _id_path(guid)
    return (path.rsplit("/", 1)[-1] or None) if path else None


def _title_and_date(item: Entry) -> tuple[str, float] | None:
    if not item.title or item.published is None:
        return None
    return (item.title, item.published)


def _title_and_time(item: Entry) -> tuple[str, float] | None:
    """The title with a date that has a time of day: a day alone (midnight UTC) is shared by
    the postings of a job board or the alerts of one day that repeat a title."""
    if not item.title or item.published is None or _day_alone(item.published):
        return None
    return (item.title, item.published)


def _day_alone(published: float) -> bool:
    return published % 86_400 == 0


def _same_title(e: EntryData, r: Known) -> bool:
    """The same title, and the same date unless one side has none (a site that moved keeps
    both; a title a blog repeats every week, "Weeknotes", does not keep its date)."""
    if e.title != r.title:
        return False
    return e.published is None or r.published is None or e.published == r.published


def _one_page(guid: str, pages: Counter[str | None]) -> str | None:
    """The id without its fragment when no other entry or row has that page in its id."""
    page = _id_unfragmented(guid)
    return page if page is not None and pages[page] <= 2 else None


def _id_unfragmented(guid: str) -> str | None:
    """An id that has a fragment ("...#3"), without it; None for an id without one."""
    base, sep, _fragment = guid.partition("#")
    return base if sep and base else None


def _same_link(e: EntryData, r: Known) -> bool:
    return bool(e.url) and e.url == r.url


def _same_title_and_date(e: EntryData, r: Known) -> bool:
    return e.title == r.title and e.published is not None and e.published == r.published


def _always(e: EntryData, r: Known) -> bool:
    return True


def _same_link_or_site(e: EntryData, r: Known) -> bool:
    """The same link (new ids at each build), or ids that are permalinks on one site (a slug
    or a path renamed) with a date that has a time of day: two entries whose other ids only
    share a title and a day are not one."""
    if e.url and e.url == r.url:
        return True
    ours, theirs = _id_parts(e.guid), _id_parts(r.guid)
    return (
        ours is not None
        and theirs is not None
        and ours[0] == theirs[0]
        and e.published is not None
        and not _day_alone(e.published)
    )


# -- new or changed: what a refresh does with each entry ------------------------------------


def entry_hash(e: EntryData) -> str:
    """A digest of everything the store keeps of an entry: an entry whose digest differs from
    the stored one's has changed."""
    import hashlib  # here, not at import: loading OpenSSL costs the app's start-up ~3 ms

    h = hashlib.sha1(usedforsecurity=False)
    for part in (
        e.title,
        e.url,
        e.author,
        e.summary,
        e.content,
        repr(e.published),
        repr(e.updated),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    # Only when there are any: the digest of an entry without enclosures is what it was
    # before they were kept (no refresh sees every stored article as changed); one with
    # them is stored again once, and its enclosures with it.
    for enclosure in e.enclosures:
        h.update(f"{enclosure.url}\0{enclosure.type}\0{enclosure.length}\0".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class NewEntry:
    entry: EntryData
    key: str  # what a new uid is made from: the entry's guid, else its identity key
    digest: str


@dataclass(frozen=True)
class ChangedEntry:
    article_id: int
    entry: EntryData
    digest: str


@dataclass
class EntryPlan:
    """What storing a feed's entries means, decided: rows to add, rows whose guid moves to
    the new identity rule, rows whose entry changed (read and starred state kept). Entries
    neither new nor changed are not in it."""

    new: list[NewEntry] = field(default_factory=list)
    guids: list[tuple[int, str]] = field(default_factory=list)  # (article id, its guid now)
    changed: list[ChangedEntry] = field(default_factory=list)


def plan_entries(known: Iterable[Known], entries: Iterable[EntryData]) -> EntryPlan:
    """Decide, with no database, what becomes of each entry of a feed's document given the
    feed's stored articles (``known``, with their ``entry_hash``)."""
    rows = list(known)
    by_id = {k.id: k for k in rows}
    plan = EntryPlan()
    for match in match_entries(rows, entries):
        e = match.entry
        digest = entry_hash(e)
        if match.article_id is None:
            key = match.key if not e.guid or match.key != "id\n" + e.guid else e.guid
            plan.new.append(NewEntry(e, key, digest))
            continue
        row = by_id[match.article_id]
        if row.guid != e.guid:
            # A row stored under the old rule (guid = link or a hash) takes the entry's own
            # guid, and is matched by the rule from now on.
            plan.guids.append((row.id, e.guid))
        if row.entry_hash != digest:
            plan.changed.append(ChangedEntry(row.id, e, digest))
    return plan
