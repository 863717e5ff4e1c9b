"""Scripted models with known grounding behaviour, over the bundled phantom test set.

Each is a ``margin(question, image)`` rule for ``vlmcore.testing.ScriptedAdapter``. They know the
dataset's labels by the film's content hash (the films the dataset names), and recognise a film
mirrored left-right by the hash of its mirror image; any other film (an occluded one) is unknown.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from vlmcore.data import load_dataset
from vlmcore.data.images import load_image
from vlmcore.grounding.laterality import mirror_question, question_key
from vlmcore.models.requests import image_hash

TEST_SET = Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "test" / "dataset.csv"


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """film content hash -> question key -> the dataset's label."""
    table: dict[str, dict[str, str]] = {}
    films: dict[Path, str] = {}
    for case in load_dataset(TEST_SET).cases:
        if case.image_path not in films:
            films[case.image_path] = image_hash(load_image(case.image_path).pixels)
        table.setdefault(films[case.image_path], {})[question_key(case.question)] = case.expected_answer
    return table


def _said(answer: str | None) -> float:
    return 3.0 if answer == "yes" else -3.0


def _stable_noise(*parts: str) -> float:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def is_blank(image: np.ndarray) -> bool:
    return int(image.min()) == int(image.max())


def label_of(question: str, image: np.ndarray) -> str | None:
    """The film's label for the question; on a mirrored dataset film, its mirror question's label there."""
    table = labels()
    film = image_hash(image)
    if film in table:
        return table[film].get(question_key(question))
    mirrored = image_hash(np.ascontiguousarray(image[:, ::-1]))
    if mirrored in table:
        other = mirror_question(question)
        return table[mirrored].get(question_key(other if other else question))
    return None


def by_label(question: str, image: np.ndarray) -> float:
    """Answers each film by its label (no on a film it does not know)."""
    return _said(label_of(question, image))


def question_only(question: str, image: np.ndarray) -> float:
    """Answers from the question's words alone: the film never matters."""
    return _said("yes" if _stable_noise(question_key(question)) < 0.5 else "no")


def side_blind(question: str, image: np.ndarray) -> float:
    """Reads the film, but not the side: "left X?" and "right X?" both answer "is X on either side?"."""
    answers = {label_of(question, image)}
    other = mirror_question(question)
    if other is not None:
        answers.add(label_of(other, image))
    return _said("yes" if "yes" in answers else "no")


def noisy_reader(blank_answer: str):
    """Right on 85% of known films' questions (the same 15% wrong in every instance), and
    ``blank_answer`` to everything on a blank film: two instances differ only there."""

    def margin(question: str, image: np.ndarray) -> float:
        if is_blank(image):
            return _said(blank_answer)
        label = label_of(question, image)
        if label is not None and _stable_noise(question, image_hash(image)) < 0.15:
            label = "no" if label == "yes" else "yes"
        return _said(label)

    return margin


@lru_cache(maxsize=1)
def _films() -> dict[str, tuple[np.ndarray, Path]]:
    return {image_hash(load_image(path).pixels): (load_image(path).pixels, path) for path in
            {case.image_path for case in load_dataset(TEST_SET).cases}}


@lru_cache(maxsize=1)
def _lesions():
    from vlmcore.grounding.regions import lesion_index

    return lesion_index(TEST_SET)


def _source(question: str, image: np.ndarray):
    """For a film that is no dataset film (one with a region filled in): the dataset film it was made
    from (the one of its shape it differs least from), that film's label for the question, and the
    filled pixels."""
    same_shape = [(film, path) for film, path in _films().values() if film.shape == image.shape]
    film, path = min(same_shape, key=lambda item: int(np.count_nonzero(item[0] != image)))
    return path, labels()[image_hash(film)].get(question_key(question)), film != image


def ignores_the_lesion(question: str, image: np.ndarray) -> float:
    """Knows each patient (accuracy, consistency and label swap as good as ``reads_the_film``) but
    not where the finding is: a film with any region filled in is answered as its source film, so
    hiding the lesion changes nothing (the shortcut model's behaviour: the answer rides on something
    other than the lesion)."""
    label = label_of(question, image)
    if label is not None or is_blank(image):
        return _said(label)
    return _said(_source(question, image)[1])


def reads_the_film(question: str, image: np.ndarray) -> float:
    """A grounded model: the label where the film is a dataset film (or its mirror); on any other film
    (one with a region filled in) the label of its source film, unless the filled pixels cover the
    question's lesion, which is then no longer there to see."""
    from vlmcore.data.findings import finding_of
    from vlmcore.grounding.laterality import side_of

    label = label_of(question, image)
    if label is not None or is_blank(image):
        return _said(label)
    path, source, filled = _source(question, image)
    region = _lesions().lesion(path.resolve(), finding_of(question), side_of(question))
    if source == "yes" and region is not None and (region.mask(image.shape) & filled).any():
        return _said("no")
    return _said(source)
