"""A refresh's parser processes forked before its imports (tui_reader/feeds/parsers.py), only
when the refresh will want them at once: a first refresh of many feeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader.feeds.parsers import POOL_AT_START
from tui_reader.feeds.welcome import WELCOME_URL
from tui_reader.store import Store
from tui_reader.store.peek import unvalidated_feeds


def test_the_feeds_without_validators_are_counted_read_only(tmp_path: Path) -> None:
    path = tmp_path / "reader.sqlite3"
    assert unvalidated_feeds(path) == 0  # no database yet
    store = Store.open(path)
    try:
        feeds = [store.add_feed(f"https://example.org/{i}.xml")[0] for i in range(4)]
        store.add_feed(WELCOME_URL)
        store.record_fetch(feeds[0].id, status="ok", etag='"v1"')
        store.record_fetch(feeds[1].id, status="ok", last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
        assert unvalidated_feeds(path, besides=WELCOME_URL) == 2
        assert unvalidated_feeds(path) == 3  # the welcome feed has none either
    finally:
        store.close()
    (tmp_path / "garbage.sqlite3").write_bytes(b"not a database" * 100)
    assert unvalidated_feeds(tmp_path / "garbage.sqlite3") == 0


# Run in a process of its own: a test process may run other threads (servers, pools), and
# then nothing is forked early.
CHECK = """
import sys
from pathlib import Path
from tui_reader.budget import take_early
from tui_reader.feeds.parsers import fork_early
fork_early(Path(sys.argv[1]))
forker = take_early()
print("forked" if forker is not None else "not forked")
if forker is not None:
    forker.stop(now=True)
"""


@pytest.mark.parametrize("validated", [False, True])
def test_parsers_are_forked_early_for_a_first_refresh_only(tmp_path: Path, validated: bool) -> None:
    path = tmp_path / "reader.sqlite3"
    store = Store.open(path)
    try:
        for i in range(POOL_AT_START):
            feed, _ = store.add_feed(f"https://example.org/{i}.xml")
            if validated:
                store.record_fetch(feed.id, status="ok", etag=f'"v{i}"')
    finally:
        store.close()
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("not forked" if validated else "forked")
