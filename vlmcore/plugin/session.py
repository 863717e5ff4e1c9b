"""The run-wide session: options, thresholds, dataset, baseline, engines and results.

Created in ``pytest_configure`` (so a bad dataset, thresholds file or baseline fails before
any model loads). Fixtures push results here; report writers read only from here. Under
xdist each worker has its own session and ships its rows and outcomes to the controller
(``workeroutput``), which merges them (deduplicated by model and case) and writes the report.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import secrets
import time
from pathlib import Path

import pytest

from vlmcore.errors import ConfigError, VlmcoreError
from vlmcore.plugin.model_specs import ModelSpec, model_specs
from vlmcore.plugin.options import RunOptions, read_options
from vlmcore.verdict.thresholds import load_thresholds


class VlmcoreRun:
    def __init__(self, config):
        from vlmcore.data import load_dataset

        self.config = config
        self.options: RunOptions = read_options(config)
        try:
            self.dataset = load_dataset(self.options.dataset, self.options.image_root, check_images=True)
            self.thresholds = load_thresholds(self.options.thresholds, {g.finding for g in self.dataset.groups})
            self.baseline = self._load_baseline()
        except VlmcoreError as error:
            raise pytest.UsageError(f"vlmcore: {error}") from None
        self.models: list[ModelSpec] = model_specs(self.options)
        worker = getattr(config, "workerinput", None)
        self.run_id = shared_run_id(config)
        self.worker_id = worker["workerid"] if worker else "main"
        self.lost_workers: list[str] = []
        self._check_report_dir()
        self.boxes = self._boxes()
        self.rows: dict[tuple[str, str], object] = {}
        self.cases: list = []
        self.flips: dict[tuple[str, str], dict] = {}
        self.overlays: dict[str, str] = {}
        self._base_maps_shown: dict[str, list[str]] = {}  # model -> base cases whose map is drawn (report: maps on base questions)
        self.model_environment: dict[str, str] = {}
        self.events: list[str] = []  # degradations merged from workers (OOM splits)
        self._engines: dict[str, object] = {}
        self._unavailable: dict[str, str] = {}
        self._broken: dict[str, str] = {}  # models whose load failed: not retried by every case
        self.started = time.perf_counter()
        self.worker_timings: list[dict] = []  # merged from xdist workers
        self.flip_search_seconds = 0.0  # the search's own time (its model calls are in the engine's)

    # -- setup -------------------------------------------------------------------------
    def _check_report_dir(self) -> None:
        """Before any model loads: the report folder can be created and written, and has room
        (an hour of GPU time must not end in a report that cannot be written)."""
        import shutil

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

    @property
    def partial_dir(self) -> Path:
        """Rows as each group is evaluated, one file per worker: what a dead worker leaves behind."""
        return self.options.report_dir / ".partial" / self.run_id

    def _load_baseline(self):
        if not self.options.baseline:
            return None
        from vlmcore.verdict.baseline import load_baseline

        return load_baseline(self.options.report_dir, self.options.baseline)

    @property
    def gate_settings(self):
        """The baseline's stored settings, unless ``--vlm-gate-settings candidate`` says otherwise."""
        if self.baseline is None or self.options.gate_settings == "candidate":
            return self.thresholds.gate
        return self.baseline.manifest.gate

    # -- how a check reports ------------------------------------------------------------
    def expect(self, ok: bool, message: str, *, level: str) -> None:
        """Fail, or report as xfail with the measured value, by the check's level.

        ``level="case"``: per-group / per-case diagnostics, gating only with ``--vlm-case-checks gate``.
        ``level="aggregate"``: the first-run checks; with a baseline the gate decides instead.
        """
        if ok:
            return
        gating = self.options.case_checks == "gate" if level == "case" else self.baseline is None
        if gating:
            pytest.fail(message, pytrace=False)
        why = "diagnostic, not gating (--vlm-case-checks gate makes it gating)" if level == "case" else \
            f"the gate against baseline {self.options.baseline!r} decides the verdict"
        # pytrace=False: the message is the report; formatting a traceback per xfailed case was
        # ~20 ms each (pytest parses the test's source), a tenth of the smoke run
        raise pytest.xfail.Exception(f"{message} [{why}]", pytrace=False)

    def aggregate(self, key: str, check: str, subject: str = ""):
        """One first-run aggregate check of a model, judged with its whole family (``verdict.first_run``)."""
        from vlmcore.verdict.first_run import first_run_checks

        if not hasattr(self, "_aggregates"):
            self._aggregates = {}
        if key not in self._aggregates:
            self._aggregates[key] = {(c.check, c.subject): c for c in first_run_checks(self.all_rows(key), self.thresholds, key)}
        return self._aggregates[key][(check, subject)]

    def baseline_status(self, key: str, group_id: str) -> str:
        """For a group that fails a diagnostic: whether it flipped in the baseline too."""
        if self.baseline is None:
            return ""
        old = [r for r in self.baseline.rows if r.group_id == group_id and r.relation == "invariant"]
        if not old:
            return "not in the baseline"
        return "known: flipped in the baseline too" if any(not r.consistent for r in old) else "NEW: consistent in the baseline"

    def _boxes(self) -> dict:
        """Pathology boxes keyed by (image file name, finding), from a ground_truth.json
        next to the dataset (the bundled phantoms ship one)."""
        path = self.options.dataset.parent / "ground_truth.json"
        if not path.is_file():
            return {}
        truth = json.loads(path.read_text())
        return {(Path(image).name, f["kind"]): tuple(f["box"]) for image, entry in truth.items() for f in entry["findings"]}

    def case_row(self, key: str, case_id: str):
        """The evaluated row of one case (its whole group is evaluated in one batch)."""
        if not hasattr(self, "_group_of"):
            self._group_of = {case.case_id: case.group_id for case in self.dataset.cases}
        return self.engine(key).group(self._group_of[case_id]).row(case_id)

    def all_rows(self, key: str) -> list:
        return [row for evaluation in self.engine(key).all_groups() for row in evaluation.rows]

    def spec(self, key: str) -> ModelSpec:
        return next(spec for spec in self.models if spec.key == key)

    # -- engines -------------------------------------------------------------------------
    def engine(self, key: str):
        """The model's engine, loaded once per session (per xdist worker); absent weights skip."""
        if key in self._unavailable:
            pytest.skip(self._unavailable[key])
        if key in self._broken:
            pytest.fail(self._broken[key], pytrace=False)
        if key not in self._engines:
            from vlmcore.engine import Engine
            from vlmcore.models.loading import WeightsUnavailable

            spec = self.spec(key)
            try:
                adapter = self._adapter(spec) if self.options.backend == "local" else self._on_ray(spec)
            except WeightsUnavailable as error:
                self._unavailable[key] = f"{key}: {error}"
                pytest.skip(self._unavailable[key])
            except (pytest.UsageError, KeyboardInterrupt):
                raise
            except Exception as error:  # a corrupt checkpoint, a broken tokenizer: one cause, reported once per case
                self._broken[key] = (f"{key} failed to load (tried once; every case of this model reports this error): "
                                     f"{type(error).__name__}: {error}")
                self.events.append(self._broken[key])
                pytest.fail(self._broken[key], pytrace=False)
            self.model_environment[key] = (f"{adapter.name} fingerprint={adapter.fingerprint} dtype={adapter.dtype} device={adapter.device}"
                                           + (" RANDOM WEIGHTS (tiny build: plumbing only)" if spec.tiny else ""))
            self._engines[key] = Engine(adapter, self.dataset, model_key=key, boxes=self.boxes, on_group=self._add_group,
                                        store=self._store(), mass_floor=float(self.thresholds.get("min_answer_mass")))
        return self._engines[key]

    def _on_ray(self, spec: ModelSpec):
        """Evaluate every group of ``spec`` on the Ray cluster into the result store; the cases
        then read the store through a stand-in that forms the same keys (no weights here)."""
        from vlmcore.distributed.ray_backend import ReplicaRecipe, StoredModel, evaluate_on_ray

        if self.config.hook.pytest_vlmcore_make_adapter.get_hookimpls():  # asked, not called: calling it builds the model here
            raise pytest.UsageError(f"vlmcore: a pytest_vlmcore_make_adapter hook builds models in this process; {spec.key} "
                                    "cannot be shipped to Ray replicas (use --vlm-backend local)")
        recipe = ReplicaRecipe(spec.family, spec.tiny, spec.load, str(self.options.dataset),
                               str(self.options.image_root) if self.options.image_root else None, spec.key)
        from vlmcore.engine.engine import plan_chunks

        described = evaluate_on_ray(recipe, plan_chunks(self.dataset.groups), self._store(),
                                    address=self.options.backend_address, events=self.events)
        return StoredModel(described, spec.key)

    def _store(self):
        if self.options.result_cache is None:
            return None
        if not hasattr(self, "_result_store"):
            from vlmcore.engine.result_store import ResultStore

            self._result_store = ResultStore(self.options.result_cache)
            if self._result_store.moved_aside:
                self.events.append(f"result cache {self.options.result_cache} was corrupt: moved aside to "
                                   f"{self._result_store.moved_aside} and rebuilt (results are recomputed)")
        return self._result_store

    def _adapter(self, spec: ModelSpec):
        provided = self.config.hook.pytest_vlmcore_make_adapter(spec=spec, run=self)
        if provided is not None:
            from vlmcore.models.protocol import check_adapter

            return check_adapter(provided, f"pytest_vlmcore_make_adapter for {spec.key}")
        if spec.tiny:
            from vlmcore.models import tiny_adapter

            return tiny_adapter(spec.family)
        from vlmcore.models.loading import WeightsUnavailable, load_adapter

        try:
            return load_adapter(spec.load)
        except WeightsUnavailable:
            raise  # the caller turns it into a skip with the reason
        except ConfigError as error:
            raise pytest.UsageError(f"vlmcore: {error}") from None

    # -- results pushed by engines and fixtures --------------------------------------------
    def _add_group(self, evaluation) -> None:
        from vlmcore.report.html import BASE_MAPS_PER_MODEL
        from vlmcore.report.overlays import as_jpeg, comparison_png, overlay_png

        for row in evaluation.rows:
            self.rows[(row.model, row.case_id)] = row
        self._append_partial(evaluation.rows)
        base = evaluation.base
        shown = self._base_maps_shown.setdefault(base.model, [])
        base_map = evaluation.maps.get(base.case_id)
        if base_map is not None and len(shown) < BASE_MAPS_PER_MODEL:
            shown.append(base.case_id)
            # every model's map is shown, flips or none: a new architecture's grid is seen on the film at once
            png = overlay_png(evaluation.image, base_map.values, region=base.map_region or None,
                              title=f"{base.group_id}: {base.answer} ({base.map_method}, {base_map.grid[0]}x{base_map.grid[1]})")
            self.overlays[f"{base.model}/{base.case_id}"] = base64.b64encode(as_jpeg(png)).decode()
        for row in evaluation.rows:
            if row.relation == "invariant" and not row.consistent:
                png = comparison_png(evaluation.image, evaluation.maps[base.case_id].values, evaluation.maps[row.case_id].values,
                                     region=row.map_region or None,
                                     titles=(f"base: {base.answer}", f"variant: {row.answer}"))
                self.overlays[f"{row.model}/{row.case_id}"] = base64.b64encode(as_jpeg(png)).decode()

    def _append_partial(self, rows) -> None:
        try:
            self.partial_dir.mkdir(parents=True, exist_ok=True)
            with (self.partial_dir / f"{self.worker_id}.jsonl").open("a") as handle:
                handle.write("".join(json.dumps(row.to_json(), sort_keys=True) + "\n" for row in rows))
                handle.flush()
        except OSError as error:  # the final report still gets every row from the payload; say so, once
            message = f"partial results for {self.worker_id} could not be written ({error.strerror or error}): a lost worker's rows would be lost"
            if message not in self.events:
                self.events.append(message)

    def worker_lost(self, worker: str, error) -> None:
        """An xdist worker died (e.g. the OOM killer): recover the rows it had written, record the loss."""
        from vlmcore.data.rows import VariantRow

        recovered = 0
        partial = self.partial_dir / f"{worker}.jsonl"
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

    def record_case(self, outcome) -> None:
        self.cases.append(outcome)

    def flip_search(self, key: str, group_id: str):
        """The flip search for one group: every candidate paraphrase scored up front through the
        engine (batched on the group's film, read from the result store on a rerun), then the
        derandomized search reads that table (no model call of its own)."""
        from vlmcore.paraphrase.search import candidate_texts, search_flip

        if (key, group_id) not in self.flips:
            engine = self.engine(key)
            evaluation = engine.group(group_id)
            started = time.perf_counter()
            question = evaluation.group.base.question
            margins = engine.margins(evaluation.image, evaluation.base.image_sha, [question] + candidate_texts(question))

            def margin_of(text: str) -> float:
                if text not in margins:
                    margins.update(engine.margins(evaluation.image, evaluation.base.image_sha, [text]))
                return margins[text]

            result = search_flip(margin_of, question, budget=int(self.thresholds.get("flip_search_budget")),
                                 store=self._flip_store(), key=f"{engine.adapter.fingerprint}/{group_id}", all_scored=True)
            self.flips[(key, group_id)] = {"model": key, "group_id": group_id, "question": result.question, "found": result.found,
                                           "paraphrase": result.paraphrase, "transforms": list(result.transforms),
                                           "margin": result.margin, "base_margin": result.base_margin, "examples": result.examples,
                                           "replayed": result.replayed, "unverified_skipped": result.unverified}
            self.flip_search_seconds += time.perf_counter() - started
        return self.flips[(key, group_id)]

    def timings(self) -> dict:
        """Where this process's (and its workers') time went: model work for the groups and for
        the flip search, the search itself, and model calls made (a warm rerun makes none)."""
        own = {"engine_s": sum(e.seconds["groups"] for e in self._engines.values()),
               "flip_model_s": sum(e.seconds["flip_search"] for e in self._engines.values()),
               "flip_search_s": self.flip_search_seconds,
               "model_calls_groups": sum(e.model_calls["groups"] for e in self._engines.values()),
               "model_calls_flip_search": sum(e.model_calls["flip_search"] for e in self._engines.values())}
        for worker in self.worker_timings:
            own = {key: own[key] + worker.get(key, 0) for key in own}
        return own

    def _flip_store(self):
        from vlmcore.paraphrase.search import FlipStore

        return FlipStore(self.options.report_dir / "flip-store")

    # -- xdist transport ------------------------------------------------------------------------
    def payload(self) -> str:
        return json.dumps({
            "rows": [row.to_json() for row in self.rows.values()], "cases": [c.to_json() for c in self.cases],
            "flips": list(self.flips.values()), "overlays": self.overlays, "models": self.model_environment,
            "events": self.events + [e for engine in self._engines.values() for e in engine.events],
            "timings": self.timings(),
        })

    def merge(self, payload: str) -> None:
        from vlmcore.data.rows import VariantRow
        from vlmcore.report.run_report import CaseOutcome

        data = json.loads(payload)
        for row in map(VariantRow.from_json, data["rows"]):
            self.rows[(row.model, row.case_id)] = row
        self.cases += [CaseOutcome(**c) for c in data["cases"]]
        for flip in data["flips"]:
            self.flips[(flip["model"], flip["group_id"])] = flip
        self.overlays.update(data["overlays"])
        self.model_environment.update(data["models"])
        self.events += data["events"]
        self.worker_timings.append(data.get("timings", {}))

    # -- the end of the run ---------------------------------------------------------------------
    def environment(self) -> dict:
        import importlib.metadata as metadata

        software = {"python": platform.python_version(), "platform": platform.platform()}
        for package in ("vlmcore", "torch", "transformers", "numpy"):
            try:
                software[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                software[package] = "not installed"
        try:
            import torch

            software["device"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
        except ImportError:
            software["device"] = "unknown"
        software["dataset"] = f"{self.options.dataset} ({self.dataset.schema}, {len(self.dataset.groups)} groups)"
        software["quantization"] = self.options.quantization or "none"
        events = sorted(set(self.events + [e for engine in self._engines.values() for e in engine.events]))
        # what to pass to ``vlmcore explain --model`` (and --vlm-model) to load each model again
        arguments = {spec.key: str(spec.load.path) if spec.load is not None and spec.load.path else spec.key for spec in self.models
                     if spec.key in self.model_environment}
        return {"software": software, "models": dict(sorted(self.model_environment.items())), "events": events,
                "model_arguments": arguments}

    def decide(self, rows: list, manifest):
        """The verdict over this run's rows (``vlmcore.verdict.decision``); a lost worker blocks a PASS."""
        selected = sorted({c.model for c in self.cases})
        failed = {}
        for case in self.cases:
            if case.outcome == "failed":
                failed[case.model] = failed.get(case.model, 0) + 1
        from vlmcore.verdict.decision import incomplete

        return incomplete(self._decide(rows, selected, failed, manifest), self.lost_workers)

    def _decide(self, rows: list, selected: list[str], failed: dict, manifest):
        from vlmcore.verdict.decision import decide_against_baseline, decide_first_run

        if self.baseline is None:
            return decide_first_run(rows, self.thresholds, selected, failed)
        settings = self.gate_settings
        notes = ()
        differences = self.thresholds.gate.differences(self.baseline.manifest.gate)
        if differences and self.options.gate_settings == "candidate":
            notes = ("gate settings OVERRIDDEN with this run's thresholds file (--vlm-gate-settings candidate): " + "; ".join(differences),)
        elif differences:
            notes = ("this run's thresholds file asks for other gate settings, not used (the baseline's are): " + "; ".join(differences),)
        fingerprint = manifest.dataset_fingerprint
        if fingerprint != self.baseline.manifest.dataset_fingerprint:
            notes += (f"dataset fingerprint {fingerprint} differs from the baseline's {self.baseline.manifest.dataset_fingerprint}: "
                      "only cases with the same id, text, answer and film are compared",)
        return decide_against_baseline(rows, self.baseline.rows, settings, self.options.baseline, selected, failed, notes,
                                       self.thresholds.min_clusters)

    def manifest(self):
        from vlmcore import __version__
        from vlmcore.verdict.manifest import RunManifest, dataset_fingerprint

        return RunManifest(self.run_id, str(self.options.dataset), dataset_fingerprint(self.dataset.cases), self.gate_settings,
                           dict(sorted(self.model_environment.items())), __version__)

    def build_report(self):
        from vlmcore.metrics.summary import summarise_run
        from vlmcore.report.run_report import RunReport

        rows = sorted(self.rows.values(), key=lambda r: (r.model, r.group_id, r.case_id))
        cases = sorted(self.cases, key=lambda c: c.nodeid)
        manifest = self.manifest()  # hashes every case once; the decision compares it with the baseline's
        return RunReport(self.run_id, rows, summarise_run(rows), cases, self.thresholds.describe(), self.environment(),
                         self.decide(rows, manifest), manifest,
                         sorted(self.flips.values(), key=lambda f: (f["model"], f["group_id"])), self.overlays)


RUN_ID = pytest.StashKey[str]()


def shared_run_id(config) -> str:
    """One id for the controller and its xdist workers (the controller hands it out in
    ``pytest_configure_node``); unique even when runs start in the same second."""
    worker = getattr(config, "workerinput", None)
    if worker and "vlmcore_run_id" in worker:
        return worker["vlmcore_run_id"]
    if RUN_ID not in config.stash:
        config.stash[RUN_ID] = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    return config.stash[RUN_ID]
