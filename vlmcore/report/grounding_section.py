"""The report's "Does the answer come from the film?" section: each model placed in the
consistent x grounded quadrant with its counts, each probe's arms, the trials that did not
follow the film, the blank film's prior, and one counterfactual film per probe arm.

Quadrants ("Consistent but Dangerous", arXiv 2603.20985): *Ideal* (consistent and grounded),
*Fragile* (grounded: it reads the film, but paraphrases flip it), *Dangerous* (consistent: the same
answer however asked, but it does not come from the film), *Worst* (neither). The axes are the
verdict's own first-run checks (``verdict.first_run``): consistent when the consistency check holds,
grounded when every counterfactual probe's check holds, so the quadrant cannot disagree with the
scorecard.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import tally
from vlmcore.metrics.rates import GROUNDING_PROBES, RATES
from vlmcore.report.formatting import explain_command
from vlmcore.report.tables import Table
from vlmcore.verdict.first_run import first_run_checks
from vlmcore.verdict.thresholds import Thresholds

QUADRANTS = {(True, True): "Ideal", (False, True): "Fragile", (True, False): "Dangerous", (False, False): "Worst"}
QUADRANT_MEANING = {
    "Ideal": "consistent and grounded: the same answer however asked, and it comes from the film",
    "Fragile": "grounded but not consistent: it reads the film, but rewording the question changes the answer",
    "Dangerous": "consistent but not grounded: stable, confident answers that do not come from the film",
    "Worst": "neither consistent nor grounded",
}
MIRRORED_FILM = ("A mirrored film is the film flipped left-right. Films are displayed with the patient's right on the viewer's "
                 "left, so the mirrored film shows a patient whose sides are swapped: the heart on the other side (as in situs "
                 "inversus) and a left effusion now on the right. A model that reads sides from the film answers \"right "
                 "effusion?\" on the mirrored film as it answered \"left effusion?\" on the original; one that answers from "
                 "memorised anatomy (effusions are usually..., the heart is on the left, so...) does not.")
BLANK_FILM = ("The blank film is not a probe. A constant grey film is far outside anything a model was trained on: its answer "
              "there is the model's prior for the question, and the share of answers that match it (image reliance) mixes that "
              "prior with the answers on real films. It is shown as a diagnostic and never gates.")
EXAMPLES = 6  # trials that did not follow the film, listed per model and probe


@dataclass(frozen=True)
class Count:
    successes: int
    trials: int

    def shown(self) -> str:
        return f"{self.successes}/{self.trials} ({self.successes / self.trials:.3f})" if self.trials else "-"


@dataclass(frozen=True)
class Placement:
    model: str
    quadrant: str  # Ideal / Fragile / Dangerous / Worst, or "not measured"
    consistent: bool | None
    grounded: bool | None
    consistency: Count
    grounding: Count
    probes: dict  # probe -> Count


def _count(rows: list[VariantRow], rate: str) -> Count:
    counts = tally(rows, rate)
    return Count(int(counts.successes.sum()), int(counts.trials.sum()))


def placements(rows: list[VariantRow], thresholds: Thresholds) -> list[Placement]:
    by_model: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        by_model[row.model].append(row)
    placed = []
    for model, model_rows in sorted(by_model.items()):
        checks = {c.check: c for c in first_run_checks(model_rows, thresholds, model) if not c.subject}
        consistent = checks["consistency"].passed if "consistency" in checks else None
        judged = [checks[p].passed for p in GROUNDING_PROBES if p in checks and checks[p].passed is not None]
        grounded = all(judged) if judged else None
        quadrant = QUADRANTS[(consistent, grounded)] if None not in (consistent, grounded) else "not measured"
        placed.append(Placement(model, quadrant, consistent, grounded, _count(model_rows, "consistency"),
                                _count(model_rows, "grounding"), {p: _count(model_rows, p) for p in GROUNDING_PROBES}))
    return placed


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else "yes" if value else "no"


def quadrant_table(placed: list[Placement]) -> Table:
    rows = tuple((p.model, p.quadrant, p.consistency.shown(), _yes_no(p.consistent), p.grounding.shown(), _yes_no(p.grounded),
                  *[p.probes[name].shown() for name in GROUNDING_PROBES], QUADRANT_MEANING.get(p.quadrant, "a probe had no trial"))
                 for p in placed)
    classes = {(i, 1): "pass" if p.quadrant == "Ideal" else "fail" for i, p in enumerate(placed) if p.quadrant != "not measured"}
    return Table("Consistent x grounded", ("model", "quadrant", "consistency (kept/paraphrases)", "consistent",
                                           "grounding (followed/trials)", "grounded", *GROUNDING_PROBES, "meaning"), rows,
                 "consistent: the consistency check holds; grounded: every probe's check holds (the scorecard's checks). "
                 "Counts: successes / trials; 0.5 on a probe is what a model that ignores the film scores.", classes)


def arms_table(rows: list[VariantRow]) -> Table:
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if row.probe is not None:
            entry = counts[(row.model, row.probe.kind, row.probe.arm)]
            entry[0] += row.follows_film
            entry[1] += 1
    body = tuple((model, kind, arm, f"{s}/{n} ({s / n:.3f})") for (model, kind, arm), (s, n) in sorted(counts.items()))
    return Table("Each probe's arms", ("model", "probe", "arm", "followed the film"), body,
                 "label_swap: differs = another patient's film with the other label (answer should change), same = with the "
                 "same label (should not); lesion_occlusion: lesion hidden (should become no), remote = an equal area elsewhere "
                 "in the body hidden (should stay yes); mirror_laterality: swap = the sides' labels differ (answer should change), "
                 "keep = they agree (should not); marker_occlusion (diagnostic): burned-in markers hidden (should not change).")


def misses_table(rows: list[VariantRow], dataset: str | None = None, arguments: dict | None = None) -> Table | None:
    misses: dict[tuple, list[VariantRow]] = defaultdict(list)
    for row in rows:
        if row.probe is not None and not row.follows_film:
            misses[(row.model, row.probe.kind)].append(row)
    if not misses:
        return None
    body = []
    for (model, kind), listed in sorted(misses.items()):
        for row in sorted(listed, key=lambda r: r.case_id)[:EXAMPLES]:
            original = replace(row, image=row.probe.source_image or row.image, probe=None)
            body.append((model, kind, f"{row.question} ({row.probe.arm})", f"{row.probe.reference_answer} on {row.probe.source_image}",
                         f"{row.answer} on {row.probe.film}", f"{row.probe.reference_expected} -> {row.expected}",
                         explain_command(original, (arguments or {}).get(model), dataset)))
    return Table("Trials that did not follow the film", ("model", "probe", "question (arm)", "original film", "counterfactual film",
                                                         "label", "open in vlmcore explain"), tuple(body),
                 f"Up to {EXAMPLES} per model and probe; every trial is a row of results.jsonl (relation 'counterfactual').")


def blank_table(rows: list[VariantRow]) -> Table:
    models = sorted({r.model for r in rows})
    body = []
    for model in models:
        mine = [r for r in rows if r.model == model]
        yes, agree = _count(mine, "blank_yes_rate"), _count(mine, "image_reliance")
        body.append((model, yes.shown(), agree.shown()))
    return Table("The blank film (the model's prior; diagnostic)", ("model", RATES["blank_yes_rate"].label,
                                                                   RATES["image_reliance"].label), tuple(body), BLANK_FILM)


def film_pair_jpeg(original: np.ndarray, counterfactual: np.ndarray, titles: tuple[str, str], size: int = 224) -> bytes:
    """The original and the counterfactual film side by side, titled (display only)."""
    import cv2
    from PIL import Image, ImageDraw

    panels = [cv2.resize(np.asarray(film, dtype=np.uint8), (size, size), interpolation=cv2.INTER_AREA) for film in (original, counterfactual)]
    canvas = Image.new("L", (2 * size + 8, size + 18), 255)
    draw = ImageDraw.Draw(canvas)
    for index, (panel, title) in enumerate(zip(panels, titles)):
        canvas.paste(Image.fromarray(panel), (index * (size + 8), 18))
        draw.text((index * (size + 8) + 2, 2), title[:40], fill=0)
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@dataclass(frozen=True)
class GroundingSection:
    """What the section shows, computed once for both writers."""

    placements: tuple[Placement, ...]
    tables: tuple[Table, ...]
    examples: tuple[tuple[str, str], ...]  # (overlay key "model/case id", caption) of the counterfactual films drawn

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return ("Counterfactual probes change the film and check that the answer follows (docs/grounding.md): the same question "
                "on another patient's film with the other label and with the same label (label swap); the lesion hidden against "
                "an equal area elsewhere in the body hidden (lesion occlusion); the film mirrored (mirror laterality). Each is a "
                "balanced design: a model that ignores the film scores 0.5.", MIRRORED_FILM, BLANK_FILM)


def grounding_section(report) -> GroundingSection | None:
    """The section for a run (None when no model has a counterfactual trial)."""
    rows = report.rows
    if not any(row.probe is not None for row in rows):
        return None
    placed = tuple(placements(rows, report.thresholds))
    arguments = getattr(report.environment, "model_arguments", {}) or {}
    tables = [quadrant_table(list(placed)), arms_table(rows)]
    missed = misses_table(rows, report.manifest.dataset or None, arguments)
    tables += [missed] if missed is not None else []
    tables.append(blank_table(rows))
    probe_rows = {f"{row.model}/{row.case_id}": row for row in rows if row.probe is not None}
    examples = tuple((key, f"{probe_rows[key].probe.kind} ({probe_rows[key].probe.arm}): {probe_rows[key].probe.film}; "
                           f"\u201c{probe_rows[key].question}\u201d {probe_rows[key].probe.reference_answer} -> {probe_rows[key].answer}")
                     for key in sorted(report.overlays) if key in probe_rows)
    return GroundingSection(placed, tuple(tables), examples)
