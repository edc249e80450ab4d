"""Benchmark: `tui-reader sync` with a real Tiny Tiny RSS (tests/ttrss.py): the first sync of
an account with N feeds and M articles (into an empty store), then a sync with no change on
either side (target: under 1 s), then one after a few changes on each side.

The account is filled in tt-rss's database with SQL (as if its updater had fetched the feeds:
500 feed fetches by PHP would measure tt-rss, not this reader). Articles carry ~1.5 kB of
HTML each; a tenth are read, a hundredth starred. Each sync runs as the real command
(`tui-reader sync`, a whole process, its start-up included) in a fresh data dir.

    .venv/bin/python bench/sync_bench.py [--feeds 500] [--articles 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ttrss import Api, TtRss, running, unavailable  # noqa: E402


def fill(server: TtRss, feeds: int, articles: int) -> tuple[int, Api]:
    user = server.new_user()
    uid = user.uid
    server.sql(
        "INSERT INTO ttrss_feeds (owner_uid, title, feed_url) SELECT "
        f"{uid}, 'Bench feed ' || g, 'http://[::1]/bench-{uid}/' || g || '.xml'"
        f" FROM generate_series(1, {feeds}) g"
    )
    body = "<p>" + " ".join(["Words about rivers, cities and the people in them."] * 30) + "</p>"
    server.sql(
        "INSERT INTO ttrss_entries (title, guid, link, updated, content, content_hash,"
        " date_entered, date_updated) SELECT 'Article ' || g,"
        f" '{{\"ver\":2,\"uid\":{uid},\"hash\":\"SHA1:' || md5(g::text) || '\"}}',"
        f" 'http://example.org/{uid}/' || g, now() - g * interval '1 minute',"
        f" '{body}', 'h' || g, now(), now() FROM generate_series(1, {articles}) g"
    )
    server.sql(
        "INSERT INTO ttrss_user_entries (ref_id, uuid, feed_id, owner_uid, tag_cache,"
        " label_cache, unread, marked)"
        " SELECT e.id, '', f.id, f.owner_uid, '', '', (e.id % 10) != 0, (e.id % 100) = 0"
        f" FROM ttrss_entries e JOIN ttrss_feeds f ON f.owner_uid = {uid}"
        f" AND f.feed_url = 'http://[::1]/bench-{uid}/' ||"
        f" (1 + (substring(e.link from '[0-9]+$')::int % {feeds})) || '.xml'"
        f" WHERE e.link LIKE 'http://example.org/{uid}/%'"
    )
    return uid, Api(server, user)


def run_sync(home: Path, env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(ROOT / ".venv/bin/tui-reader"), "sync"],
        capture_output=True,
        text=True,
        env=dict(env, TUI_READER_HOME=str(home)),
    )
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"sync failed: {out.stdout}{out.stderr}")
    return elapsed, " | ".join(out.stdout.strip().splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    reason = unavailable()
    if reason:
        raise SystemExit(f"cannot run tt-rss here: {reason}")
    first: list[float] = []
    still: list[float] = []
    changed: list[float] = []
    with running() as server:
        for run in range(args.runs):
            t0 = time.perf_counter()
            uid, api = fill(server, args.feeds, args.articles)
            login = server.sql(f"SELECT login FROM ttrss_users WHERE id = {uid}")
            print(f"run {run + 1}: account filled in {time.perf_counter() - t0:.1f} s")
            with tempfile.TemporaryDirectory(prefix="tui-reader-sync-bench-") as tmp:
                home = Path(tmp)
                (home / "config").mkdir(parents=True)
                (home / "config" / "config.toml").write_text(
                    f'[sync]\nservice = "ttrss"\nurl = "{server.url}"\nuser = "{login}"\n'
                )
                env = dict(os.environ, TUI_READER_SYNC_PASSWORD="secret")
                seconds, summary = run_sync(home, env)
                first.append(seconds)
                print(f"  first sync      {seconds:6.2f} s   {summary}")
                seconds, summary = run_sync(home, env)
                still.append(seconds)
                print(f"  no-change sync  {seconds:6.2f} s   {summary}")
                ids = [h["id"] for h in api.headlines(-4)[:20]]
                api.call("updateArticle", article_ids=",".join(map(str, ids)), field=2, mode=0)
                api.call("updateArticle", article_ids=str(ids[0]), field=0, mode=1)
                seconds, summary = run_sync(home, env)
                changed.append(seconds)
                print(f"  after changes   {seconds:6.2f} s   {summary}")
    print(
        f"\n{args.feeds} feeds, {args.articles} articles, {args.runs} runs (median):"
        f" first sync {statistics.median(first):.2f} s,"
        f" no-change sync {statistics.median(still):.2f} s (target < 1 s),"
        f" sync after 20 read + 1 starred on the server {statistics.median(changed):.2f} s"
    )


if __name__ == "__main__":
    main()
