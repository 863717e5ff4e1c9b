"""Simulate runs through the verdict's decision functions and print how often they alarm.

    python -m vlmcore.calibration [--runs N] [--seed S] [--groups G] [--thresholds TOML] [--only TEXT] [--harm-choice]

Every line is one scenario: the share of simulated runs in which the rule alarmed (first
run and gate) or the 95% interval held the true rate (coverage), with its Monte-Carlo
standard error and the target docs/verdict.md states (false alarms at most alpha + 1 point,
power at least 80%). The release-gate scenarios (``release_scenarios``) name the rule they
measure in brackets. ``--harm-choice`` adds the table the harm rule's count was chosen from.
A script, not a timed test.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from vlmcore.calibration.scenarios import all_scenarios

TARGETS = {("first run", "pass"): ("passes", 0.90), ("first run", "fail"): ("fails", 0.80), ("gate null", "pass"): ("false alarms", 0.06),
           ("gate alternative", "fail"): ("power", 0.80), ("coverage", "cover"): ("coverage", 0.93),
           ("old rule, null", "pass"): ("false alarms", None), ("first run, info", "fail"): ("fails", None),
           ("gate, info", "fail"): ("power", None), ("coverage, info", "cover"): ("coverage", None),
           ("null, info", "pass"): ("shown", None)}


def _line(scenario, share: float, runs: int) -> str:
    error = math.sqrt(max(share * (1 - share), 1e-12) / runs)
    label, bound = TARGETS[(scenario.kind, scenario.target)]
    shown = 1 - share if (scenario.kind, scenario.target) == ("first run", "pass") else share
    if bound is None:
        judged = "for information"
    else:
        ok = shown <= bound if label == "false alarms" else shown >= bound
        judged = f"target {'<=' if label == 'false alarms' else '>='} {bound:.0%} {'ok' if ok else 'MISSED'}"
    return f"{scenario.kind:16} | {scenario.name:70} | {label:12} {shown:6.1%} +/- {error:4.1%} | {judged}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.calibration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000, help="simulated runs per scenario (default 1000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--groups", type=int, default=100, help="films (one paraphrase group each) per run (default 100)")
    parser.add_argument("--thresholds", default=None, help="thresholds file (default: benchmarks/thresholds.toml)")
    parser.add_argument("--only", default="", help="run only scenarios whose kind or name contains this text")
    parser.add_argument("--harm-choice", action="store_true", help="also print the harm rule's false alarms and power per count")
    args = parser.parse_args(argv)
    print(f"vlmcore calibration: {args.runs} simulated runs per scenario, {args.groups} films x (base + 5 paraphrases; the "
          f"release-gate scenarios also a negated control), seed {args.seed}")
    for index, scenario in enumerate(all_scenarios(args.thresholds, args.groups)):
        if args.only and args.only not in f"{scenario.kind} {scenario.name}":
            continue
        rng = np.random.default_rng([args.seed, index])
        started = time.perf_counter()
        share = sum(scenario.trial(rng) for _ in range(args.runs)) / args.runs
        print(_line(scenario, share, args.runs) + f" | {time.perf_counter() - started:5.1f}s", flush=True)
    if args.harm_choice:
        from vlmcore.calibration.release_scenarios import harm_choice
        from vlmcore.verdict.thresholds import load_thresholds

        print("\nharm rule: patients turned from right to wrong (none the other way) needed to fail, re-judged on the same runs")
        print("\n".join(harm_choice(load_thresholds(args.thresholds), args.runs, args.seed, args.groups)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
