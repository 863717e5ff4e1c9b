"""The result-cache key: a hash of versioned JSON holding everything that changes an answer.

Model fingerprint (config + weights; for loaded checkpoints also dtype + quantization), the
dtype the model runs in, the exact prompt the adapter builds, the image's pixel hash, the
question, the map settings and the vlmcore version; for what the answer modes compute
(``vlmcore.answers.settings``), also its kind and settings: a generation's token budget and
decoding, the generated tokens a score and map are read after.
Change any of them and the key changes, so a stale result is never reused.

A first-token score is the same computation in every answer mode, so its key has no mode: a
``score`` run and an ``auto`` run share it. Which entries a run reads is what the mode decides.
"""

from __future__ import annotations

import hashlib
import json

import vlmcore

KEY_SCHEMA = 1


def result_key(*, fingerprint: str, prompt: str, image_hash: str, question: str, with_map: bool, dtype: str = "",
               layers: str = "last-quarter", fusion: str = "mean", computed: dict | None = None) -> str:
    """``computed``: what is computed when it is not the first-token score, with its settings
    (``{"kind": "generate", "max_new_tokens": 48, ...}``, ``{"kind": "continuation", "tokens": [...]}``)."""
    document = {
        "schema": KEY_SCHEMA, "vlmcore": vlmcore.__version__, "model": fingerprint, "dtype": dtype, "prompt": prompt,
        "image": image_hash, "question": question, "map": {"captured": with_map, "layers": layers, "fusion": fusion},
    }
    if computed is not None:
        document["computed"] = computed
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
