"""Support devices as findings: their names, where their tips lie, and how a position is said.

A device binds side, count and negation like any finding ("left-sided PICC", "two chest
tubes", "no endotracheal tube"). What is particular to devices:

- tip locations ("in the stomach", "above the carina", "at the cavoatrial junction") are
  locations of their own (``tip:<place>``); the ones written with a side inside them ("right
  atrium", "right mainstem bronchus") are one phrase, so their side is not the device's side;
- a question about the position ("in good position", "appropriately positioned") asks for a
  state, as "are the lungs clear?" asks for a structure's state; "too low", "malpositioned",
  "should be advanced" say the opposite;
- reports call a nasogastric tube an "enteric tube" and a PICC a central venous catheter:
  ``DEVICE_ALIASES`` says which names answer a question about another (``lexicon.ANSWERED_BY``).

Where a tip belongs (``GOOD_TIPS``) follows the usual radiology teaching for line and tube
position on chest radiographs (e.g. Godoy et al., "Chest radiography in the ICU: Part 2,
evaluation of cardiovascular lines and other devices", AJR 2012): an endotracheal tube tip
2-7 cm above the carina; an enteric tube below the diaphragm in the stomach; a central line
tip in the superior vena cava or at the cavoatrial junction.
"""

from __future__ import annotations

DEVICES: dict[str, tuple[str, ...]] = {
    "endotracheal_tube": ("endotracheal tube", "endotracheal tubes", "et tube", "ett", "endotracheal", "breathing tube",
                          "endotracheal intubation tube"),
    "tracheostomy_tube": ("tracheostomy tube", "tracheostomy", "trach tube", "tracheostomy cannula"),
    "nasogastric_tube": ("nasogastric tube", "ng tube", "ngt", "nasogastric", "nasogastric catheter"),
    "orogastric_tube": ("orogastric tube", "og tube", "orogastric"),
    "enteric_tube": ("enteric tube", "feeding tube", "dobhoff tube", "dobhoff", "gastric tube", "enteric catheter"),
    "central_venous_catheter": ("central venous catheter", "central line", "central venous line", "cvc", "central catheter",
                                "central venous access", "central venous access catheter"),
    "picc": ("picc", "picc line", "peripherally inserted central catheter", "peripherally inserted central venous catheter"),
    "pulmonary_artery_catheter": ("swan-ganz catheter", "swan ganz catheter", "swan-ganz", "pulmonary artery catheter"),
    "chest_tube": ("chest tube", "thoracostomy tube", "chest drain", "pleural drain", "pigtail catheter", "intercostal drain",
                   "pleural catheter", "pleural drainage catheter"),
    "pacemaker": ("pacemaker", "pacer", "cardiac pacemaker", "pacing device", "pacemaker device", "pacemaker generator",
                  "pacemaker leads", "pacemaker lead", "pacing leads"),
    "defibrillator": ("defibrillator", "icd", "aicd", "implantable cardioverter-defibrillator", "cardioverter-defibrillator"),
    "sternotomy_wires": ("sternotomy wires", "sternal wires", "sternotomy", "sternotomy sutures", "median sternotomy",
                         "sternal cerclage wires"),
    "surgical_clips": ("surgical clips", "clips", "surgical staples"),
    "port": ("port-a-cath", "portacath", "chest port", "port catheter", "implanted port", "power port"),
}

#: where a tip lies (a location of its own kind); longest phrase wins over "right" / "left" inside it
TIP_LOCATIONS: dict[str, str] = {
    "stomach": "tip:stomach", "gastric body": "tip:stomach", "gastric fundus": "tip:stomach", "fundus": "tip:stomach",
    "duodenum": "tip:duodenum", "esophagus": "tip:esophagus", "oesophagus": "tip:esophagus",
    "esophageal": "tip:esophagus", "gastroesophageal junction": "tip:ge_junction", "ge junction": "tip:ge_junction",
    "superior vena cava": "tip:svc", "svc": "tip:svc", "cavoatrial junction": "tip:cavoatrial",
    "cavo-atrial junction": "tip:cavoatrial", "right atrium": "tip:right_atrium", "right ventricle": "tip:right_ventricle",
    "brachiocephalic vein": "tip:brachiocephalic", "subclavian vein": "tip:subclavian",
    "carina": "tip:carina", "at the carina": "tip:carina", "above the carina": "tip:above_carina",
    "above the level of the carina": "tip:above_carina", "below the carina": "tip:below_carina",
    "right mainstem bronchus": "tip:right_mainstem", "right main bronchus": "tip:right_mainstem",
    "right mainstem": "tip:right_mainstem", "left mainstem bronchus": "tip:left_mainstem",
    "left main bronchus": "tip:left_mainstem", "left mainstem": "tip:left_mainstem", "mainstem bronchus": "tip:mainstem",
    "thoracic inlet": "tip:thoracic_inlet", "pulmonary artery": "tip:pulmonary_artery",
    "below the diaphragm": "below:diaphragm", "under the diaphragm": "below:diaphragm", "beneath the diaphragm": "below:diaphragm",
    "below the hemidiaphragm": "below:diaphragm", "under the hemidiaphragm": "below:diaphragm",
    "below the left hemidiaphragm": "below:diaphragm", "subdiaphragmatic": "below:diaphragm",
    "above the diaphragm": "above:diaphragm", "above the hemidiaphragm": "above:diaphragm",
}
#: tip places that are one region for a question "is the tube in the stomach?"
TIP_REGIONS: dict[str, str] = {"tip:stomach": "abdomen", "below:diaphragm": "abdomen", "tip:duodenum": "abdomen",
                               "tip:svc": "svc", "tip:cavoatrial": "cavoatrial"}

#: "in good position" and its kin: the state a position question asks for
POSITION_GOOD = ("in good position", "in appropriate position", "in satisfactory position", "in standard position",
                 "in expected position", "in proper position", "in correct position", "in adequate position",
                 "in acceptable position", "in an appropriate position", "in a good position", "in a satisfactory position",
                 "in the appropriate position", "in the correct position", "in the expected position",
                 "appropriately positioned", "appropriately placed", "well positioned", "well-positioned",
                 "correctly positioned", "correctly placed", "properly positioned", "properly placed",
                 "satisfactorily positioned", "satisfactorily placed", "adequately positioned", "optimally positioned",
                 "positioned appropriately", "positioned correctly", "positioned properly", "placed correctly",
                 "placed appropriately", "good position", "appropriate position", "satisfactory position",
                 "standard position", "expected position", "correct position", "terminates appropriately")
#: a wrong position, by direction where it is said
MALPOSITION: dict[str, str] = {
    "too low": "abnormal:low", "too deep": "abnormal:low", "too distal": "abnormal:low", "low-lying": "abnormal:low",
    "low lying": "abnormal:low", "should be withdrawn": "abnormal:low", "should be retracted": "abnormal:low",
    "recommend withdrawal": "abnormal:low", "recommend retraction": "abnormal:low", "could be withdrawn": "abnormal:low",
    "too high": "abnormal:high", "too proximal": "abnormal:high", "too shallow": "abnormal:high",
    "high-riding": "abnormal:high", "should be advanced": "abnormal:high", "recommend advancement": "abnormal:high",
    "recommend advancing": "abnormal:high", "could be advanced": "abnormal:high",
    "malpositioned": "abnormal:position", "malposition": "abnormal:position", "misplaced": "abnormal:position",
    "in poor position": "abnormal:position", "suboptimally positioned": "abnormal:position",
    "in an unsatisfactory position": "abnormal:position", "kinked": "abnormal:position",
    "needs repositioning": "abnormal:position", "requires repositioning": "abnormal:position",
}

#: a question about the key is answered by a mention of these too (report wording for the same device)
DEVICE_ALIASES: dict[str, frozenset[str]] = {
    "nasogastric_tube": frozenset({"enteric_tube"}), "orogastric_tube": frozenset({"enteric_tube"}),
    "enteric_tube": frozenset({"nasogastric_tube", "orogastric_tube"}), "central_venous_catheter": frozenset({"picc"}),
}

#: where each device's tip belongs, and where it must not be; a tube "n cm above the carina" is
#: well placed within ``CARINA_CM``
GOOD_TIPS: dict[str, frozenset[str]] = {
    "endotracheal_tube": frozenset({"tip:above_carina"}),
    "nasogastric_tube": frozenset({"tip:stomach", "below:diaphragm"}), "orogastric_tube": frozenset({"tip:stomach", "below:diaphragm"}),
    "enteric_tube": frozenset({"tip:stomach", "below:diaphragm", "tip:duodenum"}),
    "central_venous_catheter": frozenset({"tip:svc", "tip:cavoatrial"}), "picc": frozenset({"tip:svc", "tip:cavoatrial"}),
}
BAD_TIPS: dict[str, frozenset[str]] = {
    "endotracheal_tube": frozenset({"tip:right_mainstem", "tip:left_mainstem", "tip:mainstem", "tip:carina",
                                    "tip:below_carina", "tip:esophagus", "tip:thoracic_inlet"}),
    "nasogastric_tube": frozenset({"tip:esophagus", "tip:ge_junction", "tip:right_mainstem", "tip:left_mainstem"}),
    "orogastric_tube": frozenset({"tip:esophagus", "tip:ge_junction", "tip:right_mainstem", "tip:left_mainstem"}),
    "enteric_tube": frozenset({"tip:esophagus", "tip:ge_junction", "tip:right_mainstem", "tip:left_mainstem"}),
    "central_venous_catheter": frozenset({"tip:right_ventricle", "tip:subclavian"}),
    "picc": frozenset({"tip:right_ventricle", "tip:subclavian"}),
}
CARINA_CM = (2.0, 7.0)

#: how a tube's course is said ("the tip terminates 4 cm above the carina"): no meaning of its own
DEVICE_VERBS = ("terminates", "terminate", "terminating", "terminated", "ends", "lies", "lie", "lying", "courses", "course",
                "coursing", "projects", "project", "extends", "extending", "sits", "seated")
DEVICE_FRAME = DEVICE_VERBS + ("tip", "tips", "approximately", "roughly", "from midline", "from the midline", "off midline",
                               "away from midline", "away from the midline")
