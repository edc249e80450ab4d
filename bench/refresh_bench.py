"""Benchmark: refresh 500 feeds served on 127.0.0.1, cold and when every feed answers 304.

Feeds are derived from ../shared/corpus/feeds: feed copy i gets every item id and link made
unique (``-b<i>`` appended), so no two URLs serve the same items. They are spread over several
local ports (servers), like real subscriptions spread over many hosts. The server sends ETag and
Last-Modified, answers conditional requests with 304, and gzips when asked.

Each refresh runs as a whole process in a fresh data dir: `tui-reader refresh` (after an
untimed `tui-reader import`), and, when installed, `newsboat -x reload` (16 reload threads, a
fresh cache) for reference in the same run. Prints every figure, the medians and the ratios.

Both run in a user's environment (:func:`user_env`: PATH, LANG, TERM and their own HOME, as
ui_bench launches the app), not the benchmark's: a session's ``PYTHONDONTWRITEBYTECODE``, say,
would make every tui-reader process compile the modules a user's install has compiled and
rebuild the code ``tui_reader/codecache.py`` keeps. An untimed warm-up run of each comes first,
so that what a first run writes (bytecode, that cache) is written, as in ui_bench.

    .venv/bin/python bench/refresh_bench.py [--feeds 500] [--runs 3] [--servers 100]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("TUI_READER_SHARED", REPO.parent / "shared")) / "corpus" / "feeds"
TUI_READER = Path(sys.executable).parent / "tui-reader"
LAST_MODIFIED = "Mon, 06 Jan 2025 10:00:00 GMT"

_TEXT_IDS = re.compile(rb"(<(guid|id|link)\b[^>/]*>)([^<]+)(</\2>)")
_HREFS = re.compile(rb"""(<link\b[^>]*?\bhref=)(["'])([^"']*)(\2)""")
_ABOUT = re.compile(rb"""(\brdf:about=)(["'])([^"']*)(\2)""")


def derive(data: bytes, i: int) -> bytes:
    """Copy i of a corpus feed: every id and link made unique to this copy."""
    suffix = f"-b{i}".encode()
    data = _TEXT_IDS.sub(lambda m: m[1] + m[3].rstrip() + suffix + m[4], data)
    data = _HREFS.sub(lambda m: m[1] + m[2] + m[3] + suffix + m[4], data)
    return _ABOUT.sub(lambda m: m[1] + m[2] + m[3] + suffix + m[4], data)


@dataclass
class Doc:
    body: bytes
    gz: bytes
    etag: str


class FeedServer:
    """A minimal HTTP/1.1 keep-alive server on many ports of 127.0.0.1, in a thread."""

    def __init__(self, docs: dict[str, Doc], servers: int) -> None:
        self.docs = docs
        self.servers = servers
        self.ports: list[int] = []
        self.stats: Counter[str] = Counter()
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        self._ready.wait()
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        for _ in range(self.servers):
            srv = loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=512)
            )
            self.ports.append(srv.sockets[0].getsockname()[1])
        self._ready.set()
        loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                writer.write(self._respond(path, headers))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        finally:
            writer.close()

    def _respond(self, path: str, headers: dict[str, str]) -> bytes:
        doc = self.docs.get(path.split("?")[0])
        if doc is None:
            self.stats["404"] += 1
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if (inm is not None and inm == doc.etag) or (inm is None and ims == LAST_MODIFIED):
            self.stats["304"] += 1
            return (
                f"HTTP/1.1 304 Not Modified\r\nETag: {doc.etag}\r\n"
                f"Last-Modified: {LAST_MODIFIED}\r\n\r\n"
            ).encode()
        self.stats["200"] += 1
        use_gzip = "gzip" in headers.get("accept-encoding", "")
        body = doc.gz if use_gzip else doc.body
        extra = "Content-Encoding: gzip\r\n" if use_gzip else ""
        return (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
            f"Content-Length: {len(body)}\r\nETag: {doc.etag}\r\n"
            f"Last-Modified: {LAST_MODIFIED}\r\n{extra}\r\n"
        ).encode() + body


def build_docs(count: int) -> dict[str, Doc]:
    sources = sorted(p for p in CORPUS.glob("*.xml"))
    if not sources:
        raise SystemExit(f"no corpus feeds in {CORPUS}")
    docs: dict[str, Doc] = {}
    for i in range(count):
        body = derive(sources[i % len(sources)].read_bytes(), i)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        docs[f"/feed/{i}.xml"] = Doc(body, gzip.compress(body, 6), etag)
    return docs


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds, the whole process
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_mb: float = 0.0  # the process's own peak resident memory (ru_maxrss)

    def __str__(self) -> str:
        return f"{self.wall:.2f} s (cpu {self.cpu:.2f} s, peak {self.peak_mb:.0f} MB)"


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> Timing:
    """Run ``cmd``: its wall time, its CPU time (with the children it waited for) and its own
    peak resident memory (``ru_maxrss`` of that process, from wait4)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        print(f"  ! {cmd[0]} exited {proc.returncode}: {err.decode()[-500:]}")
    return Timing(elapsed, cpu, usage.ru_maxrss / 1024)


def user_env(home: Path) -> dict[str, str]:
    """The environment a user's shell gives a command: PATH, LANG, TERM (and TZ) from ours,
    HOME its own; nothing else of the benchmark's session (its PYTHON* settings above all)."""
    env = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TERM", "TZ") if k in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    env["HOME"] = str(home)
    return env


def run_ours(urls: list[str], work: Path) -> tuple[Timing, Timing, str]:
    home = work / "tui"
    home.mkdir()
    env = {**user_env(home), "TUI_READER_HOME": str(home)}
    opml = work / "feeds.opml"
    outlines = "\n".join(f"<outline text={quoteattr(u)} xmlUrl={quoteattr(u)}/>" for u in urls)
    opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    subprocess.run([str(TUI_READER), "import", str(opml)], env=env, check=True, capture_output=True)
    cold = timed([str(TUI_READER), "refresh"], env, work)
    after_cold = _counts(home)
    warm = timed([str(TUI_READER), "refresh"], env, work)
    after_warm = _counts(home)
    info = f"{after_cold[0]} articles, {after_cold[1]} feeds failed"
    if after_warm[0] != after_cold[0]:
        # The second refresh found articles the first did not store: the cold run was not
        # a whole refresh, and its time means nothing.
        info += f"; ! the second refresh added {after_warm[0] - after_cold[0]} articles"
    return cold, warm, info


def _counts(home: Path) -> tuple[int, int]:
    """(articles stored, feeds whose last refresh failed)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
            "print(c.execute('select count(*) from articles').fetchone()[0],"
            " c.execute(\"select count(*) from feeds where last_status='error'\").fetchone()[0])",
            str(home / "data" / "reader.sqlite3"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


def run_newsboat(urls: list[str], work: Path) -> tuple[Timing, Timing, str]:
    home = work / "nb"
    home.mkdir()
    (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (home / "config").write_text("reload-threads 16\n", encoding="utf-8")
    env = {**user_env(home), "XDG_CONFIG_HOME": str(home)}
    env["XDG_DATA_HOME"] = str(home)
    cmd = [
        "newsboat",
        "-u",
        str(home / "urls"),
        "-c",
        str(home / "cache.db"),
        "-C",
        str(home / "config"),
        "-x",
        "reload",
    ]
    cold = timed(cmd, env, home)
    # newsboat 2.21 only sends If-None-Match / If-Modified-Since from its third reload on
    # (the second still downloads everything), so the conditional reload is the third one.
    second = timed(cmd, env, home)
    warm = timed(cmd, env, home)
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
            "print(c.execute('select count(*) from rss_item').fetchone()[0])",
            str(home / "cache.db"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return cold, warm, f"{count} articles; its second reload took {second}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--servers", type=int, default=100, help="local ports to spread feeds over")
    ap.add_argument("--no-newsboat", action="store_true")
    ap.add_argument(
        "--memory-feeds",
        type=int,
        default=2000,
        help="then one cold refresh of this many feeds, for its peak memory (0: none)",
    )
    args = ap.parse_args()
    code = speed(args)
    if args.memory_feeds:
        memory(args.memory_feeds, args.servers)
    return code


def memory(feeds: int, servers: int) -> None:
    """Peak resident memory of one cold `tui-reader refresh` of ``feeds`` feeds."""
    docs = build_docs(feeds)
    server = FeedServer(docs, servers).start()
    paths = sorted(docs, key=lambda p: int(p.split("/")[-1].split(".")[0]))
    urls = [
        f"http://127.0.0.1:{server.ports[i % len(server.ports)]}{path}"
        for i, path in enumerate(paths)
    ]
    try:
        with tempfile.TemporaryDirectory(prefix="refresh-bench-mem-") as tmp:
            cold, _, info = run_ours(urls, Path(tmp))
    finally:
        server.stop()
    size = sum(len(d.body) for d in docs.values()) / 1e6
    print(
        f"memory  cold refresh of {feeds} feeds ({size:.0f} MB): {cold}  ({info});"
        f" peak {cold.peak_mb:.0f} MB (target <= 300 MB)"
    )


def speed(args: argparse.Namespace) -> int:

    docs = build_docs(args.feeds)
    server = FeedServer(docs, args.servers).start()
    paths = sorted(docs, key=lambda p: int(p.split("/")[-1].split(".")[0]))
    urls = [
        f"http://127.0.0.1:{server.ports[i % len(server.ports)]}{path}"
        for i, path in enumerate(paths)
    ]
    newsboat = None if args.no_newsboat else shutil.which("newsboat")
    print(
        f"{len(urls)} feeds ({sum(len(d.body) for d in docs.values()) / 1e6:.1f} MB) on"
        f" {len(server.ports)} local servers; {os.cpu_count()} cores;"
        f" newsboat: {newsboat or 'not installed'}"
    )
    print("tui-reader: refresh after import; all-304 = its second refresh")
    print("newsboat: -x reload, 16 threads; all-304 = its third reload (the first conditional one)")
    ours: list[tuple[Timing, Timing]] = []
    theirs: list[tuple[Timing, Timing]] = []
    try:
        # Warm-up, untimed: what a first run writes (bytecode, the code cache) is written.
        with tempfile.TemporaryDirectory(prefix="refresh-bench-warm-") as tmp:
            run_ours(urls, Path(tmp))
            if newsboat:
                run_newsboat(urls, Path(tmp))
        for run in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory(prefix="refresh-bench-") as tmp:
                server.stats.clear()
                cold, warm, info = run_ours(urls, Path(tmp))
                served = dict(server.stats)
                ours.append((cold, warm))
                print(f"run {run}  tui-reader: cold {cold}, all-304 {warm}  ({info}; {served})")
                if newsboat:
                    server.stats.clear()
                    cold, warm, info = run_newsboat(urls, Path(tmp))
                    served = dict(server.stats)
                    theirs.append((cold, warm))
                    print(f"run {run}  newsboat:   cold {cold}, all-304 {warm}  ({info}; {served})")
    finally:
        server.stop()

    def median(timings: list[Timing]) -> Timing:
        return Timing(
            statistics.median(t.wall for t in timings),
            statistics.median(t.cpu for t in timings),
            statistics.median(t.peak_mb for t in timings),
        )

    our_cold, our_warm = median([c for c, _ in ours]), median([w for _, w in ours])
    print(f"median  tui-reader: cold {our_cold}, all-304 {our_warm}")
    if theirs:
        nb_cold, nb_warm = median([c for c, _ in theirs]), median([w for _, w in theirs])
        print(f"median  newsboat:   cold {nb_cold}, all-304 {nb_warm}")
        # The figure is a ratio measured in one run beside its reference: each run's
        # pair (tui-reader, then newsboat at once), and the median of those ratios. The ratio
        # of the two medians mixes runs made at different speeds of the host (they drift by
        # a third here), so it is shown only beside it.
        pairs = [
            our_run.wall / their_run.wall
            for (our_run, _), (their_run, _) in zip(ours, theirs, strict=False)
        ]
        warm_pairs = [
            our_run.wall / their_run.wall
            for (_, our_run), (_, their_run) in zip(ours, theirs, strict=False)
        ]
        cold_ratio, warm_ratio = statistics.median(pairs), statistics.median(warm_pairs)
        print(
            f"ratio   cold {cold_ratio:.2f} x newsboat (target <= 0.5: "
            f"{'met' if cold_ratio <= 0.5 else 'NOT met'}),"
            f" all-304 {warm_ratio:.2f} x newsboat (target <= 0.15: "
            f"{'met' if warm_ratio <= 0.15 else 'NOT met'})"
            "  (median of the runs' ratios)"
        )
        print(
            "per run cold " + " ".join(f"{r:.2f}" for r in pairs) + " x newsboat"
            f"  (worst {max(pairs):.2f}); all-304 "
            + " ".join(f"{r:.2f}" for r in warm_pairs)
            + f"  (worst {max(warm_pairs):.2f})"
        )
        print(
            f"medians cold {our_cold.wall / nb_cold.wall:.2f} x newsboat,"
            f" all-304 {our_warm.wall / nb_warm.wall:.2f} x newsboat  (ratio of the medians)"
        )
        print(
            f"cpu     cold {our_cold.cpu / nb_cold.cpu:.2f} x newsboat,"
            f" all-304 {our_warm.cpu / nb_warm.cpu:.2f} x newsboat"
            f"  (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
