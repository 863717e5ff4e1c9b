"""The end of a run: the environment, the verdict, the report, its files and the baseline.

Reads the configuration, the model pool's environment and the collector's results, never
anything a case holds. Plugins extend it through hooks in pytest-benchmark's
generate / update style: ``pytest_vlmcore_generate_environment`` / ``_update_environment``,
``pytest_vlmcore_update_summary`` and ``pytest_vlmcore_report_sections``.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import platform
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from vlmcore.plugin.collector import ResultCollector
from vlmcore.plugin.configuration import RunConfiguration
from vlmcore.plugin.model_pool import ModelPool
from vlmcore.report.outcomes import Outcome
from vlmcore.report.run_report import Environment, RunReport


@dataclass(frozen=True)
class RunEnd:
    """What the end of the run produced, for the terminal summary and the exit status."""

    report: RunReport | None = None
    run_dir: Path | None = None
    write_error: str | None = None
    saved_baseline: Path | None = None
    baseline_refused: str | None = None
    forced: str | None = None  # the reason of a forced save (the verdict was not PASS)
    save_failed: bool = False  # the save itself failed (disk, permissions): an internal error


class ReportBuilder:
    def __init__(self, configuration: RunConfiguration, pool: ModelPool, collector: ResultCollector, config, timings):
        self.configuration, self.pool, self.collector = configuration, pool, collector
        self.config = config  # pytest's config: its hooks
        self.timings = timings  # () -> this run's timings (the session's, workers' merged)

    # -- what the report holds ------------------------------------------------------------------
    def environment(self) -> Environment:
        generated = self.config.hook.pytest_vlmcore_generate_environment(config=self.config, run=self)
        environment = generated if generated is not None else self._environment()
        self.config.hook.pytest_vlmcore_update_environment(config=self.config, environment=environment)
        return environment

    def _environment(self) -> Environment:
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
        options, dataset = self.configuration.options, self.configuration.dataset
        software["dataset"] = f"{options.dataset} ({dataset.schema}, {len(dataset.groups)} groups)"
        software["quantization"] = options.quantization or "none"
        models = self.models()
        # what to pass to ``vlmcore explain --model`` (and --vlm-model) to load each model again
        arguments = {spec.key: str(spec.load.path) if spec.load is not None and spec.load.path else spec.key
                     for spec in self.configuration.models if spec.key in models}
        return Environment(software, dict(sorted(models.items())), sorted(set(self.collector.events + self.pool.all_events())),
                           arguments)

    def models(self) -> dict[str, str]:
        return {**self.collector.models, **self.pool.environment}

    def summary(self, rows: list) -> dict:
        from vlmcore.metrics.summary import summarise_run

        summaries = summarise_run(rows)
        for model, summary in summaries.items():
            self.config.hook.pytest_vlmcore_update_summary(config=self.config, model=model,
                                                           rows=[r for r in rows if r.model == model], summary=summary)
        return summaries

    def decide(self, rows: list, manifest):
        """The verdict over this run's rows (``vlmcore.verdict.decision``); a lost worker, an incomplete run
        and a model stopped for non-finite scores block a PASS."""
        from vlmcore.verdict.decision import decide_against_baseline, decide_first_run, incomplete, stopped

        cases = self.collector.cases
        selected = sorted({c.model for c in cases})
        failed: dict[str, int] = {}
        for case in cases:
            if case.outcome is Outcome.FAILED:
                failed[case.model] = failed.get(case.model, 0) + 1
        configuration, baseline = self.configuration, self.configuration.baseline
        if baseline is None:
            verdict = decide_first_run(rows, configuration.thresholds, selected, failed)
        else:
            verdict = decide_against_baseline(rows, baseline.rows, configuration.gate_settings, configuration.options.baseline,
                                              selected, failed, self._gate_notes(manifest), configuration.thresholds)
        verdict = stopped(verdict, self.collector.stopped_models | self.pool.stopped())
        return incomplete(verdict, self.collector.lost_workers + self.collector.stopped_early)

    def _gate_notes(self, manifest) -> tuple[str, ...]:
        configuration, baseline = self.configuration, self.configuration.baseline
        notes: tuple[str, ...] = ()
        differences = configuration.thresholds.gate.differences(baseline.manifest.gate)
        if differences and configuration.options.gate_settings == "candidate":
            notes = ("gate settings OVERRIDDEN with this run's thresholds file (--vlm-gate-settings candidate): "
                     + "; ".join(differences),)
        elif configuration.thresholds.gate.looser_than(baseline.manifest.gate):
            notes = ("this run's thresholds file asks for other gate settings, not used where looser than the baseline's (value by "
                     "value, the stricter applies): " + "; ".join(differences),)
        if baseline.manifest.gate.looser_than(configuration.thresholds.gate) and configuration.options.gate_settings != "candidate":
            notes += ("the baseline was saved with looser gate settings than this run's; the stricter apply: "
                      + "; ".join(baseline.manifest.gate.looser_than(configuration.thresholds.gate)),)
        if baseline.seal is not None and baseline.seal.forced is not None:
            notes += (baseline.seal.note(),)
        if manifest.dataset_fingerprint != baseline.manifest.dataset_fingerprint:
            notes += (f"dataset fingerprint {manifest.dataset_fingerprint} differs from the baseline's "
                      f"{baseline.manifest.dataset_fingerprint}: only cases with the same id, text, answer and film are compared",)
        return notes

    def manifest(self):
        from vlmcore import __version__
        from vlmcore.verdict.manifest import RunManifest, dataset_fingerprint

        configuration = self.configuration
        return RunManifest(configuration.run_id, str(configuration.options.dataset), dataset_fingerprint(configuration.dataset.cases),
                           configuration.gate_settings, dict(sorted(self.models().items())), __version__)

    def build(self) -> RunReport:
        rows = self.collector.sorted_rows()
        manifest = self.manifest()  # hashes every case once; the decision compares it with the baseline's
        report = RunReport(self.configuration.run_id, rows, self.summary(rows), sorted(self.collector.cases, key=lambda c: c.nodeid),
                           self.configuration.thresholds, self.environment(), self.decide(rows, manifest), manifest,
                           sorted(self.collector.flips.values(), key=lambda f: (f.model, f.group_id)), self.collector.overlays,
                           reference=self.configuration.reference)
        added = self.config.hook.pytest_vlmcore_report_sections(config=self.config, report=report)
        report.sections = tuple(section for sections in added if sections for section in sections)
        return report

    # -- the files --------------------------------------------------------------------------------
    def finish(self, started: float, exit_status: int) -> RunEnd:
        """Write the report (every file whole or not at all), the timings and, when asked, the baseline:
        only from a complete PASS run unless forced (``verdict.baseline.plan_save``), the forced reason
        noted in this run's own report. A report that cannot be written is a ``write_error``."""
        from dataclasses import replace

        from vlmcore.report.atomic import ReportWriteError
        from vlmcore.report.write import write_report
        from vlmcore.verdict.baseline import SavePlan, plan_save

        options = self.configuration.options
        began = time.perf_counter()
        report = self.build()
        plan = SavePlan(False)
        if options.save_baseline:
            plan = plan_save(options.save_baseline, options.save_baseline_force, exit_status=exit_status,
                             stopped=self.collector.stopped_early, evaluated=bool(report.rows), verdict=plan_verdict(report))
            if plan.note:
                report.decision = replace(report.decision, notes=report.decision.notes + (plan.note,))
        try:
            run_dir = write_report(report, options.report_dir)
            self._write_timings(run_dir, time.perf_counter() - began, started)
        except ReportWriteError as error:
            return RunEnd(write_error=str(error))
        shutil.rmtree(self.configuration.partial_dir, ignore_errors=True)  # the report holds every row now
        if not plan.save:
            return RunEnd(report, run_dir, baseline_refused=plan.refusal)
        from vlmcore.errors import ConfigError
        from vlmcore.verdict.baseline import save_baseline

        try:
            saved = save_baseline(options.report_dir, options.save_baseline, run_dir, verdict=plan_verdict(report), forced=plan.forced)
        except ConfigError as error:
            return RunEnd(report, run_dir, baseline_refused=f"baseline {options.save_baseline!r} not saved: {error}", save_failed=True)
        return RunEnd(report, run_dir, saved_baseline=saved, forced=plan.forced)

    def _write_timings(self, run_dir: Path, report_seconds: float, started: float) -> None:
        """``<run>/timings.json``: where the run's wall time went (read by ``vlmcore.perf.smoke``)."""
        from vlmcore.report.atomic import write_atomic

        figures = dict(self.timings(), report_s=report_seconds, wall_s=time.perf_counter() - started)
        write_atomic(run_dir / "timings.json", json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=1, sort_keys=True))


def plan_verdict(report: RunReport) -> str:
    status = report.decision.status
    return str(getattr(status, "value", status))
