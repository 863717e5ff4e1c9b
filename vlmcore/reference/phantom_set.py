"""Phantom films at scale: thousands of films with known findings, patients, and splits.

Every film is drawn from a seed, so a set is the same bytes on every machine. A patient has
several films (2-3), and the train / validation / test split is by patient, never by film:
a model must not be tested on a patient it saw in training.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np

from vlmcore.phantoms.anatomy import PhantomSpec, render_phantom
from vlmcore.phantoms.truth import PhantomTruth

SIDED = ("pleural_effusion", "pneumothorax", "consolidation", "nodule")
KINDS = ("cardiomegaly",) + SIDED
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Film:
    patient: str
    index: int  # film number within the patient
    spec: PhantomSpec
    split: str

    @property
    def name(self) -> str:
        return f"{self.patient}-f{self.index}"

    def render(self) -> PhantomTruth:
        return render_phantom(self.spec)

    def shown(self, tag: bool, lesion_strength: float = 1.0, tag_findings=None) -> Film:
        """The same film with (or without) the burned-in finding tags, lesions at ``lesion_strength``;
        ``tag_findings``: what the tags say, when not the film's own findings."""
        return replace(self, spec=replace(self.spec, tag=tag, lesion_strength=lesion_strength, tag_findings=tag_findings))


def training_tags(films: list[Film], tagged: bool, noise_share: float, lesion_strength: float, seed: int) -> list[Film]:
    """The training films as a recipe shows them.

    ``tagged``: every film's tags encode its own findings (the ``shortcut`` recipe: the tag
    predicts the label). Otherwise a ``noise_share`` of the films carry tags that encode a
    random other film's findings, as every site's films carry burned-in marks that say
    nothing about this film: a model learns that tags carry no signal, so the bundled test
    set's tags (which do encode the truth) do not move it. Deterministic from ``seed``."""
    if tagged:
        return [f.shown(True, lesion_strength) for f in films]
    rng = np.random.default_rng(seed)
    shown = []
    for film in films:
        other = films[int(rng.integers(len(films)))]
        tag = bool(rng.random() < noise_share)
        shown.append(film.shown(tag, lesion_strength, other.spec.findings if tag else None))
    return shown


def split_of(patient: str, shares: tuple[float, float, float] = (0.8, 0.1, 0.1)) -> str:
    """A patient's split from a hash of its id: stable whatever else the set holds."""
    value = int.from_bytes(hashlib.sha256(patient.encode()).digest()[:4], "big") / 2**32
    return "train" if value < shares[0] else "validation" if value < shares[0] + shares[1] else "test"


def _findings(rng: np.random.Generator, kinds: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """0, 1 or 2 findings (probabilities 0.3 / 0.5 / 0.2), distinct kinds, random sides."""
    count = rng.choice(3, p=[0.3, 0.5, 0.2])
    chosen = rng.choice(len(kinds), size=count, replace=False)
    return tuple((kinds[k], None if kinds[k] == "cardiomegaly" else ("right", "left")[rng.integers(2)]) for k in sorted(chosen))


def phantom_films(seed: int, patients: int, size: int = 128, films_per_patient: tuple[int, int] = (2, 3),
                  kinds: tuple[str, ...] = KINDS, prefix: str = "pt") -> list[Film]:
    """``patients`` patients with 2-3 films each; a film's anatomy seed and findings derive
    from ``seed``, so the same arguments give the same films."""
    rng = np.random.default_rng(seed)
    films = []
    for number in range(patients):
        patient = f"{prefix}{seed}-{number:05d}"
        split = split_of(patient)
        for index in range(int(rng.integers(films_per_patient[0], films_per_patient[1] + 1))):
            anatomy_seed = int(rng.integers(2**31))
            films.append(Film(patient, index, PhantomSpec(seed=anatomy_seed, size=size, findings=_findings(rng, kinds)), split))
    return films
