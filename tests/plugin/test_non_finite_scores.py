"""NaN / inf outputs stop the model as NOT EVALUATED with the reason (issue 23 item 3): they used
to become "no" answers with no event, and the verdict was PASS on 22 patients."""

import math
import textwrap

import numpy as np
import pytest

from tests.plugin.conftest import read_summary, run_suite

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and (test_group_consistency or test_model)"]
PLUGIN = '''
import numpy as np
from vlmcore.testing import ScriptedAdapter

BAD = {bad!r}


def margin(question, image):
    if BAD == "all-nan" or (BAD == "one-film-nan" and float(np.mean(image)) != 128.0 and "pneumothorax" in question.lower()):
        return float("nan")
    if BAD == "inf":
        return float("inf")
    return 2.0 if float(np.mean(image)) < 120 else -2.0


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return ScriptedAdapter(margin, name=BAD)
'''
NAN_WEIGHTS = '''
import torch
from vlmcore.models import tiny_adapter


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        adapter = tiny_adapter("medgemma")
        with torch.no_grad():
            adapter.model.model.language_model.norm.weight.fill_(float("nan"))  # every logit NaN
        adapter.fingerprint = "nan-weights"
        return adapter
'''


def _lenient(tmp_path):
    path = tmp_path / "few.toml"
    path.write_text("[thresholds]\naccuracy = 0.0\n[verdict]\nmin_clusters = 2\n")  # would PASS on the finite rows
    return ["--vlm-thresholds", str(path)]


@pytest.mark.parametrize("bad", ["all-nan", "one-film-nan", "inf"])
def test_non_finite_scores_stop_the_model_as_not_evaluated(pytester, tmp_path, bad):
    pytester.makepyfile(bad_scores=textwrap.dedent(PLUGIN.format(bad=bad)))
    result = run_suite(pytester, *SELECTION, *_lenient(tmp_path), "--vlm-report-dir", str(tmp_path / "r"), plugin="bad_scores")
    assert result.ret == 10, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(["*tiny-medgemma: NOT EVALUATED - tiny-medgemma: non-finite scores (NaN / inf) on * requests*",
                                 "*verdict: NOT EVALUATED (exit code 10)*"])
    summary = read_summary(tmp_path / "r")
    assert summary["verdict"] == "NOT EVALUATED"
    assert any("non-finite scores" in note for note in summary["decision"]["notes"])
    with open(tmp_path / "r" / (tmp_path / "r" / "latest.txt").read_text().strip() / "results.jsonl") as rows:
        assert all(math.isfinite(float(line.split('"p_yes": ')[1].split(",")[0])) for line in rows)  # no NaN row kept


def test_nan_weights_in_a_real_adapter_stop_it(pytester, tmp_path):
    pytester.makepyfile(nan_weights=textwrap.dedent(NAN_WEIGHTS))
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_group_accuracy and phantom0",
                       "--vlm-report-dir", str(tmp_path / "r"), plugin="nan_weights")
    assert result.ret == 10
    assert "non-finite scores (NaN / inf)" in result.stdout.str()
    assert read_summary(tmp_path / "r")["verdict"] == "NOT EVALUATED"


def test_the_engine_stores_nothing_of_a_non_finite_batch(tmp_path):
    from vlmcore.engine.engine import Engine, ModelStopped
    from vlmcore.engine.result_store import ResultStore
    from vlmcore.models.requests import Request
    from vlmcore.data import load_dataset
    from vlmcore.testing import ScriptedAdapter
    from tests.plugin.conftest import PHANTOM

    store = ResultStore(tmp_path / "cache.sqlite")
    dataset = load_dataset(next(PHANTOM.glob("*.csv")))
    engine = Engine(ScriptedAdapter(lambda q, image: float("nan")), dataset, model_key="m", store=store)
    film = np.zeros((8, 8), dtype=np.uint8)
    with pytest.raises(ModelStopped, match="m: non-finite scores"):
        engine.score([Request.of(film, "Is there effusion?")], with_maps=False)
    assert len(store) == 0
    with pytest.raises(ModelStopped):  # stopped for good: no second attempt
        engine.score([Request.of(film, "Is there a nodule?")], with_maps=False)
