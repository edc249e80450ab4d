"""Documents that take too long: every feed parse and page extraction runs in a worker process
under a time budget; one over budget is skipped with a clear error, its worker is stopped and
replaced, and nothing else waits for it.

The slow documents here are real and legal, only big: a feed of 50,000 entries takes seconds to
parse (far over the 1 s budget these tests set), whatever the parsers' regexes become."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import huge_page_html
from tests.fixtures.feeds.builders import rss
from tests.httpserver import TestServer
from tests.processes import leftover_processes
from tui_reader.budget import DocumentTimeout, Sent, WorkerFailed, Workers, close_shared_workers
from tui_reader.cli import main
from tui_reader.config import Config, LimitsConfig, RefreshConfig, parse_config
from tui_reader.extract import ExtractionError, load_document
from tui_reader.feeds.parse import FeedError, ParsedFeed, parse_feed
from tui_reader.feeds.refresh import refresh
from tui_reader.paths import Paths
from tui_reader.store import Store

TUI_READER = str(Path(sys.executable).parent / "tui-reader")

BUDGET = 1.0
CONFIG = Config(
    refresh=RefreshConfig(timeout=30.0, max_bytes=20_000_000),
    limits=LimitsConfig(parse_seconds=BUDGET, extract_seconds=BUDGET),
)
# Generous: what the tests wait at most for a document over the budget (the budget, then
# stopping the worker), on a loaded machine; reading the slow documents takes far longer.
PROMPT = 8.0


@pytest.fixture(scope="module")
def huge_feed() -> bytes:
    return rss(50_000, prefix="huge")


def test_a_document_over_budget_stops_its_worker_and_the_pool_goes_on(huge_feed: bytes) -> None:
    with Workers(max_workers=1) as workers:
        small = workers.run(BUDGET * 5, "small", parse_feed, rss(2), "https://example.org/")
        assert isinstance(small, ParsedFeed) and len(small.entries) == 2
        started = time.monotonic()
        with pytest.raises(DocumentTimeout) as caught:
            workers.run(BUDGET, "the huge feed", parse_feed, huge_feed, "https://example.org/")
        assert time.monotonic() - started < PROMPT
        assert str(caught.value) == "the huge feed took longer than 1 s to read; skipped"
        assert (caught.value.what, caught.value.seconds) == ("the huge feed", BUDGET)
        # The one worker was stopped; the next document gets a new one.
        again = workers.run(BUDGET * 5, "small", parse_feed, rss(3), "https://example.org/")
        assert len(again.entries) == 3
        # A document's own error crosses the process boundary as itself.
        with pytest.raises(FeedError, match="empty response"):
            workers.run(BUDGET * 5, "empty", parse_feed, b"", "https://example.org/")
    assert leftover_processes() == []


def test_a_worker_that_has_answered_takes_its_next_task_before_its_answer_is_read() -> None:
    """send / answer / decode (run's halves, for a caller with tasks waiting): the worker is
    free as soon as its answer has come, so the next task can go to it before the answer is
    unpickled; an answer that is an error is raised by decode."""
    with Workers(max_workers=1) as workers:
        first = workers.answer(
            workers.send("first", parse_feed, rss(2), "https://example.org/"), 5.0, "first"
        )
        assert isinstance(first, bytes)  # not read yet
        taken: list[Sent] = []
        giving = threading.Thread(
            target=lambda: taken.append(
                workers.send("second", parse_feed, b"", "https://example.org/")
            )
        )
        giving.start()
        giving.join(PROMPT)  # the pool's one worker is free: no wait for it
        assert not giving.is_alive() and len(taken) == 1
        second = workers.answer(taken[0], 5.0, "second")
        assert len(Workers.decode(first).entries) == 2
        with pytest.raises(FeedError, match="empty response"):
            Workers.decode(second)
    assert leftover_processes() == []


def _echo_twice(data: bytes) -> bytes:
    return data + data


def test_a_task_queued_behind_another_runs_after_it_and_nothing_waits_forever() -> None:
    """send_behind (a refresh's lanes, while bodies wait): the task queued on a busy worker
    is answered after the one before it. Both tasks and both answers here are far larger
    than a pipe holds: the pool writes the second while the worker writes the first answer,
    and each would wait for the other to read if the worker did not read its tasks on a
    thread of its own."""
    big = os.urandom(3 << 20)
    answers: list[object] = []
    with Workers(max_workers=1, queueing=True) as workers:

        def both() -> None:
            first = workers.send("first", _echo_twice, big)
            second = workers.send_behind(first, _echo_twice, big[::-1])
            assert second is not None
            answers.append(Workers.decode(workers.answer(first, 30.0, "first")))
            answers.append(Workers.decode(workers.answer(second, 30.0, "second")))
            # The worker is free again once both have answered.
            answers.append(workers.run(30.0, "third", parse_feed, rss(2), "https://example.org/"))

        running = threading.Thread(target=both, daemon=True)
        running.start()
        running.join(60.0)
        hung = running.is_alive()
    assert not hung, "the pool and its worker waited for each other"
    assert answers[:2] == [big + big, big[::-1] + big[::-1]]
    assert isinstance(answers[2], ParsedFeed) and len(answers[2].entries) == 2
    # A pool whose workers do not read ahead queues nothing.
    with Workers(max_workers=1) as plain:
        sent = plain.send("one", parse_feed, rss(1), "https://example.org/")
        assert plain.send_behind(sent, parse_feed, rss(1), "https://example.org/") is None
        assert len(Workers.decode(plain.answer(sent, 30.0, "one")).entries) == 1
    assert leftover_processes() == []


def test_a_task_queued_behind_one_over_budget_is_lost_with_its_worker(huge_feed: bytes) -> None:
    with Workers(max_workers=1, queueing=True) as workers:
        first = workers.send("the huge feed", parse_feed, huge_feed, "https://example.org/")
        second = workers.send_behind(first, parse_feed, rss(2), "https://example.org/")
        assert second is not None
        with pytest.raises(DocumentTimeout):
            workers.answer(first, BUDGET, "the huge feed")
        with pytest.raises(WorkerFailed):
            workers.answer(second, BUDGET * 5, "the small feed")
        # Its caller gives it again: to a new worker.
        again = workers.run(BUDGET * 5, "the small feed", parse_feed, rss(2), "https://x.org/")
        assert len(again.entries) == 2
    assert leftover_processes() == []


def _parent_pid() -> int:
    return os.getppid()


def test_a_pool_takes_workers_forked_early_by_a_forker(huge_feed: bytes) -> None:
    """A refresh's parsers (tui_reader/feeds/parsers.py): forked by a process forked first,
    which imported the parsers meanwhile. The pool runs, queues and stops them like its own,
    replaces one stopped for its budget with one of its own, and reaps them all when closed."""
    from tui_reader.budget import Forker

    forker = Forker(2, "tui_reader.feeds.parse:warm_up", queueing=True)
    with Workers(max_workers=1, queueing=True) as workers:
        workers.adopt(forker)
        parents = {workers.run(30.0, "a check", _parent_pid) for _ in range(4)}
        assert parents == {forker.process.pid}  # (both of its workers, or one twice)
        first = workers.send("the huge feed", parse_feed, huge_feed, "https://example.org/")
        behind = workers.send_behind(first, parse_feed, rss(2), "https://example.org/")
        assert behind is not None
        with pytest.raises(DocumentTimeout):
            workers.answer(first, BUDGET, "the huge feed")
        with pytest.raises(WorkerFailed, match=r"the reading process stopped$"):
            workers.answer(behind, BUDGET * 5, "the small feed")
        again = workers.run(BUDGET * 5, "the small feed", parse_feed, rss(2), "https://x.org/")
        assert len(again.entries) == 2
    assert not forker.process.is_alive()
    assert leftover_processes() == []


def _ended(pid: int) -> bool:
    """Whether the process has ended (gone, or a zombie its parent has not reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"


# A process whose pool's workers are forked (one thread: the fork context), then it ends at
# once, without closing its pool (os._exit: killed, or nobody left to tell).
_POOL_GONE = """
import os
from tui_reader.budget import Workers
pool = Workers(max_workers=2, queueing=QUEUEING)
pool.start(2, warm=False)
print(" ".join(str(w.process.pid) for w in pool._all), flush=True)
os._exit(0)
"""


@pytest.mark.parametrize("queueing", [False, True], ids=["plain", "queueing"])
def test_workers_end_when_the_process_of_their_pool_is_gone(queueing: bool) -> None:
    """Each forked worker closes the pool's ends it inherited (its own pipe's, and those of
    the workers forked before it): the pool's process gone, its pipe ends and so does it.
    They had lived on, each waiting on a pipe it held open itself."""
    script = _POOL_GONE.replace("QUEUEING", str(queueing))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2, done.stderr
    try:
        deadline = time.monotonic() + PROMPT
        while not all(_ended(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(_ended(pid) for pid in pids)
    finally:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, 9)


def test_a_forked_worker_over_budget_is_killed_through_its_pidfd() -> None:
    from tui_reader.budget import Forker

    forker = Forker(1, "tui_reader.feeds.parse:warm_up")
    with Workers(max_workers=1) as workers:
        workers.adopt(forker)
        pid = workers.run(30.0, "a check", os.getpid)
        assert pid != os.getpid() and not _ended(pid)
        with pytest.raises(DocumentTimeout):
            workers.run(BUDGET, "a minute's sleep", time.sleep, 60.0)  # (ends only if killed)
        deadline = time.monotonic() + PROMPT
        while not _ended(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _ended(pid)
    assert leftover_processes() == []


def test_a_forker_nobody_takes_is_stopped_with_its_workers() -> None:
    from tui_reader.budget import fork_early, stop_early, take_early

    fork_early(2, "tui_reader.feeds.parse:warm_up")
    forker = take_early()
    if threading.active_count() != 1:  # (not forked where other threads run)
        assert forker is None
        return
    assert forker is not None and forker.process.is_alive()
    fork_early(2, "tui_reader.feeds.parse:warm_up")
    stop_early()
    forker.stop()
    assert take_early() is None
    assert leftover_processes() == []


def test_closing_the_pool_stops_a_busy_worker_at_once(huge_feed: bytes) -> None:
    """As when a refresh is interrupted (ctrl+c): the document being read is given up."""
    workers = Workers(max_workers=1)
    workers.start(1)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            workers.run(600.0, "the huge feed", parse_feed, huge_feed, "https://example.org/")
        except BaseException as exc:
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.5)  # reading has begun (it takes far longer)
    started = time.monotonic()
    workers.close()
    reader.join(PROMPT)
    assert not reader.is_alive() and time.monotonic() - started < PROMPT
    assert len(errors) == 1 and isinstance(errors[0], WorkerFailed)
    assert str(errors[0]).startswith("the huge feed could not be read: the reading process")
    assert leftover_processes() == []


def test_a_feed_over_budget_is_skipped_and_the_others_are_stored(
    server: TestServer, store: Store, huge_feed: bytes
) -> None:
    good = [server.route(f"/g{i}.xml", rss(2, prefix=f"g{i}")) for i in range(2)]
    huge = server.route("/huge.xml", huge_feed)
    for url in [good[0], huge, good[1]]:
        store.add_feed(url)
    started = time.monotonic()
    summary = refresh(store.path, CONFIG)
    assert time.monotonic() - started < PROMPT
    message = "the feed took longer than 1 s to read; skipped"
    assert [(f.url, reason) for f, reason in summary.failed] == [(huge, message)]
    assert sorted(f.url for f in summary.ok) == good and summary.new_articles == 4
    feeds = {f.url: f for f in store.list_feeds()}
    assert (feeds[huge].last_status, feeds[huge].last_error) == ("error", message)
    assert feeds[huge].total == 0
    assert leftover_processes() == []
    # Another refresh works as before, the huge feed still skipped.
    server.route("/g0.xml", rss(3, prefix="g0"))
    second = refresh(store.path, CONFIG)
    assert second.new_articles == 1 and [f.url for f, _ in second.failed] == [huge]
    assert leftover_processes() == []


def test_feeds_queued_behind_a_feed_over_budget_are_read_by_another_worker(
    server: TestServer, store: Store, huge_feed: bytes
) -> None:
    """The huge feed is read first (the largest); with many feeds waiting, the next is
    queued behind it on its worker. Stopping that worker must not lose or fail the feed
    queued behind: it is read again by another."""
    good = [server.route(f"/q{i}.xml", rss(20, prefix=f"q{i}")) for i in range(8)]
    huge = server.route("/huge.xml", huge_feed)
    for url in [huge, *good]:
        store.add_feed(url)
    summary = refresh(store.path, CONFIG)
    message = "the feed took longer than 1 s to read; skipped"
    assert [(f.url, reason) for f, reason in summary.failed] == [(huge, message)]
    assert sorted(f.url for f in summary.ok) == sorted(good) and summary.new_articles == 160
    assert leftover_processes() == []


def test_a_body_queued_behind_one_over_budget_goes_back_to_wait(
    huge_feed: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same in the parsers' own terms, with every body waiting before the one lane
    starts: it takes the huge body (the largest), queues the next behind it, and when the
    huge one's worker is stopped puts that one back, to be read by the next worker."""
    import asyncio
    import heapq

    from tui_reader.feeds import refresh as refresh_module

    put_back: list[str] = []
    original = refresh_module._Parsers._put_back

    def spy(self: refresh_module._Parsers, item: tuple[bytes, str, str, object]) -> None:
        put_back.append(item[1])
        original(self, item)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh_module._Parsers, "_put_back", spy)
    parsers = refresh_module._Parsers(BUDGET)
    parsers.slots = 1  # one lane: it queues while more than one body waits
    loop = asyncio.new_event_loop()
    try:
        bodies = [(huge_feed, "https://x.org/huge")] + [
            (rss(2 + i, prefix=f"s{i}"), f"https://x.org/{i}") for i in range(4)
        ]
        futures = [loop.create_future() for _ in bodies]
        for n, ((body, url), done) in enumerate(zip(bodies, futures, strict=True)):
            heapq.heappush(parsers.waiting, (-len(body), n, body, url, "", done))
        parsers.lanes = 1
        parsers.threads.submit(parsers._lane, loop)
        results = loop.run_until_complete(
            asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 60.0)
        )
    finally:
        parsers.close()
        loop.close()
    assert isinstance(results[0], DocumentTimeout)
    assert [len(r.entries) for r in results[1:]] == [2, 3, 4, 5]  # type: ignore[union-attr]
    assert put_back == ["https://x.org/3"]  # the largest small one, queued behind the huge
    assert leftover_processes() == []


def test_refresh_command_reports_a_feed_over_budget_and_goes_on(
    server: TestServer, huge_feed: bytes, isolated_env: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_env.config_file.parent.mkdir(parents=True, exist_ok=True)
    isolated_env.config_file.write_text("[limits]\nparse_seconds = 1\n")
    huge = server.route("/huge.xml", huge_feed)
    good = server.route("/good.xml", rss(2))
    isolated_env.ensure()
    with Store.open(isolated_env.database) as store:
        store.add_feed(huge, title="Huge")
        store.add_feed(good, title="Good")
    started = time.monotonic()
    assert main(["refresh"]) == 1
    assert time.monotonic() - started < PROMPT
    out = capsys.readouterr()
    assert f"failed  Huge ({huge}): the feed took longer than 1 s to read; skipped" in out.out
    assert "Traceback" not in out.err
    with Store.open(isolated_env.database) as store:
        totals = {f.title: (f.total, f.last_status) for f in store.list_feeds()}
    assert (totals["Huge"], totals["Good"]) == ((0, "error"), (2, "ok"))
    assert leftover_processes() == []


def test_adding_a_feed_over_budget_fails_clearly(
    server: TestServer, huge_feed: bytes, isolated_env: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_env.config_file.parent.mkdir(parents=True, exist_ok=True)
    isolated_env.config_file.write_text("[limits]\nparse_seconds = 1\n")
    huge = server.route("/huge.xml", huge_feed)
    started = time.monotonic()
    assert main(["add", huge]) == 1
    assert time.monotonic() - started < PROMPT
    assert capsys.readouterr().err.strip().splitlines() == [
        f"tui-reader: cannot add {huge}: the feed took longer than 1 s to read; skipped"
    ]
    good = server.route("/good.xml", rss(2))
    assert main(["add", good]) == 0
    close_shared_workers()
    assert leftover_processes() == []


def test_a_generous_budget_reads_the_same_feed(server: TestServer, store: Store) -> None:
    url = server.route("/big.xml", rss(2000))
    store.add_feed(url)
    roomy = replace(CONFIG, limits=LimitsConfig(parse_seconds=120.0))
    assert refresh(store.path, roomy).new_articles == 2000


@pytest.mark.parametrize("value", [0, 0.0, -1.0, "10", float("inf")])
def test_a_budget_must_be_a_positive_number(value: object) -> None:
    config, problems = parse_config({"limits": {"parse_seconds": value}})
    assert config.limits.parse_seconds == 10.0
    assert len(problems) == 1 and problems[0].startswith("limits.parse_seconds ")


def test_budgets_are_read_from_the_config() -> None:
    config, problems = parse_config({"limits": {"parse_seconds": 2, "extract_seconds": 0.5}})
    assert problems == []
    assert config.limits == LimitsConfig(parse_seconds=2.0, extract_seconds=0.5)


# -- pages ---------------------------------------------------------------------------------------

SENTENCE = "The harbour reopened after the storm, and the ferries ran again on Sunday morning."


def good_page(title: str) -> str:
    paragraphs = "".join(f"<p>{SENTENCE} {title} paragraph {i}.</p>" for i in range(8))
    return f"<html><head><title>{title}</title></head><body><article>{paragraphs}</article>"


@pytest.fixture(scope="module")
def huge_page() -> bytes:
    return huge_page_html()


def test_a_page_over_budget_is_an_error_naming_it(
    store: Store, server: TestServer, huge_page: bytes
) -> None:
    url = server.route("/huge", huge_page, content_type="text/html")
    article = store.add_saved_page(url, title="Huge page")
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        load_document(store, article.id, CONFIG)
    assert time.monotonic() - started < PROMPT
    assert isinstance(caught.value.__cause__, DocumentTimeout)
    assert str(caught.value) == (
        f"could not extract an article from {url}: the page took longer than 1 s to read;"
        " skipped; open it in a browser"
    )
    assert store.get_body(article.id).doc_error.startswith(
        f"could not extract an article from {url}: the page took longer than 1 s"
    )
    # The next article is extracted by a new worker.
    good = server.route("/good", good_page("Good"), content_type="text/html")
    doc = load_document(store, store.add_saved_page(good, title="Good").id, CONFIG)
    assert "Good paragraph 7." in doc.text
    close_shared_workers()
    assert leftover_processes() == []


def _marked_processes(mark: str) -> list[int]:
    """Live processes whose environment holds ``mark`` (a command's workers, reparented or
    not, carry the environment it was started with)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
    return found


def test_extract_command_skips_a_page_over_budget(
    tmp_path: Path, server: TestServer, huge_page: bytes, isolated_env: Paths
) -> None:
    isolated_env.config_file.parent.mkdir(parents=True, exist_ok=True)
    isolated_env.config_file.write_text("[limits]\nextract_seconds = 1\n")
    one = server.route("/one", good_page("First"), content_type="text/html")
    huge = server.route("/huge", huge_page, content_type="text/html")
    two = tmp_path / "two.html"
    two.write_text(good_page("Second"))
    mark = f"TUI_READER_TEST_MARK={uuid.uuid4()}"
    env = {**os.environ, "TUI_READER_TEST_MARK": mark.split("=", 1)[1]}
    started = time.monotonic()
    proc = subprocess.run(
        [TUI_READER, "extract", "--format", "text", one, huge, str(two)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert time.monotonic() - started < PROMPT + 5  # start-up of the command included
    assert proc.returncode == 1
    assert "First paragraph 7." in proc.stdout and "Second paragraph 7." in proc.stdout
    assert proc.stderr.strip().splitlines() == [
        f"tui-reader: could not extract an article from {huge}: the page took longer than 1 s"
        " to read; skipped"
    ]
    assert _marked_processes(mark) == []  # no worker outlives the command


def test_a_pool_can_run_its_workers_at_a_lower_priority() -> None:
    """A refresh's parsers are niced (Workers.nice), so that the process storing what they
    send back is never starved of the cores by them; a pool without it is not."""
    here = os.nice(0)
    with Workers(max_workers=1, nice=3) as niced:
        assert niced.run(10, "a check", os.nice, 0) == min(here + 3, 19)
    with Workers(max_workers=1) as plain:
        assert plain.run(10, "a check", os.nice, 0) == here
