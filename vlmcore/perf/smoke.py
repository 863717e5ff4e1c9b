"""``python -m vlmcore.perf.smoke``: the smoke run's wall time and where it goes, cold and warm.

Runs ``pytest benchmarks -m smoke`` twice on this tree, into a fresh report folder (cold: an
empty result store and flip store) and again into the same folder (warm), and prints the wall
time with its breakdown from the run's ``timings.json``: model work for the groups (engine),
the flip search (its model calls, and the search itself without them: each second is counted
once), report writing, and the rest
(pytest's own per-case work, collection, start-up). It counts model calls: a warm rerun must
make none.

``--reference COMMIT`` (default ``d2296d6``, the commit whose 57 s smoke run issue 16 set out
to halve) runs the same two runs on that commit, checked out in a temporary git worktree, in
the same script run, so both are measured on the same machine at the same time; an older
commit writes no ``timings.json``, so only its wall time is shown. Each run is a fresh
process with one torch thread per run left to torch's default. Both trees run the same work:
the tiny families the reference knows (``SAME_WORK``: the later Qwen2.5-VL and Idefics3
tiny builds are deselected on both, by id; ``--same-work`` gives another ``-k`` expression, e.g.
for 7d0a7f9, which had those two but not qwen2_vl / qwen3_vl). ``--rounds N`` alternates the
trees N times (reference cold and warm, this tree cold and warm, again...), so a shared
machine's load falls on both alike, and prints every round's ratio and their median.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: ``-k`` expression both trees run: the tiny families d2296d6 had (ids of unknown families match nothing there)
SAME_WORK = "not tiny-qwen2_5_vl and not tiny-idefics3"
#: exit codes of a run that ran: PASS, FAIL, interrupted-by-verdict (older trees), NOT EVALUATED, COMPARISON IMPOSSIBLE
VERDICT_EXITS = (0, 1, 2, 10, 11)
PARTS = (("engine (groups)", "engine_s"), ("flip search: model", "flip_model_s"), ("flip search: search", "flip_search_s"),
         ("collector", "collector_s"), ("report writing", "report_s"))


def smoke_run(tree: Path, report_dir: Path, extra_path: Path | None = None, same_work: str = SAME_WORK,
              extra_args: tuple[str, ...] = ()) -> dict:
    """One ``pytest benchmarks -m smoke`` in ``tree``; wall seconds and the run's timings."""
    env = dict(os.environ)
    if extra_path is not None:  # the reference commit's package shadows the installed one
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH", "")]))
    # the report folder through the environment: the reference tree's plugin predates the --vlm- prefix
    env["VLMCORE_REPORT_DIR"] = str(report_dir)
    command = [sys.executable, "-m", "pytest", "benchmarks", "-m", "smoke", "-k", same_work, "-q", "-p", "no:cacheprovider",
               *extra_args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in VERDICT_EXITS:  # a verdict (random tiny weights fail or are not evaluated); anything else is broken
        raise SystemExit(f"smoke run in {tree} failed to run (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    latest = report_dir / "latest.txt"
    timings = {}
    if latest.is_file():
        candidate = report_dir / latest.read_text().strip() / "timings.json"
        if candidate.is_file():
            timings = json.loads(candidate.read_text())
    return {"wall_s": wall, "exit": done.returncode, "timings": timings, "summary": done.stdout.strip().splitlines()[-1]}


def cold_and_warm(tree: Path, scratch: Path, extra_path: Path | None = None, same_work: str = SAME_WORK,
                  extra_args: tuple[str, ...] = ()) -> dict:
    report_dir = scratch / "reports"
    shutil.rmtree(report_dir, ignore_errors=True)
    return {phase: smoke_run(tree, report_dir, extra_path, same_work, extra_args) for phase in ("cold", "warm")}


def breakdown_lines(label: str, runs: dict) -> list[str]:
    lines = []
    for phase in ("cold", "warm"):
        run = runs[phase]
        timings = run["timings"]
        head = f"{label:<22}{phase:<6}{run['wall_s']:>8.1f} s"
        if not timings:
            lines.append(f"{head}   (no timings.json: breakdown not recorded by this version)   [{run['summary']}]")
            continue
        parts = [(name, timings.get(key, 0.0)) for name, key in PARTS]
        rest = run["wall_s"] - sum(seconds for _, seconds in parts)
        shown = "  ".join(f"{name} {seconds:.1f}" for name, seconds in parts)
        calls = int(timings.get("model_calls_groups", 0) + timings.get("model_calls_flip_search", 0))
        lines.append(f"{head}   {shown}  pytest+start-up {rest:.1f}   model calls {calls} "
                     f"(groups {int(timings.get('model_calls_groups', 0))}, flip search {int(timings.get('model_calls_flip_search', 0))})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf.smoke", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", default="d2296d6", help="commit to measure beside this tree ('none' to skip)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures here")
    parser.add_argument("--same-work", default=SAME_WORK, help=f"the -k expression both trees run (default: {SAME_WORK!r})")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two trees this many times (default 1)")
    parser.add_argument("--also", action="append", default=[], metavar="ARGS",
                        help="also run this tree with these pytest arguments in each round, e.g. --also='--vlm-probes none' "
                             "(this tree's options only: the reference's plugin may not know them)")
    args = parser.parse_args(argv)
    tree = Path(__file__).resolve().parents[2]
    rounds: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="vlmcore-smoke-") as scratch_name:
        scratch = Path(scratch_name)
        worktree = scratch / "reference"
        if args.reference != "none":
            subprocess.run(["git", "-C", str(tree), "worktree", "add", "--detach", str(worktree), args.reference],
                           check=True, capture_output=True)
        try:
            for _ in range(max(1, args.rounds)):
                results = {}
                if args.reference != "none":
                    results[f"commit {args.reference}"] = cold_and_warm(worktree, scratch / "ref", worktree, args.same_work)
                results["this tree"] = cold_and_warm(tree, scratch / "this", same_work=args.same_work)
                for number, also in enumerate(args.also):
                    results[f"this tree {also}"] = cold_and_warm(tree, scratch / f"also{number}", same_work=args.same_work,
                                                                 extra_args=tuple(shlex.split(also)))
                rounds.append(results)
        finally:
            if args.reference != "none":
                subprocess.run(["git", "-C", str(tree), "worktree", "remove", "--force", str(worktree)], capture_output=True)
    lines = [f"pytest benchmarks -m smoke -k '{args.same_work}', cold (empty stores) and warm (rerun), on {os.cpu_count()} cores"]
    ratios: dict[str, list[float]] = {}  # each of this tree's runs, as a share of the reference's in its round
    reference_label = f"commit {args.reference}"
    for number, results in enumerate(rounds, 1):
        for label, runs in results.items():
            lines += breakdown_lines(label if len(rounds) == 1 else f"{label} #{number}", runs)
        if reference_label in results:
            reference = results[reference_label]
            for label, mine in results.items():
                if label == reference_label:
                    continue
                ratios.setdefault(label, []).append(mine["cold"]["wall_s"] / reference["cold"]["wall_s"])
                lines.append(f"cold run{label[len('this tree'):]}: {mine['cold']['wall_s']:.1f} s vs "
                             f"{reference['cold']['wall_s']:.1f} s ({ratios[label][-1]:.2f} of commit {args.reference})")
    for label, shares in ratios.items():
        if len(shares) > 1:
            ordered = sorted(shares)
            middle = len(ordered) // 2
            median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            lines.append(f"cold run{label[len('this tree'):]} over {len(shares)} alternating rounds: "
                         f"{', '.join(f'{r:.2f}' for r in shares)} of commit {args.reference} (median {median:.2f})")
    mine = rounds[-1]["this tree"]
    warm_calls = int(mine["warm"]["timings"].get("model_calls_groups", -1) + mine["warm"]["timings"].get("model_calls_flip_search", 0))
    lines.append(f"warm rerun model calls: {warm_calls}")
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(rounds if len(rounds) > 1 else rounds[0], indent=1))
    return 0 if warm_calls == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
