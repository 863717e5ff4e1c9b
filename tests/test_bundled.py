"""The bundled data is found through importlib.resources, never through ``__file__`` paths into the
checkout (the wheel has no ``fixtures/`` or ``benchmarks/`` beside the package)."""

import re
from importlib.resources import files
from pathlib import Path

from vlmcore import bundled

PACKAGE = Path(__file__).resolve().parents[1] / "vlmcore"


def test_every_bundled_name_is_a_package_resource():
    root = files("vlmcore.bundled")
    for path, relative in ((bundled.benchmarks(), "benchmarks"), (bundled.default_thresholds(), "benchmarks/thresholds.toml"),
                           (bundled.phantom_dataset(), "fixtures/phantom/dataset.csv"), (bundled.reference_root(), "fixtures/reference")):
        assert path == root.joinpath(*relative.split("/")) and path.exists()
    assert (bundled.reference_root() / "models" / "robust" / "model.safetensors").is_file()


def test_no_module_reaches_the_data_through_its_own_file_path():
    offenders = []
    for source in PACKAGE.rglob("*.py"):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            if "__file__" in line and re.search(r"fixtures|benchmarks", line):
                offenders.append(f"{source.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert not offenders, offenders
