"""``python -m vlmcore.perf --profile medium``: seed-style pipeline vs engine, side by side.

Each pipeline runs in its own subprocess on the same model (same seed), data and device, so
peak memory is that pipeline's alone; on CPU the memory figures come from a second run of
each pipeline with mmap-backed allocation (so freed memory leaves RSS), the timings from
ordinary runs. Prints variants/s for each, the ratio, peak working
memory (CPU: peak RSS above the loaded model; CUDA: peak allocated above the loaded model),
the engine's memory with and without attention capture, and whether answers and maps agree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

PIPELINES = ("seed", "engine", "engine-no-capture")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(profile_name: str, pipeline: str, threads: int | None) -> dict:
    import torch

    from vlmcore.perf.pipelines import run_engine, run_seed_style, workload
    from vlmcore.perf.profiles import build_adapter, get_profile

    if threads:
        torch.set_num_threads(threads)
    profile = get_profile(profile_name)
    adapter = build_adapter(profile, attention="eager" if pipeline == "seed" else "sdpa")
    groups = workload(profile)
    cuda = profile.device == "cuda"
    warm = [groups[0][:2]]  # one small warm-up so both sides pay one-off costs outside the clock
    run_seed_style(adapter, warm, 2) if pipeline == "seed" else run_engine(adapter, warm, pipeline == "engine")
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated() / 2**20
    else:
        before = _rss_mb()
    start = time.perf_counter()
    if pipeline == "seed":
        results = run_seed_style(adapter, groups, profile.new_tokens)
    else:
        results = run_engine(adapter, groups, with_maps=pipeline == "engine")
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated() / 2**20 - before if cuda else _peak_rss_mb() - before
    device = torch.cuda.get_device_name(0) if cuda else f"cpu ({torch.get_num_threads()} threads)"
    return {"pipeline": pipeline, "variants": len(results), "seconds": seconds, "peak_mb": max(peak, 0.0), "device": device,
            "dtype": str(adapter.dtype).removeprefix("torch."), "results": results}


def _spawn(profile: str, pipeline: str, threads: int | None, for_memory: bool) -> dict:
    command = [sys.executable, "-m", "vlmcore.perf", "--profile", profile, "--worker", pipeline]
    if threads:
        command += ["--threads", str(threads)]
    env = dict(os.environ)
    if for_memory:
        # large blocks via mmap, returned to the OS when freed: the RSS high-water mark then
        # tracks live memory instead of the allocator's retained arenas (slower, so timed apart)
        env.update(MALLOC_MMAP_THRESHOLD_="65536", MALLOC_TRIM_THRESHOLD_="0")
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{pipeline} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(seed: dict, engine: dict) -> dict:
    import numpy as np

    answers_equal = [a["answer"] for a in seed["results"]] == [b["answer"] for b in engine["results"]]
    p_diff = max(abs(a["p_yes"] - b["p_yes"]) for a, b in zip(seed["results"], engine["results"]))
    map_diff = max(float(np.abs(np.asarray(a["map"]) - np.asarray(b["map"])).max()) for a, b in zip(seed["results"], engine["results"]))
    return {"answers_identical": answers_equal, "max_p_yes_diff": p_diff, "max_map_diff": map_diff}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf", description=__doc__)
    parser.add_argument("--profile", default="tiny", help="tiny, medium, medgemma-4b, llava-7b (default: tiny)")
    parser.add_argument("--worker", choices=PIPELINES, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.profile, args.worker, args.threads)))
        return 0
    runs = {name: _spawn(args.profile, name, args.threads, for_memory=False) for name in PIPELINES}
    cuda = runs["engine"]["device"] != "cpu" and not runs["engine"]["device"].startswith("cpu")
    for name in PIPELINES:  # CUDA reports allocator peaks directly; CPU needs a run with mmap-backed allocation
        runs[name]["peak_mb"] = runs[name]["peak_mb"] if cuda else _spawn(args.profile, name, args.threads, for_memory=True)["peak_mb"]
    seed, engine, bare = runs["seed"], runs["engine"], runs["engine-no-capture"]
    rate = {name: run["variants"] / run["seconds"] for name, run in runs.items()}
    agreement = compare(seed, engine)
    capture_overhead = (engine["peak_mb"] - bare["peak_mb"]) / bare["peak_mb"] if bare["peak_mb"] > 0 else 0.0
    lines = [
        f"vlmcore.perf profile={args.profile} device={engine['device']} dtype={engine['dtype']} "
        f"machine={platform.machine()} python={platform.python_version()}",
        f"{'pipeline':<34}{'variants':>9}{'seconds':>10}{'variants/s':>12}{'peak MB':>10}",
    ]
    labels = {"seed": "seed-style (generate + eager attn)", "engine": "engine (shared prefix + capture)",
              "engine-no-capture": "engine without capture"}
    for name in PIPELINES:
        run = runs[name]
        lines.append(f"{labels[name]:<34}{run['variants']:>9}{run['seconds']:>10.2f}{rate[name]:>12.2f}{run['peak_mb']:>10.1f}")
    lines += [
        f"speed-up engine / seed-style: {rate['engine'] / rate['seed']:.1f}x",
        f"answers identical: {agreement['answers_identical']}  max |p(yes) diff|: {agreement['max_p_yes_diff']:.2e}  "
        f"max map diff: {agreement['max_map_diff']:.2e}",
        f"capture peak-memory overhead: {capture_overhead:+.1%} ({engine['peak_mb']:.1f} vs {bare['peak_mb']:.1f} MB)",
    ]
    print("\n".join(lines))
    if args.json:
        summary = {name: {k: v for k, v in run.items() if k != "results"} for name, run in runs.items()}
        args.json.write_text(json.dumps({"profile": args.profile, "runs": summary, "agreement": agreement,
                                         "speedup": rate["engine"] / rate["seed"], "capture_overhead": capture_overhead}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
