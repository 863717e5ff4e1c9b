"""The embedded default: the suite on the trained reference models, then the gate.

1. ``pytest benchmarks`` on every reference checkpoint under ``fixtures/reference/models``
   over the bundled held-out phantom test set (films of patients no model was trained on):
   first-run verdicts, one report.
2. The gate: each candidate (seed replicas, brittle, blind, degraded) against ``robust`` from
   the same run, as ``vlmcore compare RUN RUN --first-model ... --second-model ...`` does.
3. The story, one line per model: the verdict it earned, the verdict its recipe says it
   should earn, and the decisive reason. Written to ``<run>/demo.md`` and printed.

The demo exits 0 only when every model earned the verdict its recipe expects, so it is a
check of the benchmark itself: a gate that passed ``degraded`` or a first run that failed
``robust`` would make it exit 1. (The random-weight tiny builds are the ``smoke`` marker's
models: ``pytest benchmarks -m smoke``.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from vlmcore import bundled

BENCHMARKS = bundled.benchmarks()
REFERENCE = bundled.reference_root()
MODELS = REFERENCE / "models"
TEST_SET = REFERENCE / "test" / "dataset.csv"
#: the reference set's thresholds: the defaults with the map diagnostics' bars read off the seed replicas
#: (``python -m vlmcore.verdict.diagnostic_bars``; docs/maps.md)
THRESHOLDS = REFERENCE / "thresholds.toml"
BASELINE_MODEL = "robust"
#: groups flip-searched per model (``--vlm-flip-search-groups``): the search scores every candidate
#: paraphrase of a group, several times the work of evaluating it; searching all 315 groups of all
#: models took the demo past its 5-minute budget (docs/performance.md). A user's own value wins.
FLIP_SEARCH_GROUPS = 24
#: the demo imports vlmcore before it starts pytest, so pytest's assertion rewriting of the plugin's package
#: (an entry-point plugin) warns that the package is already imported; nothing of the benchmark depends on it
_ALREADY_IMPORTED = ("-W", "ignore::pytest.PytestAssertRewriteWarning")


def reference_models(folder: Path = MODELS) -> list[Path]:
    """Checkpoint folders with a model card, ``robust`` first."""
    found = sorted(p for p in folder.glob("*") if (p / "model_card.json").is_file())
    return sorted(found, key=lambda p: (p.name != BASELINE_MODEL, p.name))


def workers(extra: list[str], models: int, cores: int | None = None) -> list[str]:
    """``-n N --dist loadgroup`` over the machine's cores (one model stays on one worker: each case
    carries ``xdist_group(model)``), unless the user chose (``-n``, ``--numprocesses``, ``--dist``,
    ``-p no:xdist``). A one-process demo used one of two cores: the models are independent until the
    gate, so a second worker halves the wall time. One torch thread per worker (inherited by the
    workers unless the user set ``OMP_NUM_THREADS``): two workers of two threads each on two cores
    oversubscribe them."""
    chosen = any(a in ("-n", "--numprocesses", "--dist", "no:xdist") or a.startswith(("-n", "--numprocesses=", "--dist="))
                 for a in extra)
    count = min(cores if cores is not None else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                                  else os.cpu_count() or 1), models)
    if chosen or count < 2:
        return []
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    return ["-n", str(count), "--dist", "loadgroup"]


def by_cost(models: list[Path]) -> list[Path]:
    """The models in the order the workers take them: those that generate their answers first (a talking
    model costs several times a model answering with the word), then the larger family, then the rest.
    xdist hands a model to the next free worker in this order, so the dearest run early and the run
    does not end on one worker while the other idles (longest first)."""
    def cost(folder: Path) -> tuple[int, int]:
        card = json.loads((folder / "model_card.json").read_text())
        talks = card["recipe"].get("answer_format", "short") != "short"
        return (int(talks), int(card.get("family") == "medgemma"))

    return sorted(models, key=cost, reverse=True)


def model_key(folder: Path) -> str:
    card = json.loads((folder / "model_card.json").read_text())
    return f"{card['family']}@{folder.name}"


def run_demo(report_dir: Path, extra: list[str], only: list[str] | None = None) -> int:
    import pytest

    from vlmcore.verdict import exit_codes

    models = reference_models()
    if not any(m.name == BASELINE_MODEL for m in models):
        print(f"vlmcore demo: no reference models under {MODELS} (train them: python -m vlmcore.reference.train robust ...)")
        return 1
    if only:
        unknown = sorted(set(only) - {m.name for m in models})
        if unknown:
            print(f"vlmcore demo: --models: no reference model {unknown}; bundled: {', '.join(m.name for m in models)}")
            return exit_codes.USAGE_ERROR
        models = [m for m in models if m.name in only or m.name == BASELINE_MODEL]  # robust: every gate's baseline
    from vlmcore.report.map_section import MapEvaluationReport

    maps = MapEvaluationReport(REFERENCE / "map_evaluation.json", {m.name: m for m in models})
    code = pytest.main([str(BENCHMARKS), "-m", "not smoke", "--vlm-model", ",".join(str(m) for m in by_cost(models)), *workers(extra, len(models)),
                        "--vlm-dataset", str(TEST_SET), "-q", "--no-header", "-p", "no:cacheprovider", "--vlm-report-dir", str(report_dir),
                        "-o", "addopts=", "--tb=no", "-rN", *_ALREADY_IMPORTED, "--vlm-flip-search-groups", str(FLIP_SEARCH_GROUPS),
                        *(["--vlm-thresholds", str(THRESHOLDS)] if THRESHOLDS.is_file() else []), *extra], plugins=[maps])
    latest = report_dir / "latest.txt"
    if int(code) not in exit_codes.BY_STATUS.values() or not latest.is_file():
        print(f"vlmcore demo: the suite did not complete (pytest exit code {int(code)})")
        return int(code) or 1
    run_dir = report_dir / latest.read_text().strip()
    lines, as_expected = story(run_dir, models)
    (run_dir / "demo.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    print(f"\nvlmcore demo: report written to {run_dir}/ (report.html, report.md, demo.md, gate/, summary.json)")
    print(f"vlmcore demo: open it in a browser: {(run_dir / 'report.html').resolve().as_uri()}  "
          f"(or: xdg-open {run_dir / 'report.html'}; on macOS: open {run_dir / 'report.html'})")
    if not as_expected:
        print("vlmcore demo: some model did not earn the verdict its recipe expects (marked 'UNEXPECTED' above)")
    return 0 if as_expected else 1


def story(run_dir: Path, models: list[Path]) -> tuple[list[str], bool]:
    """The demo's table and whether every expectation held; writes each gate comparison."""
    from vlmcore.records import from_json
    from vlmcore.report.compare import compare_run_dirs
    from vlmcore.report.formatting import cell
    from vlmcore.verdict.decision import ModelVerdict
    from vlmcore.verdict.exit_codes import Status

    from vlmcore.verdict.baseline import read_run

    summary = json.loads((run_dir / "summary.json").read_text())
    saved = read_run(run_dir)  # once: every gate below compares two models of this run
    first_run = {m.model: m for m in from_json(list[ModelVerdict], summary["decision"]["models"])}
    baseline_key = model_key(models[0])
    (run_dir / "gate").mkdir(exist_ok=True)
    calibrated = _calibrated_margins(saved, models)
    intro = (f"First run: every model on the held-out phantom test set. Gate: each candidate against `{baseline_key}` "
             "(the release model), paired by case and patient"
             + (", with margins calibrated from the seed replicas' spread (below)." if calibrated else "."))
    lines = ["# vlmcore demo: the reference models", "", intro, "",
             "| model | purpose | first run (expected) | gate vs robust (expected) | why |", "| --- | --- | --- | --- | --- |"]
    as_expected = True
    for folder in models:
        card = json.loads((folder / "model_card.json").read_text())
        recipe, key = card["recipe"], model_key(folder)
        earned = first_run.get(key, ModelVerdict(key, Status.NOT_EVALUATED, ("no result",)))
        why = list(earned.reasons[:2])
        gate_status = "-"
        if recipe.get("expect_gate"):
            markdown, decision = compare_run_dirs(run_dir, run_dir, first_model=baseline_key, second_model=key,
                                                  settings=calibrated.settings if calibrated else None, read=saved)
            (run_dir / "gate" / f"{folder.name}.md").write_text(markdown)
            gate_status = decision.status
            why += [f"gate: {r}" for m in decision.models for r in m.reasons[:2]]
        expected_first, expected_gate = recipe.get("expect_first_run"), recipe.get("expect_gate")
        ok_first = expected_first is None or earned.status == expected_first
        ok_gate = expected_gate is None or gate_status == expected_gate
        as_expected &= ok_first and ok_gate
        first_cell = f"{earned.status} ({expected_first or 'not asserted'})" + ("" if ok_first else " UNEXPECTED")
        gate_cell = "baseline" if folder.name == BASELINE_MODEL else (f"{gate_status} ({expected_gate or 'not gated'})"
                                                                      + ("" if ok_gate else " UNEXPECTED"))
        lines.append(f"| {cell(key)} | {cell(recipe['purpose'])} | {first_cell} | {gate_cell} | {cell('; '.join(why))} |")
    if calibrated:
        # flagged margins are used (the demo gates its candidates with them) but never silently: each is named here
        flagged = calibrated.flagged()
        warning = ("The demo gates with these margins anyway, flagged: retrain the replicas (or accept them with "
                   "`vlmcore margins --max-margin`) before trusting the gate on these rates or subgroups.")
        shown = calibrated.lines() + ([f"- {line}" for line in flagged] + ["", warning, ""] if flagged else [])
        lines += [""] + shown
        (run_dir / "gate" / "margins.md").write_text("\n".join(shown) + "\n" + calibrated.toml())
    return lines, as_expected


def _calibrated_margins(saved, models: list[Path]):
    """Margins from the seed replicas *other than* the baseline (robust-seed1 vs robust-seed2), so
    that each replica's gate against ``robust`` is a check, not true by construction."""
    from vlmcore.verdict.margins import replica_margins

    replicas = [model_key(m) for m in models if m.name.startswith(f"{BASELINE_MODEL}-seed")]
    if len(replicas) < 2:
        return None
    arguments = {model_key(m): str(m) for m in models}
    return replica_margins(saved.rows, replicas, saved.manifest.gate, saved.manifest.models, arguments)
