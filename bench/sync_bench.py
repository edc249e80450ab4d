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
import resource
import signal
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
        f' \'{{"ver":2,"uid":{uid},"hash":"SHA1:\' || md5(g::text) || \'"}}\','
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_sync(home: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, the reader process's CPU seconds, and its summary."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(ROOT / ".venv/bin/tui-reader"), "sync"],
        capture_output=True,
        text=True,
        env=dict(env, TUI_READER_HOME=str(home)),
    )
    elapsed = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    if out.returncode != 0:
        raise SystemExit(f"sync failed: {out.stdout}{out.stderr}")
    return elapsed, cpu, " | ".join(out.stdout.strip().splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop tt-rss on the way out
    reason = unavailable()
    if reason:
        raise SystemExit(f"cannot run tt-rss here: {reason}")
    first: list[tuple[float, float]] = []
    still: list[tuple[float, float]] = []
    changed: list[tuple[float, float]] = []
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
                seconds, cpu, summary = run_sync(home, env)
                first.append((seconds, cpu))
                print(f"  first sync      {seconds:6.2f} s (reader CPU {cpu:5.2f} s)   {summary}")
                seconds, cpu, summary = run_sync(home, env)
                still.append((seconds, cpu))
                print(f"  no-change sync  {seconds:6.2f} s (reader CPU {cpu:5.2f} s)   {summary}")
                ids = [h["id"] for h in api.headlines(-4)[:20]]
                api.call("updateArticle", article_ids=",".join(map(str, ids)), field=2, mode=0)
                api.call("updateArticle", article_ids=str(ids[0]), field=0, mode=1)
                seconds, cpu, summary = run_sync(home, env)
                changed.append((seconds, cpu))
                print(f"  after changes   {seconds:6.2f} s (reader CPU {cpu:5.2f} s)   {summary}")

    def med(values: list[tuple[float, float]]) -> str:
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        return f"{wall:.2f} s (reader CPU {cpu:.2f} s)"

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{args.feeds} feeds, {args.articles} articles, {args.runs} runs, median wall time of"
        f" the whole `tui-reader sync` process:\n  first sync      {med(first)}\n"
        f"  no-change sync  {med(still)}   (target < 1 s)\n"
        f"  after 20 read + 1 starred on the server  {med(changed)}\n"
        f"  {os.cpu_count()} cores, load average {load} (other work on the machine slows"
        " tt-rss and the reader alike)"
    )


if __name__ == "__main__":
    main()
