"""``python -m vlmcore.perf.answer_modes``: what each answer mode costs on one model, side by side.

The same checkpoint, the same groups (the first ``--patients`` patients of the dataset, the
bundled reference test set by default) and the same device are evaluated by a fresh engine per
mode (``score``, ``auto``, ``generate``; no result store, so nothing is read back), after one
warm-up group. Prints, per mode: seconds, variants/s, the cost ratio against ``score``, how
many answers were generated, accuracy, consistency (verified paraphrases whose two answers were
both read), the no-answer / uncertain shares, and how many answers differ from ``score``'s.

``auto`` generates only where p(yes) + p(no) at the first token is below ``min_answer_mass``:
for a model that answers with the word its cost is ``score``'s; ``generate`` pays a greedy
generation of up to ``max_new_tokens`` per question plus a teacher-forced forward per answer
token for its map.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import dataclass, replace

from vlmcore import bundled
from vlmcore.answers.settings import ANSWER_MODES, AnswerSettings
from vlmcore.errors import ConfigError

REFERENCE = bundled.reference_root()


@dataclass(frozen=True)
class ModeCost:
    mode: str
    seconds: float
    variants: int
    generated: int
    accuracy: float
    consistency: float
    no_answer: float
    uncertain: float
    answers: dict  # case_id -> answer

    @property
    def rate(self) -> float:
        return self.variants / self.seconds if self.seconds else float("inf")


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def measure(adapter, dataset, mode: str, mass_floor: float, settings: AnswerSettings) -> ModeCost:
    from vlmcore.engine import Engine

    engine = Engine(adapter, dataset, model_key="model", mass_floor=mass_floor, answers=replace(settings, mode=mode))
    started = time.perf_counter()
    rows = [row for evaluation in engine.all_groups() for row in evaluation.rows]
    seconds = time.perf_counter() - started
    compared = [r for r in rows if r.verified_paraphrase and r.comparable]
    return ModeCost(mode, seconds, len(rows), sum(r.answer_mode == "generate" for r in rows), _share([r.correct for r in rows]),
                    _share([r.consistent for r in compared]), _share([r.answer == "none" for r in rows]),
                    _share([r.answer == "uncertain" for r in rows]), {r.case_id: r.answer for r in rows})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf.answer_modes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(REFERENCE / "models" / "robust"), help="checkpoint folder (default: robust)")
    parser.add_argument("--dataset", default=str(REFERENCE / "test" / "dataset.csv"))
    parser.add_argument("--patients", type=int, default=10, help="the first N patients' groups (default 10)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--mass-floor", type=float, default=0.5, help="min_answer_mass (default 0.5, the thresholds' default)")
    parser.add_argument("--max-new-tokens", type=int, default=AnswerSettings.max_new_tokens)
    args = parser.parse_args(argv)

    import torch

    from vlmcore.data import load_dataset
    from vlmcore.models.loading import LoadSpec, load_adapter

    try:
        adapter = load_adapter(LoadSpec(path=args.model, device=args.device))
        dataset = load_dataset(args.dataset)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    patients = list(dict.fromkeys(g.patient_id for g in dataset.groups))[: args.patients]
    subset = replace(dataset, groups=tuple(g for g in dataset.groups if g.patient_id in patients))
    settings = AnswerSettings(max_new_tokens=args.max_new_tokens)
    measure(adapter, replace(subset, groups=subset.groups[:1]), "generate", args.mass_floor, settings)  # warm-up
    costs = [measure(adapter, subset, mode, args.mass_floor, settings) for mode in ANSWER_MODES]
    score = costs[0]
    print(f"model {args.model}; {len(patients)} patients, {len(subset.groups)} groups, {score.variants} variants; "
          f"device {args.device}, torch threads {torch.get_num_threads()}, {platform.processor() or platform.machine()}")
    print(f"{'mode':<9} {'seconds':>8} {'var/s':>7} {'x score':>8} {'generated':>10} {'accuracy':>9} {'consistency':>12} "
          f"{'no answer':>10} {'uncertain':>10} {'differ from score':>18}")
    for cost in costs:
        differ = sum(cost.answers[c] != a for c, a in score.answers.items())
        print(f"{cost.mode:<9} {cost.seconds:8.2f} {cost.rate:7.2f} {cost.seconds / score.seconds:7.2f}x {cost.generated:>10} "
              f"{cost.accuracy:9.3f} {cost.consistency:12.3f} {cost.no_answer:10.3f} {cost.uncertain:10.3f} {differ:>18}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
