"""Chest X-ray findings: canonical names and the surface forms that name them.

Used to label each question with the finding it asks about (for per-finding results) and
by the paraphrase engine for synonym replacement and finding-swap controls.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: canonical finding -> surface forms, most specific first. Forms are lower case.
FINDINGS: dict[str, tuple[str, ...]] = {
    "pleural_effusion": ("pleural effusion", "fluid in the pleural space", "pleural fluid", "effusion"),
    "pneumothorax": ("pneumothorax", "collapsed lung", "ptx"),
    "cardiomegaly": ("cardiomegaly", "enlarged cardiac silhouette", "enlarged heart", "cardiac enlargement"),
    "edema": ("pulmonary edema", "pulmonary oedema", "edema", "oedema", "fluid overload"),
    "atelectasis": ("atelectasis", "atelectatic changes", "lung collapse"),
    "consolidation": ("consolidation", "airspace consolidation"),
    "pneumonia": ("pneumonia",),
    "opacity": ("opacity", "opacities", "opacification"),
    "nodule": ("nodule", "nodules", "pulmonary nodule"),
    "mass": ("mass", "lesion"),
    "fracture": ("fracture", "fractures", "broken rib"),
    "hernia": ("hernia",),
    "pleural_thickening": ("pleural thickening",),
    "calcification": ("calcification", "calcifications"),
    "kyphosis": ("kyphosis",),
    "metastasis": ("metastasis", "metastases", "metastatic disease"),
    "hyperinflation": ("hyperinflation", "hyperinflated", "hyperexpanded", "hyperexpansion"),
    "scarring": ("scarring", "scar", "fibrosis"),
    "bronchiectasis": ("bronchiectasis",),
    "air_collection": ("air collection",),
    "demineralization": ("demineralization", "demineralisation", "osteopenia"),
    "pulmonary_hypertension": ("pulmonary arterial hypertension", "pulmonary hypertension"),
    "vascular_redistribution": ("vascular redistribution",),
    "aortic_elongation": ("elongation of the descending aorta", "aortic elongation", "tortuous aorta"),
    "infiltrate": ("infiltrate", "infiltration", "infiltrates"),
    "emphysema": ("emphysema",),
    "vascular_congestion": ("pulmonary vascular congestion", "vascular congestion"),
    "granuloma": ("granuloma", "granulomas"),
    "pneumoperitoneum": ("free subdiaphragmatic gas", "free subdiaphragmatic air", "pneumoperitoneum"),
    "aortic_tortuosity": ("tortuosity of the thoracic aorta", "aortic tortuosity", "tortuosity"),
    # a normal structure, named so that "are lung markings present?" is not read as "is there a pneumothorax?"
    "lung_markings": ("lung markings", "vascular markings"),
}


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    form_to_finding = {form: name for name, forms in FINDINGS.items() for form in forms}
    ordered = sorted(form_to_finding, key=len, reverse=True)
    alternatives = "|".join(re.escape(form) for form in ordered)
    return re.compile(rf"\b(?:{alternatives})\b"), form_to_finding


def finding_of(question: str) -> str:
    """The canonical finding a question asks about, or ``"unspecified"``."""
    pattern, form_to_finding = _pattern()
    match = pattern.search(question.lower())
    return form_to_finding[match.group(0)] if match else "unspecified"
