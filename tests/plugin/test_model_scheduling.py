"""``--dist loadgroup`` keeps each model's cases on one xdist worker (``plugin.model_scheduling``):
xdist's own grouping ignores the marks of parametrized cases under pytest 9.2 + xdist 3.8."""

import re

from vlmcore.plugin.model_scheduling import model_scope
from tests.plugin.conftest import PHANTOM, run_suite


def test_a_case_belongs_to_the_longest_model_key_its_parameter_id_starts_with():
    models = ["llava@robust", "llava@robust-seed1", "tiny-llava"]
    assert model_scope("benchmarks/test_model.py::test_consistency[llava@robust]", models) == "llava@robust"
    assert model_scope("benchmarks/test_groups.py::test_group_accuracy[llava@robust-seed1-phantom01_q1]", models) == "llava@robust-seed1"
    assert model_scope("benchmarks/test_groups.py::test_group_accuracy[llava@robust-phantom01_q1]", models) == "llava@robust"
    assert model_scope("tests/test_other.py::test_thing[tiny-llama]", models) is None  # not a model of the run
    assert model_scope("tests/test_other.py::test_thing", models) is None


def test_each_models_cases_run_on_one_worker(pytester, tmp_path):
    result = run_suite(pytester, "-n", "2", "--dist", "loadgroup", "-v", "-v", "-m", "smoke", "--vlm-model", "tiny-llava,tiny-blip2",
                       "-k", "test_model and consistency", "--vlm-dataset", str(PHANTOM / "dataset.csv"),
                       "--vlm-report-dir", str(tmp_path / "r"), "--vlm-progress", "off")
    workers: dict[str, set[str]] = {}
    for worker, model in re.findall(r"^\[(gw\d)\].*?\[(tiny-llava|tiny-blip2)\b", result.stdout.str(), flags=re.M):
        workers.setdefault(model, set()).add(worker)
    assert set(workers) == {"tiny-llava", "tiny-blip2"}, result.stdout.str()[-3000:]
    assert all(len(ran_on) == 1 for ran_on in workers.values()), workers
    assert workers["tiny-llava"] != workers["tiny-blip2"]  # two models, two workers
