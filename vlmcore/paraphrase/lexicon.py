"""Radiology wording the strategies draw on: finding synonyms, lay terms, location forms."""

from __future__ import annotations

from vlmcore.data.findings import FINDINGS, finding_of
from vlmcore.language.lexicon import CLINICAL_SYNONYMS, LAY_TERMS

LOCATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "bibasilar": ("both lung bases", "bilateral lung bases"),
    "biapical": ("both lung apices",),
    "right-sided rib": ("right ribs",),
    "right rib": ("right-sided rib",),
    "left base": ("base of the left lung",),
    "right base": ("base of the right lung",),
    "lower zone": ("lower lung zone",),
    "left upper lobe": ("upper lobe of the left lung",),
    "right lower lobe": ("lower lobe of the right lung",),
}

#: a different finding to swap in for finding-swap controls
CONTRAST_FINDING: dict[str, str] = {
    "pleural_effusion": "pneumothorax", "pneumothorax": "pleural effusion", "cardiomegaly": "pneumothorax",
    "consolidation": "cardiomegaly", "nodule": "pleural effusion", "atelectasis": "cardiomegaly",
    "edema": "pneumothorax", "opacity": "cardiomegaly",
}


def synonyms_of(phrase: str) -> list[str]:
    """Other names for the finding in ``phrase`` (never the phrase itself)."""
    finding = finding_of(phrase)
    if finding == "unspecified":
        return []
    candidates = list(CLINICAL_SYNONYMS.get(finding, ())) + list(FINDINGS.get(finding, ()))
    own = phrase.strip().lower()
    return [c for c in dict.fromkeys(candidates) if c.lower() != own and len(c) > 3]


def lay_term(phrase: str) -> str | None:
    return LAY_TERMS.get(finding_of(phrase))


def location_synonyms(location: str | None) -> list[str]:
    if not location:
        return []
    return list(LOCATION_SYNONYMS.get(location, ()))
