"""Peak memory and time of each budget's refusal (issue 23 item 5): ``python -m vlmcore.perf.refusals``.

Each hostile input is built in a temporary folder, then refused in a fresh Python process (so
its peak resident memory, ``ru_maxrss``, is the refusal's own plus the interpreter and imports);
one line per case: what was refused, the time, the peak memory and the first words of the error.
The inputs are ones this script makes, never user data.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Refusal:
    name: str
    seconds: float
    peak_mb: float
    refused: bool
    message: str


def parquet_30m_rows(folder: Path, rows: int = 30_000_000) -> Path:
    """A small Parquet file holding ``rows`` records (constant columns: dictionary + run-length encoded)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "rows.parquet"
    chunk = 1_000_000
    values = {"group_id": "g1", "image": "a.png", "question": "Is there effusion?", "answer": "yes"}
    schema = pa.schema([(name, pa.dictionary(pa.int8(), pa.string())) for name in values])
    indices = pa.array([0] * chunk, type=pa.int8())
    batch = pa.record_batch([pa.DictionaryArray.from_arrays(indices, pa.array([v])) for v in values.values()], schema=schema)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for _ in range(rows // chunk):
            writer.write_batch(batch, row_group_size=chunk)
    return path


def csv_rows(folder: Path, rows: int = 5_000_000) -> Path:
    path = folder / "rows.csv"
    with path.open("w") as handle:
        handle.write("group_id,image,question,answer\n")
        line = "g1,a.png,q?,yes\n"
        for _ in range(rows // 100_000):
            handle.write(line * 100_000)
    return path


def jsonl_rows(folder: Path, rows: int = 5_000_000) -> Path:
    path = folder / "rows.jsonl"
    with path.open("w") as handle:
        for _ in range(rows // 100_000):
            handle.write("{}\n" * 100_000)
    return path


def json_rows(folder: Path, rows: int = 30_000_000) -> Path:
    path = folder / "rows.json"
    with path.open("w") as handle:
        handle.write("[{}" + ",{}" * (rows - 1) + "]")
    return path


def huge_processor(folder: Path) -> Path:
    checkpoint = folder / "checkpoint"
    checkpoint.mkdir()
    (checkpoint / "preprocessor_config.json").write_text(json.dumps({"size": {"height": 40000, "width": 40000}}))
    return checkpoint


NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
HUGE_OUTPUT = "{% for i in range(100000) %}{% for j in range(30000) %}x{% endfor %}{% endfor %}"
MULTIPLIED = "{{ 'x' * 3000000000 }}"

CHILD = {
    "dataset": "from vlmcore.data.tables import read_table\nread_table({path!r})",
    "processor": "from vlmcore.models.pixel_budget import check_checkpoint_pixels\ncheck_checkpoint_pixels(__import__('pathlib').Path({path!r}))",
    "template": ("from vlmcore.models.template_budget import render_budgeted\n"
                 "render_budgeted({path!r}, messages=[], add_generation_prompt=True)"),
    "fifo": ("from vlmcore.models.fingerprint import checkpoint_fingerprint\n"
             "checkpoint_fingerprint(__import__('pathlib').Path({path!r}), 'float32', None)"),
}


#: the process's own peak resident set (VmHWM): ``ru_maxrss`` would carry the parent's over fork + exec
PEAK = "[int(line.split()[1]) / 1024 for line in open('/proc/self/status') if line.startswith('VmHWM')][0]"


def refuse(kind: str, target: str, timeout: float = 300.0) -> Refusal:
    """Run one refusal in a fresh process; its time and peak memory come back on stdout."""
    body = textwrap.indent(CHILD[kind].format(path=target), "    ")
    script = (f"import json, resource, time\nstarted = time.perf_counter()\nmessage, refused = '', False\ntry:\n{body}\n"
              "except Exception as error:\n    message, refused = f'{type(error).__name__}: {error}', True\n"
              f"peak = {PEAK}\n"
              "print(json.dumps({'seconds': time.perf_counter() - started, 'peak_mb': peak, 'refused': refused, 'message': message}))\n")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, env=env)
    if result.returncode != 0:
        return Refusal(kind, float("nan"), float("nan"), False, result.stderr.strip().splitlines()[-1] if result.stderr else "crashed")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return Refusal(kind, data["seconds"], data["peak_mb"], data["refused"], data["message"])


def baseline(timeout: float = 120.0) -> Refusal:
    """The interpreter with vlmcore's data and model modules imported: what every refusal starts from."""
    script = ("import json, resource\nimport vlmcore.data.tables, vlmcore.models.fingerprint, pyarrow.parquet, jinja2.sandbox\n"
              f"print(json.dumps({{'peak_mb': {PEAK}}}))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout)
    return Refusal("imports only", 0.0, json.loads(result.stdout)["peak_mb"], False, "")


def cases(folder: Path) -> list[tuple[str, str, str]]:
    """(label, kind, target) for every budget."""
    fifo_checkpoint = folder / "fifo-checkpoint"
    fifo_checkpoint.mkdir()
    (fifo_checkpoint / "config.json").write_text("{}")
    os.mkfifo(fifo_checkpoint / "model-00002-of-00002.safetensors")
    zero_checkpoint = folder / "zero-checkpoint"
    zero_checkpoint.mkdir()
    (zero_checkpoint / "config.json").write_text("{}")
    (zero_checkpoint / "model.safetensors").symlink_to("/dev/zero")
    templates = {}
    for label, text in (("nested", NESTED_LOOPS), ("output", HUGE_OUTPUT), ("multiplied", MULTIPLIED)):
        templates[label] = folder / f"{label}.jinja"
        templates[label].write_text(text)
    return [
        ("Parquet, 30 M rows (434 KB-class file)", "dataset", str(parquet_30m_rows(folder))),
        ("CSV, 5 M rows", "dataset", str(csv_rows(folder))),
        ("JSONL, 5 M rows", "dataset", str(jsonl_rows(folder))),
        ("JSON list, 30 M records", "dataset", str(json_rows(folder))),
        ("processor asking for 40000 px films", "processor", str(huge_processor(folder))),
        ("chat template: nested 100000-step loops", "template", str(templates["nested"])),
        ("chat template: 3e9 characters of output", "template", str(templates["output"])),
        ("chat template: 'x' * 3e9", "template", str(templates["multiplied"])),
        ("weight file that is a FIFO", "fifo", str(fifo_checkpoint)),
        ("weight file linked to /dev/zero", "fifo", str(zero_checkpoint)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf.refusals", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    start = baseline()
    print(f"{'input':45s} {'refused':>7s} {'time s':>7s} {'peak MB':>8s}  error")
    print(f"{start.name:45s} {'':>7s} {'':>7s} {start.peak_mb:8.0f}")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="vlmcore-refusals-") as folder:
        for label, kind, target in cases(Path(folder)):
            outcome = refuse(kind, target)
            failures += not outcome.refused
            size = Path(target).stat().st_size if Path(target).is_file() else 0
            shown = label + (f" [{size / 1e3:.0f} KB]" if kind == "dataset" else "")
            print(f"{shown:45s} {'yes' if outcome.refused else 'NO':>7s} {outcome.seconds:7.2f} {outcome.peak_mb:8.0f}  {outcome.message[:110]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
