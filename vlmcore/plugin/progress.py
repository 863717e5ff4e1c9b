"""Progress you can see: benchmark cases done / total, groups judged per second and an ETA.

Printed by the controlling pytest process through pytest's terminal reporter, so it shows under
default output capture, with xdist workers (each finished case reaches the controller as a
report), and in CI logs. The lines are plain (no carriage returns): one every ``STEP`` of the
run or every ``INTERVAL`` seconds, whichever comes first, and one at the end. A case counts when
its teardown report arrives; a case is a benchmark case when the worker marked its report
(``CASE_PROPERTY``), so the project's own test runs never print it.

The ETA is per check, not per case: a flip-search case costs a second, a map check a
millisecond, so a case-count rate would promise hours during the first and be wrong by 20x.
Each check's remaining cases are priced at its own mean duration so far, leaving out its slowest
case once it has two (the first case of a run pays the model's loading and warm-up, a one-off
that would otherwise be charged to every case left: on the first line, 5x too high); a check not
started yet at the cheapest mean seen; plus, for every case left, the time between cases that no
case's duration holds (pytest's own bookkeeping, reports, a loaded machine: measured so far as the
wall time since the first case began less the summed durations; without it the first line of a
1467-case run was 2.5x short); divided by the number of workers. The expensive work,
evaluating a group, is cached and falls on whichever check touches the group first: the plugin
runs cases group by group (``plugin.ordering``), so by the first line every per-group check has
been seen with its true share of that work. The run's slowest case so far is taken for the
one-off: no line is written (but the last) before its check has finished a second case, since with
one that check's mean is the one-off itself (a demo's first line, 38 s into the run, priced every
group at the model's loading and promised 7.7 hours for a run of 20 minutes).
"""

from __future__ import annotations

import time

import pytest

CASE_PROPERTY = "vlmcore_check"  # user property the plugin adds to every benchmark case's report
GROUP_CHECK = "test_group_consistency"  # one per model and group: counts the groups judged
STEP = 0.1
INTERVAL = 30.0


class CaseProgress:
    def __init__(self, terminal, clock=time.monotonic, interval: float = INTERVAL, step: float = STEP):
        self.terminal, self.clock, self.interval, self.step = terminal, clock, interval, step
        self.total = 0
        self.done = 0
        self.groups = 0
        self.benchmark = False
        self.started: float | None = None
        self._last_time = clock()
        self._last_bucket = 0
        self._checks: dict[str, str] = {}
        self.workers = 1
        self._durations: dict[str, float] = {}  # nodeid -> setup + call + teardown seconds so far
        self._totals: dict[str, int] = {}  # check -> cases collected
        self._done: dict[str, int] = {}  # check -> cases finished
        self._seconds: dict[str, float] = {}  # check -> summed durations of its finished cases
        self._slowest: dict[str, float] = {}  # check -> its slowest finished case (a one-off: left out of its mean)
        self._first_began: float | None = None  # when the first case began (wall clock)
        self._slowest_case: tuple[float, str] = (0.0, "")  # the run's slowest finished case (the one-off) and its check
        self._summed = 0.0  # every reported duration so far

    def pytest_sessionstart(self, session) -> None:
        self.started = self.clock()  # model loading counts toward the elapsed time and the rate

    # -- totals ---------------------------------------------------------------------------
    def pytest_collection_finish(self, session) -> None:
        self._count([item.nodeid for item in session.items])  # single process; with xdist the controller collects nothing

    @pytest.hookimpl(optionalhook=True)  # xdist's hook: absent under -p no:xdist
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        self.workers = max(self.workers, int(str(getattr(getattr(node, "gateway", None), "id", "gw0")).removeprefix("gw") or 0) + 1)
        if len(ids) > self.total:  # every worker collects the same cases
            self._count(list(ids))

    def _count(self, nodeids: list[str]) -> None:
        self.total = len(nodeids)
        self._totals = {}
        for nodeid in nodeids:
            check = _check_of(nodeid)
            self._totals[check] = self._totals.get(check, 0) + 1

    # -- cases ----------------------------------------------------------------------------
    def pytest_runtest_logreport(self, report) -> None:
        seconds = float(getattr(report, "duration", 0.0) or 0.0)
        self._durations[report.nodeid] = self._durations.get(report.nodeid, 0.0) + seconds
        self._summed += seconds
        if self._first_began is None:
            self._first_began = self.clock() - seconds
        properties = dict(report.user_properties)
        if CASE_PROPERTY in properties:
            self.benchmark = True
            self._checks[report.nodeid] = properties[CASE_PROPERTY]
        if report.when != "teardown":
            return
        if self.started is None:
            self.started = self.clock()
        self.done += 1
        self.groups += self._checks.pop(report.nodeid, "") == GROUP_CHECK
        check = _check_of(report.nodeid)
        self._done[check] = self._done.get(check, 0) + 1
        duration = self._durations.pop(report.nodeid, 0.0)
        self._seconds[check] = self._seconds.get(check, 0.0) + duration
        self._slowest[check] = max(self._slowest.get(check, 0.0), duration)
        self._slowest_case = max(self._slowest_case, (duration, check))
        if self.benchmark:
            self._maybe_write()

    def line(self) -> str:
        start = self.clock() if self.started is None else self.started
        elapsed = max(self.clock() - start, 1e-9)
        total = max(self.total, self.done)
        remaining = self.eta(elapsed)
        groups = f", {self.groups} groups judged ({self.groups / elapsed:.2f} groups/s)" if self.groups else ""
        return (f"[vlmcore] {self.done}/{total} cases ({self.done / total:.0%}){groups}, {elapsed:.0f}s elapsed, "
                f"ETA {remaining:.0f}s")

    def eta(self, elapsed: float) -> float:
        """Seconds left: each check's remaining cases at its own mean duration (see the module doc)."""
        means = {c: self._mean(c, n) for c, n in self._done.items()
                 if n and self._seconds.get(c, 0.0) > 0 and not self._only_the_one_off(c)}
        if not means:  # no durations reported: the plain case rate
            return (max(self.total, self.done) - self.done) * elapsed / self.done if self.done else 0.0
        cheapest = min(means.values())
        left = sum(max(total - self._done.get(check, 0), 0) * means.get(check, cheapest) for check, total in self._totals.items())
        return (left + (max(self.total, self.done) - self.done) * self._gap_per_case()) / self.workers

    def _gap_per_case(self) -> float:
        """Seconds per finished case of wall time (per worker) that no case's duration holds."""
        if self._first_began is None or not self.done:
            return 0.0
        return max((self.clock() - self._first_began) * self.workers - self._summed, 0.0) / self.done

    def _only_the_one_off(self, check: str) -> bool:
        return check == self._slowest_case[1] and self._done.get(check, 0) < 2

    def _mean(self, check: str, done: int) -> float:
        """The check's mean case duration without its slowest case (see the module doc)."""
        if done < 2:
            return self._seconds[check] / done
        return (self._seconds[check] - self._slowest[check]) / (done - 1)

    def _maybe_write(self) -> None:
        now = self.clock()
        total = max(self.total, self.done)
        if self.done < total and self._only_the_one_off(self._slowest_case[1]):
            return  # the slowest case's check has no other case: no honest ETA yet (module doc)
        bucket = (self.done * round(1 / self.step)) // total  # which tenth of the run (integers: no float drift)
        if self.done == total or bucket > self._last_bucket or now - self._last_time >= self.interval:
            self._last_bucket, self._last_time = bucket, now
            writer = getattr(self.terminal, "_tw", None)  # pytest's dots leave the line open: start a fresh one
            if writer is not None and getattr(writer, "width_of_current_line", 0):
                self.terminal.write("\n")
            self.terminal.write_line(self.line())


def _check_of(nodeid: str) -> str:
    """``benchmarks/test_groups.py::test_group_consistency[m-g1]`` -> ``test_group_consistency``."""
    return nodeid.split("::")[-1].split("[")[0]
