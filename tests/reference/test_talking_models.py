"""Issue 26, as a user with a talking model meets it: the shipped ``verbose`` (a preamble, then the
answer) and ``reasoner`` (``<think> ... </think> <answer> ... </answer>``) reference models through
``pytest benchmarks`` on the bundled test set, beside ``robust`` (which answers with the word).

- Under the default answer mode (``auto``) the suite's consistency and accuracy equal what the
  same model's generated answers, read back, give when computed independently here
  (``vlmcore.reference.behaviour``, no engine, no plugin), and both models earn ``robust``'s verdict.
- Under ``score`` (the first token only) ``verbose``'s first token is its preamble's: the suite says
  NOT EVALUATED (exit 10) naming the fix, never FAIL.
- Their maps are read where the answer is emitted, and localise the lesion at least as well as
  ``robust``'s do: the same measure (map mass on the true lesion over its area share,
  ``vlmcore.mapeval.localisation``) side by side, over every present finding of the test set.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from vlmcore.demo import BENCHMARKS, MODELS, TEST_SET, model_key, reference_models
from vlmcore.verdict import exit_codes

SHIPPED = {folder.name: folder for folder in reference_models()}
TALKING = ("verbose", "reasoner")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("talking-models"),
              pytest.mark.skipif(not set(TALKING) <= set(SHIPPED), reason=f"verbose / reasoner not shipped under {MODELS} "
                                 "(python -m vlmcore.reference.train verbose; ... reasoner)")]
#: the issue's bound: the suite's value within this of the independent generate-and-read value
TOLERANCE = 0.02


def _suite(tmp_path_factory, names: tuple[str, ...], *extra: str):
    reports = tmp_path_factory.mktemp("talking-reports")
    folders = [SHIPPED[name] for name in names]
    command = [sys.executable, "-m", "pytest", str(BENCHMARKS), "-m", "not smoke", "-k", "test_model", "-q", "-p", "no:cacheprovider",
               "-o", "addopts=", "--vlm-model", ",".join(str(f) for f in folders), "--vlm-dataset", str(TEST_SET),
               "--vlm-report-dir", str(reports), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1500, check=False)
    latest = reports / "latest.txt"
    assert latest.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads((reports / latest.read_text().strip() / "summary.json").read_text())
    return done, summary, {name: model_key(SHIPPED[name]) for name in names}


@pytest.fixture(scope="module")
def auto_run(tmp_path_factory):
    return _suite(tmp_path_factory, ("robust", *TALKING))


@pytest.fixture(scope="module")
def adapters():
    from vlmcore.models.loading import LoadSpec, load_adapter

    loaded = {}

    def adapter(name: str):
        if name not in loaded:
            loaded[name] = load_adapter(LoadSpec(path=str(SHIPPED[name]), device="cpu"))
        return loaded[name]

    return adapter


def _verdicts(summary) -> dict:
    return {m["model"]: m for m in summary["decision"]["models"]}


def test_under_auto_both_talking_models_earn_robusts_verdict(auto_run):
    done, summary, keys = auto_run
    verdicts = _verdicts(summary)
    assert verdicts[keys["robust"]]["status"] == "PASS", verdicts[keys["robust"]]
    for name in TALKING:
        assert verdicts[keys[name]]["status"] == verdicts[keys["robust"]]["status"], verdicts[keys[name]]
    assert done.returncode == exit_codes.PASS, done.stdout[-3000:]


@pytest.mark.parametrize("name", TALKING)
def test_the_suite_reads_what_the_model_generates(auto_run, adapters, name):
    """Consistency and accuracy from ``pytest benchmarks`` equal the model's generated answers read
    back by ``read_answer`` outside the suite, on every case of the test set."""
    from vlmcore.reference.behaviour import measure_behaviour

    _, summary, keys = auto_run
    rates = summary["models"][keys[name]]
    independent = measure_behaviour(adapters(name), TEST_SET, by="generate")
    assert independent.cases >= 2800 and independent.unanswered <= 0.01, independent
    assert abs(rates["consistency"]["value"] - independent.consistency) <= TOLERANCE, (rates["consistency"], independent)
    assert abs(rates["accuracy"]["value"] - independent.accuracy) <= TOLERANCE, (rates["accuracy"], independent)
    # the suite generated: the first token carries almost no yes/no mass for these models
    assert rates["no_answer_share"]["value"] <= 0.01, rates["no_answer_share"]


def test_under_score_verbose_is_not_evaluated_never_fail(tmp_path_factory):
    done, summary, keys = _suite(tmp_path_factory, ("verbose",), "--vlm-answer-mode", "score")
    verdict = _verdicts(summary)[keys["verbose"]]
    assert verdict["status"] == "NOT EVALUATED", verdict
    assert done.returncode == exit_codes.NOT_EVALUATED, done.stdout[-3000:]
    assert any("--vlm-answer-mode" in reason for reason in verdict["reasons"]), verdict["reasons"]


def _lesion_maps(adapter, name: str):
    """Every present finding's base question on its film, through the engine as the suite runs it
    (auto answers, maps at the answer): (mass ratio on the true lesion, patient) per finding, and
    where each map was read."""
    from vlmcore.answers.settings import AnswerSettings
    from vlmcore.data import load_dataset
    from vlmcore.engine import Engine
    from vlmcore.mapeval.localisation import coverage, mass_ratio
    from vlmcore.reference.map_eval import cases_of

    lesions = {(case.film, case.question.casefold()): case for case in cases_of(TEST_SET.parent, ("cardiomegaly", "consolidation", "pleural_effusion"))}
    dataset = load_dataset(TEST_SET)
    engine = Engine(adapter, dataset, model_key=name, answers=AnswerSettings(mode="auto"))
    ratios, patients, queries = [], [], []
    for group in dataset.groups:
        case = lesions.get((f"images/{group.base.image_path.name}", group.base.question.casefold()))
        if case is None or group.base.expected_answer != "yes":
            continue
        evaluation = engine.group(group.group_id)
        attention = evaluation.maps[group.base.case_id]
        row = evaluation.row(group.base.case_id)
        ratios.append(mass_ratio(attention.values, coverage(case.mask, attention.grid, attention.region)))
        patients.append(case.patient)
        queries.append((row.map_at_answer, row.map_query, row.answer_mode))
    return np.array(ratios), patients, queries


def test_maps_at_the_answer_localise_as_robusts(adapters):
    from vlmcore.metrics.clustered_means import clustered_mean

    measured = {}
    for name in ("robust", *TALKING):
        ratios, patients, queries = _lesion_maps(adapters(name), name)
        assert len(ratios) >= 100, (name, len(ratios))
        assert all(at_answer for at_answer, _, _ in queries), [q for q in queries if not q[0]][:3]
        if name in TALKING:  # generated, and read at the generated answer token, never the preamble's first token
            assert all(mode == "generate" and "generated token" in query for _, query, mode in queries), queries[:3]
        measured[name] = clustered_mean(ratios, patients)
    print({name: estimate.text(2) for name, estimate in measured.items()})
    robust = measured["robust"]
    for name in TALKING:
        # as well as robust's: its interval reaches robust's estimate, or it is above it. (Measured 2026-12-05: robust
        # 0.56 [0.48, 0.64], verbose 0.70 [0.65, 0.74], reasoner 0.89 [0.85, 0.92]; 1 = uniform. The raw answer-position
        # attention of these tiny models does not point at the lesion for any of them, robust included: docs/maps.md
        # shows occlusion is the faithful map. What this shows is that reading the map at the generated answer token
        # loses nothing against a model that answers with the word.)
        assert measured[name].high >= robust.mean, (name, measured[name], robust)
