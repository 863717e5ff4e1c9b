"""``python -m vlmcore.perf.probes``: what the counterfactual probes cost, as a share of a run.

For each model, the engine evaluates the whole dataset twice in this process, from an empty result
store each time: once without the probes and once with them (``vlmcore.grounding``: label-swap
partners, occluded and mirrored films). Printed side by side, per model: wall and CPU seconds of
each, the probes' share of the run with them, requests and distinct films scored, adapter calls,
and the most films one adapter call held (the probe films are batched as a chunk's own films are:
at most ``films_per_forward`` a call). Wall time on a shared machine is noisy; CPU time is the
steadier figure. A script, not a timed test.

    python -m vlmcore.perf.probes [--model FOLDER[,FOLDER...]] [--dataset CSV]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "fixtures" / "reference" / "models"
DATASET = REPO / "fixtures" / "reference" / "test" / "dataset.csv"


@dataclass
class Counting:
    """An adapter wrapper that counts what it is asked: calls, requests, films per call."""

    inner: object
    calls: int = 0
    requests: int = 0
    films: set = field(default_factory=set)
    most_films: int = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def evaluate(self, requests, **kwargs):
        self.calls += 1
        self.requests += len(requests)
        keys = {r.image_key for r in requests}
        self.films |= keys
        self.most_films = max(self.most_films, len(keys))
        return self.inner.evaluate(requests, **kwargs)


def measure(adapter, dataset, plan) -> dict:
    from vlmcore.engine import Engine

    counting = Counting(adapter)
    engine = Engine(counting, dataset, model_key="probe-cost", grounding=plan)
    wall, cpu = time.perf_counter(), time.process_time()
    evaluations = engine.all_groups()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "calls": counting.calls,
            "requests": counting.requests, "films": len(counting.films), "most_films": counting.most_films,
            "trials": sum(len(e.probes) for e in evaluations), "per_forward": engine.films_per_forward,
            "rows": [row for e in evaluations for row in e.rows + e.probes]}


RATES_SHOWN = ("label_swap", "lesion_occlusion", "grounding", "mirror_laterality", "blank_yes_rate", "image_reliance")


def rates_line(rows) -> str:
    """The probes' rates of the run with them (and the blank film's diagnostics), with their 95% intervals."""
    from vlmcore.metrics.summary import summarise_model

    summary = summarise_model(rows)
    shown = []
    for name in RATES_SHOWN:
        estimate = summary.estimates.get(name)
        if estimate is not None and estimate.value is not None:
            shown.append(f"{name} {estimate.shown()}")
    return "; ".join(shown)


def main(argv: list[str] | None = None) -> int:
    from vlmcore.data import load_dataset
    from vlmcore.grounding import plan_for
    from vlmcore.models.loading import load_adapter, model_argument

    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf.probes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=f"{MODELS / 'robust'},{MODELS / 'medgemma-robust'}")
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args(argv)
    dataset = load_dataset(args.dataset)
    plan = plan_for(dataset)
    counts = plan.counts()
    print(f"vlmcore probe cost: {args.dataset} ({len(dataset.groups)} groups, {len(dataset.cases)} cases); "
          f"trials planned: {', '.join(f'{k}/{a} {n}' for (k, a), n in sorted(counts.items()))}")
    print(f"{'model':18} | {'probes':6} | {'wall s':>7} | {'CPU s':>7} | {'requests':>8} | {'films':>5} | {'calls':>5} | "
          f"{'most films a call':>17} | trials")
    for folder in args.model.split(","):
        _, spec = model_argument(folder)
        adapter = load_adapter(spec)
        without, with_probes = measure(adapter, dataset, None), measure(adapter, dataset, plan)
        name = Path(folder).name
        for label, run in (("off", without), ("on", with_probes)):
            print(f"{name:18} | {label:6} | {run['wall']:7.1f} | {run['cpu']:7.1f} | {run['requests']:8} | {run['films']:5} | "
                  f"{run['calls']:5} | {run['most_films']:>9} (<= {run['per_forward']}) | {run['trials']}", flush=True)
        print(f"{name:18} | probes' share of the run with them: CPU {1 - without['cpu'] / with_probes['cpu']:.1%}, wall "
              f"{1 - without['wall'] / with_probes['wall']:.1%} (requests +{with_probes['requests'] / without['requests'] - 1:.1%}, "
              f"films x{with_probes['films'] / without['films']:.2f})")
        print(f"{name:18} | rates: {rates_line(with_probes['rows'])}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
