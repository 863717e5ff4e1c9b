"""Probes of the failure classes the blind set showed, in new wording, for the answer reader.

Written by the engineer who fixed the classes (language2 branch), *after* the fixes and *before*
running the reader on them: none of these outputs is in any other corpus. They check that a fix
holds for the class, not only for the blind set's example (negation bound to the wrong finding,
sides of structures outside the pleura, counts, devices and tip positions, inverted questions,
openers and echoes, "difficult to determine", "X, but on the other side", corrections,
disclaimers, prior studies, a finding the lexicon does not know). Labels follow the blind set's
policy (``blind_holdout.py``). First run (on bdddafa, before the fixes after it): 61 of 65, one
yes<->no flip (a question about a device the lexicon does not know answered from "No pneumothorax").
The four misses were then fixed as classes, so this set is no longer held out either.
"""

from __future__ import annotations

# fmt: off
PROBES: list[tuple[str, str, str, str]] = [
    # negation / normal state bound to the right finding
    ("binding", "Is there a pacemaker?", "Dual-chamber pacemaker in place. No focal consolidation or effusion.", "yes"),
    ("binding", "Is there a pleural effusion?", "Dual-chamber pacemaker in place. No focal consolidation or effusion.", "no"),
    ("binding", "Are there sternal wires?", "Sternal wires are intact. Lungs are clear.", "yes"),
    ("binding", "Is there a chest tube?", "Left chest tube remains in place. No pneumothorax.", "yes"),
    ("binding", "Is there a pneumothorax?", "Left chest tube remains in place. No pneumothorax.", "no"),
    ("binding", "Is there a defibrillator?", "Left-sided AICD with leads intact.", "yes"),
    ("binding", "Is there a tracheostomy tube?", "Tracheostomy tube in standard position. Lungs clear.", "yes"),
    ("binding", "Is there cardiomegaly?", "Tracheostomy tube in standard position. Heart size normal.", "no"),
    # sides of structures outside the pleura
    ("side", "Is the trachea deviated to the right?", "The trachea is deviated to the left by a large right effusion.", "no"),
    ("side", "Is the trachea deviated to the left?", "The trachea is deviated to the left by a large right effusion.", "yes"),
    ("side", "Is there mediastinal shift to the right?", "Mediastinal shift to the left from a tension pneumothorax.", "no"),
    ("side", "Is the left hemidiaphragm elevated?", "Elevation of the right hemidiaphragm.", "no"),
    ("side", "Is the right hemidiaphragm elevated?", "Elevation of the right hemidiaphragm.", "yes"),
    ("side", "Is the left costophrenic angle blunted?", "Blunting of the right costophrenic angle.", "no"),
    # counts
    ("count", "Is there a solitary nodule?", "Two nodules in the left upper lobe.", "no"),
    ("count", "Are there multiple nodules?", "Several bilateral pulmonary nodules.", "yes"),
    ("count", "Are there multiple rib fractures?", "A single nondisplaced fracture of the left 5th rib.", "no"),
    ("count", "Is there a single pulmonary nodule?", "Solitary 8 mm nodule in the right lower lobe.", "yes"),
    # devices and tip positions
    ("device", "Is the endotracheal tube in good position?", "ET tube tip 5 cm above the carina.", "yes"),
    ("device", "Is the endotracheal tube in good position?", "The ETT terminates 1 cm above the carina.", "no"),
    ("device", "Is the ET tube too low?", "Endotracheal tube tip at the carina, should be withdrawn 2 cm.", "yes"),
    ("device", "Is the nasogastric tube in the stomach?", "NG tube coiled in the esophagus.", "no"),
    ("device", "Is the feeding tube in the stomach?", "Feeding tube tip below the diaphragm, in the stomach.", "yes"),
    ("device", "Is there a central line?", "Right subclavian central venous catheter with tip in the SVC.", "yes"),
    ("device", "Is the central venous catheter tip in the superior vena cava?",
     "Right IJ central line terminates in the right atrium.", "no"),
    ("device", "Is there a left-sided chest tube?", "Right-sided chest tube unchanged.", "no"),
    ("device", "Is the PICC line in appropriate position?", "Right arm PICC with tip at the cavoatrial junction.", "yes"),
    # questions asked the other way round
    ("inverted", "Is the heart size normal?", "The heart is enlarged.", "no"),
    ("inverted", "Are the lungs clear?", "No focal consolidation, effusion, or pneumothorax. Lungs are clear.", "yes"),
    ("inverted", "Is the trachea midline?", "The trachea is midline.", "yes"),
    ("inverted", "Is the trachea midline?", "Rightward tracheal deviation.", "no"),
    ("inverted", "Is the chest radiograph normal?", "Normal study.", "yes"),
    ("inverted", "Is the chest radiograph normal?", "Small left pleural effusion.", "no"),
    ("inverted", "Are the costophrenic angles sharp?", "Both costophrenic angles are sharp.", "yes"),
    ("inverted", "Is the cardiac silhouette normal?", "Cardiomegaly.", "no"),
    # openers and echoes
    ("framing", "Is there cardiomegaly?", "Sure, I'd be happy to help. The heart is normal in size.", "no"),
    ("framing", "Is there a pneumothorax?", "Of course! There is a small right apical pneumothorax.", "yes"),
    ("framing", "Is there a pleural effusion?", "Let me take a look at the image. There is no pleural effusion.", "no"),
    ("framing", "Is there pulmonary edema?", "You asked whether there is pulmonary edema.", "none"),
    ("framing", "Is there consolidation?", "Is there consolidation? Yes, in the left lower lobe.", "yes"),
    ("framing", "Is there a pneumothorax?", "Yes, I can analyze this image for you. No pneumothorax is identified.", "no"),
    # "difficult to determine" is uncertain
    ("hedge", "Is there cardiomegaly?", "It is hard to determine whether the heart is enlarged on this AP film.", "uncertain"),
    ("hedge", "Is there a nodule?", "It is unclear whether there is a nodule in the right upper lobe.", "uncertain"),
    ("hedge", "Is there atelectasis?", "Difficult to assess for atelectasis given the low lung volumes.", "uncertain"),
    # "X, but on the other side"
    ("side-clause", "Is there a right pneumothorax?", "There is a pneumothorax, but it is on the left.", "no"),
    ("side-clause", "Is there a left pneumothorax?", "There is a pneumothorax, but it is on the left.", "yes"),
    ("side-clause", "Is there a right pleural effusion?", "Right: clear. Left: moderate effusion.", "no"),
    ("side-clause", "Is there a left pleural effusion?", "Right: clear. Left: moderate effusion.", "yes"),
    # corrections, disclaimers, option answers
    ("framing", "Is there a pleural effusion?", "No. Wait, looking again, there is a small left pleural effusion.", "yes"),
    ("framing", "Is there pneumonia?", "I am not a radiologist, however there appears to be a right lower lobe pneumonia.", "yes"),
    ("framing", "Is there cardiomegaly?", "The correct answer is B: no.", "no"),
    ("framing", "Is there a pneumothorax?", "Option A: Yes", "yes"),
    # time: prior studies, removed devices
    ("time", "Is there a pleural effusion?", "The previously noted left effusion has resolved.", "no"),
    ("time", "Is there a pleural effusion?", "The previously described right effusion is unchanged.", "yes"),
    ("time", "Is there an endotracheal tube?", "The endotracheal tube has been removed.", "no"),
    ("time", "Is there a nasogastric tube?", "Nasogastric tube removed in the interval.", "no"),
    # near neighbours and vocabulary
    ("vocabulary", "Is there free air under the diaphragm?", "There is free air under the right hemidiaphragm.", "yes"),
    ("vocabulary", "Is there pneumomediastinum?", "No pneumothorax or pneumomediastinum.", "no"),
    ("vocabulary", "Is there a pericardial effusion?", "Small left pleural effusion. No pericardial effusion.", "no"),
    ("vocabulary", "Is there a pleural effusion?", "Small left pleural effusion. No pericardial effusion.", "yes"),
    ("vocabulary", "Is there subcutaneous emphysema?", "Subcutaneous air in the left chest wall.", "yes"),
    ("vocabulary", "Is there a hiatal hernia?", "Small hiatus hernia.", "yes"),
    # a finding the lexicon does not know: never answered from another finding's negation
    ("unknown", "Is there an aortic stent?", "Aortic stent graft in place. No pneumothorax.", "yes"),
    ("unknown", "Is there a loop recorder?", "No pneumothorax. Lungs are clear.", "none"),
    ("unknown", "Are there surgical clips?", "Surgical clips in the left axilla.", "yes"),
]
# fmt: on
