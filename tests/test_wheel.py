"""The package works outside its checkout: the wheel holds the benchmark, thresholds, phantom
dataset, reference models and test set, and ``vlmcore demo`` runs from an empty folder.

Offline: the wheel is built without build isolation (setuptools from this environment), installed
with ``--no-deps`` into a fresh virtualenv that sees this environment's dependencies (torch,
transformers, ...) through a ``.pth`` line, so no package index is asked. The checkout is not on the
fresh environment's path (its editable install is a ``.pth`` *file* there, which a ``.pth`` line
does not run), and the test checks that the ``vlmcore`` it runs is the installed one.
"""

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "reports", "build", "dist", "site", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "node", ".vlmcore-cache")
BUNDLED = ("vlmcore/bundled/benchmarks/thresholds.toml", "vlmcore/bundled/benchmarks/test_groups.py",
           "vlmcore/bundled/fixtures/phantom/dataset.csv", "vlmcore/bundled/fixtures/reference/test/dataset.csv",
           "vlmcore/bundled/fixtures/reference/models/robust/model.safetensors")

pytestmark = pytest.mark.slow


def _run(command: list, cwd: Path, home: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """A clean environment: no PYTHONPATH, no virtualenv activated, a home of its own (caches and
    configuration go there, not into the folder the command runs in)."""
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(home), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"})
    assert done.returncode in (0, 1), f"{command} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the working tree (links kept as links), so stale build/ output of the
    checkout cannot leak into it."""
    scratch = tmp_path_factory.mktemp("wheel")
    source = scratch / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=NOT_SOURCE)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w",
                           str(scratch / "dist"), str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return next((scratch / "dist").glob("vlmcore-*.whl"))


def test_the_wheel_holds_the_bundled_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in BUNDLED if name not in names]
    assert not missing, f"{wheel.name} lacks {missing}"
    models = {name.split("/")[5] for name in names if name.startswith("vlmcore/bundled/fixtures/reference/models/")}
    shipped = {p.name for p in (REPO / "fixtures" / "reference" / "models").iterdir() if (p / "model_card.json").is_file()}
    assert models == shipped  # every reference model, not only the ones named above


def test_vlmcore_demo_runs_from_an_empty_folder_after_installing_the_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    site = Path(subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # this environment's packages, read-only
    home = tmp_path / "home"
    home.mkdir()
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index", wheel], tmp_path, home)
    empty = tmp_path / "empty"
    empty.mkdir()
    where = _run([venv / "bin" / "python", "-c", "import vlmcore; print(vlmcore.__file__)"], empty, home).stdout.strip()
    assert where.startswith(str(site)), f"the fresh environment imported vlmcore from {where}, not from the wheel"

    done = _run([venv / "bin" / "vlmcore", "demo", "--models", "robust", "-k", "test_model", "--vlm-progress", "off"], empty, home)
    assert done.returncode == 0, done.stdout[-3000:]
    run = empty / "reports" / (empty / "reports" / "latest.txt").read_text().strip()
    assert (run / "report.html").is_file() and (run / "demo.md").is_file()
    assert "| llava@robust |" in (run / "demo.md").read_text() and "UNEXPECTED" not in (run / "demo.md").read_text()
    assert str(site) in (run / "summary.json").read_text()  # the models and test set were read from the installed package
    assert sorted(p.name for p in empty.iterdir()) == ["reports"]  # nothing else written where it ran
