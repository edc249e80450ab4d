"""The suite's xdist scheduler: ``--dist loadgroup`` (the tt-rss tests share one server, so
they run on one worker), mended where a crashed worker made the run hang to CI's limit.

pytest-xdist 3.8's LoadGroupScheduling, when a worker dies (a segfault, an OOM kill,
``os._exit``):

- puts all the dead worker's work units back on the queue, the completed ones too. In
  loadgroup each ungrouped test is a unit of its own, so hundreds of empty units went to the
  end of the queue. An empty unit is sent as no test at all, yet it uses up the turn a worker
  gets for each test it completes. At the end, the workers waited for tests that never came,
  and the run hung (pytest-xdist issues 1323, 1327 and 1378);
- gives the replacement worker one test, and a worker waits for a second one (or its
  shutdown) before it runs the first;
- cannot put a crashed test back (``mark_test_pending`` is not implemented), so
  pytest-rerunfailures cannot give it the one rerun every other failed test gets.

This subclass puts back only the tests that did not run, fills a new worker as the first ones
were filled, tells a worker to finish once the queue is empty, and puts a crashed test back
for its rerun. The crashed test is reported by name either way ("worker 'gw0' crashed while
running ...").
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadGroupScheduling
from xdist.workermanage import WorkerController

# A worker holds at least this many tests it has not run yet (xdist's own heuristic).
_AHEAD = 2


class GroupScheduling(LoadGroupScheduling):
    def remove_node(self, node: WorkerController) -> str | None:
        workload = self.assigned_work.pop(node)
        if not self._pending_of(workload):
            return None
        crashed = next(
            nodeid for unit in workload.values() for nodeid, done in unit.items() if not done
        )
        # Reported as failed (or put back for its rerun: mark_test_pending), not run again
        # as a matter of course: a test that takes its worker down would take the next one.
        workload[self._split_scope(crashed)][crashed] = True
        for scope, unit in workload.items():
            if not all(unit.values()):
                self.workqueue[scope] = unit
                self.workqueue.move_to_end(scope, last=False)
        for other in self.assigned_work:
            self._reschedule(other)
        return crashed

    def mark_test_pending(self, item: str) -> None:  # type: ignore[override]
        scope = self._split_scope(item)
        self.workqueue.setdefault(scope, {})[item] = False
        self.workqueue.move_to_end(scope, last=False)
        for node in self.assigned_work:
            self._reschedule(node)

    def _reschedule(self, node: WorkerController) -> None:
        if node.shutting_down or node not in self.registered_collections:
            return  # (a new worker gets its tests once it has collected them)
        while self.workqueue and self._pending_of(self.assigned_work[node]) <= _AHEAD:
            self._assign_work_unit(node)
        if not self.workqueue:
            node.shutdown()  # (it runs what it holds, then ends)


@pytest.hookimpl(optionalhook=True)  # (a run with xdist off, -p no:xdist, knows no such hook)
def pytest_xdist_make_scheduler(config: Any, log: Any) -> GroupScheduling | None:
    """The mended scheduler for ``--dist loadgroup``; xdist's own for any other."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return GroupScheduling(config, log)
