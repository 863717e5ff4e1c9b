"""Results as they arrive: rows from engines, outcomes from cases, flip searches, overlays.

Fixtures and engines push here, the report builder reads only from here (pytest-benchmark's
session collects its benchmarks the same way). Each evaluated group is also journaled to
``<report-dir>/.partial/<run>/<worker>.jsonl``, so the rows of a worker that dies are recovered.
Under xdist each worker ships a ``WorkerPayload`` to the controller, whose collector merges it
(rows deduplicated by model and case).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from vlmcore.data.rows import VariantRow
from vlmcore.plugin.configuration import RunConfiguration
from vlmcore.records import from_json, to_json
from vlmcore.report.outcomes import CaseOutcome, FlipFinding


#: groups whose overlays may wait to be drawn (each holds its film until then)
MAX_DRAWING = 16


@dataclass(frozen=True)
class WorkerPayload:
    """What an xdist worker hands the controller (``workeroutput["vlmcore"]``, JSON)."""

    rows: tuple[VariantRow, ...]
    cases: tuple[CaseOutcome, ...]
    flips: tuple[FlipFinding, ...]
    overlays: dict[str, str]
    models: dict[str, str]
    events: tuple[str, ...]
    timings: dict[str, float] = field(default_factory=dict)
    collected: int = 0  # benchmark cases the worker collected (every worker collects them all)
    stopped: dict[str, str] = field(default_factory=dict)  # model -> why it was stopped (non-finite scores)


class ResultCollector:
    def __init__(self, configuration: RunConfiguration):
        self.configuration = configuration
        self.rows: dict[tuple[str, str], VariantRow] = {}
        self.cases: list[CaseOutcome] = []
        self.flips: dict[tuple[str, str], FlipFinding] = {}
        self._drawn: dict[str, str] = {}  # "model/case_id" -> base64 JPEG (``overlays`` waits for those being drawn)
        self._drawing: list = []  # futures of overlays being drawn on the painter thread, oldest first
        self._painter = None  # one thread drawing overlays while the model runs the next groups
        self.models: dict[str, str] = {}  # model key -> what was loaded, merged from workers
        self.events: list[str] = []  # degradations merged from workers, lost workers, journal failures
        self.lost_workers: list[str] = []
        self.stopped_early: list[str] = []  # why this run is incomplete (interrupted, -x, cases that never ran)
        self.collected_cases = 0  # benchmark cases collected (workers' counts merged as the largest)
        self.stopped_models: dict[str, str] = {}  # model -> why it was stopped, merged from workers
        self.worker_timings: list[dict[str, float]] = []
        self._base_maps_shown: dict[str, list[str]] = {}  # model -> base cases whose map is drawn

    # -- pushed by engines and fixtures ---------------------------------------------------------
    def add_group(self, evaluation) -> None:
        """An engine evaluated a group: keep its rows and its counterfactual trials, journal them, draw its overlays."""
        for row in evaluation.rows + evaluation.probes:
            self.rows[(row.model, row.case_id)] = row
        self._journal(evaluation.rows + evaluation.probes)
        self._overlays(evaluation)

    def add_case(self, outcome: CaseOutcome) -> None:
        self.cases.append(outcome)

    def add_flip(self, finding: FlipFinding) -> None:
        self.flips[(finding.model, finding.group_id)] = finding

    def flip(self, model: str, group_id: str) -> FlipFinding | None:
        return self.flips.get((model, group_id))

    @property
    def overlays(self) -> dict[str, str]:
        """Every overlay drawn so far ("model/case_id" -> base64 JPEG), waiting for those still being drawn;
        a drawing that failed raises here."""
        pending, self._drawing = self._drawing, []
        for job in pending:
            self._drawn.update(job.result())
        return self._drawn

    def _overlays(self, evaluation) -> None:
        """Which overlays a group gets is decided here; they are drawn and JPEG-encoded on one painter
        thread (OpenCV and PIL release the GIL) while the model runs the next groups (issue 29: the
        overlays cost the smoke run more than the model's attention). At most ``MAX_DRAWING`` groups
        wait to be drawn, so the films they hold stay bounded."""
        jobs = self._overlay_jobs(evaluation)
        if not jobs:
            return
        if self._painter is None:
            from concurrent.futures import ThreadPoolExecutor

            self._painter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vlmcore-overlays")
        self._drawing.append(self._painter.submit(lambda: {key: base64.b64encode(draw()).decode() for key, draw in jobs}))
        while len(self._drawing) > MAX_DRAWING:
            self._drawn.update(self._drawing.pop(0).result())

    def _overlay_jobs(self, evaluation) -> list[tuple[str, object]]:
        from vlmcore.report.grounding_section import film_pair_jpeg
        from vlmcore.report.html import BASE_MAPS_PER_MODEL
        from vlmcore.report.overlays import comparison_jpeg, overlay_jpeg

        jobs = []
        base, image = evaluation.base, evaluation.image
        shown = self._base_maps_shown.setdefault(base.model, [])
        base_map = evaluation.maps.get(base.case_id)
        if base_map is not None and len(shown) < BASE_MAPS_PER_MODEL:
            shown.append(base.case_id)
            # every model's map is shown, flips or none: a new architecture's grid is seen on the film at once
            title = f"{base.group_id}: {base.answer} ({base.map_method}, {base_map.grid[0]}x{base_map.grid[1]})"
            jobs.append((f"{base.model}/{base.case_id}",
                         lambda: overlay_jpeg(image, base_map.values, region=base.map_region or None, title=title)))
        trials = {row.case_id: row for row in evaluation.probes}
        for case_id, film in evaluation.examples.items():  # one counterfactual film per probe arm, for the report
            row = trials[case_id]
            titles = (f"original: {row.probe.reference_answer}", f"{row.probe.kind}: {row.answer}")
            jobs.append((f"{row.model}/{case_id}", lambda film=film, titles=titles: film_pair_jpeg(image, film, titles)))
        for row in evaluation.rows:
            if row.relation == "invariant" and not row.consistent:
                base_values, values = evaluation.maps[base.case_id].values, evaluation.maps[row.case_id].values
                titles = (f"base: {base.answer}", f"variant: {row.answer}")
                jobs.append((f"{row.model}/{row.case_id}", lambda row=row, values=values, base_values=base_values, titles=titles:
                             comparison_jpeg(image, base_values, values, region=row.map_region or None, titles=titles)))
        return jobs

    # -- the partial journal and lost workers -----------------------------------------------------
    def _journal(self, rows) -> None:
        """Append whole lines or nothing: a write that fails is cut back to where it started. A full
        disk stops the run (``StorageError``); another failure is one event (the payload still
        carries every row)."""
        import errno

        from vlmcore.errors import StorageError

        path = self.configuration.partial_dir / f"{self.configuration.worker_id}.jsonl"
        text = "".join(json.dumps(row.to_json(), sort_keys=True) + "\n" for row in rows)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a") as handle:
                start = handle.tell()
                try:
                    handle.write(text)
                    handle.flush()
                except OSError:
                    handle.truncate(start)
                    raise
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageError(f"partial results {path}: {error.strerror}; the run is stopped (the rows written before "
                                   "are whole, and a rerun with a result cache resumes)") from None
            message = (f"partial results for {self.configuration.worker_id} could not be written ({error.strerror or error}): "
                       "a lost worker's rows would be lost")
            if message not in self.events:
                self.events.append(message)

    def worker_lost(self, worker: str, error) -> None:
        """An xdist worker died (e.g. the OOM killer): recover the rows it had written, record the loss."""
        recovered = 0
        partial = self.configuration.partial_dir / f"{worker}.jsonl"
        if partial.is_file():
            for line in partial.read_text().splitlines():
                try:
                    row = VariantRow.from_json(json.loads(line))
                except (ValueError, TypeError, KeyError):
                    continue  # the line it was writing when it died; the group is evaluated again or missing
                if (row.model, row.case_id) not in self.rows:
                    self.rows[(row.model, row.case_id)] = row
                    recovered += 1
        cause = str(error).strip().splitlines()[-1] if error else "no reason given"
        message = (f"worker {worker} was lost ({cause}): {recovered} result rows recovered from its partial results; "
                   "what it had not finished is not evaluated, so this run cannot PASS")
        self.lost_workers.append(message)
        self.events.append(message)

    # -- xdist transport ----------------------------------------------------------------------------
    def payload(self, models: dict[str, str], events: list[str], timings: dict[str, float], stopped: dict[str, str]) -> str:
        return json.dumps(to_json(WorkerPayload(tuple(self.rows.values()), tuple(self.cases), tuple(self.flips.values()),
                                                self.overlays, models, tuple(self.events + events), timings,
                                                self.collected_cases, stopped)))

    def merge(self, payload: str) -> None:
        data = from_json(WorkerPayload, json.loads(payload))
        for row in data.rows:
            self.rows[(row.model, row.case_id)] = row
        self.cases += data.cases
        for finding in data.flips:
            self.add_flip(finding)
        self.overlays.update(data.overlays)
        self.models.update(data.models)
        self.events += data.events
        self.worker_timings.append(data.timings)
        self.collected_cases = max(self.collected_cases, data.collected)
        self.stopped_models.update(data.stopped)

    def sorted_rows(self) -> list[VariantRow]:
        return sorted(self.rows.values(), key=lambda r: (r.model, r.group_id, r.case_id))
