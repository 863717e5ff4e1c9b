"""A model fingerprint for reports and caches: what exactly produced these answers.

sha256 over the config JSON, every weight file's sha256, the dtype and the quantization.
Hashing multi-GB weights takes seconds, so file digests are memoised by (path, size,
mtime) in ``~/.cache/vlmcore/file-digests.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_MEMO = Path(os.environ.get("VLMCORE_CACHE_DIR", Path.home() / ".cache" / "vlmcore")) / "file-digests.json"


def _read_memo() -> dict:
    """The memo, or an empty one when it is absent or unreadable (it is only a cache)."""
    try:
        memo = json.loads(_MEMO.read_text())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _write_memo(memo: dict) -> None:
    """Atomically (temp file + rename): parallel workers and processes share this file, and a
    reader must never see it half written."""
    _MEMO.parent.mkdir(parents=True, exist_ok=True)
    temporary = _MEMO.with_name(f"{_MEMO.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(memo))
    os.replace(temporary, _MEMO)


def file_digest(path: Path) -> str:
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memo = _read_memo()
    if key not in memo:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        memo = _read_memo() | {key: digest.hexdigest()}  # re-read: keep what other processes added meanwhile
        _write_memo(memo)
    return memo[key]


def model_fingerprint(config_json: str, weight_files: list[Path], dtype: str, quantization: str | None) -> str:
    digest = hashlib.sha256()
    digest.update(config_json.encode())
    for path in sorted(weight_files):
        digest.update(path.name.encode())
        digest.update(file_digest(path).encode())
    digest.update(f"|{dtype}|{quantization or 'none'}".encode())
    return digest.hexdigest()[:20]


def state_fingerprint(model, label: str) -> str:
    """Fingerprint of an in-memory model (tiny builds): config + parameter bytes."""
    import torch

    digest = hashlib.sha256(label.encode())
    digest.update(model.config.to_json_string(use_diff=False).encode())
    with torch.no_grad():
        for name, tensor in sorted(model.state_dict().items()):
            digest.update(name.encode())
            digest.update(tensor.detach().float().cpu().numpy().tobytes())
    return digest.hexdigest()[:20]
