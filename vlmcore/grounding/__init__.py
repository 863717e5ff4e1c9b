"""Does the answer come from the film? Counterfactual probes of grounding.

A model can be right and consistent without reading the film: a text prior, a burned-in marker, a
memorised side. These probes change the *film* and check that the answer follows:

- ``label_swap``: the question on another patient's film with the other label, and with the same;
- ``lesion_occlusion``: the lesion hidden, against an equal area elsewhere in the body hidden;
- ``mirror_laterality``: the film mirrored, where "left X?" and "right X?" must swap.

``plan`` draws each group's trials from the dataset's own labels and lesion places (``regions``),
``films`` makes the counterfactual films, and the engine asks them with the rest (``engine.probes``).
The blank film stays a diagnostic of the model's prior and never gates (docs/grounding.md).
"""

from __future__ import annotations

from pathlib import Path

from vlmcore.grounding.plan import PROBE_KINDS, GroundingPlan, Trial, build_plan

__all__ = ["PROBE_KINDS", "GroundingPlan", "Trial", "build_plan", "plan_for"]


def plan_for(dataset, box_file: Path | None = None, kinds: tuple[str, ...] = PROBE_KINDS) -> GroundingPlan | None:
    """The run's plan for the probes in ``kinds`` (None when there are none): the dataset's labels, its
    ``box`` column, a ``ground_truth.json`` beside it and an NIH box file, with film sizes read from
    headers (partners of the same size are preferred). The plugin and each Ray replica build it alike."""
    from dataclasses import replace

    from vlmcore.data.images import film_size
    from vlmcore.grounding.regions import lesion_index

    if not kinds:
        return None
    plan = build_plan(dataset, lesion_index(Path(dataset.path), box_file), film_size)
    kept = {group: tuple(t for t in trials if t.kind in kinds) for group, trials in plan.trials.items()}
    return replace(plan, trials={group: trials for group, trials in kept.items() if trials})
