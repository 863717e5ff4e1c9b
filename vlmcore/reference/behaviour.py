"""A reference checkpoint's behaviour on the bundled test set, measured from its shipped weights.

Independent of the suite's plugin and of the training script: it loads the images, asks
every case through the adapter's ``score_yes_no`` and tallies accuracy (by finding),
consistency and flips (by strategy), negation accuracy, and image reliance (the base answer
unchanged with the film replaced by the blank grey film). The tests on the shipped weights
call it; so can anyone who doubts a model card.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from vlmcore.engine.engine import BLANK_LEVEL
from vlmcore.reference.held_out import HeldOut as Behaviour


def measure_behaviour(adapter, dataset_csv: Path, patients: int | None = None) -> Behaviour:
    """``patients``: only the groups of the first N patients in file order (a quicker check)."""
    from vlmcore.data.images import load_image
    from vlmcore.data.loader import load_dataset
    from vlmcore.models.requests import Request

    dataset = load_dataset(dataset_csv)
    kept = list(dict.fromkeys(g.patient_id for g in dataset.groups))[:patients]
    right, by_finding, agree, negation, unchanged = [], defaultdict(list), [], [], []
    flips = Counter()
    for group in (g for g in dataset.groups if g.patient_id in kept):
        image = load_image(group.image_path).pixels
        said = [s.p_yes > 0.5 for s in adapter.score_yes_no([Request.of(image, c.question) for c in group.cases])]
        blank_film = np.full_like(image, BLANK_LEVEL)
        blank = [s.p_yes > 0.5 for s in adapter.score_yes_no([Request.of(blank_film, c.question) for c in group.cases])]
        unchanged += [a == b for a, b in zip(said, blank)]
        for case, yes in zip(group.cases, said):
            ok = yes == (case.expected_answer == "yes")
            right.append(ok)
            by_finding[case.finding].append(ok)
            if case.relation == "inverted":
                negation.append(ok)
            if case.relation == "invariant":
                agree.append(yes == said[0])
                if yes != said[0]:
                    flips[case.strategy] += 1
    return Behaviour(float(np.mean(right)), {k: float(np.mean(v)) for k, v in sorted(by_finding.items())}, float(np.mean(agree)),
                     dict(flips), float(np.mean(negation)) if negation else float("nan"), float(np.mean(unchanged)), len(right))
