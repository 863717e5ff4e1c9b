"""Simulate runs through the verdict's decision functions and print how often they alarm.

    python -m vlmcore.calibration [--runs N | --quick] [--seed S] [--groups G] [--thresholds TOML] [--only TEXT] [--harm-choice]

Every line is one scenario: the share of simulated runs in which the rule alarmed (first
run and gate) or the 95% interval held the true rate (coverage), with its Monte-Carlo
standard error and the target docs/verdict.md states (false alarms at most alpha + 1 point,
power at least 80%). The release-gate scenarios (``release_scenarios``) name the rule they
measure in brackets; the lines of one release scenario are read off the same simulated runs
(``scenario.Simulation``). ``--harm-choice`` adds the table the harm rule was chosen from.
A script, not a timed test: the full table (200 runs per scenario, the default) took 5,260 s of
simulation on 2 CPU cores shared with other work (docs/verdict.md); ``--part K/N``
and ``--reverse`` split it between processes without changing a line (each scenario keeps its own
seed). Each line states its Monte-Carlo standard error. ``--quick`` (100 runs) is a smoke run
whose errors are too wide to judge a 6% target.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from vlmcore.calibration.scenario import Readout, Scenario
from vlmcore.calibration.scenarios import all_scenarios

TARGETS = {("first run", "pass"): ("passes", 0.90), ("first run", "fail"): ("fails", 0.80), ("gate null", "pass"): ("false alarms", 0.06),
           ("gate alternative", "fail"): ("power", 0.80), ("coverage", "cover"): ("coverage", 0.93),
           ("old rule, null", "pass"): ("false alarms", None), ("first run, info", "fail"): ("fails", None),
           ("gate, info", "fail"): ("power", None), ("coverage, info", "cover"): ("coverage", None),
           ("null, info", "pass"): ("shown", None)}


def _line(scenario: Scenario | Readout, share: float, runs: int) -> str:
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
    parser.add_argument("--runs", type=int, default=200, help="simulated runs per scenario (default 200: a 6%% rate is "
                        "measured to +/- 1.7 points)")
    parser.add_argument("--quick", action="store_true", help="100 runs per scenario: a smoke run, not a calibration")
    parser.add_argument("--part", default="1/1", metavar="K/N", help="run only the K-th of N interleaved shares of the scenarios "
                        "(each keeps its own seed, so N processes print exactly the lines one would)")
    parser.add_argument("--reverse", action="store_true", help="run the scenarios last to first (same seeds, same lines): a "
                        "second process meets a forward one in the middle")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--groups", type=int, default=100, help="films (one paraphrase group each) per run (default 100)")
    parser.add_argument("--thresholds", default=None, help="thresholds file (default: benchmarks/thresholds.toml)")
    parser.add_argument("--only", default="", help="run only scenarios whose kind or name contains this text")
    parser.add_argument("--harm-choice", action="store_true", help="also print the harm rule's false alarms and power per count")
    args = parser.parse_args(argv)
    runs = 100 if args.quick else args.runs
    try:
        part, parts = (int(x) for x in args.part.split("/"))
        assert 1 <= part <= parts
    except (ValueError, AssertionError):
        parser.error(f"--part {args.part!r}: must be K/N with 1 <= K <= N")
    print(f"vlmcore calibration: {runs} simulated runs per scenario, {args.groups} films x (base + 5 paraphrases; the "
          f"release-gate scenarios also a negated control), seed {args.seed}")
    started_all = time.perf_counter()
    scenarios = list(enumerate(all_scenarios(args.thresholds, args.groups)))
    for index, simulation in reversed(scenarios) if args.reverse else scenarios:
        readouts = [r for r in simulation.readouts if not args.only or args.only in f"{r.kind} {r.name}"]
        if not readouts or index % parts != part - 1:
            continue
        rng = np.random.default_rng([args.seed, index])
        started = time.perf_counter()
        counts = [0] * len(readouts)
        for _ in range(runs):
            drawn = simulation.draw(rng)
            for position, readout in enumerate(readouts):
                counts[position] += bool(readout.alarm(drawn))
        seconds = time.perf_counter() - started
        for readout, count in zip(readouts, counts):
            print(_line(readout, count / runs, runs) + f" | {seconds:5.1f}s", flush=True)
    print(f"total {time.perf_counter() - started_all:.0f}s")
    if args.harm_choice:
        from vlmcore.calibration.release_scenarios import harm_choice
        from vlmcore.verdict.thresholds import load_thresholds

        print("\nharm rule: each form and count re-judged on the same runs (gate alarms: REGRESSION or HARM)")
        print("\n".join(harm_choice(load_thresholds(args.thresholds), runs, args.seed, args.groups)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
