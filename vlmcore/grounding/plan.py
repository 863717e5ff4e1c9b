"""Which counterfactual trials each paraphrase group gets, drawn once per dataset, deterministically.

Every probe is a *balanced two-arm design* around the group's base question, so that a model that
ignores the film scores 0.5 whatever the dataset's label balance, and a grounded one scores near 1:

- ``label_swap``: the question on another patient's film whose label for it differs (``differs``:
  the answer should change) and on one whose label is the same (``same``: it should not). Labels
  are the dataset's own: another film's label for the *same question* (``laterality.question_key``).
  Partners are another patient's films (another film where there are no patient ids), preferring the
  same view and the same size, then the same view; among equals the one with the lowest hash of
  (group, arm, film) wins (rendezvous hashing: a grown dataset changes a draw only where a new film
  wins it, so most trials still pair with a baseline's).
- ``lesion_occlusion``: where the base question's answer is yes and its lesion's place is known
  (``regions``): the film with the lesion hidden (``lesion``: the answer should become no) and with a
  region of the same shape elsewhere inside the body hidden (``remote``: it should stay yes). Films
  carrying known burned-in markers get a third, diagnostic film with the markers hidden
  (``marker_occlusion``: the answer should not change).
- ``mirror_laterality``: a lateral base question and its mirror question (left <-> right), both
  labelled on the film, asked on the film flipped left-right: where the two sides' labels differ
  (``swap``) each answer should change, where they agree (``keep``) neither should. The arms are
  balanced per question pair by keeping as many ``keep`` films as there are ``swap`` films (and
  vice versa), chosen by hash; the films left out are counted in the notes.

A trial that cannot be made (no partner with the other label, no control region inside the body, a
partner film that does not load) is left out with its whole block, so the design stays balanced;
the notes count what was left out and why.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vlmcore.data.case import Case, Dataset, ParaphraseGroup
from vlmcore.grounding.laterality import mirror_question, question_key, side_of
from vlmcore.grounding.regions import LesionIndex, Region, Union

PROBE_KINDS = ("label_swap", "lesion_occlusion", "mirror_laterality", "marker_occlusion")


@dataclass(frozen=True)
class Transform:
    """How a counterfactual film is made from its source film: ``mirror``, or ``occlude`` a ``target``
    (``lesion``: ``region``; ``remote``: ``region``'s shape moved elsewhere in the body, clear of
    ``avoid``; ``marker``: ``region``)."""

    kind: str
    target: str = ""
    region: Region | Union | None = None
    avoid: tuple = ()

    def describe(self) -> str:
        if self.kind == "mirror":
            return "mirrored left-right"
        what = {"lesion": "lesion hidden", "remote": "equal area elsewhere in the body hidden",
                "marker": "burned-in markers hidden"}[self.target]
        return f"{what} ({self.region.describe()})" if self.region is not None else what


@dataclass(frozen=True)
class Trial:
    """One counterfactual question: ``question`` on ``source`` changed by ``transform`` (None: as is)."""

    kind: str
    arm: str
    case_id: str
    question: str
    expected: str  # the label of ``question`` on the counterfactual film
    source: Path
    transform: Transform | None
    reference_question: str  # asked on the group's own film: the answer compared with
    reference_expected: str
    block: str  # trials that stand or fall together (one balanced unit)
    source_patient: str = ""  # the partner's patient (label swap)

    def describe_film(self) -> str:
        if self.transform is None:
            return f"{self.source.name} (another patient{', ' + self.source_patient if self.source_patient else ''})"
        return f"{self.source.name}, {self.transform.describe()}"


@dataclass(frozen=True)
class GroundingPlan:
    trials: dict[str, tuple[Trial, ...]]  # group id -> its trials
    notes: tuple[str, ...] = ()
    lesion_sources: tuple[str, ...] = ()

    def of(self, group_id: str) -> tuple[Trial, ...]:
        return self.trials.get(group_id, ())

    def groups_with(self, kind: str) -> list[str]:
        return [group for group, trials in self.trials.items() if any(t.kind == kind for t in trials)]

    def counts(self) -> Counter:
        return Counter((t.kind, t.arm) for trials in self.trials.values() for t in trials)

    def partner_films(self, group_id: str) -> list[Path]:
        return sorted({t.source for t in self.of(group_id) if t.transform is None})


def _hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class _Label:
    answer: str
    patient: str
    view: str


@dataclass
class _Labels:
    """Each film's label per question (cases that disagree on one film make that pair unusable)."""

    by_film: dict[Path, dict[str, _Label]] = field(default_factory=lambda: defaultdict(dict))
    conflicting: set = field(default_factory=set)

    @staticmethod
    def of(dataset: Dataset) -> "_Labels":
        labels = _Labels()
        for case in dataset.cases:
            key = question_key(case.question)
            known = labels.by_film[case.image_path].get(key)
            if known is not None and known.answer != case.expected_answer:
                labels.conflicting.add((case.image_path, key))
            labels.by_film[case.image_path][key] = _Label(case.expected_answer, case.patient_id, case.view)
        for film, key in labels.conflicting:
            labels.by_film[film].pop(key, None)
        return labels

    def get(self, film: Path, question: str) -> _Label | None:
        return self.by_film.get(film, {}).get(question_key(question))


def _relative(film: Path, root: Path) -> str:
    """The film's name as the dataset gives it (under its image root), so draws do not move with the folder."""
    try:
        return film.relative_to(root.resolve()).as_posix()
    except ValueError:
        return film.name


def _label_swap(group: ParaphraseGroup, labels: _Labels, by_question: dict, size_of, notes: Counter, root: Path) -> list[Trial]:
    base = group.base
    key = question_key(base.question)
    own_size = size_of(group.image_path)
    candidates = [(film, label) for film, label in by_question[key] if film != group.image_path
                  and (label.patient != base.patient_id if base.patient_id else True)]
    trials = []
    for arm, wanted in (("differs", lambda a: a != base.expected_answer), ("same", lambda a: a == base.expected_answer)):
        pool = [(film, label) for film, label in candidates if wanted(label.answer)]
        if not pool:
            notes[f"label_swap: no other patient's film answers {base.question!r} {'differently' if arm == 'differs' else 'alike'}"] += 1
            return []

        def rank(item):
            film, label = item
            same_view = label.view == base.view
            tier = 0 if same_view and size_of(film) == own_size else 1 if same_view else 2
            return tier, _hash(group.group_id, "label_swap", arm, _relative(film, root))

        film, label = min(pool, key=rank)
        trials.append(Trial("label_swap", arm, f"{group.group_id}~label_swap:{arm}", base.question, label.answer, film, None,
                            base.question, base.expected_answer, f"{group.group_id}~label_swap", label.patient))
    return trials


def _occlusion(group: ParaphraseGroup, lesions: LesionIndex, notes: Counter) -> list[Trial]:
    base = group.base
    if base.expected_answer != "yes":
        return []
    region = Region(base.box, "dataset box column") if base.box else lesions.lesion(group.image_path, group.finding,
                                                                                      side_of(base.question))
    if region is None:
        notes[f"lesion_occlusion: no known lesion place for {group.finding}"] += 1
        return []
    others = tuple(entry.region for entry in lesions.lesions_on(group.image_path)) + (region,)
    block = f"{group.group_id}~lesion_occlusion"
    trials = [Trial("lesion_occlusion", "lesion", f"{block}:lesion", base.question, "no", group.image_path,
                    Transform("occlude", "lesion", region), base.question, "yes", block),
              Trial("lesion_occlusion", "remote", f"{block}:remote", base.question, "yes", group.image_path,
                    Transform("occlude", "remote", region, others), base.question, "yes", block)]
    markers = lesions.markers_on(group.image_path)
    if markers:
        marked = Union(markers) if len(markers) > 1 else markers[0]
        trials.append(Trial("marker_occlusion", "marker", f"{group.group_id}~marker_occlusion:marker", base.question, "yes",
                            group.image_path, Transform("occlude", "marker", marked), base.question, "yes",
                            f"{group.group_id}~marker_occlusion"))
    return trials


@dataclass(frozen=True)
class _MirrorCandidate:
    group: ParaphraseGroup
    question: str
    mirror: str
    label: str
    mirror_label: str

    @property
    def arm(self) -> str:
        return "swap" if self.label != self.mirror_label else "keep"

    def trials(self) -> list[Trial]:
        block = f"{self.group.group_id}~mirror_laterality"
        film = self.group.image_path
        flipped = Transform("mirror")
        return [Trial("mirror_laterality", self.arm, f"{block}:{self.arm}", self.question, self.mirror_label, film, flipped,
                      self.question, self.label, block),
                Trial("mirror_laterality", self.arm, f"{block}:{self.arm}:mirror-question", self.mirror, self.label, film, flipped,
                      self.mirror, self.mirror_label, block)]


def _mirror_candidates(dataset: Dataset, labels: _Labels, notes: Counter) -> dict[frozenset, list[_MirrorCandidate]]:
    """Per question pair, one candidate per film (the first group asking it there)."""
    by_pair: dict[frozenset, list[_MirrorCandidate]] = defaultdict(list)
    seen = set()
    for group in dataset.groups:
        mirror = mirror_question(group.base.question)
        if mirror is None:
            continue
        pair = frozenset({question_key(group.base.question), question_key(mirror)})
        if (group.image_path, pair) in seen:
            continue
        mirrored_label = labels.get(group.image_path, mirror)
        if mirrored_label is None:
            notes["mirror_laterality: the mirror question is not labelled on the film"] += 1
            continue
        seen.add((group.image_path, pair))
        by_pair[pair].append(_MirrorCandidate(group, group.base.question, mirror, group.base.expected_answer, mirrored_label.answer))
    return by_pair


def _balanced_mirror(by_pair: dict[frozenset, list[_MirrorCandidate]], notes: Counter) -> list[_MirrorCandidate]:
    chosen = []
    for pair, candidates in sorted(by_pair.items(), key=lambda item: sorted(item[0])):
        arms = {arm: sorted((c for c in candidates if c.arm == arm), key=lambda c: _hash(c.group.group_id, "mirror"))
                for arm in ("swap", "keep")}
        count = min(len(arms["swap"]), len(arms["keep"]))
        for arm, members in arms.items():
            if len(members) > count:
                notes[f"mirror_laterality: {arm} films left out to balance the arms"] += len(members) - count
            chosen += members[:count]
    return chosen


def build_plan(dataset: Dataset, lesions: LesionIndex | None = None, size_of=None) -> GroundingPlan:
    """The trials of every group. ``size_of(path)`` gives a film's (height, width) for partner matching
    (None: sizes not compared)."""
    lesions = lesions or LesionIndex()
    size_of = size_of or (lambda path: None)
    sizes: dict[Path, tuple | None] = {}
    cached_size = lambda path: sizes.setdefault(path, size_of(path)) if path not in sizes else sizes[path]
    labels = _Labels.of(dataset)
    by_question: dict[str, list] = defaultdict(list)
    for film, questions in labels.by_film.items():
        for key, label in questions.items():
            by_question[key].append((film, label))
    notes: Counter = Counter()
    trials: dict[str, list[Trial]] = defaultdict(list)
    for group in dataset.groups:
        trials[group.group_id] += _label_swap(group, labels, by_question, cached_size, notes, dataset.image_root)
        trials[group.group_id] += _occlusion(group, lesions, notes)
    for candidate in _balanced_mirror(_mirror_candidates(dataset, labels, notes), notes):
        trials[candidate.group.group_id] += candidate.trials()
    if labels.conflicting:
        notes["label_swap / mirror: (film, question) pairs left out because the dataset labels them both ways"] += len(labels.conflicting)
    return GroundingPlan({g: tuple(t) for g, t in trials.items() if t},
                         tuple(f"{text}: {count}" for text, count in sorted(notes.items())), tuple(lesions.sources))


def case_labels(dataset: Dataset) -> dict[tuple[Path, str], Case]:
    """Each (film, question key) -> one case asking it there (the reference answer's case, when the dataset has it)."""
    return {(case.image_path, question_key(case.question)): case for case in dataset.cases}
