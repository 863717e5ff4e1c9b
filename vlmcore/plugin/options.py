"""The ``vlmcore`` option group. Each option has an ini key and an environment variable;
precedence is command line > environment > ini > default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from vlmcore.cli import BUNDLED_DATASET

REAL_FAMILIES = ("medgemma", "llava", "blip2", "florence2", "qwen2_5_vl", "idefics3")


@dataclass(frozen=True)
class Option:
    flag: str
    metavar: str
    default: str | None
    help: str
    choices: tuple[str, ...] | None = None

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def env(self) -> str:
        return "VLMCORE_" + self.dest.upper().removeprefix("VLM_")


OPTIONS = (
    Option("--vlm-model", "MODEL", ",".join(REAL_FAMILIES),
           "real models to benchmark, comma-separated: families, checkpoint folders (family from config.json; any other "
           "image-text-to-text architecture runs on the generic adapter) or hf:PATH (the generic adapter, forced) "
           "(tiny built-in models always run under -m smoke)"),
    Option("--model-path", "DIR", None, "checkpoint folder (or hub id in the local HF cache) for a single --vlm-model family"),
    Option("--dataset", "FILE", str(BUNDLED_DATASET), "dataset file (seed CSV, VQA-RAD JSON or generic schema)"),
    Option("--image-root", "DIR", None, "folder the dataset's image paths are under (default: the dataset's folder)"),
    Option("--thresholds", "TOML", None, "thresholds file (default: benchmarks/thresholds.toml)"),
    Option("--report-dir", "DIR", "reports", "where reports go: DIR/<run-id>/"),
    Option("--baseline", "NAME", None, "compare with a saved run and fail on a significant regression"),
    Option("--save-baseline", "NAME", None, "save this run as baseline NAME"),
    Option("--case-checks", "MODE", "report",
           "per-group and per-case checks: report (shown as xfail with the measured value; the verdict comes from "
           "the aggregates or the gate) or gate (any failure fails the run: 'no flip allowed')", ("report", "gate")),
    Option("--gate-settings", "FROM", "baseline",
           "gate margins / alpha / rates: baseline (those saved with the baseline) or candidate (this run's thresholds "
           "file; shown in the report as an override)", ("baseline", "candidate")),
    Option("--result-cache", "FILE", None, "SQLite result cache; 'off' disables (default: REPORT_DIR/result-cache.sqlite)"),
    Option("--progress", "WHEN", "auto", "progress lines through pytest's terminal (cases done / total, groups/s, ETA; plain lines, so CI logs show them "
           "too): auto and on show them, off hides them",
           ("auto", "on", "off")),
    Option("--device", "DEVICE", "auto", "auto, cpu, cuda or cuda:N", ("auto", "cpu", "cuda") + tuple(f"cuda:{i}" for i in range(16))),
    Option("--dtype", "DTYPE", "auto", "auto (bf16 on GPU, fp32 on CPU), bfloat16, float32, float16",
           ("auto", "bfloat16", "float32", "float16")),
    Option("--quantization", "MODE", "none", "none, 8bit or 4bit (bitsandbytes, CUDA only)", ("none", "8bit", "4bit")),
    Option("--vlm-backend", "WHERE", "local", "local (this process / xdist worker) or ray[:ADDRESS]: evaluate on a Ray cluster, "
           "one model replica per GPU, into the result store the cases then read (pip install -e '.[distributed]')"),
)


def add_options(parser) -> None:
    group = parser.getgroup("vlmcore", "vlmcore robustness benchmark")
    for option in OPTIONS:
        shown = f" (default: {option.default})" if option.default else ""
        group.addoption(option.flag, dest=option.dest, metavar=option.metavar, default=None, choices=option.choices,
                        help=f"{option.help}{shown}; env {option.env}, ini {option.dest}")
        parser.addini(option.dest, f"{option.help} (see {option.flag})", default=None)


def explicitly_configured(config) -> bool:
    """Whether any vlmcore option was set on the command line or in the environment."""
    return any(config.getoption(o.dest) is not None or os.environ.get(o.env) for o in OPTIONS)


def resolve(config, option: Option) -> str | None:
    value = config.getoption(option.dest)
    if value is None:
        value = os.environ.get(option.env) or config.getini(option.dest) or option.default
    if value is not None and option.choices and value not in option.choices:
        raise pytest.UsageError(f"{option.flag} / {option.env}: {value!r} is not one of {', '.join(option.choices[:5])}")
    return value


@dataclass(frozen=True)
class RunOptions:
    vlm_model: str
    model_path: str | None
    dataset: Path
    image_root: Path | None
    thresholds: str | None
    report_dir: Path
    baseline: str | None
    save_baseline: str | None
    device: str
    dtype: str
    quantization: str | None
    result_cache: Path | None
    progress: str
    case_checks: str = "report"
    gate_settings: str = "baseline"
    backend: str = "local"
    backend_address: str | None = None


def read_options(config) -> RunOptions:
    values = {option.dest: resolve(config, option) for option in OPTIONS}
    dataset = Path(values["dataset"])
    if not dataset.is_file():
        raise pytest.UsageError(f"--dataset: {dataset} does not exist")
    image_root = Path(values["image_root"]) if values["image_root"] else None
    if image_root is not None and not image_root.is_dir():
        raise pytest.UsageError(f"--image-root: {image_root} is not a folder")
    quantization = None if values["quantization"] in (None, "none") else values["quantization"]
    report_dir = Path(values["report_dir"])
    cache = values["result_cache"]
    result_cache = None if cache == "off" else Path(cache) if cache else report_dir / "result-cache.sqlite"
    from vlmcore.distributed.ray_backend import parse_backend
    from vlmcore.errors import ConfigError

    try:
        backend, address = parse_backend(values["vlm_backend"] or "local")
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None
    if backend == "ray" and result_cache is None:
        raise pytest.UsageError("--vlm-backend ray writes results to the result store: --result-cache off cannot be used with it")
    return RunOptions(values["vlm_model"], values["model_path"], dataset, image_root, values["thresholds"], report_dir,
                      values["baseline"], values["save_baseline"], values["device"], values["dtype"], quantization,
                      result_cache, values["progress"], values["case_checks"], values["gate_settings"], backend, address)
