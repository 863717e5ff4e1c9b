"""A model with the behaviour of a published study, for testing gates end to end.

The MedGemma-4B study this suite grew from asked 100 films one yes/no question each, as a
base question and 5 paraphrases: consistency 0.903, 68% of groups fully consistent, accuracy
0.74. ``StudyModel`` reproduces that shape with a latent-answer model:

- each film's group has a latent answer, right with probability ``base_accuracy``;
- a share ``stable_share`` of groups never flips; in the others each paraphrase departs from
  the latent answer with probability ``flip_probability`` and the base question, the
  canonical phrasing, with the smaller ``base_flip_probability``;
- consistency is measured against the base question, as the suite does.

``StudyModel.draw`` gives one run's answers (a ``StudyAnswers``); redraw helpers give the
equal-quality reruns and the planted regressions the calibration script simulates.
``write_study`` turns answers into a dataset folder and an answer table that
``study_adapter`` serves through ``pytest_vlmcore_make_adapter``, so the whole suite runs on
it as on a real checkpoint.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

FINDINGS = ("pleural_effusion", "pneumothorax", "cardiomegaly", "nodule", "consolidation")
NAMES = {"pleural_effusion": "pleural effusion", "pneumothorax": "pneumothorax", "cardiomegaly": "cardiomegaly",
         "nodule": "nodule", "consolidation": "consolidation", "atelectasis": "atelectasis", "pneumoperitoneum": "pneumoperitoneum"}
TEMPLATES = {
    "phrasing": "Is {f} present?",
    "synonym": "Is there evidence of {f}?",
    "voice": "Can {f} be seen on this film?",
    "register": "{F}?",
    "clause_reordering": "On this radiograph, is there {f}?",
    "combined": "Is any {f} visible on this chest X-ray?",
}
PARAPHRASES = 5


@dataclass(frozen=True)
class StudyDesign:
    """``negations``: each group also asks its base question negated ("Is there no X?"), an
    inverted control whose answer must differ from the base question's."""

    groups: int = 100
    films_per_patient: int = 1
    findings: tuple[str, ...] = FINDINGS
    negations: bool = False


@dataclass(frozen=True)
class StudyAnswers:
    """One run: per group, the expected answer and the 1 + 5 answers (True = yes)."""

    design: StudyDesign
    expected: np.ndarray  # (G,) bool
    finding: tuple[str, ...]  # (G,)
    strategies: tuple[tuple[str, ...], ...]  # (G, 5)
    answers: np.ndarray  # (G, 6) bool; column 0 is the base question
    blank: np.ndarray  # (G, 6) bool: answer with the film blanked
    latent: np.ndarray  # (G,) bool: the model's reading of the film (hidden state, for redraws)
    unstable: np.ndarray  # (G,) bool: groups whose answers may depart from the latent one
    negation: np.ndarray | None = None  # (G,) bool: the negated question answered opposite to the base (design.negations)

    def negated_answers(self) -> np.ndarray:
        """The answers to the negated base questions (True = yes)."""
        return np.where(self.negation, ~self.answers[:, 0], self.answers[:, 0])

    def consistency(self) -> float:
        return float(np.mean(self.answers[:, 1:] == self.answers[:, :1]))

    def accuracy(self) -> float:
        return float(np.mean(self.answers == self.expected[:, None]))


@dataclass(frozen=True)
class StudyModel:
    """Defaults reproduce the published figures (consistency ~0.903, ~68% fully consistent, accuracy ~0.74)."""

    base_accuracy: float = 0.785
    stable_share: float = 0.505
    flip_probability: float = 0.185
    base_flip_probability: float = 0.01
    negation_respect: float = 0.95  # share of negated questions answered opposite to the base question
    blank_same: float = 0.5  # share of answers unchanged with the film blanked (image reliance), mean over films
    finding_accuracy: tuple[tuple[str, float], ...] = ()  # per-finding base accuracy overrides

    def _accuracy_of(self, finding: str) -> float:
        return dict(self.finding_accuracy).get(finding, self.base_accuracy)

    def draw(self, rng: np.random.Generator, design: StudyDesign = StudyDesign()) -> StudyAnswers:
        g = design.groups
        finding = tuple(design.findings[i % len(design.findings)] for i in range(g))
        expected = rng.random(g) < 0.51
        strategies = tuple(tuple(str(s) for s in rng.permutation(list(TEMPLATES))[:PARAPHRASES]) for _ in range(g))
        accuracy = np.array([self._accuracy_of(f) for f in finding])
        latent = np.where(rng.random(g) < accuracy, expected, ~expected)
        unstable = rng.random(g) >= self.stable_share
        answers = latent[:, None] ^ self._flips(rng, unstable)
        blank = self.blank_for(rng, answers)
        negation = rng.random(g) < self.negation_respect if design.negations else None  # drawn last: earlier draws keep their values
        return StudyAnswers(design, expected, finding, strategies, answers, blank, latent, unstable, negation)

    def _flips(self, rng: np.random.Generator, unstable: np.ndarray) -> np.ndarray:
        chance = np.array([self.base_flip_probability] + [self.flip_probability] * PARAPHRASES)
        return (rng.random((len(unstable), PARAPHRASES + 1)) < chance) & unstable[:, None]

    def blank_for(self, rng: np.random.Generator, answers: np.ndarray) -> np.ndarray:
        """Blank-film answers: a film-level tendency to keep the answer, around ``blank_same``."""
        concentration = 10.0  # film-to-film spread of the tendency; its mean is exactly blank_same
        keep = rng.beta(concentration * self.blank_same, concentration * (1 - self.blank_same), (answers.shape[0], 1)) \
            if 0 < self.blank_same < 1 else np.full((answers.shape[0], 1), self.blank_same)
        return np.where(rng.random(answers.shape) < keep, answers, ~answers)

    def expected_consistency(self) -> float:
        departs = self.base_flip_probability * (1 - self.flip_probability) + (1 - self.base_flip_probability) * self.flip_probability
        return 1 - (1 - self.stable_share) * departs

    def expected_accuracy(self, finding: str | None = None) -> float:
        a = self._accuracy_of(finding) if finding else self.base_accuracy
        c = (1 - self.stable_share) * (self.base_flip_probability + PARAPHRASES * self.flip_probability) / (PARAPHRASES + 1)
        return a - (2 * a - 1) * c

    def with_rates(self, consistency: float, accuracy: dict[str, float] | float, blank_same: float) -> "StudyModel":
        """The same flip pattern, with stability and base accuracy set to give these expected rates."""
        departs = self.base_flip_probability * (1 - self.flip_probability) + (1 - self.base_flip_probability) * self.flip_probability
        stable = 1 - (1 - consistency) / departs
        c = (1 - stable) * (self.base_flip_probability + PARAPHRASES * self.flip_probability) / (PARAPHRASES + 1)
        base = lambda target: (target - c) / (1 - 2 * c)  # the inverse of expected_accuracy
        if isinstance(accuracy, dict):
            per_finding = tuple((f, base(t)) for f, t in accuracy.items())
            return replace(self, stable_share=stable, finding_accuracy=per_finding, blank_same=blank_same)
        return replace(self, stable_share=stable, base_accuracy=base(accuracy), blank_same=blank_same)

    # -- reruns of equal quality (the gate's null scenarios) ---------------------------------
    def redraw_paraphrases(self, run: StudyAnswers, rng: np.random.Generator) -> StudyAnswers:
        """Which paraphrases depart from the latent answer, drawn again (same propensity, same base answer)."""
        answers = run.answers.copy()
        answers[:, 1:] = (run.latent[:, None] ^ self._flips(rng, run.unstable))[:, 1:]
        return replace(run, answers=answers)

    def redraw_base(self, run: StudyAnswers, rng: np.random.Generator) -> StudyAnswers:
        """Whether the base question departs from the latent answer, drawn again (same propensity)."""
        answers = run.answers.copy()
        answers[:, 0] = (run.latent[:, None] ^ self._flips(rng, run.unstable))[:, 0]
        return replace(run, answers=answers)

    def redraw_groups(self, run: StudyAnswers, rng: np.random.Generator, share: float) -> StudyAnswers:
        """A share of groups drawn again from scratch (latent answer, stability, flips), same films and labels."""
        g = run.design.groups
        accuracy = np.array([self._accuracy_of(f) for f in run.finding])
        latent = np.where(rng.random(g) < accuracy, run.expected, ~run.expected)
        unstable = rng.random(g) >= self.stable_share
        fresh = latent[:, None] ^ self._flips(rng, unstable)
        chosen = rng.random(g) < share
        negation = None if run.negation is None else np.where(chosen, rng.random(g) < self.negation_respect, run.negation)
        return replace(run, answers=np.where(chosen[:, None], fresh, run.answers), latent=np.where(chosen, latent, run.latent),
                       unstable=np.where(chosen, unstable, run.unstable), negation=negation)

    def redraw_answers(self, run: StudyAnswers, rng: np.random.Generator, share: float) -> StudyAnswers:
        """A random ``share`` of all answers drawn again from the model's own propensities, each on its
        own, as GPU numerics (another kernel, batch or card) tip answers near the decision boundary:
        the expected rates are unchanged, the individual answers are not."""
        chosen = rng.random(run.answers.shape) < share
        fresh = run.latent[:, None] ^ self._flips(rng, run.unstable)
        negation = run.negation
        if negation is not None:
            negation = np.where(rng.random(len(negation)) < share, rng.random(len(negation)) < self.negation_respect, negation)
        return replace(run, answers=np.where(chosen, fresh, run.answers), negation=negation)


def plant_flips(run: StudyAnswers, rng: np.random.Generator, groups: int, per_group: int = 2) -> tuple[StudyAnswers, list[int]]:
    """``per_group`` new flips in each of ``groups`` fully consistent groups (a clustered regression)."""
    consistent = np.flatnonzero(np.all(run.answers[:, 1:] == run.answers[:, :1], axis=1))
    chosen = sorted(rng.choice(consistent, size=min(groups, len(consistent)), replace=False).tolist())
    answers = run.answers.copy()
    for g in chosen:
        columns = 1 + rng.choice(PARAPHRASES, size=per_group, replace=False)
        answers[g, columns] = ~answers[g, columns]
    return replace(run, answers=answers), chosen


def fix_groups(run: StudyAnswers, rng: np.random.Generator, groups: int) -> tuple[StudyAnswers, list[int]]:
    """Make ``groups`` of the inconsistent groups fully consistent (an improved model)."""
    inconsistent = np.flatnonzero(~np.all(run.answers[:, 1:] == run.answers[:, :1], axis=1))
    chosen = sorted(rng.choice(inconsistent, size=min(groups, len(inconsistent)), replace=False).tolist())
    answers = run.answers.copy()
    answers[chosen, 1:] = answers[chosen, :1]
    return replace(run, answers=answers), chosen


def plant_wrong_answers(run: StudyAnswers, rng: np.random.Generator, share: float) -> StudyAnswers:
    """Turn a random ``share`` of the correct answers wrong, case by case (an accuracy regression)."""
    correct = run.answers == run.expected[:, None]
    turned = correct & (rng.random(run.answers.shape) < share)
    return replace(run, answers=run.answers ^ turned)


def study_rows(run: StudyAnswers, model: str = "study", patient_ids: bool = True) -> list:
    """The run as the suite's result rows (``VariantRow``), as the engine would write them."""
    from vlmcore.data.rows import VariantRow

    said = lambda value: "yes" if value else "no"
    rows = []
    for g in range(run.design.groups):
        texts = questions(run, g)
        base = said(run.answers[g, 0])
        for q in range(PARAPHRASES + 1):
            rows.append(VariantRow(
                model=model, case_id=f"{group_id(g)}-q{q}", group_id=group_id(g), question=texts[q],
                relation="base" if q == 0 else "invariant", strategy="baseline" if q == 0 else run.strategies[g][q - 1],
                finding=run.finding[g], patient_id=f"p{g // run.design.films_per_patient:03d}" if patient_ids else "",
                image=f"{group_id(g)}.png", expected=said(run.expected[g]), answer=said(run.answers[g, q]), base_answer=base,
                p_yes=0.9 if run.answers[g, q] else 0.1, margin=2.0 if run.answers[g, q] else -2.0, mass=0.9, parse_path="score",
                map_method="scripted", map_fallback=False, map_grid=(8, 8), blank_answer=said(run.blank[g, q]),
                metrics={}, image_sha=f"film{g:05d}"))
        if run.negation is not None:
            said_no = run.negated_answers()[g]
            rows.append(VariantRow(
                model=model, case_id=f"{group_id(g)}-neg", group_id=group_id(g), question=negated(run, g), relation="inverted",
                strategy="control", finding=run.finding[g], patient_id=f"p{g // run.design.films_per_patient:03d}" if patient_ids else "",
                image=f"{group_id(g)}.png", expected=said(not run.expected[g]), answer=said(said_no), base_answer=base,
                p_yes=0.9 if said_no else 0.1, margin=2.0 if said_no else -2.0, mass=0.9, parse_path="score", map_method="scripted",
                map_fallback=False, map_grid=(8, 8), blank_answer="no", metrics={}, image_sha=f"film{g:05d}"))
    return rows


# -- as a dataset and a scripted adapter ---------------------------------------------------------
def group_id(index: int) -> str:
    return f"study{index:03d}"


def negated(run: StudyAnswers, index: int) -> str:
    return f"Is there no {NAMES[run.finding[index]]}?"


def questions(run: StudyAnswers, index: int) -> list[str]:
    name = NAMES[run.finding[index]]
    base = f"Is there {name}?"
    return [base] + [TEMPLATES[s].format(f=name, F=name.capitalize()) for s in run.strategies[index]]


def film(index: int, size: int = 64) -> np.ndarray:
    """A distinct, deterministic film per group (a dark body-like disc with a group-specific texture)."""
    rng = np.random.default_rng(10_000 + index)
    y, x = np.mgrid[0:size, 0:size]
    body = ((y - size / 2) ** 2 / (0.42 * size) ** 2 + (x - size / 2) ** 2 / (0.38 * size) ** 2) < 1
    return np.where(body, 60 + rng.integers(0, 40, (size, size)), 10).astype(np.uint8)


def write_study(run: StudyAnswers, folder: Path, *, relabel: bool = False, reword: bool = False) -> Path:
    """Write ``dataset.csv``, ``images/`` and ``answers.json`` (image hash + question -> answer).

    ``relabel`` flips every expected answer; ``reword`` changes every question and film while
    keeping the case ids (an unrelated dataset that reuses ids). Returns the CSV path.
    """
    from PIL import Image

    from vlmcore.models.requests import image_hash

    (folder / "images").mkdir(parents=True, exist_ok=True)
    table, rows = {}, []
    for g in range(run.design.groups):
        pixels = film(g + (5000 if reword else 0))
        Image.fromarray(pixels, mode="L").save(folder / "images" / f"{group_id(g)}.png")
        key = image_hash(pixels)
        expected = bool(run.expected[g]) ^ relabel
        patient = f"p{g // run.design.films_per_patient:03d}"
        table[f"{key}|*"] = "yes" if run.answers[g, 0] else "no"  # any other question on this film: its base answer
        texts = questions(run, g)
        if reword:
            texts = [t.replace("?", " on the lateral view?") for t in texts]
        for q, (text, answer) in enumerate(zip(texts, run.answers[g])):
            case_id = f"{group_id(g)}-q{q}"
            table[f"{key}|{text}"] = "yes" if answer else "no"
            rows.append({"group_id": group_id(g), "case_id": case_id, "image": f"images/{group_id(g)}.png", "question": text,
                         "answer": "yes" if expected else "no", "role": "base" if q == 0 else "variant", "relation": "" if q == 0 else "invariant",
                         "strategy": "baseline" if q == 0 else run.strategies[g][q - 1], "finding": run.finding[g],
                         "patient_id": patient})
        if run.negation is not None:
            text, answer = negated(run, g), "yes" if run.negated_answers()[g] else "no"
            table[f"{key}|{text}"] = answer
            rows.append({"group_id": group_id(g), "case_id": f"{group_id(g)}-neg", "image": f"images/{group_id(g)}.png",
                         "question": text, "answer": "no" if expected else "yes", "role": "variant", "relation": "inverted",
                         "strategy": "control", "finding": run.finding[g], "patient_id": patient})
    with (folder / "dataset.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "answers.json").write_text(json.dumps(table, indent=0, sort_keys=True))
    return folder / "dataset.csv"


def study_adapter(answers_file: str | Path, name: str = "study"):
    """A ``ScriptedAdapter`` answering from ``answers.json``; a blank film is answered "no".

    A question the table does not hold for a known film (the flip search's own paraphrases)
    gets that film's base answer; an unknown film raises ``KeyError``: a test double must
    not guess.
    """
    from vlmcore.models.requests import image_hash
    from vlmcore.testing.scripted import ScriptedAdapter

    import hashlib

    text = Path(answers_file).read_text()
    table = json.loads(text)

    def margin(question: str, image: np.ndarray) -> float:
        if image.min() == image.max():  # the blank film of the image-reliance pass
            return -2.0
        film_key = image_hash(image)
        answer = table.get(f"{film_key}|{question}") or table[f"{film_key}|*"]
        return 2.0 if answer == "yes" else -2.0

    # new answers are a new model: the result cache must not serve the old ones
    return ScriptedAdapter(margin, name=name, fingerprint=f"study-{hashlib.sha256(text.encode()).hexdigest()[:12]}")
