"""The ``vlmcore`` option group: every option is ``--vlm-*``.

The plugin is loaded through ``pytest11`` in every pytest run of an environment where vlmcore
is installed, so its options share a namespace with every other project's conftest: an
unprefixed ``--device`` would break a repository that declares its own (``ValueError: option
dest 'device' already used``). pytest-benchmark prefixes ``--benchmark-*`` for the same reason.

Each option has a typed parse function (a bad value is a usage error naming the option), its
default in the help, an environment variable ``VLMCORE_<NAME>`` (the flag without ``--vlm-``)
and an ini key ``vlm_<name>`` (the flag's dest). Precedence: command line > environment > ini
> default. The values are read into one ``RunOptions`` record.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from vlmcore.answers.formats import REASONING_FORMATS
from vlmcore.answers.settings import ANSWER_MODES
from vlmcore.cli import BUNDLED_DATASET
from vlmcore.models.families import default_families

PREFIX = "--vlm-"


# -- typed parse functions: each raises ArgumentTypeError with a sentence naming what is allowed --------
def choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    parse.__name__ = "one of " + ", ".join(allowed)  # argparse names the type in some messages
    return parse


def device(value: str) -> str:
    """``auto``, ``cpu``, ``cuda`` or ``cuda:N``."""
    if value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()):
        return value
    raise argparse.ArgumentTypeError(f"{value!r} is not auto, cpu, cuda or cuda:N")


def existing_file(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value} does not exist (or is not a file)")
    return path


def existing_folder(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is not a folder")
    return path


def text(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value


def model_names(value: str) -> tuple[str, ...]:
    """Comma-separated model names: families, checkpoint folders or ``hf:PATH``."""
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError(f"{value!r} names no model (comma-separated families, folders or hf:PATH)")
    return names


def probe_kinds(value: str) -> tuple[str, ...]:
    """``all``, ``none`` or a comma-separated list of counterfactual probes (``vlmcore.grounding.PROBE_KINDS``)."""
    from vlmcore.grounding.plan import PROBE_KINDS

    names = tuple(dict.fromkeys(name.strip() for name in text(value).split(",") if name.strip()))
    if names == ("all",):
        return PROBE_KINDS
    if names == ("none",):
        return ()
    unknown = [name for name in names if name not in PROBE_KINDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown probes {unknown}; use all, none or some of {', '.join(PROBE_KINDS)}")
    return names


def result_cache(value: str) -> Path | str:
    return "off" if value == "off" else Path(text(value)).expanduser()


def group_budget(value: str) -> int | None:
    """``all`` (None) or a positive number of groups."""
    if value == "all":
        return None
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise argparse.ArgumentTypeError(f"{value!r} is not 'all' or a positive number of groups")


def backend(value: str) -> tuple[str, str | None]:
    from vlmcore.distributed.ray_backend import parse_backend
    from vlmcore.errors import ConfigError

    try:
        return parse_backend(value)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error).split(": ", 1)[-1]) from None


@dataclass(frozen=True)
class Option:
    name: str  # the flag without "--vlm-": "dataset" -> --vlm-dataset, VLMCORE_DATASET, ini vlm_dataset
    metavar: str
    default_value: str | Callable[[], str] | None  # a callable is read when asked (the registered families)
    help: str
    parse: Callable[[str], Any] = text

    @property
    def default(self) -> str | None:
        return self.default_value() if callable(self.default_value) else self.default_value

    @property
    def flag(self) -> str:
        return PREFIX + self.name

    @property
    def dest(self) -> str:
        return "vlm_" + self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return "VLMCORE_" + self.name.replace("-", "_").upper()

    def parsed(self, value: str, source: str):
        """``value`` (from the environment or the ini file) through the parse function; a bad
        one is a usage error naming where it came from."""
        try:
            return self.parse(value)
        except argparse.ArgumentTypeError as error:
            raise pytest.UsageError(f"{source}: {error}") from None


OPTIONS = (
    Option("model", "MODEL", lambda: ",".join(default_families()),
           "models to benchmark, comma-separated: families, checkpoint folders (family from config.json; any other "
           "image-text-to-text architecture runs on the generic adapter), hf:PATH (the generic adapter, forced) or "
           "tiny-<family> (a random-weight tiny build). Given, exactly these run; not given, the tiny builds (marker smoke) "
           "and the default families (their markers) are collected", model_names),
    Option("model-path", "DIR", None, "checkpoint folder (or hub id in the local HF cache) for a single --vlm-model family"),
    Option("dataset", "FILE", str(BUNDLED_DATASET), "dataset file (seed CSV, VQA-RAD JSON or generic schema)", existing_file),
    Option("image-root", "DIR", None, "folder the dataset's image paths are under (default: the dataset's folder)",
           existing_folder),
    Option("thresholds", "TOML", None, "thresholds file (default: benchmarks/thresholds.toml)"),
    Option("report-dir", "DIR", "reports", "where reports go: DIR/<run-id>/", lambda value: Path(text(value)).expanduser()),
    Option("baseline", "NAME", None, "compare with a saved run and fail on a significant regression"),
    Option("save-baseline", "NAME", None, "save this run as baseline NAME (only a complete PASS run is saved)"),
    Option("save-baseline-force", "REASON", None, "save the baseline even when the verdict is not PASS (never from an "
           "interrupted or incomplete run); REASON is stored in its manifest and shown by every gate against it"),
    Option("case-checks", "MODE", "report",
           "per-group and per-case checks: report (shown as xfail with the measured value; the verdict comes from "
           "the aggregates or the gate) or gate (any failure fails the run: 'no flip allowed')", choice("report", "gate")),
    Option("gate-settings", "FROM", "baseline",
           "gate margins / alpha / rates: baseline (value by value, the stricter of those saved with the baseline and this "
           "run's thresholds file) or candidate (this run's thresholds file alone; shown in the report as an override)",
           choice("baseline", "candidate")),
    Option("reference", "MODEL", None, "the model the report's paired tests compare every other model with (default: the "
           "first model given to --vlm-model); the other pairs are one click away in report.html"),
    Option("probes", "PROBES", "all", "counterfactual grounding probes to run: all, none, or some of label_swap, "
           "lesion_occlusion, mirror_laterality, marker_occlusion (docs/grounding.md)", probe_kinds),
    Option("lesion-boxes", "FILE", None, "NIH BBox_List_2017.csv-format lesion boxes (1024 px films, by file name) for the "
           "lesion-occlusion probe, besides the dataset's box column and a ground_truth.json beside it", existing_file),
    Option("result-cache", "FILE", None, "SQLite result cache; 'off' disables (default: REPORT_DIR/result-cache.sqlite)",
           result_cache),
    Option("progress", "WHEN", "auto", "progress lines through pytest's terminal (cases done / total, groups/s, ETA; plain "
           "lines, so CI logs show them too): auto and on show them, off hides them", choice("auto", "on", "off")),
    Option("flip-search-groups", "N", "all", "flip-search at most N paraphrase groups per model: a fixed sample spread over the "
           "findings (the same groups every run, so a gate does not flicker); the other groups' flip-search cases skip and say "
           "so. The search scores every candidate paraphrase, about as many model calls as evaluating the groups: "
           "`vlmcore demo` searches 24 per model to stay within its time", group_budget),
    Option("device", "DEVICE", "auto", "auto, cpu, cuda or cuda:N", device),
    Option("dtype", "DTYPE", "auto", "auto (bf16 on GPU, fp32 on CPU), bfloat16, float32, float16",
           choice("auto", "bfloat16", "float32", "float16")),
    Option("quantization", "MODE", "none", "none, 8bit or 4bit (bitsandbytes, CUDA only)", choice("none", "8bit", "4bit")),
    Option("answer-mode", "MODE", None,
           "how answers are obtained: score (p(yes) vs p(no) at the first answer token), generate (greedy text read by "
           "read_answer) or auto (the score where p(yes) + p(no) >= min_answer_mass, generation elsewhere) "
           "(default: [answers] mode in the thresholds file, auto)", choice(*ANSWER_MODES)),
    Option("reasoning", "FORMAT", None,
           "how the model writes its answer: auto (detected from the chat template and tokens), plain, think "
           "(<think>...</think><answer>...</answer>) or gemma (<unused94>...<unused95> thought channel) "
           "(default: [answers] reasoning in the thresholds file, auto)", choice(*REASONING_FORMATS)),
    Option("backend", "WHERE", "local", "local (this process / xdist worker) or ray[:ADDRESS]: evaluate on a Ray cluster, "
           "one model replica per GPU, into the result store the cases then read (pip install -e '.[distributed]')", backend),
)
BY_NAME = {option.name: option for option in OPTIONS}


def add_options(parser) -> None:
    """Declare the group on pytest's parser (``pytest --help``, section "vlmcore robustness benchmark")."""
    group = parser.getgroup("vlmcore", "vlmcore robustness benchmark")
    for option in OPTIONS:
        shown = f" (default: {option.default})" if option.default else ""
        group.addoption(option.flag, dest=option.dest, metavar=option.metavar, default=None, type=option.parse,
                        help=f"{option.help}{shown}; env {option.env}, ini {option.dest}")
        parser.addini(option.dest, f"{option.help} (see {option.flag})", default=None)


def explicitly_configured(config) -> bool:
    """Whether any vlmcore option was set on the command line or in the environment."""
    return any(config.getoption(o.dest) is not None or os.environ.get(o.env) for o in OPTIONS)


def given(config, name: str) -> bool:
    """Whether an option was set by the user (command line, environment or ini), not defaulted."""
    option = BY_NAME[name]
    return config.getoption(option.dest) is not None or bool(os.environ.get(option.env)) or bool(config.getini(option.dest))


def resolve(config, name: str):
    """One option's parsed value: command line > environment > ini > default."""
    option = BY_NAME[name]
    value = config.getoption(option.dest)
    if value is not None:
        return value  # parsed by argparse
    if os.environ.get(option.env):
        return option.parsed(os.environ[option.env], f"{option.env} (environment, for {option.flag})")
    if config.getini(option.dest):
        return option.parsed(config.getini(option.dest), f"ini {option.dest} (for {option.flag})")
    return None if option.default is None else option.parsed(option.default, f"{option.flag} default")


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
    save_baseline_force: str | None = None
    models_given: bool = False  # --vlm-model set (command line, environment or ini): exactly those models run
    flip_search_groups: int | None = None  # None: every group is flip-searched
    reference: str | None = None  # --vlm-reference: the paired tests' reference model
    answer_mode: str | None = None  # None: the thresholds file's [answers] mode
    reasoning: str | None = None  # None: the thresholds file's [answers] reasoning
    probes: tuple[str, ...] | None = None  # counterfactual probes to run (None: all of ``grounding.PROBE_KINDS``)
    lesion_boxes: Path | None = None

    @property
    def models(self) -> tuple[str, ...]:
        return model_names(self.vlm_model)


def read_options(config) -> RunOptions:
    values = {option.name: resolve(config, option.name) for option in OPTIONS}
    report_dir = values["report-dir"]
    cache = values["result-cache"]
    result_cache_path = None if cache == "off" else cache if cache else report_dir / "result-cache.sqlite"
    backend_name, address = values["backend"]
    if backend_name == "ray" and result_cache_path is None:
        raise pytest.UsageError("--vlm-backend ray writes results to the result store: --vlm-result-cache off cannot be used with it")
    quantization = None if values["quantization"] == "none" else values["quantization"]
    if values["save-baseline-force"] is not None and not values["save-baseline"]:
        raise pytest.UsageError("--vlm-save-baseline-force REASON: only together with --vlm-save-baseline NAME")
    return RunOptions(",".join(values["model"]), values["model-path"], values["dataset"], values["image-root"], values["thresholds"],
                      report_dir, values["baseline"], values["save-baseline"], values["device"], values["dtype"], quantization,
                      result_cache_path, values["progress"], values["case-checks"], values["gate-settings"], backend_name, address,
                      values["save-baseline-force"], models_given=given(config, "model"),
                      flip_search_groups=values["flip-search-groups"], reference=values["reference"],
                      answer_mode=values["answer-mode"], reasoning=values["reasoning"], probes=values["probes"],
                      lesion_boxes=values["lesion-boxes"])
