"""Counterfactual trials with known grounding, for the calibration script and gate tests.

The design, per group of a ``StudyAnswers`` run (one film, one patient by default): every probe's
balanced block of two trials (label swap: ``differs`` + ``same``; lesion occlusion: ``lesion`` +
``remote``; mirror: ``swap`` on even groups, ``keep`` on odd ones), as if every group asked a
lateral question about a present finding with a known place, so that "100 patients" means 100
patients carrying every probe. Each group has a propensity per probe to follow the film, drawn
from a Beta distribution around the probe's rate (``concentration`` sets the film-to-film spread:
trials of one patient are correlated, as real ones are); each trial follows with that propensity.

``redraw`` keeps the propensities and draws the trials again (a rerun of equal quality);
``GroundingModel(...).draw`` again draws new propensities (another model of equal quality);
``plant_drop`` turns followed trials of one probe into misses (a planted regression of exactly
``drop`` in expectation); ``with_rates`` gives another model with other rates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vlmcore.data.rows import COUNTERFACTUAL, Probe, VariantRow

PROBES = ("label_swap", "lesion_occlusion", "mirror_laterality")
#: (arm, expected answer, reference answer the model gave, reference label) per probe and trial; a trial
#: that follows the film answers ``expected`` (occlusion) or changes exactly when the label does (others)
_ARMS = {
    "label_swap": (("differs", "no", "yes", "yes"), ("same", "yes", "yes", "yes")),
    "lesion_occlusion": (("lesion", "no", "yes", "yes"), ("remote", "yes", "yes", "yes")),
    "mirror_laterality": (("swap", "no", "yes", "yes"), ("swap", "yes", "no", "no")),
    "mirror_laterality:keep": (("keep", "no", "no", "no"), ("keep", "no", "no", "no")),
}


@dataclass(frozen=True)
class GroundingRun:
    propensity: np.ndarray  # (groups, probes): each group's chance to follow the film, per probe
    followed: np.ndarray  # (groups, probes, 2) bool: the two trials of each probe's block

    def rate(self, probe: str) -> float:
        return float(self.followed[:, PROBES.index(probe)].mean())


@dataclass(frozen=True)
class GroundingModel:
    rates: tuple[float, float, float] = (0.95, 0.89, 0.70)  # label swap, lesion occlusion, mirror (robust's, measured)
    concentration: float = 10.0

    def draw(self, rng: np.random.Generator, groups: int) -> GroundingRun:
        rates = np.asarray(self.rates, dtype=float)
        propensity = np.clip(rng.beta(self.concentration * rates, self.concentration * (1 - rates), (groups, len(PROBES))), 0, 1)
        return GroundingRun(propensity, self._trials(rng, propensity))

    @staticmethod
    def _trials(rng: np.random.Generator, propensity: np.ndarray) -> np.ndarray:
        return rng.random((*propensity.shape, 2)) < propensity[..., None]

    def redraw(self, run: GroundingRun, rng: np.random.Generator) -> GroundingRun:
        return replace(run, followed=self._trials(rng, run.propensity))

    def with_rates(self, **rates: float) -> "GroundingModel":
        values = dict(zip(PROBES, self.rates)) | rates
        return replace(self, rates=tuple(values[p] for p in PROBES))


def plant_drop(run: GroundingRun, rng: np.random.Generator, probe: str, drop: float) -> GroundingRun:
    """Followed trials of ``probe`` turned into misses, each with probability drop / rate: the rate falls by ``drop``."""
    column = PROBES.index(probe)
    followed = run.followed.copy()
    share = min(1.0, drop / max(float(followed[:, column].mean()), 1e-9))
    followed[:, column] &= ~(rng.random(followed[:, column].shape) < share)
    return replace(run, followed=followed)


def grounding_rows(run: GroundingRun, groups: int, model: str = "study", films_per_patient: int = 1) -> list[VariantRow]:
    """The trials as the engine writes them (relation ``counterfactual``, a ``Probe`` record each)."""
    rows = []
    for g in range(groups):
        group = f"study{g:03d}"
        for column, probe in enumerate(PROBES):
            arms = _ARMS["mirror_laterality:keep" if probe == "mirror_laterality" and g % 2 else probe]
            for index, (arm, expected, reference_answer, reference_expected) in enumerate(arms):
                followed = bool(run.followed[g, column, index])
                if probe == "lesion_occlusion":
                    answer = expected if followed else ("yes" if expected == "no" else "no")
                else:
                    should_change = expected != reference_expected
                    changed = should_change == followed
                    answer = ("no" if reference_answer == "yes" else "yes") if changed else reference_answer
                rows.append(VariantRow(
                    model=model, case_id=f"{group}~{probe}:{arm}:{index}", group_id=group, question=f"{probe} question {index}",
                    relation=COUNTERFACTUAL, strategy=probe, finding="pleural_effusion", patient_id=f"p{g // films_per_patient:03d}",
                    image=f"{group}.png", expected=expected, answer=answer, base_answer=reference_answer, p_yes=0.5, margin=0.0,
                    mass=0.9, parse_path="score", map_method="none", map_fallback=False, map_grid=(0, 0),
                    image_sha=f"cf-{group}-{probe}-{index}",
                    probe=Probe(probe, arm, "simulated", f"{group}-q0", reference_answer, reference_expected, f"film{g:05d}")))
    return rows
