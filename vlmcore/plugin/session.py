"""The run-wide session: one object per pytest run (and per xdist worker), built from parts.

- ``configuration`` (``RunConfiguration``): options, dataset, thresholds, baseline, models,
  run id; read in ``pytest_configure`` so a bad one fails before any model loads;
- ``pool`` (``ModelPool``): each model's engine, loaded once;
- ``collector`` (``ResultCollector``): rows, case outcomes, flip searches, overlays, the partial
  journal and the xdist transport;
- ``flips`` (``FlipSearches``): each group's flip search, once;
- ``builder`` (``ReportBuilder``): the environment, the verdict, the report and its files.

Cases meet it through the ``vlm`` fixture (``plugin.facade.Vlm``); the hooks in ``plugin.py``
call the methods below.
"""

from __future__ import annotations

import time
from typing import Callable

from vlmcore.plugin.collector import ResultCollector
from vlmcore.plugin.configuration import RunConfiguration, shared_run_id
from vlmcore.plugin.flip_searches import FlipSearches
from vlmcore.plugin.model_pool import ModelPool
from vlmcore.plugin.report_builder import ReportBuilder, RunEnd

__all__ = ["VlmcoreRun", "shared_run_id"]


class VlmcoreRun:
    def __init__(self, config, after_load: Callable[[], None] | None = None):
        self.started = time.perf_counter()
        self.configuration = RunConfiguration.read(config)
        self.collector = ResultCollector(self.configuration)
        self.pool = ModelPool(self.configuration, config.hook, self.collector.add_group, session=self, after_load=after_load)
        self.flips = FlipSearches(self.configuration, self.pool, self.collector)
        self.builder = ReportBuilder(self.configuration, self.pool, self.collector, config, self.timings)
        self.end: RunEnd | None = None

    def timings(self) -> dict:
        """This process's timings plus those its xdist workers shipped."""
        own = self.pool.timings(self.flips.seconds)
        for worker in self.collector.worker_timings:
            own = {key: own[key] + worker.get(key, 0) for key in own}
        return own

    def payload(self) -> str:
        """This worker's results for the controller."""
        return self.collector.payload(self.pool.environment, self.pool.all_events(), self.timings(), self.pool.stopped())

    def evaluated_anything(self) -> bool:
        return bool(self.collector.rows or self.collector.cases)

    def finish(self, exit_status: int) -> RunEnd:
        self.end = self.builder.finish(self.started, exit_status)
        return self.end
