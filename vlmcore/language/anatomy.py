"""Chest anatomy as typed units: structures and what their predicates name, sides, locations.

A structure is what a normality or size predicate is about ("the heart is enlarged", "the
lungs are clear"); a side or a location binds to the finding beside it. Re-exported by
``lexicon`` so every reader sees one vocabulary.
"""

from __future__ import annotations

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
    "pulmonary vessels": "vessels", "vessels": "vessels", "pulmonary vasculature": "vessels", "vasculature": "vessels",
    "pulmonary vascularity": "vessels", "vascularity": "vessels",
}

#: a structure named inside a finding's location phrase ("a mass in the right hilum"): its location;
#: structures not listed ("in the left lung", "in the pleural space") add nothing but their side
STRUCTURE_LOCATIONS: dict[str, str] = {"hilum": "radial:hilar", "diaphragm": "diaphragm", "mediastinum": "radial:mediastinal",
                                       "costophrenic": "lower:costophrenic", "aorta": "aorta", "trachea": "trachea",
                                       "bone": "bone", "pleura": "pleura", "ribs": "bone:rib"}
#: locations a finding implies (an effusion is always in the pleural space)
IMPLIED_LOCATIONS: dict[str, frozenset[str]] = {"pleural_effusion": frozenset({"pleura"}), "pneumothorax": frozenset({"pleura"}),
                                                "pleural_thickening": frozenset({"pleura"}),
                                                "aortic_tortuosity": frozenset({"aorta"}), "aortic_elongation": frozenset({"aorta"}),
                                                "costophrenic_blunting": frozenset({"lower:costophrenic"}),
                                                "diaphragm_elevation": frozenset({"diaphragm"}),
                                                "diaphragm_flattening": frozenset({"diaphragm"}),
                                                "tracheal_deviation": frozenset({"trachea"}),
                                                "mediastinal_shift": frozenset({"radial:mediastinal"}),
                                                "mediastinal_widening": frozenset({"radial:mediastinal"})}
#: a structure's predicate that names a finding ("the heart is enlarged"); "borderline" leaves it open
STRUCTURE_PREDICATES: dict[str, dict[str, str]] = {
    "heart": {"enlarged": "cardiomegaly", "large": "cardiomegaly", "increased": "cardiomegaly", "big": "cardiomegaly",
              "enlargement": "cardiomegaly", "borderline": "cardiomegaly", "huge": "cardiomegaly", "larger": "cardiomegaly",
              "bigger": "cardiomegaly"},
    "lung": {"hyperinflated": "hyperinflation", "hyperexpanded": "hyperinflation", "increased": "hyperinflation"},
    "pleura": {"thickened": "pleural_thickening", "thickening": "pleural_thickening"},
    "aorta": {"elongated": "aortic_elongation", "elongation": "aortic_elongation", "lengthening": "aortic_elongation",
              "tortuous": "aortic_tortuosity"},
    "trachea": {"deviated": "tracheal_deviation", "shifted": "tracheal_deviation", "displaced": "tracheal_deviation",
                "deviation": "tracheal_deviation", "shift": "tracheal_deviation"},
    "mediastinum": {"widened": "mediastinal_widening", "widening": "mediastinal_widening", "wide": "mediastinal_widening",
                    "broadened": "mediastinal_widening", "shifted": "mediastinal_shift", "deviated": "mediastinal_shift",
                    "displaced": "mediastinal_shift", "shift": "mediastinal_shift"},
    "diaphragm": {"elevated": "diaphragm_elevation", "raised": "diaphragm_elevation", "elevation": "diaphragm_elevation",
                  "flattened": "diaphragm_flattening", "flat": "diaphragm_flattening", "flattening": "diaphragm_flattening",
                  "depressed": "diaphragm_flattening"},
    "costophrenic": {"blunted": "costophrenic_blunting", "blunting": "costophrenic_blunting",
                     "obliterated": "costophrenic_blunting"},
    "vessels": {"congested": "vascular_congestion", "engorged": "vascular_congestion", "congestion": "vascular_congestion"},
}
#: predicate words that mean something only of a structure ("the trachea is *deviated*"); beside a
#: finding they are words not understood. Words another table knows ("enlarged": a size) keep that kind.
PREDICATE_WORDS = tuple(sorted({word for named in STRUCTURE_PREDICATES.values() for word in named}))
#: "fluid" is a finding only by where it is
FLUID_FINDINGS: dict[str, str] = {"pleura": "pleural_effusion", "lung": "edema"}

#: a normal structure excludes these findings ("lungs are clear": no airspace disease)
NORMAL_EXCLUDES: dict[str, frozenset[str]] = {
    "heart": frozenset({"cardiomegaly"}),
    "lung": frozenset({"consolidation", "opacity", "edema", "pneumonia", "atelectasis", "infiltrate", "nodule", "mass"}),
    "costophrenic": frozenset({"pleural_effusion", "costophrenic_blunting"}),
    "trachea": frozenset({"tracheal_deviation"}),
    "mediastinum": frozenset({"mediastinal_widening", "mediastinal_shift"}),
    "diaphragm": frozenset({"diaphragm_elevation", "diaphragm_flattening", "pneumoperitoneum", "free_air"}),
    "vessels": frozenset({"vascular_congestion", "edema"}),
    "pleura": frozenset({"pleural_effusion", "pneumothorax", "pleural_thickening"}),
    "bone": frozenset({"fracture"}),  # also what "no acute osseous abnormality" rules out
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
    "both sides": "bilateral", "both hemithoraces": "bilateral", "each hemithorax": "bilateral", "each lung": "bilateral",
    "rightward": "right", "leftward": "left", "to the right": "right", "to the left": "left", "both pleural spaces": "bilateral",
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
    "bibasal": "lower:base", "osseous": "bone", "bony": "bone", "skeletal": "bone", "lung base": "lower:base", "lung bases": "lower:base", "lung apex": "upper:apex",
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
