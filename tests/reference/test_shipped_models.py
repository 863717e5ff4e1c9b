"""The shipped reference checkpoints behave as their recipes promise, measured from the weights.

Each test loads a checkpoint folder exactly as ``--vlm-model FOLDER`` does and measures it on
the bundled held-out test set (``vlmcore.reference.behaviour``), independently of the model
card's numbers; the card must agree with the weights it describes.
"""


import pytest

from vlmcore.demo import MODELS, TEST_SET, reference_models
from vlmcore.reference.checkpoint import MAX_BYTES, read_card, weights_digest
from vlmcore.reference.recipes import BRITTLE_STRATEGIES

SHIPPED = {folder.name: folder for folder in reference_models()}
PATIENTS = 15  # of the bundled 80 (~530 cases each): the bars sit far from these models, and it keeps make test short


@pytest.fixture(scope="module")
def behaviour():
    from vlmcore.models.loading import LoadSpec, load_adapter
    from vlmcore.reference.behaviour import measure_behaviour

    measured = {}

    def measure(name: str, patients: int = PATIENTS):
        if name not in SHIPPED:
            pytest.fail(f"reference model {name!r} is not shipped under {MODELS}")
        if (name, patients) not in measured:
            adapter = load_adapter(LoadSpec(path=str(SHIPPED[name]), device="cpu"))
            measured[(name, patients)] = measure_behaviour(adapter, TEST_SET, patients=patients)
        return measured[(name, patients)]

    return measure


REPLICAS = sorted(name for name in SHIPPED if name.startswith("robust-seed"))
ROBUST_RECIPE = REPLICAS + ["medgemma-robust"]  # the robust recipe with other seeds / on Gemma3


def test_the_whole_reference_set_is_shipped():
    assert {"robust", "robust-seed1", "robust-seed2", "brittle", "blind", "degraded", "medgemma-robust"} <= set(SHIPPED)


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
    """Seeds move held-out accuracy by up to 3.6 points (0.936-0.972), so a replica is held to the
    recipe's promise, not to robust's exact number; 20 patients (~700 cases) keep this quick."""
    measured = behaviour(name, patients=20)
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


def test_card_numbers_agree_with_the_measurement(behaviour):
    """The card's held-out numbers come from the training script's own (larger) test split;
    on the bundled subset they must agree to within sampling noise."""
    card = read_card(SHIPPED["robust"])["held_out"]
    assert abs(card["accuracy"] - behaviour("robust").accuracy) <= 0.05
