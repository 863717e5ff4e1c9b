"""A model fingerprint for reports and caches: what exactly produced these answers.

The result cache serves stored answers to any model with the same fingerprint, so the
fingerprint covers everything that changes a model's inputs or outputs:

- every file of the checkpoint folder that transformers may read: config, weights, processor /
  preprocessor config, tokenizer files, chat templates, generation config (``checkpoint_files``:
  all files but documentation and the pickle formats vlmcore never loads);
- the dtype and quantization;
- the adapter's own code (``adapter_code_digest``): the source of its class hierarchy and of the
  model and attention packages, so a changed prompt, parser or capture never reuses old answers.

Each file is opened only after it proved to be a regular file (a FIFO, a device such as a link to
``/dev/zero``, or a socket is refused: it would hang or never end), within a size budget, and a
``.safetensors`` file must be as long as its own header says. Hashing multi-GB weights takes
seconds, so file digests are memoised by (path, size, mtime) in ``~/.cache/vlmcore/file-digests.json``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import stat
import struct
from functools import lru_cache
from pathlib import Path

from vlmcore.errors import ConfigError

_MEMO = Path(os.environ.get("VLMCORE_CACHE_DIR", Path.home() / ".cache" / "vlmcore")) / "file-digests.json"

#: never read by vlmcore's loaders (documentation, pictures, pickle weights that are refused anyway)
IGNORED_SUFFIXES = (".md", ".txt.license", ".png", ".jpg", ".jpeg", ".gif", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack",
                    ".onnx", ".pkl", ".pickle", ".gguf")
IGNORED_NAMES = ("LICENSE", "LICENSE.txt", "NOTICE", "USE_POLICY", ".gitattributes", ".gitignore")
#: sub-folders transformers reads from a checkpoint folder
READ_FOLDERS = ("additional_chat_templates",)
#: a side file (config, tokenizer, template) larger than this is not a model file but an attack
MAX_SIDE_FILE_BYTES = 512 * 2**20
#: the whole checkpoint; the largest medical VLMs are ~150 GB in bf16. VLMCORE_MAX_CHECKPOINT_GB overrides.
MAX_CHECKPOINT_BYTES = 512 * 2**30
MAX_SAFETENSORS_HEADER = 100 * 2**20  # the safetensors format's own limit


class CheckpointFileError(ConfigError):
    """A checkpoint file that must not be read: not a regular file, over budget, or inconsistent."""


def checkpoint_budget() -> int:
    value = os.environ.get("VLMCORE_MAX_CHECKPOINT_GB")
    return int(float(value) * 2**30) if value else MAX_CHECKPOINT_BYTES


def _ignored(name: str) -> bool:
    return name in IGNORED_NAMES or name.lower().endswith(IGNORED_SUFFIXES) or name.upper().startswith("README")


def regular_size(path: Path) -> int:
    """The size of ``path`` after following links; refuses anything but a regular file."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise CheckpointFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a character device" if stat.S_ISCHR(info.st_mode)
                else "a block device" if stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
                else "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file")
        target = f" (a link to {os.path.realpath(path)})" if path.is_symlink() else ""
        raise CheckpointFileError(f"{path}{target} is {kind}, not a regular file: a checkpoint file must be a regular file")
    return info.st_size


def checkpoint_files(folder: Path) -> list[Path]:
    """Every file of a checkpoint folder that can change the model's inputs or outputs, each checked
    to be a regular file, within the size budget. Raises ``CheckpointFileError`` naming the file."""
    folder = Path(folder)
    entries = [p for p in folder.iterdir() if not _ignored(p.name)]
    for name in READ_FOLDERS:
        if (folder / name).is_dir():
            entries += [p for p in (folder / name).iterdir() if not _ignored(p.name)]
    files, total = [], 0
    for path in sorted(entries):
        if path.is_dir() and not path.is_symlink() and path.parent == folder:
            continue  # a sub-folder transformers does not read
        size = regular_size(path)
        weights = path.suffix == ".safetensors"
        if not weights and size > MAX_SIDE_FILE_BYTES:
            raise CheckpointFileError(f"{path}: {size / 2**20:.0f} MiB; a configuration, tokenizer or template file is at most "
                                      f"{MAX_SIDE_FILE_BYTES // 2**20} MiB")
        if weights:
            _check_safetensors_length(path, size)
        total += size
        if total > checkpoint_budget():
            raise CheckpointFileError(f"{folder}: its files exceed {checkpoint_budget() / 2**30:.0f} GiB at {path.name} "
                                      "(VLMCORE_MAX_CHECKPOINT_GB raises the budget)")
        files.append(path)
    return files


def safetensors_header(path: Path) -> dict:
    """The JSON header of a ``.safetensors`` file (tensor name -> dtype, shape, data offsets), bounded."""
    return _safetensors_header(path)[1]


def _safetensors_header(path: Path) -> tuple[int, dict]:
    with _open_regular(path) as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise CheckpointFileError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
        (length,) = struct.unpack("<Q", head)
        if length > MAX_SAFETENSORS_HEADER:
            raise CheckpointFileError(f"{path}: safetensors header of {length} bytes (at most {MAX_SAFETENSORS_HEADER})")
        raw = handle.read(length)
    try:
        header = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise CheckpointFileError(f"{path}: the safetensors header is not valid JSON ({error})") from None
    if not isinstance(header, dict):
        raise CheckpointFileError(f"{path}: the safetensors header is not a JSON object")
    return length, header


def _check_safetensors_length(path: Path, size: int) -> None:
    """A weight file is exactly as long as its header says: a sparse or padded giant is refused
    before a single data byte is hashed."""
    length, header = _safetensors_header(path)
    ends = [entry.get("data_offsets", [0, 0])[1] for name, entry in header.items() if name != "__metadata__" and isinstance(entry, dict)]
    expected = 8 + length + max(ends, default=0)
    if size != expected:
        raise CheckpointFileError(f"{path}: {size} bytes, but its safetensors header describes {expected}: not a valid weight file")


class _open_regular:
    """Open without blocking (a FIFO would block ``open`` itself), then re-check the opened file."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        try:
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as error:
            raise CheckpointFileError(f"{self.path}: cannot be read ({error.strerror or error})") from None
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise CheckpointFileError(f"{self.path} is not a regular file: a checkpoint file must be a regular file")
        os.set_blocking(descriptor, True)
        self.handle = os.fdopen(descriptor, "rb")
        return self.handle

    def __exit__(self, *exc):
        self.handle.close()


def _read_memo() -> dict:
    """The memo, or an empty one when it is absent or unreadable (it is only a cache)."""
    try:
        memo = json.loads(_MEMO.read_text())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _write_memo(memo: dict) -> None:
    """Atomically (temp file + rename): parallel workers and processes share this file, and a
    reader must never see it half written. A memo that cannot be written is only a slower rerun."""
    try:
        _MEMO.parent.mkdir(parents=True, exist_ok=True)
        temporary = _MEMO.with_name(f"{_MEMO.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(memo))
        os.replace(temporary, _MEMO)
    except OSError:
        pass  # the digest itself is correct; only its memo is lost


def file_digest(path: Path) -> str:
    """sha256 of a regular file, read no further than the size it had when checked."""
    size = regular_size(path)
    info = os.stat(path)
    key = f"{Path(path).resolve()}|{info.st_size}|{info.st_mtime_ns}"
    memo = _read_memo()
    if key not in memo:
        digest = hashlib.sha256()
        remaining = size
        with _open_regular(Path(path)) as handle:
            while remaining > 0:
                block = handle.read(min(1 << 20, remaining))
                if not block:
                    break
                digest.update(block)
                remaining -= len(block)
        memo = _read_memo() | {key: digest.hexdigest()}  # re-read: keep what other processes added meanwhile
        _write_memo(memo)
    return memo[key]


@lru_cache(maxsize=None)
def adapter_code_digest(adapter_class: type) -> str:
    """The adapter's own version: the source of every class in its hierarchy and of the model and
    attention packages it runs on (prompting, answer tokens, capture). Any edit changes it."""
    import vlmcore

    sources = set()
    for cls in adapter_class.__mro__:
        try:
            sources.add(Path(inspect.getsourcefile(cls)).resolve())
        except (TypeError, OSError):
            continue  # builtins
    package = Path(vlmcore.__file__).resolve().parent
    for folder in ("models", "attention", "answers"):
        sources.update(p.resolve() for p in (package / folder).rglob("*.py"))
    digest = hashlib.sha256(f"vlmcore {vlmcore.__version__}".encode())
    for source in sorted(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def checkpoint_fingerprint(folder: Path, dtype: str, quantization: str | None, adapter_class: type | None = None) -> str:
    """Every model-relevant file of ``folder`` (name and content), the dtype, the quantization and
    the adapter's code."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in checkpoint_files(folder):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(file_digest(path).encode())
    digest.update(f"|{dtype}|{quantization or 'none'}".encode())
    if adapter_class is not None:
        digest.update(f"|{adapter_class.__qualname__}|{adapter_code_digest(adapter_class)}".encode())
    return digest.hexdigest()[:20]


def state_fingerprint(model, label: str, adapter_class: type | None = None) -> str:
    """Fingerprint of an in-memory model (tiny builds): config + parameter bytes + the adapter's code."""
    import torch

    digest = hashlib.sha256(label.encode())
    digest.update(model.config.to_json_string(use_diff=False).encode())
    with torch.no_grad():
        for name, tensor in sorted(model.state_dict().items()):
            digest.update(name.encode())
            digest.update(tensor.detach().float().cpu().numpy().tobytes())
    if adapter_class is not None:
        digest.update(f"|{adapter_class.__qualname__}|{adapter_code_digest(adapter_class)}".encode())
    return digest.hexdigest()[:20]
