"""``python -m vlmcore.perf --suffix-packing``: packed questions through the dense (k·L_q)² mask
beside block-diagonal segments (``vlmcore.attention.segments``), short and long questions.

One process times both ways on the same model and requests, interleaved repeat by repeat
(dense, segments, dense, ...: a shared machine's load falls on both alike; the fastest repeat
of each counts, as timeit does). ``cold`` clears the kept prefixes before each repeat (what a
group costs); ``suffix`` keeps them (the packed-question forward alone: the part that
changed). Long questions carry a clinical history of ``--extra-tokens`` (192) more tokens.
Peak working memory is measured per way and length in a subprocess with mmap-backed
allocation (as in ``vlmcore.perf``: peak RSS above the loaded model). Answers, p(yes) and
maps of the two ways are compared on every request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

MODES = ("dense", "segments")
HISTORY = ("Clinical history: a patient admitted with cough, fever and shortness of breath for two weeks, a long "
           "history of smoking, previous right lower lobe pneumonia treated with antibiotics, known chronic obstructive "
           "disease, recent weight loss, night sweats and chest pain on the left when breathing in; the referring "
           "physician asks for comparison with the film taken three months ago and notes that the patient could not "
           "stand for a posteroanterior view. ")


def _history(tokenizer, extra_tokens: int) -> str:
    """A clinical preamble of exactly ``extra_tokens`` tokens (whole words, repeated as needed)."""
    words = (HISTORY * (1 + extra_tokens // 40)).split()
    text = ""
    for count in range(1, len(words) + 1):
        candidate = " ".join(words[:count]) + " "
        if len(tokenizer(candidate, add_special_tokens=False)["input_ids"]) > extra_tokens:
            break
        text = candidate
    return text


def requests_for(profile, adapter, extra_tokens: int):
    from vlmcore.models.requests import Request
    from vlmcore.perf.pipelines import workload

    groups = workload(profile)
    if not extra_tokens:
        return groups
    history = _history(adapter.tokenizer, extra_tokens)
    return [[Request(request.image, history + request.question, request.image_key) for request in group] for group in groups]


def _question_tokens(adapter, groups) -> float:
    lengths = [len(adapter.tokenizer(r.question, add_special_tokens=False)["input_ids"]) for g in groups for r in g]
    return sum(lengths) / len(lengths)


def _run(adapter, groups, mode: str, cold: bool):
    from vlmcore.perf.pipelines import run_engine

    adapter.suffix_attention = mode
    if not cold:  # keep every film's prefix: the timed work is the packed-question forward alone
        adapter.prefix_store.capacity = max(adapter.prefix_store.capacity, len(groups))
        return _engine_warm(adapter, groups)
    return run_engine(adapter, groups)


def _engine_warm(adapter, groups, films_per_forward: int = 8):
    import numpy as np

    results = []
    for start in range(0, len(groups), films_per_forward):
        requests = [request for group in groups[start:start + films_per_forward] for request in group]
        for score, attention in adapter.evaluate(requests):
            results.append({"p_yes": score.p_yes, "answer": score.answer, "map": np.asarray(attention.values).ravel().tolist()})
    return results


def timings(profile_name: str, extra_tokens: int, repeats: int, threads: int | None) -> dict:
    import numpy as np
    import torch

    from vlmcore.perf.profiles import build_adapter, get_profile

    if threads:
        torch.set_num_threads(threads)
    profile = get_profile(profile_name)
    adapter = build_adapter(profile)
    figures = {}
    for label, extra in (("short", 0), ("long", extra_tokens)):
        groups = requests_for(profile, adapter, extra)
        variants = sum(len(g) for g in groups)
        results, best = {}, {(mode, cold): float("inf") for mode in MODES for cold in (True, False)}
        for mode in MODES:  # warm-up, and the kept prefixes for the suffix-only timing
            results[mode] = _run(adapter, groups, mode, cold=True)
        for _ in range(repeats):
            for cold in (True, False):
                for mode in MODES:
                    start = time.perf_counter()
                    _run(adapter, groups, mode, cold)
                    best[mode, cold] = min(best[mode, cold], time.perf_counter() - start)
        pairs = list(zip(results["dense"], results["segments"]))
        figures[label] = {
            "variants": variants, "question_tokens": _question_tokens(adapter, groups),
            "ms_per_variant": {f"{mode} {'cold' if cold else 'suffix'}": 1000 * seconds / variants for (mode, cold), seconds in best.items()},
            "answers_identical": all(a["answer"] == b["answer"] for a, b in pairs),
            "max_p_yes_diff": max(abs(a["p_yes"] - b["p_yes"]) for a, b in pairs),
            "max_map_diff": max(float(np.abs(np.asarray(a["map"]) - np.asarray(b["map"])).max()) for a, b in pairs),
        }
    return {"device": f"cpu ({torch.get_num_threads()} threads)", "model": profile.build_description(), "figures": figures}


def memory_worker(profile_name: str, mode: str, extra_tokens: int, threads: int | None) -> dict:
    """Peak RSS above the loaded model for one cold run of ``mode`` (after a warm-up)."""
    import torch

    from vlmcore.perf.memory import peak_rss_mb, rss_mb
    from vlmcore.perf.profiles import build_adapter, get_profile

    if threads:
        torch.set_num_threads(threads)
    profile = get_profile(profile_name)
    adapter = build_adapter(profile)
    groups = requests_for(profile, adapter, extra_tokens)
    _run(adapter, groups[:2], mode, cold=True)
    before = rss_mb()
    _run(adapter, groups, mode, cold=True)
    return {"peak_mb": max(peak_rss_mb() - before, 0.0)}


def _memory(profile: str, mode: str, extra_tokens: int, threads: int | None) -> float:
    command = [sys.executable, "-m", "vlmcore.perf.suffix_packing", profile, mode, str(extra_tokens), str(threads or 0)]
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536", MALLOC_TRIM_THRESHOLD_="0")
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"suffix-packing memory worker ({mode}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]


def report(profile: str, extra_tokens: int = 192, repeats: int = 3, threads: int | None = None) -> tuple[list[str], dict]:
    measured = timings(profile, extra_tokens, repeats, threads)
    for label, extra in (("short", 0), ("long", extra_tokens)):
        measured["figures"][label]["peak_mb"] = {mode: _memory(profile, mode, extra, threads) for mode in MODES}
    lines = [f"vlmcore.perf suffix packing profile={profile} device={measured['device']}", f"model: {measured['model']}",
             f"{'questions':<24}{'way':<10}{'cold ms/var':>12}{'suffix ms/var':>14}{'peak MB':>9}   agreement (segments vs dense)"]
    for label, figures in measured["figures"].items():
        per = figures["ms_per_variant"]
        name = f"{label} ({figures['question_tokens']:.0f} tokens)"
        for mode in MODES:
            agrees = "-" if mode == "dense" else (
                f"answers {'identical' if figures['answers_identical'] else 'DIFFER'}, p(yes) {figures['max_p_yes_diff']:.1e}, "
                f"maps {figures['max_map_diff']:.1e}")
            lines.append(f"{name:<24}{mode:<10}{per[f'{mode} cold']:>12.2f}{per[f'{mode} suffix']:>14.2f}"
                         f"{figures['peak_mb'][mode]:>9.1f}   {agrees}")
        lines.append(f"{'':<24}{'dense / segments':<20} cold {per['dense cold'] / per['segments cold']:.2f}x, "
                     f"suffix {per['dense suffix'] / per['segments suffix']:.2f}x, "
                     f"peak memory {figures['peak_mb']['dense'] / max(figures['peak_mb']['segments'], 1e-9):.2f}x")
    short, long = measured["figures"]["short"]["ms_per_variant"], measured["figures"]["long"]["ms_per_variant"]
    lines.append(f"long / short questions, cold: dense {long['dense cold'] / short['dense cold']:.2f}x, "
                 f"segments {long['segments cold'] / short['segments cold']:.2f}x; suffix only: dense "
                 f"{long['dense suffix'] / short['dense suffix']:.2f}x, segments {long['segments suffix'] / short['segments suffix']:.2f}x")
    return lines, measured


if __name__ == "__main__":  # the memory worker: profile mode extra_tokens threads
    name, way, extra, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) or None
    print(json.dumps(memory_worker(name, way, extra, threads)))
