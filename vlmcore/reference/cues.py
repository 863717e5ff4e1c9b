"""Which cue gives the answer: the lesion, or the burned-in tags that encode the label?

Each held-out film is shown four ways: as the bundled test set shows it (tags and lesions),
with the tags removed, with the lesions hidden (drawn at strength 0; the tags still say what
the film has), and with neither. The base question about each finding on the film is asked
in every condition. A model that reads the lesion keeps saying "yes" without the tag and
stops when the lesions are hidden; a model that reads the tag does the opposite. This is the
measurement behind the ``shortcut`` recipe (and the check that models trained without tags
are not moved by them). It uses re-rendered films, not occlusion: the probe suite's lesion
vs remote occlusion is the suite's own measure of the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vlmcore.reference.held_out import NO_ANSWER, Item
from vlmcore.reference.phantom_set import Film

#: condition -> (tag drawn, lesion strength)
CONDITIONS = {"as shown": (True, 1.0), "tag removed": (False, 1.0), "lesions hidden": (True, 0.0), "neither": (False, 0.0)}


def films_in(condition: str, films: list[Film]) -> list[Film]:
    tag, strength = CONDITIONS[condition]
    return [f.shown(tag, strength) for f in films]


@dataclass
class Cues:
    #: condition -> share of "yes" to the base question about a finding the film has
    yes_when_present: dict[str, float]
    #: condition -> share of "yes" to the base question about a finding it lacks
    yes_when_absent: dict[str, float]
    unchanged_without_tag: float  # all base answers unchanged when the tag is removed
    unchanged_lesions_hidden: float  # base answers about present findings unchanged when the lesions are hidden
    questions: int

    @classmethod
    def of(cls, items: list[Item], said: dict[str, np.ndarray]) -> Cues:
        present = np.array([i.present for i in items])
        shown = said["as shown"]
        kept = (said["tag removed"] == shown) & (shown != NO_ANSWER)  # a missing answer is never "unchanged"
        kept_hidden = (said["lesions hidden"] == shown) & (shown != NO_ANSWER)
        return cls({c: float(np.mean(a[present] == 1)) for c, a in said.items()},
                   {c: float(np.mean(a[~present] == 1)) for c, a in said.items()},
                   float(np.mean(kept)), float(np.mean(kept_hidden[present])), len(items))

    def lines(self) -> list[str]:
        present = ", ".join(f"{c} {v:.3f}" for c, v in self.yes_when_present.items())
        absent = ", ".join(f"{c} {v:.3f}" for c, v in self.yes_when_absent.items())
        return [f"yes to a finding the film has: {present}", f"yes to a finding it lacks: {absent}",
                f"answers unchanged without the tag {self.unchanged_without_tag:.3f}; with the lesions hidden "
                f"{self.unchanged_lesions_hidden:.3f} ({self.questions} base questions)"]

    def to_json(self) -> dict:
        return dict(self.__dict__)
