"""The embedded default: the bundled phantom dataset, summarised (the suite run lands with the benchmark)."""

from __future__ import annotations

from pathlib import Path


def run_demo(report_dir: Path, extra: list[str]) -> int:
    from vlmcore.cli import BUNDLED_DATASET
    from vlmcore.data import load_dataset, summarise

    dataset = load_dataset(BUNDLED_DATASET, BUNDLED_DATASET.parent, check_images=True)
    print(summarise(dataset))
    return 0
