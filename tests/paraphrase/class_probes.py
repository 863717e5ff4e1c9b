"""Probes of the failure classes the blind set showed, in new wording, for ``check_paraphrase``.

Written by the engineer who fixed the classes (language2 branch), *after* the fixes and *before*
running the check on them; none of these pairs is in another set. Each is ``(base, candidate,
expected status, class)``; "invalid" pairs must never be accepted. Labels follow the blind
set's policy (``blind_holdout.py``). First run (on bdddafa): 46 of 47, no meaning change accepted
("are both lungs hyperinflated?" read as a change of side), then fixed as a class; no longer held out.
"""

from __future__ import annotations

V, X = "valid", "invalid"

# fmt: off
PROBES: list[tuple[str, str, str, str]] = [
    # sides of every lateralised structure
    ("Is the trachea deviated to the left?", "Is the trachea shifted to the left?", V, "side"),
    ("Is the trachea deviated to the left?", "Is there leftward deviation of the trachea?", V, "side"),
    ("Is the mediastinum shifted to the right?", "Is there mediastinal shift to the left?", X, "side"),
    ("Is the left hemidiaphragm elevated?", "Is the right hemidiaphragm elevated?", X, "side"),
    ("Is there a left-sided PICC line?", "Is there a right-sided PICC line?", X, "side"),
    ("Is there a right internal jugular catheter?", "Is there a left internal jugular catheter?", X, "side"),
    ("Is there a left chest tube?", "Is there a chest tube on the left?", V, "side"),
    ("Is the right costophrenic angle blunted?", "Is the left costophrenic angle blunted?", X, "side"),
    # numbers and measurements
    ("Is there a nodule larger than 2 cm?", "Is there a nodule greater than 20 mm?", V, "measure"),
    ("Is there a nodule larger than 2 cm?", "Is there a nodule larger than 2 mm?", X, "measure"),
    ("Is the endotracheal tube 5 cm above the carina?", "Is the endotracheal tube 3 cm above the carina?", X, "measure"),
    ("Is there a mass measuring more than 3 cm?", "Is there a mass larger than 3 cm?", V, "measure"),
    ("Is there a mass smaller than 3 cm?", "Is there a mass larger than 3 cm?", X, "measure"),
    # with / without on attributes
    ("Is there a cavitary lesion with an air-fluid level?", "Is there a cavitary lesion without an air-fluid level?", X, "with"),
    ("Is there a nodule with calcification?", "Is there a nodule without calcification?", X, "with"),
    # acute / chronic
    ("Is there an acute compression fracture?", "Is there a chronic compression fracture?", X, "time"),
    ("Are there chronic changes in the lungs?", "Are there acute changes in the lungs?", X, "time"),
    # counts
    ("Are there two nodules?", "Are there three nodules?", X, "count"),
    ("Is there a chest tube?", "Are there bilateral chest tubes?", X, "count"),
    ("Are there several rib fractures?", "Are there multiple rib fractures?", V, "count"),
    ("Is there more than one nodule?", "Are there multiple nodules?", V, "count"),
    # the subject of a comparison
    ("Is the left hemidiaphragm higher than the right?", "Is the right hemidiaphragm lower than the left?", V, "comparison"),
    ("Is the left hemidiaphragm higher than the right?", "Is the right hemidiaphragm higher than the left?", X, "comparison"),
    ("Is the left effusion smaller than the right?", "Is the right effusion larger than the left?", V, "comparison"),
    # false "invalid" before
    ("Are there bilateral effusions?", "Is there an effusion in both hemithoraces?", V, "synonym"),
    ("Is there mediastinal widening?", "Does the mediastinum look widened?", V, "synonym"),
    ("Is there increased opacity at the left base?", "Is there an opacity at the left base?", V, "synonym"),
    ("Are both lungs clear?", "Are the lungs clear?", V, "synonym"),
    ("Are the lungs hyperinflated?", "Are both lungs hyperinflated?", V, "synonym"),
    # vocabulary
    ("Is the endotracheal tube in satisfactory position?", "Is the ETT well positioned?", V, "vocabulary"),
    ("Is the nasogastric tube in good position?", "Is the NG tube appropriately placed?", V, "vocabulary"),
    ("Is there a central line?", "Is there a central venous catheter?", V, "vocabulary"),
    ("Is the right costophrenic angle blunted?", "Is there blunting of the right costophrenic angle?", V, "vocabulary"),
    ("Is there a hiatus hernia?", "Is there a hiatal hernia?", V, "vocabulary"),
    ("Is there free subdiaphragmatic air?", "Is there free air beneath the diaphragm?", V, "vocabulary"),
    ("Is the trachea midline?", "Is the trachea at the midline?", V, "vocabulary"),
    ("Is there a pacemaker?", "Is a cardiac pacemaker present?", V, "vocabulary"),
    ("Is there subcutaneous air?", "Is there subcutaneous emphysema?", V, "vocabulary"),
    # near-neighbour swaps are changes of finding
    ("Is there a pleural effusion?", "Is there pericardial fluid?", X, "neighbour"),
    ("Is there an endotracheal tube?", "Is there a tracheostomy tube?", X, "neighbour"),
    ("Is there a pneumothorax?", "Is there a hydropneumothorax?", X, "neighbour"),
    ("Is there pneumomediastinum?", "Is there pneumopericardium?", X, "neighbour"),
    ("Is there a chest tube?", "Is there a nasogastric tube?", X, "neighbour"),
    ("Is there a PICC line?", "Is there a central venous catheter?", X, "neighbour"),
    ("Is there subcutaneous emphysema?", "Is there emphysema?", X, "neighbour"),
    ("Is the ET tube too high?", "Is the ET tube too low?", X, "position"),
    ("Is the NG tube in the stomach?", "Is the NG tube in the duodenum?", X, "position"),
]
# fmt: on
