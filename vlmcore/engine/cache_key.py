"""The result-cache key: a hash of versioned JSON holding everything that changes an answer.

Model fingerprint (config + weights; for loaded checkpoints also dtype + quantization), the
dtype the model runs in, the exact prompt the adapter builds, the image's pixel hash, the
question, the map settings and the vlmcore version.
Change any of them and the key changes, so a stale result is never reused.
"""

from __future__ import annotations

import hashlib
import json

import vlmcore

KEY_SCHEMA = 1


def result_key(*, fingerprint: str, prompt: str, image_hash: str, question: str, with_map: bool, dtype: str = "",
               layers: str = "last-quarter", fusion: str = "mean") -> str:
    document = {
        "schema": KEY_SCHEMA, "vlmcore": vlmcore.__version__, "model": fingerprint, "dtype": dtype, "prompt": prompt,
        "image": image_hash, "question": question, "map": {"captured": with_map, "layers": layers, "fusion": fusion},
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
