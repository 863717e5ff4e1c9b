"""``python -m vlmcore.perf.gpu_figures``: the real-size profiles on a CUDA GPU in bf16, 8-bit and
4-bit, written into ``docs/models.md`` with the device named.

Each (profile, precision) runs ``python -m vlmcore.perf --profile P --precision X`` (every
pipeline in its own process, the fastest of three repeats, peak memory per pipeline) and
becomes one row: the engine's variants/s beside the strongest peer with maps, the ratio, the
engine's peak memory, the capture overhead and how far the peer's answers and maps are from
the engine's; the device, date and library versions go with it. Rows are kept between runs
(by profile, precision and device) in the document itself, so the work can be split over
several calls (``--profiles``, ``--precisions``) within a GPU lease. 8-bit / 4-bit load the
same seeded weights through bitsandbytes (``pip install 'vlmcore[gpu]'``).

Without CUDA it refuses (exit 2) and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from vlmcore.perf.profiles import PRECISIONS, PROFILES, get_profile, quantization_folder

DEFAULT_PROFILES = ("medgemma-4b", "qwen2_vl-2b", "qwen2_5_vl-7b", "qwen3_vl-8b")
#: the seed-style pipeline (64 forced tokens per variant) is left out by default: minutes per profile on a GPU lease
DEFAULT_PIPELINES = ("padded-eager", "generate-batched", "sdpa-per-variant", "engine", "engine-no-capture")
BEGIN, END = "<!-- gpu-figures:begin -->", "<!-- gpu-figures:end -->"
DATA = "<!-- gpu-figures-data: "


@dataclass(frozen=True)
class Figure:
    """One (profile, precision) on one device."""

    profile: str
    model: str
    precision: str
    device: str
    engine_rate: float  # variants per second
    peer: str
    peer_rate: float
    engine_peak_mb: float
    capture_overhead: float
    max_p_yes_diff: float
    max_map_diff: float
    date: str
    versions: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.profile, self.precision, self.device)


def figure_from(perf: dict, date: str, versions: str) -> Figure:
    """A row from the JSON ``python -m vlmcore.perf --json`` writes."""
    runs, peer = perf["runs"], perf["strongest_peer"]
    engine = runs["engine"]
    agreement = perf["agreement"][peer]
    return Figure(perf["profile"], perf["model"], perf["precision"], engine["device"], engine["variants"] / engine["seconds"], peer,
                  runs[peer]["variants"] / runs[peer]["seconds"], engine["peak_mb"], perf["capture_overhead"],
                  agreement["max_p_yes_diff"], agreement.get("max_map_diff", float("nan")), date, versions)


def render(figures: list[Figure]) -> str:
    """The block written into the document: the rows as a table, and their data for the next run."""
    lines = [BEGIN, "",
             "| profile | model | precision | device | engine var/s | strongest peer with maps (var/s) | engine x | engine peak GB "
             "| capture overhead | peer vs engine: p(yes) / maps | measured |",
             "| --- | --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for f in sorted(figures, key=lambda f: (f.device, f.profile, PRECISIONS.index(f.precision))):
        lines.append(f"| {f.profile} | {f.model} | {f.precision} | {f.device} | {f.engine_rate:.1f} | {f.peer} ({f.peer_rate:.1f}) "
                     f"| {f.engine_rate / f.peer_rate:.1f}x | {f.engine_peak_mb / 1024:.2f} | {f.capture_overhead:+.1%} "
                     f"| {f.max_p_yes_diff:.1e} / {f.max_map_diff:.1e} | {f.date}, {f.versions} |")
    lines += ["", DATA + json.dumps([asdict(f) for f in figures]) + " -->", END]
    return "\n".join(lines)


def read_figures(text: str) -> list[Figure]:
    if DATA not in text:
        return []
    data = text.split(DATA, 1)[1].split(" -->", 1)[0]
    return [Figure(**row) for row in json.loads(data)]


def write(document: Path, new: list[Figure]) -> None:
    """Merge ``new`` into the document's block (a row per profile, precision and device; the newest
    wins); the block is appended when the document has none."""
    text = document.read_text() if document.is_file() else ""
    kept = {figure.key: figure for figure in read_figures(text)}
    kept.update({figure.key: figure for figure in new})
    block = render(list(kept.values()))
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_text(text)


def measure(profile: str, precision: str, pipelines: tuple[str, ...], run: Callable = subprocess.run) -> dict:
    """One ``python -m vlmcore.perf`` run; its JSON figures."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "perf.json"
        command = [sys.executable, "-m", "vlmcore.perf", "--profile", profile, "--precision", precision, "--pipelines",
                   ",".join(pipelines), "--json", str(out)]
        done = run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command[2:])} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        print(done.stdout, flush=True)
        return json.loads(out.read_text())


def versions() -> str:
    import torch
    import transformers

    return f"torch {torch.__version__}, transformers {transformers.__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf.gpu_figures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", default=",".join(DEFAULT_PROFILES), help="comma-separated GPU profiles (default: %(default)s)")
    parser.add_argument("--precisions", default=",".join(PRECISIONS), help="comma-separated, of bf16, 8bit, 4bit (default: all)")
    parser.add_argument("--pipelines", default=",".join(DEFAULT_PIPELINES), help="passed to python -m vlmcore.perf (default: %(default)s)")
    parser.add_argument("--doc", type=Path, default=Path("docs/models.md"), help="where the figures go (default: %(default)s)")
    args = parser.parse_args(argv)
    import torch

    profiles = [name.strip() for name in args.profiles.split(",") if name.strip()]
    precisions = [name.strip() for name in args.precisions.split(",") if name.strip()]
    unknown = [p for p in profiles if p not in PROFILES or PROFILES[p].device != "cuda"] + [p for p in precisions if p not in PRECISIONS]
    if unknown:
        parser.exit(2, f"python -m vlmcore.perf.gpu_figures: not a GPU profile or precision: {', '.join(unknown)}\n")
    if not torch.cuda.is_available():
        parser.exit(2, "python -m vlmcore.perf.gpu_figures: no CUDA GPU here; the real-size profiles run on a GPU (nothing written)\n")
    date = datetime.date.today().isoformat()
    figures = []
    try:
        for profile in profiles:
            for precision in precisions:
                perf = measure(profile, precision, tuple(args.pipelines.split(",")))
                figures.append(figure_from(perf, date, versions()))
                write(args.doc, figures[-1:])  # each row as soon as it is measured: a lease may end mid-way
    finally:
        for profile in profiles:
            shutil.rmtree(quantization_folder(get_profile(profile)), ignore_errors=True)
    print(f"{len(figures)} rows written to {args.doc} ({figures[0].device if figures else 'no device'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
