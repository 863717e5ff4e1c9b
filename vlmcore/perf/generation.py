"""``python -m vlmcore.perf --generation``: greedy generation from the kept prefix beside
transformers' ``generate`` over the whole prompt, on one model, side by side.

Both ways generate the same requests (the profile's groups, a chunk of films at a time, as the
engine batches them) with the same budget, stop tokens and suppressed tokens. ``generate``
is transformers' (``prefix_generation`` off); ``from prefix, cold`` starts with no kept prefix
(each film's prefix is computed once, by the generation itself); ``from prefix, after
scoring`` first scores the chunk (as the engine does before ``auto`` generates, and as the
group's scores and maps are read in ``generate`` mode) outside the clock, so generation finds
every film's prefix kept. Repeats are interleaved (a shared machine's load falls on all ways
alike) and the fastest of each counts. Generations are compared token for token.
"""

from __future__ import annotations

import time

WAYS = ("generate", "from prefix, cold", "from prefix, after scoring")


def _generate(adapter, chunks, way: str, max_new_tokens: int):
    adapter.prefix_generation = way != "generate"
    adapter.prefix_store.clear()
    seconds, generations = 0.0, []
    for requests in chunks:
        if way == "from prefix, after scoring":
            adapter.evaluate(requests, with_maps=False)
        start = time.perf_counter()
        generations += adapter.generate(requests, max_new_tokens=max_new_tokens)
        seconds += time.perf_counter() - start
    adapter.prefix_generation = True
    return seconds, generations


def report(profile_name: str, max_new_tokens: int = 16, repeats: int = 3, threads: int | None = None,
           films_per_forward: int = 8) -> tuple[list[str], dict]:
    import torch

    from vlmcore.perf.pipelines import workload
    from vlmcore.perf.profiles import build_adapter, get_profile

    if threads:
        torch.set_num_threads(threads)
    profile = get_profile(profile_name)
    adapter = build_adapter(profile)
    groups = workload(profile)
    chunks = [[r for g in groups[i:i + films_per_forward] for r in g] for i in range(0, len(groups), films_per_forward)]
    variants = sum(len(c) for c in chunks)
    best = dict.fromkeys(WAYS, float("inf"))
    results = {way: _generate(adapter, chunks[:1], way, max_new_tokens)[1] for way in WAYS}  # warm-up
    for _ in range(repeats):
        for way in WAYS:
            seconds, results[way] = _generate(adapter, chunks, way, max_new_tokens)
            best[way] = min(best[way], seconds)
    reference = results["generate"]
    identical = {way: results[way] == reference for way in WAYS}
    tokens = sum(len(g.token_ids) for g in reference) / len(reference)
    measured = {"variants": variants, "max_new_tokens": max_new_tokens, "mean_new_tokens": tokens,
                "ms_per_variant": {way: 1000 * best[way] / variants for way in WAYS}, "identical": identical,
                "device": f"cpu ({torch.get_num_threads()} threads)" if adapter.device.type == "cpu" else str(adapter.device),
                "model": profile.build_description()}
    lines = [f"vlmcore.perf generation profile={profile_name} device={measured['device']} budget={max_new_tokens} tokens "
             f"(mean {tokens:.1f} generated)", f"model: {measured['model']}",
             f"{'way':<30}{'ms/variant':>11}{'generate x':>12}  generations"]
    per = measured["ms_per_variant"]
    for way in WAYS:
        lines.append(f"{way:<30}{per[way]:>11.2f}{per['generate'] / per[way]:>11.2f}x  "
                     + ("-" if way == "generate" else "identical to generate" if identical[way] else "DIFFER from generate"))
    return lines, measured
