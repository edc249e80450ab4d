"""Run every hostile-input and fault case and print them as a table.

    .venv/bin/python bench/hostile_report.py [PYTEST ARGS...]   # e.g. -k xml, -x

Runs pytest on ``tests/`` selecting ``-m hostile``: the suite in ``tests/hostile/`` and any
test elsewhere marked ``@pytest.mark.hostile(category="...")`` (the app's own cases join this
way). Prints one row per case — case, category, result (with the reason for a skip or a
failure), duration — and a last line "N passed, N failed". Exits 1 when a case failed.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    nodeid: str
    name: str
    category: str
    outcome: str = "passed"
    reason: str = ""
    duration: float = 0.0


def _category(item: pytest.Item) -> str:
    marker = item.get_closest_marker("hostile")
    if marker is not None:
        if marker.kwargs.get("category"):
            return str(marker.kwargs["category"])
        if marker.args:
            return str(marker.args[0])
    module = Path(str(item.fspath)).stem
    return module.removeprefix("test_")


def _one_line(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Collector:
    """A pytest plugin that keeps what the table needs."""

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.order: list[str] = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            if item.get_closest_marker("hostile") is None:
                continue
            name = item.name.removeprefix("test_")
            self.cases[item.nodeid] = Case(item.nodeid, name, _category(item))
            self.order.append(item.nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        case = self.cases.get(report.nodeid)
        if case is None:
            return
        case.duration += report.duration
        if report.skipped:
            case.outcome = "skipped"
            longrepr: Any = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            case.reason = _one_line(str(reason).removeprefix("Skipped: "))
        elif report.failed:
            case.outcome = "failed" if report.when == "call" else f"error ({report.when})"
            crash = getattr(report.longrepr, "reprcrash", None)
            message = getattr(crash, "message", "") or report.longreprtext.splitlines()[-1:]
            case.reason = _one_line(str(message))


def _table(cases: list[Case]) -> str:
    rows = [("case", "category", "result", "duration")]
    for c in sorted(cases, key=lambda c: (c.category, c.nodeid)):
        result = c.outcome + (f": {c.reason}" if c.reason else "")
        rows.append((_one_line(c.name, 72), c.category, result, f"{c.duration:.2f} s"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for n, (name, category, result, duration) in enumerate(rows):
        lines.append(
            f"{name:<{widths[0]}}  {category:<{widths[1]}}  {result:<{widths[2]}}  {duration:>9}"
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 9)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    collector = Collector()
    started = time.monotonic()
    args = [
        str(REPO / "tests"),
        "-m",
        "hostile",
        "-q",
        "--no-header",
        "--tb=no",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-W",
        "ignore::pytest.PytestCollectionWarning",  # the other tests' TestServer imports
        *argv,
    ]
    exit_code = pytest.main(args, plugins=[collector])
    wall = time.monotonic() - started
    cases = [collector.cases[n] for n in collector.order]
    print()
    print(_table(cases))
    print()
    by_category: dict[str, list[Case]] = {}
    for case in cases:
        by_category.setdefault(case.category, []).append(case)
    for category, group in sorted(by_category.items()):
        ok = sum(c.outcome == "passed" for c in group)
        seconds = sum(c.duration for c in group)
        print(f"{category:<10} {ok:>4}/{len(group):<4} passed  {seconds:6.1f} s")
    skipped = sum(c.outcome == "skipped" for c in cases)
    failed = sum(c.outcome not in ("passed", "skipped") for c in cases)
    passed = sum(c.outcome == "passed" for c in cases)
    print(f"wall time {wall:.1f} s" + (f"; {skipped} skipped (reasons above)" if skipped else ""))
    print(f"{passed} passed, {failed} failed")
    if not cases:
        return 1
    return 1 if failed or exit_code not in (0, 5) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
