"""What one run is asked to do, read and checked before any model loads.

Options, dataset, thresholds, baseline, the models to benchmark, the run id and the report
folder: a bad dataset, thresholds file, baseline or report folder is a usage error naming it,
in ``pytest_configure`` (pytest-benchmark validates its storage in its session the same way).
Everything here is fixed for the run; the other parts of the session read it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from vlmcore.data import load_dataset
from vlmcore.data.case import Dataset
from vlmcore.errors import VlmcoreError
from vlmcore.plugin.model_specs import ModelSpec, model_specs
from vlmcore.plugin.options import RunOptions, read_options
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.thresholds import Thresholds, load_thresholds

RUN_ID = pytest.StashKey[str]()


@dataclass(frozen=True)
class RunConfiguration:
    options: RunOptions
    dataset: Dataset
    thresholds: Thresholds
    baseline: object | None  # a ``SavedRun`` (vlmcore.verdict.baseline), or None on a first run
    models: tuple[ModelSpec, ...]
    run_id: str
    worker_id: str  # "main", or the xdist worker's id
    boxes: dict  # (image file name, finding) -> pathology box (x, y, w, h)
    grounding: object = None  # the counterfactual probes' ``GroundingPlan`` (None: no probes asked)

    @staticmethod
    def read(config) -> "RunConfiguration":
        options = read_options(config)
        try:
            dataset = load_dataset(options.dataset, options.image_root, check_images=True)
            thresholds = with_answer_options(load_thresholds(options.thresholds, {g.finding for g in dataset.groups}), options)
            baseline = _load_baseline(options)
            grounding = _grounding_plan(dataset, options)
        except VlmcoreError as error:
            raise pytest.UsageError(f"vlmcore: {error}") from None
        models = tuple(model_specs(options))
        if options.reference is not None and options.reference not in {spec.key for spec in models}:
            raise pytest.UsageError(f"vlmcore: --vlm-reference {options.reference!r} is not one of the models this run evaluates "
                                    f"({', '.join(spec.key for spec in models)})")
        worker = getattr(config, "workerinput", None)
        configuration = RunConfiguration(options, dataset, thresholds, baseline, models, shared_run_id(config),
                                         worker["workerid"] if worker else "main", _boxes(options.dataset), grounding)
        configuration.check_report_dir()
        return configuration

    @property
    def reference(self) -> str | None:
        """The model the report's paired tests compare the others with: --vlm-reference, else the
        first model given."""
        return self.options.reference or (self.models[0].key if self.models else None)

    @property
    def gate_settings(self) -> GateSettings:
        """Value by value, the stricter of the baseline's stored settings and this run's, unless
        ``--vlm-gate-settings candidate`` says to use this run's alone."""
        if self.baseline is None or self.options.gate_settings == "candidate":
            return self.thresholds.gate
        return self.thresholds.gate.stricter(self.baseline.manifest.gate)

    @property
    def partial_dir(self) -> Path:
        """Rows as each group is evaluated, one file per worker: what a dead worker leaves behind."""
        return self.options.report_dir / ".partial" / self.run_id

    def spec(self, key: str) -> ModelSpec:
        return next(spec for spec in self.models if spec.key == key)

    def check_report_dir(self) -> None:
        """Before any model loads: the report folder can be created and written, and has room
        (an hour of GPU time must not end in a report that cannot be written)."""
        folder = self.options.report_dir
        probe = folder / f".vlmcore-write-probe-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_text("probe")
            probe.unlink()
            free = shutil.disk_usage(folder).free
        except OSError as error:
            raise pytest.UsageError(f"vlmcore: --vlm-report-dir {folder}: not a writable folder ({error.strerror or error})") from None
        needed = 10_000_000 + 8_000 * len(self.dataset.cases) * max(1, len(self.models))
        if free < needed:
            raise pytest.UsageError(f"vlmcore: --vlm-report-dir {folder}: {free / 1e6:.1f} MB free, this run's report needs about "
                                    f"{needed / 1e6:.0f} MB")


def with_answer_options(thresholds: Thresholds, options: RunOptions) -> Thresholds:
    """The thresholds file's ``[answers]`` with ``--vlm-answer-mode`` / ``--vlm-reasoning`` applied:
    one record the engine, the verdict and the report all read."""
    from dataclasses import replace

    answers = thresholds.answers
    if options.answer_mode:
        answers = replace(answers, mode=options.answer_mode)
    if options.reasoning:
        answers = replace(answers, reasoning=options.reasoning)
    return replace(thresholds, answers=answers)


def _load_baseline(options: RunOptions):
    if options.save_baseline:  # a name that is not a name, or a folder that is not a baseline: before any model loads
        from vlmcore.verdict.baseline import check_save_target

        check_save_target(options.report_dir, options.save_baseline)
    if not options.baseline:
        return None
    from vlmcore.verdict.baseline import load_baseline

    return load_baseline(options.report_dir, options.baseline)


def _grounding_plan(dataset: Dataset, options: RunOptions):
    """The counterfactual trials of every group (``vlmcore.grounding``), only the probes asked for."""
    from vlmcore.grounding import PROBE_KINDS, plan_for

    return plan_for(dataset, options.lesion_boxes, PROBE_KINDS if options.probes is None else options.probes)


def _boxes(dataset: Path) -> dict:
    """Pathology boxes keyed by (image file name, finding), from a ground_truth.json next to the
    dataset (the bundled phantoms ship one)."""
    path = dataset.parent / "ground_truth.json"
    if not path.is_file():
        return {}
    truth = json.loads(path.read_text())
    return {(Path(image).name, f["kind"]): tuple(f["box"]) for image, entry in truth.items() for f in entry["findings"]}


def shared_run_id(config) -> str:
    """One id for the controller and its xdist workers (the controller hands it out in
    ``pytest_configure_node``); unique even when runs start in the same second."""
    worker = getattr(config, "workerinput", None)
    if worker and "vlmcore_run_id" in worker:
        return worker["vlmcore_run_id"]
    if RUN_ID not in config.stash:
        config.stash[RUN_ID] = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    return config.stash[RUN_ID]
