"""Held-out evaluation set for ``vlmcore.paraphrase.validity.check_paraphrase``.

**No longer held out.** Committed unmodified (only the ``Run:`` line) in 6ae4117. Its first and
only blind run, on main 42b8e64, agreed on 172 of 229 (75.1%) and accepted 7 of 116 meaning
changes as valid paraphrases (22 of 113 true paraphrases unverified, 5 rejected as invalid).
The check's failure classes were then fixed while this set's disagreements were visible (branch
language2), so its later scores are optimistic. ``tests/paraphrase/test_blind_holdout.py``
prints the agreement and asserts that no meaning change is accepted.

Written by an evaluator who did not read the checker's implementation, word lists or its own
pair set; every label was written down before the checker was run.

Labelling policy: a reworded question is *valid* when a radiologist would give the same yes/no
answer to it as to the base question on every possible film: same finding, side, lobe/location,
size/severity, count, time/change relation, certainty and polarity.  It is *invalid* when some
film exists on which the two answers differ: a swapped or dropped side, a swapped finding
(including near neighbours: nodule/mass, atelectasis/consolidation, subcutaneous/pulmonary
emphysema), a changed or dropped location, severity, count, time word or certainty, a negation
added or removed (including antonym polarity flips such as "normal heart size" vs "enlarged
heart"), a changed connective (and/or/but not/with/without), or a swapped comparison.  A
comparison restated by its converse ("Is A larger than B?" -> "Is B smaller than A?") is valid.

For the checker, ``unverified`` on a true paraphrase counts against agreement but is not a
wrong acceptance; the critical count is meaning changes accepted as valid (must be 0).
Pairs tagged ``policy`` are ones where a reasonable reader might label otherwise.

Run:  OMP_NUM_THREADS=1 .venv/bin/python -m tests.paraphrase.blind_holdout   (tests: tests/paraphrase/test_blind_holdout.py)
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class ParaphrasePair:
    base: str
    candidate: str
    expected: str  # valid | invalid
    tag: str


LEFF = "Is there a left pleural effusion?"
PTX = "Is there a pneumothorax?"
CM = "Is there cardiomegaly?"
RLL = "Is there consolidation in the right lower lobe?"
EDEMA = "Is there pulmonary edema?"
PNA = "Is there evidence of pneumonia?"
LUL_NOD = "Is there a nodule in the left upper lobe?"
ETT = "Is the endotracheal tube in good position?"
HEART = "Is the heart enlarged?"


def _pairs() -> list[ParaphrasePair]:
    v = lambda b, c, tag="synonym": ParaphrasePair(b, c, "valid", tag)  # noqa: E731
    x = lambda b, c, tag: ParaphrasePair(b, c, "invalid", tag)  # noqa: E731
    return [
        # ================= true paraphrases =================================================
        v(LEFF, "Is there evidence of a left pleural effusion?", "evidence-of"),
        v(LEFF, "Does the film show a left-sided pleural effusion?", "does-the-film"),
        v(LEFF, "Can you see fluid in the left pleural space?", "lay"),
        v(LEFF, "Is a left pleural effusion present?", "voice"),
        v(LEFF, "Is a pleural effusion present on the left?", "reorder"),
        v(LEFF, "On the left, is there a pleural effusion?", "reorder"),
        v(LEFF, "Left pleural effusion?", "terse"),
        v(LEFF, "Do you see a left pleural effusion?", "can-you-see"),
        v(LEFF, "Is there an effusion in the left pleural space?", "reorder"),
        v(LEFF, "Is there a pleural effusion in the left hemithorax?", "synonym"),
        v(PTX, "Is there evidence of pneumothorax?", "evidence-of"),
        v(PTX, "Does this chest X-ray show a pneumothorax?", "does-the-film"),
        v(PTX, "Is there air in the pleural space?", "lay"),
        v(PTX, "Is a pneumothorax visible on this radiograph?", "voice"),
        v(PTX, "Pneumothorax present?", "terse"),
        v(PTX, "Is there any pneumothorax?", "synonym"),
        v(PTX, "Does the patient have a pneumothorax?", "register"),
        v(PTX, "Is there evidence of a pneumothorax on this image?", "evidence-of"),
        v(PTX, "Is a pneumothorax demonstrated?", "voice"),
        v(HEART, "Is there cardiomegaly?", "lay-clinical"),
        v(CM, "Does the heart appear enlarged?", "lay-clinical"),
        v(CM, "Is the cardiac silhouette enlarged?", "synonym"),
        v(CM, "Would you say the heart is enlarged on this film?", "register"),
        v(HEART, "Is the heart size increased?", "synonym"),
        v(HEART, "Is the heart big?", "lay"),
        v(HEART, "Is the heart abnormally large?", "synonym"),
        v(HEART, "Is the heart bigger than normal?", "lay"),
        v(RLL, "Is the right lower lobe consolidated?", "voice"),
        v(RLL, "Does the right lower lobe show consolidation?", "voice"),
        v(RLL, "Is there any consolidation in the lower lobe of the right lung?", "reorder"),
        v(RLL, "In the right lower lobe, is there consolidation?", "reorder"),
        v(EDEMA, "Is there fluid in the lungs?", "lay-policy"),
        v(EDEMA, "Are there signs of pulmonary edema?", "evidence-of"),
        v(EDEMA, "Does the image show pulmonary oedema?", "spelling"),
        v(EDEMA, "Is pulmonary edema present?", "voice"),
        v("Is there a right pneumothorax?", "Is there a pneumothorax on the right side?",
          "reorder"),
        v("Is there a right pneumothorax?", "Is a right-sided pneumothorax present?", "voice"),
        v(PNA, "Does the patient have signs of pneumonia on this film?", "register"),
        v(PNA, "Is pneumonia seen?", "voice"),
        v(PNA, "Are there radiographic signs of pneumonia?", "evidence-of"),
        v(LUL_NOD, "Does the left upper lobe contain a nodule?", "voice"),
        v(LUL_NOD, "Is a left upper lobe nodule seen?", "voice"),
        v("Are there bilateral pleural effusions?", "Are pleural effusions present on both sides?",
          "synonym"),
        v("Are there bilateral pleural effusions?",
          "Is there a pleural effusion in each hemithorax?", "synonym"),
        v(ETT, "Is the ET tube appropriately positioned?", "abbreviation"),
        v(ETT, "Is the endotracheal tube correctly placed?", "synonym"),
        v("Is there a rib fracture?", "Is any rib fractured?", "voice"),
        v("Is there a rib fracture?", "Can you see a broken rib?", "lay"),
        v("Is there atelectasis at the left base?", "Is there left basilar atelectasis?",
          "synonym"),
        v("Is there atelectasis at the left base?", "Is the left lung base atelectatic?",
          "voice"),
        v("Is the mediastinum widened?", "Is there mediastinal widening?", "voice"),
        v("Is the mediastinum widened?", "Does the mediastinum appear wide?", "synonym"),
        v("Is there a large right pleural effusion?",
          "Is there a right pleural effusion that is large?", "reorder"),
        v("Is there a large right pleural effusion?",
          "Is a large effusion present in the right pleural space?", "reorder"),
        v("Is there a small left pneumothorax?", "Is a small pneumothorax seen on the left?",
          "reorder"),
        v("Is there a new consolidation compared with the prior study?",
          "Compared with the prior study, is there a new consolidation?", "reorder"),
        v("Is there a new consolidation compared with the prior study?",
          "Has a new consolidation developed since the previous exam?", "time-synonym"),
        v("Has the right pleural effusion resolved?", "Is the right pleural effusion gone?",
          "time-synonym"),
        v("Is the left pleural effusion unchanged from prior?",
          "Is the left pleural effusion stable compared to the prior study?", "time-synonym"),
        v("Is the left pleural effusion unchanged from prior?",
          "Has the left pleural effusion remained the same since the prior study?",
          "time-synonym"),
        v("Is the cardiomegaly worse than before?",
          "Has the cardiomegaly worsened since the prior study?", "time-synonym"),
        v("Is there a pleural effusion but no pneumothorax?",
          "Is a pleural effusion present without a pneumothorax?", "compound"),
        v("Is there a pleural effusion but no pneumothorax?",
          "Is there a pleural effusion and no pneumothorax?", "compound"),
        v("Is there consolidation with air bronchograms?",
          "Are air bronchograms seen within a consolidation?", "compound"),
        v("Are there multiple pulmonary nodules?", "Are there several nodules in the lungs?",
          "count-synonym"),
        v("Are there multiple pulmonary nodules?", "Is there more than one pulmonary nodule?",
          "count-synonym"),
        v("Is there a single pulmonary nodule?", "Is there a solitary pulmonary nodule?",
          "count-synonym"),
        v("Is there an acute rib fracture?", "Is there a recent rib fracture?", "time-synonym"),
        v("Is there an acute rib fracture?", "Is there an acute fracture of a rib?", "reorder"),
        v("Is there an old rib fracture?", "Is there a remote rib fracture?", "time-synonym"),
        v("Is there a pleural effusion?", "Is there fluid around the lung?", "lay"),
        v("Does the chest X-ray show any abnormality?",
          "Is there anything abnormal on the chest radiograph?", "register"),
        v("Is the chest X-ray normal?", "Is this a normal chest radiograph?", "register"),
        v("Is there a right upper lobe opacity?", "Is there an opacity in the right upper lobe?",
          "reorder"),
        v("Is there a right upper lobe opacity?",
          "Is there increased opacity in the upper lobe of the right lung?", "reorder"),
        v("Is there a central venous catheter?", "Is a central line present?", "abbreviation"),
        v("Is there a pacemaker?", "Does the patient have a pacemaker?", "register"),
        v("Is there hyperinflation of the lungs?", "Are the lungs hyperinflated?", "voice"),
        v("Is there blunting of the left costophrenic angle?",
          "Is the left costophrenic angle blunted?", "voice"),
        v("Is there blunting of the right costophrenic angle?",
          "Is the right costophrenic angle blunted?", "voice"),
        v("Is there pulmonary vascular congestion?", "Are the pulmonary vessels congested?",
          "voice"),
        v("Is there a hiatal hernia?", "Does the image show a hiatus hernia?", "spelling"),
        v("Is there free air under the diaphragm?", "Is there free subdiaphragmatic air?",
          "synonym"),
        v("Is there a mass in the right hilum?", "Is a right hilar mass present?", "voice"),
        v("Is there an effusion on the left and a pneumothorax on the right?",
          "Is there a right pneumothorax and a left effusion?", "compound-reorder"),
        v("Is there evidence of pulmonary edema or pleural effusion?",
          "Is there evidence of pleural effusion or pulmonary edema?", "compound-reorder"),
        v("Is there a moderate right pleural effusion?",
          "Is a moderate-sized pleural effusion present on the right?", "reorder"),
        v("Can you see a pneumothorax?", "Is there a visible pneumothorax?", "can-you-see"),
        v("Is the left lung collapsed?", "Has the left lung collapsed?", "voice"),
        v("Is there subcutaneous emphysema?", "Is there air in the subcutaneous tissues?", "lay"),
        v("Is the trachea deviated to the right?", "Is there rightward tracheal deviation?",
          "voice"),
        v("Is there an opacity in the left lower lobe?",
          "Does the left lower lobe show an opacity?", "voice"),
        v("Is there consolidation?", "Is there an area of consolidation?", "synonym"),
        v("Is the nasogastric tube in the stomach?",
          "Does the tip of the NG tube lie in the stomach?", "abbreviation"),
        v("Is there a persistent left pleural effusion?", "Does the left pleural effusion persist?",
          "time-voice"),
        v("Is the right pneumothorax improving?", "Is the right pneumothorax getting better?",
          "time-lay"),
        v("Is the right pneumothorax larger than the left?",
          "Is the left pneumothorax smaller than the right?", "comparison-converse"),
        v("Is the right hemidiaphragm higher than the left?",
          "Is the left hemidiaphragm lower than the right?", "comparison-converse"),
        v("Is there cardiomegaly without pulmonary edema?",
          "Is the heart enlarged with no pulmonary edema?", "compound"),
        v("Is there a definite pneumothorax?", "Is a pneumothorax definitely present?",
          "certainty"),
        v("Is there possible consolidation?", "Could there be consolidation?", "certainty"),
        v("Has the pneumothorax decreased in size?", "Is the pneumothorax smaller than before?",
          "time-synonym"),
        v("Is the pulmonary edema worsening?", "Is the pulmonary edema getting worse?",
          "time-lay"),
        v("Is there a new left pleural effusion?", "Has a left pleural effusion newly appeared?",
          "time-synonym"),
        v("Is the cardiomegaly stable?", "Is the cardiomegaly unchanged?", "time-synonym"),
        v("Is the trachea midline?", "Is the trachea in the midline?", "synonym"),
        v("Is the cardiothoracic ratio greater than 0.5?",
          "Does the cardiothoracic ratio exceed 0.5?", "comparison-synonym"),
        v("Is there a nodule larger than 1 cm?", "Is there a nodule measuring more than 1 cm?",
          "comparison-synonym"),
        v("Is there no pneumothorax?", "Is pneumothorax absent?", "negation-kept"),
        v("Is the PICC tip in the superior vena cava?",
          "Does the PICC line terminate in the SVC?", "abbreviation"),
        v("Is the left hemidiaphragm elevated?", "Is the left hemidiaphragm raised?", "synonym"),
        v("Are the lungs clear?", "Are both lungs clear?", "synonym"),
        v("Is there increased opacity in the right lung?",
          "Is there an area of increased opacity in the right lung?", "synonym"),
        # ================= meaning changes ==================================================
        # side
        x(LEFF, "Is there a right pleural effusion?", "side-swap"),
        x("Is there a right pneumothorax?", "Is there a left-sided pneumothorax?", "side-swap"),
        x(RLL, "Is there consolidation in the left lower lobe?", "side-swap"),
        x(LEFF, "Is there a pleural effusion on the right?", "side-swap"),
        x(LEFF, "Are there bilateral pleural effusions?", "side-change"),
        x(LEFF, "Is there a pleural effusion?", "side-dropped"),
        x("Is the trachea deviated to the right?", "Is the trachea deviated to the left?",
          "side-swap"),
        x(LUL_NOD, "Is there a nodule in the right upper lobe?", "side-swap"),
        x("Is there a mass in the right hilum?", "Is there a left hilar mass?", "side-swap"),
        x("Is there a rib fracture on the left?", "Is there a rib fracture on the right?",
          "side-swap"),
        x(PTX, "Is there a pneumothorax on the left?", "side-added"),
        x("Are there bilateral pleural effusions?", "Is there a unilateral pleural effusion?",
          "side-change"),
        x("Are there bilateral pleural effusions?", "Is there a pleural effusion on the left?",
          "side-change"),
        x("Is the right lung base clear?", "Is the left lung base clear?", "side-swap"),
        x("Is there a right-sided central venous catheter?",
          "Is there a left-sided central venous catheter?", "side-swap"),
        x("Are there multiple rib fractures on the right?",
          "Are there multiple rib fractures on the left?", "side-swap"),
        x("Is there an effusion on the left and a pneumothorax on the right?",
          "Is there an effusion on the right and a pneumothorax on the left?", "side-binding"),
        x(LEFF, "Is there a left pleural effusion or a right pleural effusion?", "side-broadened"),
        # finding
        x(LEFF, "Is there a left pneumothorax?", "finding-swap"),
        x(CM, "Is there a pericardial effusion?", "finding-swap"),
        x(RLL, "Is there atelectasis in the right lower lobe?", "finding-swap"),
        x(EDEMA, "Is there a pleural effusion?", "finding-swap"),
        x(PNA, "Is there evidence of a lung abscess?", "finding-swap"),
        x(PTX, "Is there a pneumomediastinum?", "finding-swap"),
        x(PTX, "Is there a pneumoperitoneum?", "finding-swap"),
        x(LUL_NOD, "Is there a mass in the left upper lobe?", "finding-swap"),
        x("Is there a rib fracture?", "Is there a clavicle fracture?", "finding-swap"),
        x("Is there a central venous catheter?", "Is there a chest tube?", "finding-swap"),
        x(ETT, "Is the nasogastric tube in good position?", "finding-swap"),
        x("Is there subcutaneous emphysema?", "Is there pulmonary emphysema?", "finding-swap"),
        x("Is there hyperinflation of the lungs?", "Is there hypoinflation of the lungs?",
          "finding-swap"),
        x(LEFF, "Is there left pleural thickening?", "finding-swap"),
        x("Is there a pleural effusion?", "Is there a pericardial effusion?", "finding-swap"),
        x(CM, "Is the mediastinum widened?", "finding-swap"),
        x("Is there atelectasis at the left base?", "Is there consolidation at the left base?",
          "finding-swap"),
        x("Is there a right pneumothorax?", "Is there a right hydropneumothorax?",
          "finding-narrowed"),
        x(PNA, "Is there evidence of aspiration pneumonia?", "finding-narrowed"),
        x("Is there any pulmonary nodule?", "Is there any calcified pulmonary nodule?",
          "finding-narrowed"),
        x(LEFF, "Is there a loculated left pleural effusion?", "finding-narrowed"),
        x("Is there hyperlucency of the left lung?", "Is there increased opacity of the left lung?",
          "finding-swap"),
        x("Is the left hemidiaphragm elevated?", "Is the left hemidiaphragm flattened?",
          "finding-swap"),
        x(ETT, "Is the endotracheal tube present?", "finding-changed"),
        x("Is the nasogastric tube in the stomach?", "Is there a nasogastric tube?",
          "location-dropped"),
        # location
        x(RLL, "Is there consolidation in the right upper lobe?", "location"),
        x(RLL, "Is there consolidation in the right middle lobe?", "location"),
        x("Is there a left apical pneumothorax?", "Is there a left basilar pneumothorax?",
          "location"),
        x("Is there atelectasis at the left base?", "Is there atelectasis at the left apex?",
          "location"),
        x("Is there a right upper lobe opacity?", "Is there a right lung opacity?",
          "location-broadened"),
        x("Is there an opacity in the left lower lobe?", "Is there an opacity in the lingula?",
          "location"),
        x("Is the nasogastric tube in the stomach?", "Is the nasogastric tube in the esophagus?",
          "location"),
        x("Is there free air under the diaphragm?", "Is there free air above the diaphragm?",
          "location"),
        x("Is there a mass in the right hilum?", "Is there a mass in the right apex?", "location"),
        x(RLL, "Is there consolidation in the right lower lobe and right middle lobe?",
          "location-added"),
        x("Is the PICC tip in the superior vena cava?", "Is the PICC tip in the right atrium?",
          "location"),
        # severity / size
        x("Is there a large right pleural effusion?", "Is there a small right pleural effusion?",
          "severity"),
        x("Is there a small left pneumothorax?", "Is there a large left pneumothorax?",
          "severity"),
        x("Is there a large right pleural effusion?", "Is there a right pleural effusion?",
          "severity-dropped"),
        x("Is there mild cardiomegaly?", "Is there severe cardiomegaly?", "severity"),
        x("Is there a moderate right pleural effusion?",
          "Is there a trace right pleural effusion?", "severity"),
        x(EDEMA, "Is there severe pulmonary edema?", "severity-added"),
        x(PTX, "Is there a tension pneumothorax?", "severity-added"),
        x(CM, "Is the heart mildly enlarged?", "severity-added"),
        x("Is there mild pulmonary edema?", "Is there moderate pulmonary edema?", "severity"),
        x("Is there a nodule larger than 1 cm?", "Is there a nodule larger than 3 cm?",
          "size-number"),
        x("Is there a nodule larger than 1 cm?", "Is there a nodule smaller than 1 cm?",
          "comparison-swap"),
        # negation / polarity
        x(LEFF, "Is there no left pleural effusion?", "negation-added"),
        x(PTX, "Is the chest free of pneumothorax?", "negation-added"),
        x(HEART, "Is the heart not enlarged?", "negation-added"),
        x(CM, "Is there no cardiomegaly?", "negation-added"),
        x("Is the chest X-ray normal?", "Is the chest X-ray abnormal?", "polarity-antonym"),
        x("Is the heart size normal?", HEART, "polarity-antonym"),
        x("Are the lungs clear?", "Is there an opacity in the lungs?", "polarity-antonym"),
        x(PNA, "Is pneumonia ruled out?", "negation-added"),
        x("Is the left costophrenic angle sharp?", "Is the left costophrenic angle blunted?",
          "polarity-antonym"),
        x("Is there no pneumothorax?", PTX, "negation-removed"),
        x("Is the trachea midline?", "Is the trachea deviated?", "polarity-antonym"),
        x("Is there increased opacity in the right lung?",
          "Is there decreased opacity in the right lung?", "polarity-antonym"),
        x(HEART, "Is the heart small?", "polarity-antonym"),
        # compound relations
        x("Is there a pleural effusion but no pneumothorax?",
          "Is there a pleural effusion and a pneumothorax?", "compound"),
        x("Is there consolidation with air bronchograms?",
          "Is there consolidation without air bronchograms?", "compound"),
        x("Is there a pleural effusion and cardiomegaly?",
          "Is there a pleural effusion or cardiomegaly?", "compound"),
        x("Is there evidence of pulmonary edema or pleural effusion?",
          "Is there evidence of pulmonary edema and pleural effusion?", "compound"),
        x("Is there a pleural effusion and cardiomegaly?", "Is there a pleural effusion?",
          "compound-dropped"),
        x("Is there cardiomegaly without pulmonary edema?",
          "Is there pulmonary edema without cardiomegaly?", "compound-scope"),
        x("Is there an opacity in the right lower lobe but not the left?",
          "Is there an opacity in both lower lobes?", "compound"),
        x("Is there a pleural effusion on the left and not the right?",
          "Is there a pleural effusion on the left and the right?", "compound"),
        x("Is there consolidation but not effusion?", "Is there effusion but not consolidation?",
          "compound-scope"),
        # comparisons
        x("Is the right pleural effusion larger than on the prior study?",
          "Is the right pleural effusion smaller than on the prior study?", "comparison"),
        x("Is the left lung larger than the right?", "Is the right lung larger than the left?",
          "comparison-swap"),
        x("Is the heart larger than on the previous film?",
          "Is the heart smaller than on the previous film?", "comparison"),
        x("Is the right hemidiaphragm higher than the left?",
          "Is the left hemidiaphragm higher than the right?", "comparison-swap"),
        x("Is the right pleural effusion larger than the left?",
          "Is the left pleural effusion larger than the right?", "comparison-swap"),
        x("Is the cardiothoracic ratio greater than 0.5?",
          "Is the cardiothoracic ratio less than 0.5?", "comparison"),
        # time / change
        x("Is there an acute rib fracture?", "Is there an old rib fracture?", "time"),
        x("Is there a new consolidation compared with the prior study?",
          "Is there a persistent consolidation compared with the prior study?", "time"),
        x("Has the right pleural effusion resolved?", "Has the right pleural effusion increased?",
          "time"),
        x("Is the left pleural effusion unchanged from prior?",
          "Has the left pleural effusion worsened since the prior study?", "time"),
        x("Is the pulmonary edema improving?", "Is the pulmonary edema worsening?", "time"),
        x("Is there a new left pleural effusion?", LEFF, "time-dropped"),
        x(LEFF, "Is there a new left pleural effusion?", "time-added"),
        x("Is the pneumothorax persistent?", "Has the pneumothorax resolved?", "time"),
        x("Are there acute interstitial changes?", "Are there chronic interstitial changes?",
          "time"),
        x("Is the cardiomegaly worse than before?", "Is the cardiomegaly better than before?",
          "time"),
        x("Is the cardiomegaly stable?", "Is the cardiomegaly new?", "time"),
        x(PNA, "Is there evidence of resolved pneumonia?", "time-added"),
        x("Has the pneumothorax decreased in size?", "Has the pneumothorax increased in size?",
          "time"),
        x("Is there worsening consolidation?", "Is there improving consolidation?", "time"),
        x("Is there an acute fracture?", "Is there a healed fracture?", "time"),
        # count
        x("Is there a single pulmonary nodule?", "Are there multiple pulmonary nodules?", "count"),
        x("Are there multiple pulmonary nodules?", "Is there a pulmonary nodule?",
          "count-dropped"),
        x("Is there one rib fracture?", "Are there several rib fractures?", "count"),
        x("Are there two chest tubes?", "Is there a chest tube?", "count-dropped"),
        # certainty
        x("Is there definite consolidation?", "Is there possible consolidation?", "certainty"),
        x("Is there a definite pneumothorax?", "Could there be a pneumothorax?", "certainty"),
        x("Is there a possible nodule?", "Is there a nodule?", "certainty-dropped"),
        # device position
        x(ETT, "Is the endotracheal tube too low?", "position"),
    ]


PAIRS = _pairs()


def _status(verdict) -> str:
    status = (verdict.status or "").strip().lower()
    if status:
        return status
    return "valid" if verdict.valid else "invalid"


def main() -> int:
    from vlmcore.paraphrase.validity import check_paraphrase

    assert len(PAIRS) >= 150, len(PAIRS)
    confusion: Counter[tuple[str, str]] = Counter()
    wrong = []
    for i, pair in enumerate(PAIRS):
        verdict = check_paraphrase(pair.base, pair.candidate)
        got = _status(verdict)
        confusion[(pair.expected, got)] += 1
        if got != pair.expected:
            wrong.append((i, pair, got, verdict))
    n = len(PAIRS)
    agree = n - len(wrong)
    print(f"paraphrase held-out: {agree}/{n} agree ({100 * agree / n:.1f}%)")
    statuses = sorted({s for _, s in confusion} | {"valid", "invalid", "unverified"})
    print("\nconfusion (rows = expected, columns = check_paraphrase status):")
    print(f"{'':>10}" + "".join(f"{s:>12}" for s in statuses) + f"{'total':>8}")
    for exp in ("valid", "invalid"):
        row = [confusion[(exp, s)] for s in statuses]
        print(f"{exp:>10}" + "".join(f"{v:>12}" for v in row) + f"{sum(row):>8}")
    n_inv = sum(p.expected == "invalid" for p in PAIRS)
    n_val = n - n_inv
    accepted = confusion[("invalid", "valid")]
    print(f"\nmeaning changes accepted as valid: {accepted}/{n_inv} (must be 0)")
    print(f"meaning changes left unverified:   {confusion[('invalid', 'unverified')]}/{n_inv}")
    print(f"true paraphrases judged valid:     {confusion[('valid', 'valid')]}/{n_val}")
    print(f"true paraphrases unverified:       {confusion[('valid', 'unverified')]}/{n_val}")
    print(f"true paraphrases rejected invalid: {confusion[('valid', 'invalid')]}/{n_val}")
    print(f"\ndisagreements ({len(wrong)}):")
    for i, pair, got, verdict in wrong:
        flag = "  <-- WRONG ACCEPTANCE" if pair.expected == "invalid" and got == "valid" else ""
        print(f"[{i}] tag={pair.tag} expected={pair.expected} got={got} "
              f"reason={verdict.reason!r} words={verdict.words}{flag}")
        print(f"     base: {pair.base}")
        print(f"     cand: {pair.candidate}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
