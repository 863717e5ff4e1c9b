"""``python -m vlmcore.perf --profile medium``: the engine beside honest peers, side by side.

Peers (``vlmcore.perf.pipelines``): the seed study's pipeline (64 forced tokens + a second
eager forward), one padded eager batch per group with ``output_attentions``, one SDPA
forward per variant (answers only), ``generate`` batched per group (at most 4 tokens)
with maps from the same call, and Hugging Face's prefix KV cache reused across each film's
questions (one prefix forward per film, the questions in one eager forward behind it). The
engine's kept prefixes are cleared before every timed repeat (each repeat is a cold run). The last line, ``speed-up vs strongest peer with maps: N.Nx``,
is the ratio against the fastest peer that produces maps (scripts read it).

Each pipeline runs in its own subprocess on the same model (same seed), data and device, and
is timed three times after a warm-up (the fastest counts, as timeit does, for every pipeline), so
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
import subprocess
import sys
import time
from pathlib import Path

from vlmcore.errors import ConfigError
from vlmcore.perf.memory import peak_rss_mb as _peak_rss_mb
from vlmcore.perf.memory import rss_mb as _rss_mb
from vlmcore.perf.profiles import PRECISIONS, PROFILES, get_profile, require_device

PIPELINES = ("seed", "padded-eager", "generate-batched", "hf-prefix-cache", "sdpa-per-variant", "engine", "engine-no-capture")
PEERS_WITH_MAPS = ("seed", "padded-eager", "generate-batched", "hf-prefix-cache")
EAGER = ("seed", "padded-eager", "generate-batched", "hf-prefix-cache")
LABELS = {"seed": "seed-style (64 tokens + eager fwd)", "padded-eager": "padded eager batch per group",
          "generate-batched": "generate <=4 tokens per group", "hf-prefix-cache": "HF prefix KV cache reused per film",
          "sdpa-per-variant": "SDPA fwd per variant (no maps)",
          "engine": "engine (shared prefix + capture)", "engine-no-capture": "engine without capture"}


def worker(profile_name: str, pipeline: str, threads: int | None, repeats: int = 3, precision: str = "bf16") -> dict:
    import torch

    from vlmcore.perf import pipelines
    from vlmcore.perf.profiles import build_adapter

    if threads:
        torch.set_num_threads(threads)
    profile = get_profile(profile_name)
    adapter = build_adapter(profile, attention="eager" if pipeline in EAGER else "sdpa", precision=precision)
    if pipeline == "sdpa-per-variant":
        adapter.model.set_attn_implementation("sdpa")  # the plain implementation, no capture hook at all
    groups = pipelines.workload(profile)
    cuda = profile.device == "cuda"
    runners = {"seed": lambda g: pipelines.run_seed_style(adapter, g, profile.new_tokens),
               "padded-eager": lambda g: pipelines.run_padded_eager(adapter, g),
               "generate-batched": lambda g: pipelines.run_generate_batched(adapter, g),
               "hf-prefix-cache": lambda g: pipelines.run_hf_prefix_cache(adapter, g),
               "sdpa-per-variant": lambda g: pipelines.run_sdpa_per_variant(adapter, g),
               "engine": lambda g: pipelines.run_engine(adapter, g, with_maps=True),
               "engine-no-capture": lambda g: pipelines.run_engine(adapter, g, with_maps=False)}
    runners[pipeline](groups[:2])  # a warm-up on two groups so every side pays one-off costs outside the clock
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated() / 2**20
    else:
        before = _rss_mb()
    seconds = float("inf")
    for _ in range(repeats):  # timeit's convention: the fastest repeat is the least disturbed by the machine
        start = time.perf_counter()
        results = runners[pipeline](groups)
        if cuda:
            torch.cuda.synchronize()
        seconds = min(seconds, time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated() / 2**20 - before if cuda else _peak_rss_mb() - before
    device = torch.cuda.get_device_name(0) if cuda else f"cpu ({torch.get_num_threads()} threads)"
    return {"pipeline": pipeline, "variants": len(results), "seconds": seconds, "peak_mb": max(peak, 0.0), "device": device,
            "dtype": str(adapter.dtype).removeprefix("torch."), "precision": precision if cuda else "fp32",
            "model": profile.build_description(), "results": results}


def _spawn(profile: str, pipeline: str, threads: int | None, for_memory: bool, precision: str = "bf16") -> dict:
    command = [sys.executable, "-m", "vlmcore.perf", "--profile", profile, "--worker", pipeline,
               "--repeats", "1" if for_memory else "3", "--precision", precision]
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


def compare(peer: dict, engine: dict) -> dict:
    """Answers and p(yes) of a peer against the engine's; maps too when the peer makes them."""
    import numpy as np

    pairs = list(zip(peer["results"], engine["results"]))
    agreement = {"answers_identical": all(a["answer"] == b["answer"] for a, b in pairs) and len(pairs) == len(engine["results"]),
                 "max_p_yes_diff": max(abs(a["p_yes"] - b["p_yes"]) for a, b in pairs)}
    if all("map" in a for a, _ in pairs):
        agreement["max_map_diff"] = max(float(np.abs(np.asarray(a["map"]) - np.asarray(b["map"])).max()) for a, b in pairs)
    return agreement


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf", description=__doc__)
    parser.add_argument("--profile", default="tiny", help="one of: " + ", ".join(PROFILES) + " (default: tiny)")
    parser.add_argument("--precision", default="bf16", choices=PRECISIONS,
                        help="real-size GPU profiles: bf16, or 8bit / 4bit through bitsandbytes (default: bf16)")
    parser.add_argument("--pipelines", default=",".join(PIPELINES),
                        help="comma-separated subset to run (default: all; engine and the peers with maps are needed for the ratio)")
    parser.add_argument("--worker", choices=PIPELINES, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures here")
    parser.add_argument("--suffix-packing", action="store_true",
                        help="instead: packed questions through the dense mask beside block-diagonal segments, short and "
                             "long questions (vlmcore.perf.suffix_packing)")
    parser.add_argument("--extra-tokens", type=int, default=192, help="--suffix-packing: tokens added to the long questions")
    parser.add_argument("--generation", action="store_true",
                        help="instead: greedy generation from the kept prefix beside transformers' generate (vlmcore.perf.generation)")
    parser.add_argument("--max-new-tokens", type=int, default=16, help="--generation: the token budget")
    args = parser.parse_args(argv)
    try:  # a profile this machine cannot run is refused here, before any worker builds a model
        require_device(get_profile(args.profile), args.precision)
    except ConfigError as error:
        parser.exit(2, f"python -m vlmcore.perf: {error}\n")
    if args.worker:
        print(json.dumps(worker(args.profile, args.worker, args.threads, args.repeats, args.precision)))
        return 0
    if args.suffix_packing or args.generation:
        if args.suffix_packing:
            from vlmcore.perf.suffix_packing import report

            lines, measured = report(args.profile, args.extra_tokens, args.repeats, args.threads)
        else:
            from vlmcore.perf.generation import report

            lines, measured = report(args.profile, args.max_new_tokens, args.repeats, args.threads)
        print("\n".join(lines))
        if args.json:
            args.json.write_text(json.dumps({"profile": args.profile, **measured}, indent=1))
        return 0
    chosen = [name for name in PIPELINES if name in args.pipelines.split(",")]
    if "engine" not in chosen or not set(chosen) & set(PEERS_WITH_MAPS):
        parser.exit(2, f"python -m vlmcore.perf: --pipelines needs engine and one of {', '.join(PEERS_WITH_MAPS)}\n")
    runs = {name: _spawn(args.profile, name, args.threads, False, args.precision) for name in chosen}
    cuda = not runs["engine"]["device"].startswith("cpu")
    for name in chosen:  # CUDA reports allocator peaks directly; CPU needs a run with mmap-backed allocation
        runs[name]["peak_mb"] = runs[name]["peak_mb"] if cuda else _spawn(args.profile, name, args.threads, True, args.precision)["peak_mb"]
    engine, bare = runs["engine"], runs.get("engine-no-capture")
    rate = {name: run["variants"] / run["seconds"] for name, run in runs.items()}
    agreement = {name: compare(runs[name], engine) for name in chosen if name != "engine"}
    strongest = max((name for name in PEERS_WITH_MAPS if name in runs), key=lambda name: rate[name])
    capture_overhead = (engine["peak_mb"] - bare["peak_mb"]) / bare["peak_mb"] if bare and bare["peak_mb"] > 0 else 0.0
    lines = [
        f"vlmcore.perf profile={args.profile} device={engine['device']} dtype={engine['dtype']} precision={engine['precision']} "
        f"machine={platform.machine()} python={platform.python_version()}",
        f"model: {engine['model']}",
        f"{'pipeline':<36}{'variants':>9}{'seconds':>9}{'var/s':>9}{'peak MB':>9}{'engine x':>9}  agreement with the engine",
    ]
    for name in chosen:
        run = runs[name]
        if name == "engine":
            agrees = "-"
        else:
            found = agreement[name]
            agrees = (f"answers {'identical' if found['answers_identical'] else 'DIFFER'}, p(yes) {found['max_p_yes_diff']:.1e}"
                      + (f", maps {found['max_map_diff']:.1e}" if "max_map_diff" in found else ", no maps"))
        lines.append(f"{LABELS[name]:<36}{run['variants']:>9}{run['seconds']:>9.2f}{rate[name]:>9.1f}{run['peak_mb']:>9.1f}"
                     f"{rate['engine'] / rate[name]:>8.1f}x  {agrees}")
    if bare:
        lines.append(f"capture peak-memory overhead: {capture_overhead:+.1%} ({engine['peak_mb']:.1f} vs {bare['peak_mb']:.1f} MB)")
    if "seed" in runs:
        lines.append(f"speed-up engine / seed-style: {rate['engine'] / rate['seed']:.1f}x")
    if "hf-prefix-cache" in runs:
        lines.append(f"speed-up engine / HF prefix KV cache reused per film: {rate['engine'] / rate['hf-prefix-cache']:.2f}x")
    lines += [
        f"strongest peer with maps: {LABELS[strongest].strip()}",
        f"speed-up vs strongest peer with maps: {rate['engine'] / rate[strongest]:.1f}x",
    ]
    print("\n".join(lines))
    if args.json:
        summary = {name: {k: v for k, v in run.items() if k != "results"} for name, run in runs.items()}
        args.json.write_text(json.dumps({"profile": args.profile, "runs": summary, "agreement": agreement, "strongest_peer": strongest,
                                         "speedup_vs_strongest": rate["engine"] / rate[strongest],
                                         "speedup": rate["engine"] / rate["seed"] if "seed" in rate else None,
                                         "capture_overhead": capture_overhead, "precision": engine["precision"], "model": engine["model"]},
                                        indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
