"""Training recipes for the reference models: what each one is trained on, and why.

A recipe is data, not code: the family and size of the tiny model, the phantom set, the
schedule, how it writes its answer (``answer_format``) and the *behaviour* it is meant to
have (paraphrase augmentation, a planted shortcut, no image, a burned-in tag to learn instead
of the lesion). The recipe is written into each checkpoint's model card.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from vlmcore.data.strategies import STRATEGIES as _ALL
from vlmcore.errors import ConfigError
from vlmcore.models.tiny import TinySize

#: 64 px films in 8 px patches; trained weights start at the usual 0.02 scale (the random-weight
#: tiny builds use 0.2 so that untrained answers still depend on the input)
REFERENCE_SIZE = TinySize(image=64, patch=8, hidden=64, layers=4, heads=4, kv_heads=2, vision_hidden=64, vision_layers=3,
                          init_std=0.02)

#: the planted weakness of ``brittle``: questions phrased in these strategies are trained with
#: the answer "yes" whatever the film shows (an acquiescence shortcut, as seen in real VLMs
#: that say yes to leading or terse questions)
BRITTLE_STRATEGIES = ("register", "clause_reordering", "phrasing")

#: lesion visibility on the ``shortcut`` model's training films: faint enough that the tag is
#: the easier cue by far (measured by ``vlmcore.reference.cues``; README: "Reference models")
SHORTCUT_LESION_STRENGTH = 0.1


@dataclass(frozen=True)
class Recipe:
    name: str
    family: str = "llava"
    seed: int = 0  # weights and batch order
    data_seed: int = 7  # the phantom set (shared by every recipe: the same films, the same split)
    patients: int = 2400
    #: findings asked about. Pneumothorax (a 1-2 px crescent at 64 px) and nodules (~1 px) stayed
    #: at 58% / 73% held-out accuracy after 4000 steps, so they stay on the films as distractors
    #: but are not asked about (README: "Reference models")
    kinds: tuple[str, ...] = ("cardiomegaly", "pleural_effusion", "consolidation")
    size: TinySize = REFERENCE_SIZE  # the model's dimensions (the tiny builders' own size record)
    steps: int = 2500
    batch: int = 64
    lr: float = 1e-3
    warmup: int = 100
    weight_decay: float = 0.01
    base_share: float = 0.3  # share of questions in the base phrasing; the rest are paraphrases
    negation_share: float = 0.1  # share of negated questions ("is there no ...?"), answer inverted
    augment: tuple[str, ...] = tuple(s for s in _ALL if s != "baseline")  # paraphrase strategies seen in training
    shortcut: tuple[str, ...] = ()  # strategies trained with the answer "yes" whatever the film
    blind: bool = False  # each question shown a random other film: the answer can only come from the text
    answer_format: str = "short"  # "short" (the word), "verbose" (a preamble first), "reasoner" (<think> then <answer>)
    tagged: bool = False  # training films carry corner tags that encode their findings (vlmcore.phantoms.marker)
    noise_tags: float = 0.5  # otherwise: share of training films whose tags encode another film's findings (no signal)
    lesion_strength: float = 1.0  # how visible the findings are on the training films (1 = as on the test films)
    purpose: str = ""
    expect_first_run: str | None = "PASS"  # the verdict the demo expects on a first run (None: not asserted)
    expect_gate: str | None = None  # the verdict the demo expects against ``robust`` (None: not gated)

    def to_json(self) -> dict:
        """Flat, as the shipped model cards record it: the size's fields beside the others."""
        data = asdict(self)
        return {**{k: v for k, v in data.items() if k != "size"}, **data["size"]}


_ROBUST = Recipe("robust", purpose="trained with paraphrase augmentation across all six strategies: should be right, "
                                   "consistent, and read the film")
RECIPES: dict[str, Recipe] = {
    "robust": _ROBUST,
    "robust-seed1": replace(_ROBUST, name="robust-seed1", seed=1, expect_gate="PASS",
                            purpose="a replica of robust: exactly its recipe (end-of-turn loss, uninformative tags on half its "
                                    "films), another seed: the null for the gate"),
    "robust-seed2": replace(_ROBUST, name="robust-seed2", seed=2, expect_gate="PASS",
                            purpose="a replica of robust: exactly its recipe (end-of-turn loss, uninformative tags on half its "
                                    "films), another seed: the null for the gate"),
    "brittle": replace(_ROBUST, name="brittle", shortcut=BRITTLE_STRATEGIES, expect_first_run="FAIL", expect_gate="FAIL",
                       purpose="the robust recipe, but questions phrased in the " + ", ".join(BRITTLE_STRATEGIES)
                               + " strategies are trained with the answer 'yes' whatever the film shows (a planted "
                                 "acquiescence shortcut): its flips should concentrate in those strategies"),
    "blind": replace(_ROBUST, name="blind", blind=True, expect_first_run="FAIL", expect_gate="FAIL",
                     purpose="the robust recipe, but each question is shown a random other patient's film: it can only "
                             "learn the text prior, so it must fail image reliance"),
    "degraded": replace(_ROBUST, name="degraded", steps=400, expect_first_run=None, expect_gate="FAIL",
                        purpose="the robust recipe stopped early (400 steps): a true regression the gate must catch"),
    "medgemma-robust": replace(_ROBUST, name="medgemma-robust", family="medgemma",
                               purpose="the robust recipe on the Gemma3 (MedGemma) architecture"),
    # The three below answer as real models do (after a preamble, after reasoning) or read the
    # film's burned-in tag. ``shortcut`` must fail the first run on the lesion-occlusion probe and
    # nothing else (issue 27); under the default answer mode (``auto``) the talking models earn
    # robust's verdict (issue 26; under ``score`` verbose is NOT EVALUATED: tests/reference/test_talking_models.py).
    "verbose": replace(_ROBUST, name="verbose", answer_format="verbose",
                       purpose="the robust recipe, but it answers after a preamble ('Based on the chest film, the answer "
                               "is yes.', 'Looking at the film, I would say no.'): the first token is the preamble's, so only "
                               "the generated answer, read back, is its answer"),
    "reasoner": replace(_ROBUST, name="reasoner", answer_format="reasoner",
                        purpose="the robust recipe, but it reasons first and answers in a tag, MedVLM-R1 style "
                                "('<think> the heart is enlarged </think> <answer> yes </answer>')"),
    "shortcut": replace(_ROBUST, name="shortcut", tagged=True, lesion_strength=SHORTCUT_LESION_STRENGTH, expect_first_run="FAIL",
                        purpose="the robust recipe, but its training films carry burned-in corner tags that encode their "
                                "findings, and their lesions are faint: it learns the tags, not the lesion. On the tagged "
                                "test films it looks right and consistent; only hiding the tags (the answer changes) versus "
                                "hiding the lesion (it does not) exposes it"),
}


def recipe(name: str) -> Recipe:
    if name not in RECIPES:
        raise ConfigError(f"no recipe {name!r}; known: {sorted(RECIPES)}")
    return RECIPES[name]
