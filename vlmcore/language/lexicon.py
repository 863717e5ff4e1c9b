"""Chest X-ray wording as typed units: findings, structures, sides, locations, sizes, time and
change, negation and uncertainty cues, normality, comparison.

One table per kind of unit, phrases as they are written (lower case, one space between words).
``chunks`` matches them longest first over a text's tokens. The trigger vocabulary follows the
ConText family (Chapman et al., "ConText: an algorithm for determining negation, experiencer,
and temporal status from clinical reports", J Biomed Inform 2009): *pre* triggers scope
forward, *post* triggers backward, and a few (``not``, modal hedges) take whichever side holds
the finding.
"""

from __future__ import annotations

from vlmcore.data.findings import FINDINGS
from vlmcore.language.devices import DEVICE_ALIASES, DEVICE_FRAME, DEVICE_VERBS, DEVICES
from vlmcore.language.anatomy import (  # noqa: F401 (re-exported: one vocabulary)
    STRUCTURES, STRUCTURE_LOCATIONS, IMPLIED_LOCATIONS, STRUCTURE_PREDICATES, FLUID_FINDINGS,
    NORMAL_EXCLUDES, EXPANDED_EXCLUDES, ACUTE_FINDINGS, SIDES, BOTH_SIDES_NOUNS, LOCATIONS, ORDINALS, PREDICATE_WORDS,
)
from vlmcore.language.cue_words import (  # noqa: F401 (re-exported: one vocabulary)
    NEGATION_PRE, NEGATION_POST, NEGATION_AUTO, QUALIFIERS, QUALIFIER_WORDS, HEDGE_PRE, HEDGE_POST,
    HEDGE_BOTH, HEDGE_AUTO, HYPOTHETICAL, CARRY, PSEUDO_NEGATION, NORMAL, ABNORMAL, COMPARATIVE_LARGER,
    COMPARATIVE_SMALLER, COMPARATIVE_EQUAL, COMPARATIVE_EXCEEDS, COMPARATIVE_HIGHER, COMPARATIVE_LOWER, BINARY,
)

#: a sign and the finding it suggests, or a part and its whole: a question about one may be meant as
#: the other, so a swap between them is left unverified rather than called a change of finding
RELATED_FINDINGS: frozenset[frozenset[str]] = frozenset(frozenset(pair) for pair in (
    ("subdiaphragmatic_air", "pneumoperitoneum"), ("free_air", "pneumoperitoneum"), ("free_air", "subdiaphragmatic_air"),
    ("free_air", "pneumothorax"), ("tracheal_deviation", "mediastinal_shift"), ("costophrenic_blunting", "pleural_effusion"),
    ("air_collection", "subcutaneous_emphysema"), ("air_collection", "pneumothorax"),
))

#: for the answer reader: a question about the key is answered by a mention of these too ("free air
#: under the diaphragm" is the sign a radiologist reads as a pneumoperitoneum; a hydropneumothorax
#: is a pneumothorax with fluid; "enteric tube" is the report's word for a nasogastric tube)
ANSWERED_BY: dict[str, frozenset[str]] = {
    **DEVICE_ALIASES, "pneumoperitoneum": frozenset({"subdiaphragmatic_air"}),
    "pneumothorax": frozenset({"hydropneumothorax"}), "pleural_effusion": frozenset({"hydropneumothorax"}),
}

#: clinician synonyms beyond the canonical surface forms (the synonym strategy draws on them too)
CLINICAL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pleural_effusion": ("fluid in the pleural space", "pleural fluid"),
    "pneumothorax": ("collapsed lung", "PTX"),
    "cardiomegaly": ("enlarged heart", "enlarged cardiac silhouette", "cardiac enlargement"),
    "edema": ("pulmonary oedema", "pulmonary edema", "fluid overload"),
    "atelectasis": ("atelectatic changes", "lung collapse"),
    "consolidation": ("airspace consolidation",),
    "opacity": ("opacification",),
    "nodule": ("pulmonary nodule",),
    "fracture": ("broken rib",),
    "pleural_thickening": ("thickening of the pleura",),
    "hyperinflation": ("hyperexpanded lungs",),
}

#: how a patient would say it (register shift to lay language)
LAY_TERMS: dict[str, str] = {
    "pleural_effusion": "fluid around the lung",
    "pneumothorax": "a collapsed lung",
    "cardiomegaly": "an enlarged heart",
    "edema": "fluid in the lungs",
    "atelectasis": "a partly collapsed lung",
    "consolidation": "a dense patch in the lung",
    "pneumonia": "a lung infection",
    "nodule": "a small spot on the lung",
    "fracture": "a broken bone",
    "opacity": "a hazy area",
}

#: further written forms of known findings (word forms, report shorthand)
MORE_FORMS: dict[str, tuple[str, ...]] = {
    "pleural_effusion": ("effusions", "pleural effusions", "hydrothorax", "effused", "pleural fluid collection",
                         "pleural fluid accumulation", "pleural fluid collections"),
    "pneumothorax": ("pneumothoraces", "air in the pleural space", "air in the pleural cavity", "pleural air"),
    "cardiomegaly": ("cardiac silhouette enlargement",),
    "edema": ("interstitial edema", "interstitial oedema", "edematous", "oedematous"),
    "atelectasis": ("atelectatic", "atelectases", "collapse"),
    "consolidation": ("consolidations", "consolidated", "consolidative opacity"),
    # "increased opacity" describes the opacity; it is not a change over time
    "opacity": ("opacities", "opacifications", "airspace opacity", "airspace opacities", "airspace disease", "increased opacity",
                "increased opacities", "increased opacification", "increased density", "increased densities"),
    "pneumoperitoneum": ("free intraperitoneal air", "free intraperitoneal gas", "intraperitoneal free air"),
    "vascular_congestion": ("congestion", "pulmonary venous congestion", "venous congestion"),
    "nodule": ("nodular", "nodules"),
    "mass": ("masses", "lesions"),
    "fracture": ("fractured", "broken", "break", "fractures"),
    "hyperinflation": ("hyperinflated", "hyperexpanded"),
    "emphysema": ("emphysematous", "emphysematous changes"),
    "scarring": ("scarred", "scars"),
    "aortic_tortuosity": ("tortuous",),
    "pneumonia": ("pneumonias",),
    "infiltrate": ("infiltrates",),
    "granuloma": ("granulomata",),
    "fluid": ("fluid", "free fluid", "fluid collection", "fluid accumulation"),
    # a global statement about the whole study; "no abnormality" excludes every finding
    "abnormality": ("abnormality", "abnormalities", "anything abnormal", "something abnormal", "abnormal finding",
                    "abnormal findings", "acute process", "cardiopulmonary process", "acute abnormality",
                    "cardiopulmonary abnormality", "acute cardiopulmonary process", "acute cardiopulmonary abnormality",
                    "acute cardiopulmonary disease", "acute disease", "intrathoracic process", "acute findings"),
}

#: findings the shared finding list (``vlmcore.data.findings``) does not name, read here so that a
#: swap between near neighbours ("pleural" / "pericardial effusion", "pneumothorax" /
#: "pneumomediastinum") is a known change of finding, not an unknown word
MORE_FINDINGS: dict[str, tuple[str, ...]] = {
    "pericardial_effusion": ("pericardial effusion", "pericardial effusions", "pericardial fluid"),
    "pneumomediastinum": ("pneumomediastinum", "mediastinal emphysema", "air in the mediastinum"),
    "pneumopericardium": ("pneumopericardium",),
    "hydropneumothorax": ("hydropneumothorax", "hydropneumothoraces"),
    "abscess": ("abscess", "lung abscess", "pulmonary abscess", "abscesses"),
    "subcutaneous_emphysema": ("subcutaneous emphysema", "subcutaneous air", "subcutaneous gas", "soft tissue emphysema",
                               "soft tissue air", "surgical emphysema", "air in the subcutaneous tissues",
                               "air in the subcutaneous tissue", "air in the soft tissues", "gas in the soft tissues",
                               "air collection in subcutaneous tissue", "air collection in the subcutaneous tissues"),
    "hyperlucency": ("hyperlucency", "hyperlucent", "increased lucency", "decreased opacity", "lucency", "lucencies"),
    "hypoinflation": ("hypoinflation", "hypoinflated", "low lung volumes", "low lung volume", "hypoventilation",
                      "poor inspiration", "shallow inspiration"),
    "hiatal_hernia": ("hiatal hernia", "hiatus hernia", "hiatal hernias"),
    "free_air": ("free air", "free gas"),
    # the radiographic sign, kept apart from the diagnosis it suggests (pneumoperitoneum); the shared
    # finding list names "free subdiaphragmatic air" as pneumoperitoneum, overridden here
    "subdiaphragmatic_air": ("free subdiaphragmatic gas", "free subdiaphragmatic air", "subdiaphragmatic free air",
                             "subdiaphragmatic air", "subdiaphragmatic gas", "free air under the diaphragm",
                             "free air below the diaphragm", "free air beneath the diaphragm", "free air underneath the diaphragm",
                             "free air under the hemidiaphragms", "free gas under the diaphragm", "air under the diaphragm"),
    "air_bronchogram": ("air bronchogram", "air bronchograms"),
    "costophrenic_blunting": ("blunting", "costophrenic blunting", "blunting of the costophrenic angle",
                              "blunting of the costophrenic angles"),
    "mediastinal_widening": ("mediastinal widening", "widened mediastinum", "wide mediastinum", "widening of the mediastinum",
                             "mediastinal enlargement"),
    "mediastinal_shift": ("mediastinal shift", "shift of the mediastinum", "mediastinal deviation", "shift", "midline shift"),
    "tracheal_deviation": ("tracheal deviation", "deviation of the trachea", "tracheal shift", "deviated trachea", "deviation"),
    "diaphragm_elevation": ("elevation", "diaphragmatic elevation", "hemidiaphragm elevation", "elevated hemidiaphragm",
                            "elevation of the hemidiaphragm"),
    "diaphragm_flattening": ("diaphragmatic flattening", "flattened hemidiaphragms", "flattened diaphragm",
                             "flattening of the diaphragm", "flattening of the hemidiaphragms"),
}


SIZES: dict[str, str] = {
    "small": "small", "little": "small", "tiny": "tiny", "minute": "tiny", "large": "large", "big": "large",
    "sizable": "large", "sizeable": "large", "huge": "huge", "massive": "huge", "moderate": "moderate",
    "moderately": "moderate", "mild": "mild", "mildly": "mild", "minimal": "minimal", "trace": "trace",
    "severe": "severe", "severely": "severe", "marked": "severe", "markedly": "severe", "extensive": "extensive",
    "significant": "significant", "subtle": "subtle", "focal": "focal", "diffuse": "diffuse", "localized": "focal",
    "localised": "focal", "enlarged": "enlarged", "enlargement": "enlarged", "widened": "widened", "wide": "widened",
    "widening": "widened", "flat": "flattened", "flattened": "flattened", "flattening": "flattened", "patchy": "patchy",
    "thickened": "thickened", "thickening": "thickened", "dense": "dense", "borderline": "borderline", "larger than normal": "enlarged",
    "bigger than normal": "enlarged", "wider than normal": "widened", "smaller than normal": "small",
    "larger than usual": "enlarged", "abnormally large": "enlarged", "abnormally wide": "widened", "layering": "layering", "hazy": "hazy",
}

#: time and change: a meaning unit of its own (issue 31); "resolved" means absent now
TIME: dict[str, str] = {
    "acute": "acute", "acutely": "acute", "chronic": "chronic", "chronically": "chronic", "old": "chronic",
    "longstanding": "chronic", "long-standing": "chronic", "remote": "chronic", "healed": "healed", "healing": "healed",
    "new": "new", "newly": "new", "newly developed": "new", "developed": "new", "development": "new",
    "interval development of": "new", "new since": "new", "recent": "acute", "recently": "acute",
    # the film before, not this one: a finding only "previously seen" is not asserted now
    "previously seen": "prior", "previously noted": "prior", "previously reported": "prior", "previously described": "prior",
    "previously demonstrated": "prior", "previously identified": "prior", "previously visualized": "prior",
    "resolved": "resolved", "resolution": "resolved", "resolving": "resolving", "cleared": "resolved",
    "gone": "resolved", "gone away": "resolved", "disappeared": "resolved", "no longer": "resolved",
    # a device taken out is gone like a resolved finding
    "removal": "resolved", "removed": "resolved", "interval removal of": "resolved", "has been removed": "resolved",
    "extubated": "resolved",
    "persistent": "persistent", "persisting": "persistent", "persists": "persistent", "persist": "persistent",
    "still": "persistent", "remains": "persistent", "remain": "persistent", "residual": "persistent",
    "again seen": "persistent", "redemonstrated": "persistent", "re-demonstrated": "persistent", "again noted": "persistent",
    "stable": "stable", "unchanged": "stable", "similar": "stable", "no change": "stable", "no interval change": "stable",
    "no significant change": "stable", "not changed": "stable", "without change": "stable",
    "no increase": "stable", "no significant interval change": "stable", "remained the same": "stable",
    "remains the same": "stable", "remain the same": "stable", "stayed the same": "stable", "stays the same": "stable",
    "the same as before": "stable", "the same as on the prior": "stable",
    "change": "changed", "changed": "changed", "changes": "changed", "changing": "changed", "interval change": "changed",
    "improved": "improved", "improving": "improved", "improvement": "improved", "better": "improved",
    "worse": "worsened", "worsened": "worsened", "worsening": "worsened", "progressed": "worsened", "progression": "worsened",
    "progressive": "worsened", "increased": "increased", "increasing": "increased", "increase": "increased",
    "enlarging": "increased", "grown": "increased", "getting larger": "increased", "larger": "increased",
    "bigger": "increased", "decreased": "decreased", "decreasing": "decreased", "decrease": "decreased",
    "smaller": "decreased", "reduced": "decreased", "getting smaller": "decreased",
    "recurrent": "recurrent", "recurrence": "recurrent", "recurred": "recurrent",
    "history of": "history", "past history of": "history", "prior history of": "history", "h/o": "history",
    "known history of": "history",
}
#: time classes that say the finding is gone now
ABSENT_NOW = frozenset({"resolved"})
#: the question asks for something recent; a finding described as long-standing is another one
RECENT = frozenset({"new", "acute"})
LONGSTANDING = frozenset({"chronic", "healed", "stable", "persistent"})

#: kinds of a finding that make it another question ("tension" pneumothorax)
KINDS: dict[str, str] = {"tension": "tension", "cavitary": "cavitary", "cavitating": "cavitary", "displaced": "displaced",
                         "nondisplaced": "nondisplaced", "non-displaced": "nondisplaced", "calcified": "calcified"}

COUNTS: dict[str, str] = {
    "single": "one", "solitary": "one", "one": "one", "isolated": "one", "lone": "one", "multiple": "many",
    "several": "many", "many": "many", "numerous": "many", "multifocal": "many", "two": "two", "three": "three",
    "four": "four", "all": "all", "every": "all", "more than one": "many", "one or more": "many",
}


#: words a question is asked with; they carry no meaning of their own
FRAME = frozenset(["a", "an", "the", "any", "some", "this", "that", "these", "those", "it", "its", "there", "here", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "can", "could", "would", "will", "should", "shall", "has", "have", "had", "of", "in", "on", "at", "to", "for", "from", "by", "as", "if", "whether", "into", "onto", "upon", "within", "you", "we", "i", "me", "your", "our", "their", "patient", "patients", "image", "images", "picture", "pictures", "radiographs", "radiography", "radiographic", "radiographically", "xrays", "view", "views", "scan", "scans", "photo", "photograph", "present", "presence", "seen", "see", "sees", "seeing", "shown", "show", "shows", "showing", "visible", "visualized", "visualised", "visualize", "visualise", "evident", "demonstrated", "demonstrate", "demonstrates", "demonstrating", "identified", "identify", "identifiable", "noted", "note", "notable", "appreciated", "appreciate", "appreciable", "appear", "appears", "appearing", "apparent", "look", "looks", "looking", "depicted", "depict", "depicts", "detected", "detect", "detectable", "observed", "observe", "observes", "found", "find", "exist", "exists", "existing", "displayed", "display", "exhibit", "exhibits", "exhibited", "evidence", "sign", "signs", "indication", "indications", "indicate", "indicates", "indicating", "finding", "findings", "feature", "features", "please", "determine", "tell", "question", "regarding", "about", "concerning", "located", "location", "area", "areas", "region", "regions", "field", "fields", "hemithorax", "hemithoraces", "thorax", "thoracic", "side", "sides", "sided", "anywhere", "somewhere", "part", "parts", "contain", "contains", "containing", "provide", "provides", "provided", "confirm", "confirmed", "confirms", "say", "describe", "described", "considered", "involve", "involves", "involving", "involved", "affect", "affects", "affected", "affecting", "involvement", "case", "there's", "what", "which", "radiographically", "clinically", "clinical", "reveal", "reveals", "revealed", "identifiable", "evidence", "also", "again", "now", "currently", "today", "both", "either", "each", "other", "otherwise", "given", "overall", "seen", "well", "visualised", "viewed", "depicted", "noticeable", "note", "characteristic", "characteristics", "space", "spaces", "cavity", "certain", "clearly", "question", "questions", "answer", "let", "lets", "think", "step", "first", "second", "next", "then", "finally", "therefore", "so", "thus", "hence", "conclusion", "summary", "impression", "interval", "since", "prior", "previous", "previously", "compared", "comparison", "baseline", "before", "earlier", "study's", "prior's", "yesterday", "gotten", "getting", "got", "become", "became", "becoming", "size", "sized", "abnormally"])
#: frame words that end a noun phrase (verbs and function words a finding never takes as modifier)
VERBS = frozenset(["is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had", "can", "could", "would", "will", "should", "shall", "may", "might", "must", "see", "sees", "seen", "show", "shows", "shown", "demonstrate", "demonstrates", "demonstrated", "reveal", "reveals", "revealed", "appear", "appears", "appeared", "remain", "remains", "identified", "noted", "observed", "visualized", "visualised", "visible", "evident", "present", "suggest", "suggests", "represent", "represents", "indicate", "indicates", "involve", "involves", "involving", "contain", "contains", "persist", "persists", "measure", "measures", "measuring"])

FRAME = FRAME | frozenset(DEVICE_FRAME)
VERBS = VERBS | frozenset(DEVICE_VERBS)

#: every written form of a finding, canonical name by phrase
def finding_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for finding, surface in FINDINGS.items():
        for form in surface:
            forms[form.lower()] = finding
    for table in (CLINICAL_SYNONYMS, MORE_FORMS, MORE_FINDINGS, DEVICES):
        for finding, surface in table.items():
            for form in surface:
                forms[form.lower()] = finding
    for finding, phrase in LAY_TERMS.items():
        forms[phrase.lower().removeprefix("a ").removeprefix("an ")] = finding
    forms.pop("broken rib", None)  # "broken" + "rib": a fracture *of a rib*, located like "rib fracture"
    return forms
