"""How each list is shown — its sort order and whether read articles show — remembered per
list in the store's settings (one JSON value, so no migration), and read back at start.

A list is named by a key: ``all``, ``unread``, ``starred``, ``saved``, ``feed:12``,
``folder:Tech/Old``. Lists never changed are not stored; a list with no entry shows newest
first with read articles.

No database here (the store's :mod:`tui_reader.store.listing` reads a list in these orders;
the :class:`~tui_reader.reader.Reader` keeps the setting).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

Sort = Literal["newest", "oldest", "title", "feed"]
SORTS: tuple[Sort, ...] = ("newest", "oldest", "title", "feed")
SORT_LABELS: dict[Sort, str] = {
    "newest": "newest first",
    "oldest": "oldest first",
    "title": "by title",
    "feed": "by feed",
}

SAVED_SEARCHES_SETTING = "saved_searches"  # the saved searches (query.py), also lists
SETTING = "list_views"
MAX_VIEWS = 5000  # a corrupted or huge setting is cut, never a reason to fail


@dataclass(frozen=True)
class ListView:
    sort: Sort = "newest"
    show_read: bool = True

    def next_sort(self) -> ListView:
        """The next order in :data:`SORTS` (newest → oldest → title → feed → newest)."""
        return replace(self, sort=SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def toggled_read(self) -> ListView:
        return replace(self, show_read=not self.show_read)

    @property
    def label(self) -> str:
        """What the list's title adds ("" for the default view)."""
        parts = []
        if self.sort != "newest":
            parts.append(SORT_LABELS[self.sort])
        if not self.show_read:
            parts.append("unread only")
        return ", ".join(parts)


DEFAULT = ListView()


def list_key(kind: str, feed_id: int | None = None, folder: str | None = None) -> str:
    """The key a list's view is kept under."""
    if kind == "feed":
        return f"feed:{feed_id}"
    if kind == "folder":
        return f"folder:{folder or ''}"
    return kind


def parse_views(text: str) -> dict[str, ListView]:
    """The views a setting holds; anything malformed in it is skipped (never an error)."""
    try:
        raw = json.loads(text) if text else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(raw, dict):
        return {}
    views: dict[str, ListView] = {}
    for key, value in list(raw.items())[:MAX_VIEWS]:
        view = _view(value)
        if isinstance(key, str) and view is not None:
            views[key] = view
    return views


def _view(value: Any) -> ListView | None:
    if not isinstance(value, dict):
        return None
    sort = value.get("sort", "newest")
    show_read = value.get("show_read", True)
    if sort not in SORTS or not isinstance(show_read, bool):
        return None
    return ListView(sort=sort, show_read=show_read)


def dump_views(views: Mapping[str, ListView]) -> str:
    """The setting's value: only the lists whose view differs from the default."""
    return json.dumps(
        {
            key: {"sort": v.sort, "show_read": v.show_read}
            for key, v in views.items()
            if v != DEFAULT
        },
        sort_keys=True,
    )
