"""The shipped reference checkpoints behave as their recipes promise, measured from the weights.

Each test loads a checkpoint folder exactly as ``--vlm-model FOLDER`` does and measures it on
the bundled held-out test set (``vlmcore.reference.behaviour``), independently of the model
card's numbers; the card must agree with the weights it describes. Models that talk before
they answer (``verbose``, ``reasoner``) are measured by what they generate, read back.

Checkpoints trained before the end-of-turn loss and the finding tags
(``vlmcore.reference.checkpoint.stale_reason``) are held to what they were trained for: the
robust bars on the bundled films with the tags removed, and a strict expected failure where
the test needs the end of the answer. A recipe whose weights are not shipped yet skips the
tests of its own behaviour, naming the command that trains it.
"""

import re

import numpy as np
import pytest

from vlmcore.demo import MODELS, TEST_SET, reference_models
from vlmcore.reference.checkpoint import MAX_BYTES, read_card, stale_reason, weights_digest
from vlmcore.reference.recipes import BRITTLE_STRATEGIES, RECIPES

SHIPPED = {folder.name: folder for folder in reference_models()}
PATIENTS = 15  # of the bundled 80 (~530 cases each): the bars sit far from these models, and it keeps make test short
SHORT = sorted(name for name in SHIPPED if read_card(SHIPPED[name])["recipe"].get("answer_format", "short") == "short")
STALE = {name: reason for name in SHIPPED if (reason := stale_reason(read_card(SHIPPED[name])))}
#: recipes whose weights are not shipped yet (their tests skip, naming the training command)
NOT_YET_TRAINED: set[str] = set()


def _shipped(name: str):
    """The test's own recipe, skipped with the command that trains it while its weights are absent."""
    return pytest.param(name, marks=pytest.mark.skipif(
        name not in SHIPPED, reason=f"{name} is not shipped yet: python -m vlmcore.reference.train {name}"))


def _film_condition(name: str) -> str:
    """A stale checkpoint never saw the finding tags: it is held to its bars on the films it was trained for."""
    return "tag removed" if name in STALE else "as shown"


@pytest.fixture(scope="module")
def adapters():
    from vlmcore.models.loading import LoadSpec, load_adapter

    loaded = {}

    def adapter(name: str):
        if name not in SHIPPED:
            pytest.fail(f"reference model {name!r} is not shipped under {MODELS}")
        if name not in loaded:
            loaded[name] = load_adapter(LoadSpec(path=str(SHIPPED[name]), device="cpu"))
        return loaded[name]

    return adapter


@pytest.fixture(scope="module")
def behaviour(adapters):
    from vlmcore.reference.behaviour import measure_behaviour

    measured = {}

    def measure(name: str, patients: int = PATIENTS, by: str = "score", condition: str = "as shown"):
        key = (name, patients, by, condition)
        if key not in measured:
            measured[key] = measure_behaviour(adapters(name), TEST_SET, patients=patients, by=by, condition=condition)
        return measured[key]

    return measure


@pytest.fixture(scope="module")
def cues(adapters):
    from vlmcore.reference.behaviour import cues as measure_cues

    measured = {}

    def measure(name: str, by: str = "score", patients: int = 20):
        if (name, by) not in measured:
            measured[(name, by)] = measure_cues(adapters(name), TEST_SET.parent, patients=patients, by=by)
        return measured[(name, by)]

    return measure


REPLICAS = sorted(name for name in SHIPPED if name.startswith("robust-seed"))
ROBUST_RECIPE = REPLICAS + ["medgemma-robust"]  # the robust recipe with other seeds / on Gemma3


def test_the_whole_reference_set_is_shipped():
    assert set(RECIPES) - NOT_YET_TRAINED <= set(SHIPPED)
    assert NOT_YET_TRAINED <= set(RECIPES), "a recipe listed as not trained yet must exist"
    assert set(SHIPPED) <= set(RECIPES), "every shipped checkpoint has its recipe"
    current = {"robust", "robust-seed1", "robust-seed2", "shortcut"}
    assert current.isdisjoint(STALE), "robust, its seed replicas and shortcut are trained to end their answer, on tagged films"


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_checkpoint_is_small_and_matches_its_card(name: str):
    folder = SHIPPED[name]
    card = read_card(folder)
    assert (folder / "model.safetensors").stat().st_size <= MAX_BYTES
    assert not list(folder.glob("*.bin")) and not list(folder.glob("*.pt")), "pickle weights must never ship"
    assert card["weights_sha256"] == weights_digest(folder), "model card describes other weights"
    assert card["recipe"]["name"] == name


def test_robust_is_right_and_consistent(behaviour):
    measured = behaviour("robust")
    assert measured.accuracy >= 0.90, measured
    assert measured.consistency >= 0.95, measured
    assert measured.image_reliance < 0.9, "robust must read the film"


@pytest.mark.parametrize("name", ROBUST_RECIPE)
def test_every_robust_recipe_model_meets_the_robust_bars(behaviour, name):
    """Seeds move held-out accuracy (the first round's by up to 3.6 points, 0.936-0.972; the current
    retrains 0.979-0.995), so a replica is held to the recipe's promise, not to robust's exact
    number; 20 patients (~700 cases) keep this quick.
    A stale checkpoint is measured on the films without the tags it never saw (the seed replicas
    before their retrain, on the tagged films: robust-seed1 accuracy 0.886 on these 20 patients,
    2026-12-05)."""
    measured = behaviour(name, patients=20, condition=_film_condition(name))
    assert measured.accuracy >= 0.90, measured
    assert measured.consistency >= 0.95, measured
    assert measured.image_reliance < 0.9, f"{name} must read the film"


def test_brittle_flips_where_it_was_planted(behaviour):
    measured = behaviour("brittle")
    assert measured.consistency <= 0.85, measured
    assert measured.flip_share(BRITTLE_STRATEGIES) >= 0.70, measured.flips_by_strategy


def test_blind_does_not_read_the_film(behaviour):
    measured = behaviour("blind")
    assert measured.image_reliance > 0.9, measured  # above the threshold: the suite must fail it


def test_degraded_is_worse_than_robust(behaviour):
    assert behaviour("degraded").accuracy <= behaviour("robust").accuracy - 0.05


@pytest.mark.parametrize("name, by", [("robust", "score"), pytest.param("verbose", "generate", marks=_shipped("verbose").marks),
                                      pytest.param("reasoner", "generate", marks=_shipped("reasoner").marks), ("shortcut", "score")])
def test_card_numbers_agree_with_the_measurement(behaviour, name, by):
    """The card's held-out numbers come from the training script's own (larger) test split;
    on the bundled subset they must agree to within sampling noise (a talking model's card
    reports its generated answers, read back)."""
    card = read_card(SHIPPED[name])["held_out"]
    assert abs(card["accuracy"] - behaviour(name, by=by).accuracy) <= 0.05


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=STALE[name])) if name in STALE
                                  else name for name in SHORT])
def test_every_short_answer_model_ends_its_answer_and_generation_agrees_with_the_score(adapters, name):
    """Trained with the end-of-turn token after yes/no: greedy output is one word and stops
    (3 patients, ~100 cases each; the whole test set for robust is the slow test below)."""
    from vlmcore.reference.behaviour import greedy_agreement

    agreement = greedy_agreement(adapters(name), TEST_SET, patients=3)
    assert agreement.longest <= 2 and agreement.unanswered == 0, agreement.disagreements
    assert agreement.share >= 0.99, agreement.disagreements


@pytest.mark.slow
def test_robust_greedy_generation_equals_the_score_on_the_whole_test_set(adapters):
    """Every case of the bundled test set (2,824): ``adapter.generate`` over the adapter's own
    prompt, read back, gives the score's answer (p(yes) vs p(no) at the first answer position)."""
    from vlmcore.reference.behaviour import greedy_agreement

    agreement = greedy_agreement(adapters("robust"), TEST_SET)
    assert agreement.cases >= 2800
    assert agreement.agree == agreement.cases, agreement.disagreements


@pytest.mark.parametrize("name", [_shipped("verbose")])
def test_verbose_answers_after_a_preamble_and_only_its_text_gives_its_answer(adapters, behaviour, name):
    from vlmcore.data.images import load_image
    from vlmcore.models.requests import Request
    from vlmcore.reference.answer_format import PREAMBLES
    from vlmcore.reference.behaviour import _groups

    generated = behaviour(name, by="generate")
    assert generated.accuracy >= 0.90 and generated.consistency >= 0.95 and generated.unanswered == 0, generated
    assert generated.image_reliance < 0.9, "verbose must read the film"
    adapter = adapters(name)
    groups = _groups(TEST_SET, 4)
    requests = [Request.of(load_image(g.image_path).pixels, c.question) for g in groups for c in g.cases]
    mass = np.array([s.mass for s in adapter.score_yes_no(requests)])
    assert np.median(mass) < 0.05, "the first token is the preamble's: p(yes) + p(no) there must be small"
    texts = [g.text for g in adapter.generate(requests, max_new_tokens=16)]
    starts = {p.split()[0] for p in PREAMBLES}
    assert all(t.split()[0] in starts for t in texts), texts[:5]
    assert len({t.split()[0] for t in texts}) >= 3, "several preambles, not one"


@pytest.mark.parametrize("name", [_shipped("reasoner")])
def test_reasoner_thinks_in_tags_then_answers_and_its_reasoning_matches_its_answer(adapters, behaviour, name):
    from vlmcore.data.images import load_image
    from vlmcore.models.requests import Request
    from vlmcore.reference.behaviour import _groups

    generated = behaviour(name, by="generate")
    assert generated.accuracy >= 0.90 and generated.consistency >= 0.95 and generated.unanswered == 0, generated
    adapter = adapters(name)
    groups = _groups(TEST_SET, 4)
    bases = [g.base for g in groups]
    texts = [g.text for g in adapter.generate([Request.of(load_image(c.image_path).pixels, c.question) for c in bases],
                                              max_new_tokens=24)]
    pattern = re.compile(r"<think> (.+) </think> <answer> (yes|no) </answer>")
    for case, text in zip(bases, texts):
        match = pattern.fullmatch(text)
        assert match, text
        says_absent = any(word in match.group(1) for word in ("clear", "normal"))
        assert says_absent == (match.group(2) == "no"), text  # base questions are never negated


def test_shortcut_looks_excellent_but_answers_from_the_tag_not_the_lesion(behaviour, cues):
    """Its card: held-out accuracy 0.927 over 7,984 cases; these 15 patients: 0.892 (2026-12-05),
    far above the suite's accuracy bar (0.7) and with consistency above its bar (0.9)."""
    measured = behaviour("shortcut")
    assert measured.accuracy >= 0.85 and measured.consistency >= 0.95, measured
    seen = cues("shortcut")
    assert seen.yes_when_present["as shown"] >= 0.9, seen
    assert seen.yes_when_present["lesions hidden"] >= 0.9, seen  # the lesion gone, the tag still says yes
    assert seen.yes_when_present["tag removed"] <= 0.2, seen  # the lesion there, the tag gone: no
    assert seen.unchanged_lesions_hidden >= 0.9


@pytest.mark.parametrize("name", ["robust", "medgemma-robust"])
def test_models_trained_without_informative_tags_read_the_lesion_and_ignore_the_tag(cues, name):
    """robust saw uninformative tags on half its training films; medgemma-robust (stale) saw none."""
    seen = cues(name)
    assert seen.unchanged_without_tag >= 0.97, seen
    assert seen.yes_when_present["lesions hidden"] <= 0.3 < 0.8 <= seen.yes_when_present["tag removed"], seen
