"""A reference checkpoint's behaviour on the bundled test set, measured from its shipped weights.

Independent of the suite's plugin and of the training script: it loads the images, asks
every case through the adapter and tallies accuracy (by finding), consistency and flips (by
strategy), negation accuracy, and image reliance (the base answer unchanged with the film
replaced by the blank grey film). Answers come from ``score_yes_no`` (``by="score"``) or from
``generate`` read back by ``answer_format.read_answer`` (``by="generate"``: the way to
measure a model that talks before it answers). ``cues`` re-renders the bundled films without
the tag and with the lesions hidden. The tests on the shipped weights call these; so can
anyone who doubts a model card.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vlmcore.engine.engine import BLANK_LEVEL
from vlmcore.reference.held_out import HeldOut as Behaviour

#: generation budget when answers are read from text (the longest format, the reasoner's, ends in ~14 tokens)
MAX_NEW_TOKENS = 24


class Answers:
    """yes / no / None per request, from the score or from generation read back."""

    def __init__(self, adapter, by: str = "score", max_new_tokens: int = MAX_NEW_TOKENS):
        if by not in ("score", "generate"):
            raise ValueError(f"answers by 'score' or 'generate', not {by!r}")
        self.adapter, self.by, self.max_new_tokens = adapter, by, max_new_tokens
        self.texts: list[str] = []

    def __call__(self, requests) -> list[str | None]:
        from vlmcore.reference.answer_format import read_answer

        if self.by == "score":
            return [s.answer for s in self.adapter.score_yes_no(requests)]
        generated = self.adapter.generate(requests, max_new_tokens=self.max_new_tokens)
        self.texts += [g.text for g in generated]
        return [read_answer(g.text) for g in generated]


def _groups(dataset_csv: Path, patients: int | None):
    from vlmcore.data.loader import load_dataset

    dataset = load_dataset(dataset_csv)
    kept = list(dict.fromkeys(g.patient_id for g in dataset.groups))[:patients]
    return [g for g in dataset.groups if g.patient_id in kept]


def measure_behaviour(adapter, dataset_csv: Path, patients: int | None = None, by: str = "score",
                      condition: str = "as shown") -> Behaviour:
    """``patients``: only the groups of the first N patients in file order (a quicker check).
    ``condition``: the films as the dataset ships them, or re-rendered from ``ground_truth.json``
    in one of ``vlmcore.reference.cues.CONDITIONS`` (``"tag removed"``: the films a model trained
    before the finding tags was trained for)."""
    from vlmcore.data.images import load_image
    from vlmcore.models.requests import Request

    answers = Answers(adapter, by)
    right, by_finding, agree, negation, unchanged, unanswered = [], defaultdict(list), [], [], [], []
    flips = Counter()
    film_of = _films(dataset_csv.parent, condition)
    for group in _groups(dataset_csv, patients):
        image = load_image(group.image_path).pixels if film_of is None else film_of(group.image_path.name)
        said = answers([Request.of(image, c.question) for c in group.cases])
        blank_film = np.full_like(image, BLANK_LEVEL)
        blank = answers([Request.of(blank_film, c.question) for c in group.cases])
        unchanged += [a == b and a is not None for a, b in zip(said, blank)]
        for case, answer in zip(group.cases, said):
            ok = answer == case.expected_answer
            right.append(ok)
            unanswered.append(answer is None)
            by_finding[case.finding].append(ok)
            if case.relation == "inverted":
                negation.append(ok)
            if case.relation == "invariant":
                same = answer == said[0] and answer is not None
                agree.append(same)
                if not same:
                    flips[case.strategy] += 1
    return Behaviour(float(np.mean(right)), {k: float(np.mean(v)) for k, v in sorted(by_finding.items())}, float(np.mean(agree)),
                     dict(flips), float(np.mean(negation)) if negation else float("nan"), float(np.mean(unchanged)), len(right),
                     float(np.mean(unanswered)))


def _films(test_set: Path, condition: str):
    """None for the shipped films; otherwise film name -> pixels re-rendered in ``condition``."""
    if condition == "as shown":
        return None
    from vlmcore.phantoms.anatomy import render_phantom
    from vlmcore.reference.cues import CONDITIONS
    from vlmcore.reference.test_set import spec_of

    if condition not in CONDITIONS:
        raise ValueError(f"unknown film condition {condition!r}; known: {sorted(CONDITIONS)}")
    tag, strength = CONDITIONS[condition]
    truth = json.loads((test_set / "ground_truth.json").read_text())
    return lambda name: render_phantom(replace(spec_of(truth[f"images/{name}"]), tag=tag, lesion_strength=strength)).image


@dataclass
class Agreement:
    """Greedy generation read back against the score, case by case."""

    cases: int
    agree: int
    unanswered: int  # generated texts with no answer in them
    longest: int  # the most tokens any generation took (the end token included)
    disagreements: list[tuple[str, str, str, str]]  # (image, question, score's answer, generated text), the first 20

    @property
    def share(self) -> float:
        return self.agree / self.cases


def greedy_agreement(adapter, dataset_csv: Path, patients: int | None = None, max_new_tokens: int = 8) -> Agreement:
    """Every case answered twice: by the score (p(yes) vs p(no) at the first answer position)
    and by ``adapter.generate`` (greedy, the adapter's own prompt) read back."""
    from vlmcore.data.images import load_image
    from vlmcore.models.requests import Request
    from vlmcore.reference.answer_format import read_answer

    cases = agree = unanswered = longest = 0
    disagreements = []
    for group in _groups(dataset_csv, patients):
        image = load_image(group.image_path).pixels
        requests = [Request.of(image, c.question) for c in group.cases]
        scores = adapter.score_yes_no(requests)
        generated = adapter.generate(requests, max_new_tokens=max_new_tokens)
        for request, score, text in zip(requests, scores, generated):
            read = read_answer(text.text)
            cases += 1
            agree += read == score.answer
            unanswered += read is None
            longest = max(longest, len(adapter.tokenizer.encode(text.text, add_special_tokens=False)) + 1)
            if read != score.answer and len(disagreements) < 20:
                disagreements.append((group.image_path.name, request.question, score.answer, text.text))
    return Agreement(cases, agree, unanswered, longest, disagreements)


def cues(adapter, test_set: Path, patients: int | None = None, by: str = "score"):
    """``vlmcore.reference.cues.Cues`` on the bundled test set: each base question asked on its
    film re-rendered as shown, without the tag, with the lesions hidden, and with neither."""
    from vlmcore.models.requests import Request
    from vlmcore.phantoms.anatomy import render_phantom
    from vlmcore.reference.cues import CONDITIONS, Cues
    from vlmcore.reference.held_out import NO_ANSWER, Item
    from vlmcore.reference.questions import Phrasing
    from vlmcore.reference.test_set import spec_of

    truth = json.loads((test_set / "ground_truth.json").read_text())
    answers = Answers(adapter, by)
    items, said = [], {condition: [] for condition in CONDITIONS}
    for group in _groups(test_set / "dataset.csv", patients):
        spec = spec_of(truth[f"images/{group.image_path.name}"])
        present = group.base.expected_answer == "yes"
        items.append(Item(0, Phrasing(group.base.question, "baseline", False, group.base.finding), int(present), present))
        for condition, (tag, strength) in CONDITIONS.items():
            film = render_phantom(replace(spec, tag=tag, lesion_strength=strength)).image
            answer = answers([Request.of(film, group.base.question)])[0]
            said[condition].append({"yes": 1, "no": 0}.get(answer, NO_ANSWER))
    return Cues.of(items, {c: np.array(a) for c, a in said.items()})
