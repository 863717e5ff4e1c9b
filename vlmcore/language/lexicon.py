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
    "pneumothorax": ("pneumothoraces",),
    "cardiomegaly": ("cardiac silhouette enlargement",),
    "edema": ("interstitial edema", "interstitial oedema", "edematous", "oedematous"),
    "atelectasis": ("atelectatic", "atelectases", "collapse"),
    "consolidation": ("consolidations", "consolidated", "consolidative opacity"),
    "opacity": ("opacities", "opacifications", "airspace opacity", "airspace opacities", "airspace disease"),
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
    "abnormality": ("abnormality", "abnormalities", "acute process", "cardiopulmonary process", "acute abnormality",
                    "cardiopulmonary abnormality", "acute cardiopulmonary process", "acute cardiopulmonary abnormality",
                    "acute cardiopulmonary disease", "acute disease", "intrathoracic process", "acute findings"),
}

#: anatomical structures: what a normality or size predicate is about
STRUCTURES: dict[str, str] = {
    "heart": "heart", "cardiac silhouette": "heart", "cardiac contour": "heart", "heart size": "heart",
    "cardiac size": "heart", "cardiothoracic ratio": "heart", "cardiomediastinal silhouette": "heart",
    "cardiomediastinal contours": "heart", "cardiac": "heart", "heart borders": "heart", "cardiac shadow": "heart",
    "lung": "lung", "lungs": "lung", "lung fields": "lung", "lung field": "lung", "lung parenchyma": "lung",
    "parenchyma": "lung", "lung volumes": "lung", "pulmonary": "lung",
    "costophrenic angle": "costophrenic", "costophrenic angles": "costophrenic", "costophrenic recess": "costophrenic",
    "angle": "costophrenic", "angles": "costophrenic",
    "pleura": "pleura", "pleurae": "pleura", "pleural space": "pleura", "pleural spaces": "pleura",
    "pleural cavity": "pleura", "pleural": "pleura",
    "ribs": "ribs", "rib cage": "ribs", "ribcage": "ribs", "bony thorax": "bone", "osseous structures": "bone", "bones": "bone", "skeleton": "bone",
    "chest": "chest", "chest x-ray": "chest", "chest xray": "chest", "chest radiograph": "chest", "study": "chest",
    "radiograph": "chest", "film": "chest", "examination": "chest", "exam": "chest", "xray": "chest", "cxr": "chest",
    "mediastinum": "mediastinum", "mediastinal contours": "mediastinum", "hila": "hilum", "hilum": "hilum",
    "hilar contours": "hilum", "aorta": "aorta", "trachea": "trachea", "diaphragm": "diaphragm",
    "hemidiaphragm": "diaphragm", "hemidiaphragms": "diaphragm",
}

#: a structure named inside a finding's location phrase ("a mass in the right hilum"): its location;
#: structures not listed ("in the left lung", "in the pleural space") add nothing but their side
STRUCTURE_LOCATIONS: dict[str, str] = {"hilum": "radial:hilar", "diaphragm": "diaphragm", "mediastinum": "radial:mediastinal",
                                       "costophrenic": "lower:costophrenic", "aorta": "aorta", "trachea": "trachea",
                                       "bone": "bone", "pleura": "pleura", "ribs": "bone:rib"}
#: locations a finding implies (an effusion is always in the pleural space)
IMPLIED_LOCATIONS: dict[str, frozenset[str]] = {"pleural_effusion": frozenset({"pleura"}), "pneumothorax": frozenset({"pleura"}),
                                                "pleural_thickening": frozenset({"pleura"}),
                                                "aortic_tortuosity": frozenset({"aorta"}), "aortic_elongation": frozenset({"aorta"})}
#: a structure's predicate that names a finding ("the heart is enlarged"); "borderline" leaves it open
STRUCTURE_PREDICATES: dict[str, dict[str, str]] = {
    "heart": {"enlarged": "cardiomegaly", "large": "cardiomegaly", "increased": "cardiomegaly", "big": "cardiomegaly",
              "enlargement": "cardiomegaly", "borderline": "cardiomegaly", "huge": "cardiomegaly", "larger": "cardiomegaly",
              "bigger": "cardiomegaly"},
    "lung": {"hyperinflated": "hyperinflation", "hyperexpanded": "hyperinflation", "increased": "hyperinflation"},
    "pleura": {"thickened": "pleural_thickening", "thickening": "pleural_thickening"},
    "aorta": {"elongated": "aortic_elongation", "elongation": "aortic_elongation", "lengthening": "aortic_elongation",
              "tortuous": "aortic_tortuosity"},
}
#: "fluid" is a finding only by where it is
FLUID_FINDINGS: dict[str, str] = {"pleura": "pleural_effusion", "lung": "edema"}

#: a normal structure excludes these findings ("lungs are clear": no airspace disease)
NORMAL_EXCLUDES: dict[str, frozenset[str]] = {
    "heart": frozenset({"cardiomegaly"}),
    "lung": frozenset({"consolidation", "opacity", "edema", "pneumonia", "atelectasis", "infiltrate", "nodule", "mass"}),
    "costophrenic": frozenset({"pleural_effusion"}),
    "pleura": frozenset({"pleural_effusion", "pneumothorax", "pleural_thickening"}),
    "bone": frozenset({"fracture"}),
    "ribs": frozenset({"fracture"}),
}
#: "the lung is fully expanded" speaks to collapse only
EXPANDED_EXCLUDES = frozenset({"pneumothorax", "atelectasis"})
#: what "no acute cardiopulmonary process" excludes
ACUTE_FINDINGS = frozenset({"pleural_effusion", "pneumothorax", "consolidation", "pneumonia", "edema", "atelectasis",
                            "opacity", "infiltrate"})

SIDES: dict[str, str] = {
    "left": "left", "right": "right", "bilateral": "bilateral", "bilaterally": "bilateral", "left-sided": "left",
    "right-sided": "right", "left-side": "left", "right-side": "right", "unilateral": "unilateral",
    "both sides": "bilateral", "both lungs": "bilateral", "both hemithoraces": "bilateral", "both pleural spaces": "bilateral",
    "either side": "bilateral", "each side": "bilateral", "bibasilar": "bilateral", "biapical": "bilateral",
    "bibasal": "bilateral",
}
#: "both" names a side only before these words ("both lungs"); otherwise it coordinates ("both X and Y")
BOTH_SIDES_NOUNS = frozenset({"lung", "lungs", "sides", "hemithoraces", "bases", "apices", "upper", "lower",
                              "costophrenic", "lobes", "base", "apex", "apical", "basilar", "basal"})

#: location words, normalised: a vertical zone, a lobe, a radial zone, a bone
LOCATIONS: dict[str, str] = {
    "upper": "upper", "upper lobe": "upper", "upper lobes": "upper", "upper zone": "upper", "upper lung": "upper",
    "apex": "upper:apex", "apices": "upper:apex", "apical": "upper:apex", "biapical": "upper:apex",
    "middle": "middle", "middle lobe": "middle", "mid": "middle", "midzone": "middle", "mid lung": "middle",
    "mid zone": "middle", "lingula": "middle:lingula", "lingular": "middle:lingula",
    "lower": "lower", "lower lobe": "lower", "lower lobes": "lower", "lower zone": "lower", "lower lung": "lower",
    "lower lung zone": "lower", "upper lung zone": "upper",
    "base": "lower:base", "bases": "lower:base", "basal": "lower:base", "basilar": "lower:base", "bibasilar": "lower:base",
    "bibasal": "lower:base", "lung base": "lower:base", "lung bases": "lower:base", "lung apex": "upper:apex",
    "lung apices": "upper:apex", "basilar area": "lower:base",
    "central": "radial:central", "peripheral": "radial:peripheral", "periphery": "radial:peripheral",
    "perihilar": "radial:perihilar", "hilar": "radial:hilar",
    "retrocardiac": "radial:retrocardiac", "subpleural": "radial:subpleural", "mediastinal": "radial:mediastinal",
    "costophrenic": "lower:costophrenic", "lobe": "lobe", "lobes": "lobe", "zone": "zone", "zones": "zone",
    "subdiaphragmatic": "diaphragm",
    "rib": "bone:rib", "clavicle": "bone:clavicle",
    "clavicles": "bone:clavicle", "scapula": "bone:scapula", "spine": "bone:spine", "vertebra": "bone:spine",
    "vertebral": "bone:spine", "sternum": "bone:sternum", "humerus": "bone:humerus", "bone": "bone", "bones": "bone",
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}

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
    "interval development of": "new", "new since": "new",
    "resolved": "resolved", "resolution": "resolved", "resolving": "resolving", "cleared": "resolved",
    "gone": "resolved", "gone away": "resolved", "disappeared": "resolved", "no longer": "resolved",
    "persistent": "persistent", "persisting": "persistent", "persists": "persistent", "persist": "persistent",
    "still": "persistent", "remains": "persistent", "remain": "persistent", "residual": "persistent",
    "again seen": "persistent", "redemonstrated": "persistent", "re-demonstrated": "persistent", "again noted": "persistent",
    "stable": "stable", "unchanged": "stable", "similar": "stable", "no change": "stable", "no interval change": "stable",
    "no significant change": "stable", "not changed": "stable", "without change": "stable",
    "no increase": "stable", "no significant interval change": "stable",
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
    "four": "four", "all": "all", "every": "all",
}

#: negation, scoped forward ("no X", "without X", "negative for X")
NEGATION_PRE = ("no", "without", "negative for", "free of", "clear of", "absence of", "neither", "nor",
                "no evidence of", "no sign of", "no signs of", "no radiographic evidence of", "none of", "never",
                "lack of", "rules out", "ruled out for", "no findings of", "not any")
#: negation, scoped backward ("X is absent", "X: none")
NEGATION_POST = ("ruled out", "excluded", "none", "negative", "is gone")
#: negation on whichever side holds the finding ("not a pneumothorax", "pneumothorax is not seen")
NEGATION_AUTO = ("not", "absent", "cannot see", "can not see", "do not see", "does not show", "did not see")
#: words after "no" that leave a smaller or doubtful finding open ("no significant effusion")
QUALIFIERS = frozenset({"significant", "definite", "definitive", "obvious", "convincing", "large", "sizable", "sizeable",
                        "substantial", "gross", "frank", "appreciable", "overt", "clear-cut", "major", "marked", "dense", "discrete", "well-defined"})
#: qualifier words that are no other unit
QUALIFIER_WORDS = ("definite", "definitive", "obvious", "convincing", "substantial", "gross", "frank", "appreciable",
                   "overt", "clear-cut", "major", "discrete")
#: uncertainty, scoped forward
HEDGE_PRE = ("possible", "probable", "questionable", "suspected", "suspicious for", "concerning for", "suggestive of",
             "suggests", "suggest", "suggesting", "could represent", "may represent", "might represent", "could reflect",
             "may reflect", "likely represents", "probably represents", "cannot exclude", "can not exclude",
             "cannot rule out", "can not rule out", "not rule out", "raises concern for", "worrisome for",
             "question of", "differential includes", "rule out", "indeterminate for", "equivocal for", "equivocal",
             "can't exclude", "presumed", "presumably", "may indicate", "might indicate", "could indicate",
             "may suggest", "could suggest", "might suggest", "may be due to", "could be due to", "may be related to",
             "consider", "cannot be certain", "can not be certain", "not certain", "raising concern for")
#: uncertainty, scoped backward ("X cannot be excluded")
HEDGE_POST = ("cannot be excluded", "can not be excluded", "not excluded", "cannot be ruled out", "can not be ruled out",
              "not ruled out", "is not excluded", "hard to exclude", "difficult to exclude", "not be excluded",
              "not be ruled out", "is suspected", "is questionable", "is uncertain", "is equivocal", "is indeterminate",
              "is not certain", "can't be excluded", "can't be ruled out")
#: uncertainty over both neighbours ("atelectasis versus consolidation")
HEDGE_BOTH = ("versus", "vs", "or possibly")
#: uncertainty on whichever side holds the finding ("the heart may be enlarged", "there may be X")
HEDGE_AUTO = ("may", "might", "could", "possibly", "probably", "likely", "perhaps", "maybe", "i think", "uncertain",
              "may be", "might be", "could be", "is likely", "is possible", "is probable", "also possible",
              "unclear", "indeterminate", "not sure", "difficult to say", "hard to tell", "hard to say",
              "difficult to tell", "cannot be certain", "can't be certain", "query", "doubtful", "i suspect")
#: a finding spoken of in general, not found on this film ("pneumonia typically appears as ...",
#: "to assess for cardiomegaly, ..."): ConText's hypothetical category, for the whole clause
HYPOTHETICAL = ("typically", "usually", "generally", "classically", "to assess for", "to evaluate for",
                "to determine whether", "to determine if", "to look for", "look for", "looking for", "check for",
                "to check for", "if present", "is defined as", "would appear", "would be seen", "i need to check",
                "in order to assess", "evaluating for", "assessing for", "evaluate for", "assess for", "one looks for",
                "screening for", "when evaluating", "when assessing")
#: "no opacity *to suggest* pneumonia": the negation carries over; without one it is a hedge
CARRY = ("to suggest", "to indicate", "to support", "that would suggest", "suggesting", "to explain")
#: negation-looking words that state presence ("no change in the effusion")
PSEUDO_NEGATION = ("no change in", "no interval change in", "no significant change in", "no increase in",
                   "no increase in the size of", "not only", "no significant interval change in", "no new change",
                   "without change in", "no decrease in")

#: normality predicates, by what they assert (a question about them inverts a presence question)
NORMAL: dict[str, str] = {
    "normal": "normal", "unremarkable": "normal", "within normal limits": "normal", "normal in size": "normal",
    "normal size": "normal", "normal in size and contour": "normal", "within normal size limits": "normal",
    "negative study": "normal", "normal-sized": "normal", "normal sized": "normal",
    "clear": "clear", "well aerated": "clear", "well-aerated": "clear", "aerated": "clear", "otherwise clear": "clear",
    "intact": "intact", "sharp": "sharp", "patent": "patent", "expanded": "expanded", "fully expanded": "expanded",
    "well expanded": "expanded", "well-expanded": "expanded",
}
ABNORMAL = ("abnormal", "pathologic", "pathological", "wrong")

COMPARATIVE_LARGER = ("larger", "bigger", "greater", "more extensive", "more prominent")
COMPARATIVE_SMALLER = ("smaller", "less extensive", "lesser")
COMPARATIVE_EQUAL = ("as large as", "as big as", "the same size as", "similar in size to", "equal to", "symmetric with")

#: "yes or no" and its kin ask for an answer; they are not a negation
BINARY = ("yes or no", "or not", "present or absent", "or absent", "yes/no", "yes or no answer")

#: words a question is asked with; they carry no meaning of their own
FRAME = frozenset(["a", "an", "the", "any", "some", "this", "that", "these", "those", "it", "its", "there", "here", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "can", "could", "would", "will", "should", "shall", "has", "have", "had", "of", "in", "on", "at", "to", "for", "from", "by", "as", "if", "whether", "into", "onto", "upon", "within", "you", "we", "i", "me", "your", "our", "their", "patient", "patients", "image", "images", "picture", "pictures", "radiographs", "radiography", "radiographic", "radiographically", "xrays", "view", "views", "scan", "scans", "photo", "photograph", "present", "presence", "seen", "see", "sees", "seeing", "shown", "show", "shows", "showing", "visible", "visualized", "visualised", "visualize", "visualise", "evident", "demonstrated", "demonstrate", "demonstrates", "demonstrating", "identified", "identify", "identifiable", "noted", "note", "notable", "appreciated", "appreciate", "appreciable", "appear", "appears", "appearing", "apparent", "look", "looks", "looking", "depicted", "depict", "depicts", "detected", "detect", "detectable", "observed", "observe", "observes", "found", "find", "exist", "exists", "existing", "displayed", "display", "exhibit", "exhibits", "exhibited", "evidence", "sign", "signs", "indication", "indications", "indicate", "indicates", "indicating", "finding", "findings", "feature", "features", "please", "determine", "tell", "question", "regarding", "about", "concerning", "located", "location", "area", "areas", "region", "regions", "field", "fields", "hemithorax", "hemithoraces", "thorax", "thoracic", "side", "sides", "sided", "anywhere", "somewhere", "part", "parts", "contain", "contains", "containing", "provide", "provides", "provided", "confirm", "confirmed", "confirms", "say", "describe", "described", "considered", "involve", "involves", "involving", "involved", "affect", "affects", "affected", "affecting", "involvement", "case", "there's", "what", "which", "radiographically", "clinically", "clinical", "reveal", "reveals", "revealed", "identifiable", "evidence", "also", "again", "now", "currently", "today", "both", "either", "each", "other", "otherwise", "given", "overall", "seen", "well", "visualised", "viewed", "depicted", "noticeable", "note", "characteristic", "characteristics", "space", "spaces", "cavity", "certain", "definitely", "clearly", "question", "questions", "answer", "let", "lets", "think", "step", "first", "second", "next", "then", "finally", "therefore", "so", "thus", "hence", "conclusion", "summary", "impression", "interval", "since", "prior", "previous", "previously", "compared", "comparison", "baseline", "before", "earlier", "study's", "prior's", "yesterday", "gotten", "getting", "got", "become", "became", "becoming", "size", "sized", "abnormally"])
#: frame words that end a noun phrase (verbs and function words a finding never takes as modifier)
VERBS = frozenset(["is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had", "can", "could", "would", "will", "should", "shall", "may", "might", "must", "see", "sees", "seen", "show", "shows", "shown", "demonstrate", "demonstrates", "demonstrated", "reveal", "reveals", "revealed", "appear", "appears", "appeared", "remain", "remains", "identified", "noted", "observed", "visualized", "visualised", "visible", "evident", "present", "suggest", "suggests", "represent", "represents", "indicate", "indicates", "involve", "involves", "involving", "contain", "contains", "persist", "persists", "measure", "measures", "measuring"])

#: every written form of a finding, canonical name by phrase
def finding_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for finding, surface in FINDINGS.items():
        for form in surface:
            forms[form.lower()] = finding
    for table in (CLINICAL_SYNONYMS, MORE_FORMS):
        for finding, surface in table.items():
            for form in surface:
                forms[form.lower()] = finding
    for finding, phrase in LAY_TERMS.items():
        forms[phrase.lower().removeprefix("a ").removeprefix("an ")] = finding
    forms.pop("broken rib", None)  # "broken" + "rib": a fracture *of a rib*, located like "rib fracture"
    return forms
