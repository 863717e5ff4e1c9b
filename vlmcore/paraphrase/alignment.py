"""Word-level alignment of a question and a candidate paraphrase.

Each side is read into *meaning units*: the finding (a known surface form, clinician synonym
or lay term, or "heart / cardiac silhouette" + "enlarged"), the sides named, the anatomical
location (lobe, zone, apex / base, central / peripheral, hilum...), size and severity words,
count words, normality words that invert a presence question ("normal", "clear", "intact",
"fully expanded", "within normal limits", "sharp"), and negation. What is left must be
*frame* words: the words the strategies use to ask ("is there", "can ... be seen", "on this
radiograph", "please determine whether"). A left-over content word is not understood, and
the check says so by name instead of assuming the meaning survived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vlmcore.data.findings import FINDINGS

FRAME_WORDS = frozenset("""
a an the any some this that these those it its there here is are was were be been being am do does did done can could
would will should shall may has have had of in on at to for from with by as and or if whether into onto upon within
you we i me your our their patient patients patient's image images picture film films radiograph radiographs radiography
radiographic radiographically xray xrays cxr chest study view scan exam examination photo
present presence seen see sees shown show shows showing visible visualized visualised visualize visualise evident
demonstrated demonstrate demonstrates identified identify identifiable noted note notable appreciated appreciate
appreciable appear appears appearing apparent look looks looking depicted depict depicts detected detect detectable
observed observe found find exist exists existing displayed display there's
evidence sign signs indication finding findings feature features
please determine tell question regarding about concerning located location area areas region regions
lung lungs field fields hemithorax thorax side sided anywhere somewhere part
""".split())
NEGATION = re.compile(r"\b(?:no|not|without|absent|absence|free of|negative for|none|never|nor|neither)\b|n't\b")
BINARY = re.compile(r"\byes or no\b|\byes/no\b|\bor not\b|\bpresent or absent\b|\bor absent\b")

#: normality words: a question about them is the *inverse* of a presence question
NORMALITY = {"normal": "normal", "unremarkable": "normal", "clear": "normal", "intact": "normal", "sharp": "normal",
             "expanded": "normal", "patent": "normal", "abnormal": "abnormal", "abnormality": "abnormal",
             "abnormalities": "abnormal", "abnormally": "abnormal", "pathologic": "abnormal", "pathological": "abnormal",
             "wrong": "abnormal"}
NORMALITY_PHRASES = (("within normal limits", "normal"), ("within normal size limits", "normal"), ("fully expanded", "normal"),
                     ("well expanded", "normal"), ("free of", "normal"))
SIDES = {"left": "left", "right": "right", "bilateral": "bilateral", "both": "bilateral", "bibasilar": "bilateral",
         "biapical": "bilateral", "bibasal": "bilateral", "left-sided": "left", "right-sided": "right", "left-side": "left",
         "right-side": "right", "unilateral": "unilateral", "bilaterally": "bilateral"}
LOCATIONS = {"upper": "upper", "middle": "middle", "lower": "lower", "lingula": "lingula", "lingular": "lingula",
             "apex": "apex", "apices": "apex", "apical": "apex", "biapical": "apex", "base": "base", "bases": "base",
             "basal": "base", "basilar": "base", "bibasilar": "base", "bibasal": "base", "central": "central",
             "peripheral": "peripheral", "periphery": "peripheral", "hilar": "hilum", "hilum": "hilum", "hila": "hilum",
             "perihilar": "perihilar", "retrocardiac": "retrocardiac", "mediastinal": "mediastinum",
             "mediastinum": "mediastinum", "costophrenic": "costophrenic", "subpleural": "subpleural", "mid": "mid",
             "midzone": "mid", "lobe": "lobe", "lobes": "lobe", "zone": "zone", "zones": "zone", "upper-lobe": "upper",
             "lower-lobe": "lower", "diaphragm": "diaphragm", "hemidiaphragm": "diaphragm", "subdiaphragmatic": "diaphragm"}
SIZES = {"small": "small", "little": "small", "tiny": "tiny", "minute": "tiny", "large": "large", "big": "large",
         "sizable": "large", "sizeable": "large", "huge": "huge", "massive": "huge", "moderate": "moderate",
         "mild": "mild", "minimal": "minimal", "trace": "trace", "severe": "severe", "marked": "severe",
         "extensive": "extensive", "significant": "significant", "subtle": "subtle", "focal": "focal", "diffuse": "diffuse",
         "enlarged": "enlarged", "increased": "increased", "decreased": "decreased", "widened": "widened", "wide": "widened",
         "wider": "widened", "widening": "widened", "flat": "flattened", "flattened": "flattened", "flattening": "flattened",
         "localized": "focal", "localised": "focal"}
COUNTS = {"single": "one", "solitary": "one", "one": "one", "isolated": "one", "lone": "one",
          "multiple": "many", "several": "many", "many": "many", "numerous": "many", "multifocal": "many",
          "two": "two", "three": "three", "four": "four", "all": "all", "every": "all"}

#: structure + predicate phrasings of a finding ("is the heart enlarged?")
STRUCTURE_FINDINGS = (
    (("heart", "cardiac", "silhouette", "contour", "size"), ("enlarged", "large", "larger", "increased", "big", "enlargement"),
     "cardiomegaly"),
)
#: word forms of a finding beyond its noun ("fractured", "broken")
MORPHOLOGY = {"fractured": "fracture", "broken": "fracture", "nodular": "nodule", "calcified": "calcification",
              "effused": "pleural_effusion", "collapsed": "atelectasis", "consolidated": "consolidation",
              "hyperinflated": "hyperinflation", "edematous": "edema", "oedematous": "edema", "atelectatic": "atelectasis",
              "scarred": "scarring", "tortuous": "aortic_tortuosity", "emphysematous": "emphysema"}


def _finding_forms() -> list[tuple[tuple[str, ...], str]]:
    from vlmcore.paraphrase.lexicon import CLINICAL_SYNONYMS, LAY_TERMS

    forms: dict[tuple[str, ...], str] = {}
    for finding, surface in FINDINGS.items():
        for form in surface:
            forms[tuple(tokens(form))] = finding
    for finding, surface in CLINICAL_SYNONYMS.items():
        for form in surface:
            forms[tuple(tokens(form))] = finding
    for finding, phrase in LAY_TERMS.items():
        words = [w for w in tokens(phrase) if w not in ("a", "an")]
        forms[tuple(words)] = finding
    return sorted(forms.items(), key=lambda item: -len(item[0]))  # longest first


_FORMS = lru_cache(maxsize=1)(_finding_forms)


def tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("x-ray", "xray").replace("x ray", "xray")
    text = re.sub(r"[^a-z0-9'\- ]+", " ", text)
    return [w.strip("-'") for w in text.split() if w.strip("-'")]


@dataclass
class Reading:
    """What one side says, unit by unit."""

    negations: int = 0
    findings: set = field(default_factory=set)
    sides: set = field(default_factory=set)
    locations: set = field(default_factory=set)
    sizes: set = field(default_factory=set)
    counts: set = field(default_factory=set)
    normality: set = field(default_factory=set)
    unknown: list = field(default_factory=list)


def _plural_stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "is", "us")) and len(word) > 3 else word


def read(text: str) -> Reading:
    lowered = BINARY.sub(" ", text.lower())
    reading = Reading(negations=len(NEGATION.findall(lowered)))
    words = tokens(lowered)
    used = [False] * len(words)
    for phrase, kind in NORMALITY_PHRASES:
        _consume(words, used, tuple(tokens(phrase)), lambda: reading.normality.add(kind))
    for form, finding in _FORMS():
        _consume(words, used, form, lambda finding=finding: reading.findings.add(finding))
        plural = form[:-1] + (form[-1] + "s",) if not form[-1].endswith("s") else None
        if plural:
            _consume(words, used, plural, lambda finding=finding: reading.findings.add(finding))
    for structures, predicates, finding in STRUCTURE_FINDINGS:
        has_structure = [i for i, w in enumerate(words) if not used[i] and w in structures]
        has_predicate = [i for i, w in enumerate(words) if not used[i] and w in predicates]
        if has_structure and has_predicate:
            reading.findings.add(finding)
            for i in has_structure + has_predicate:
                used[i] = True
    for i, word in enumerate(words):
        if used[i]:
            continue
        if NEGATION.fullmatch(word) or word in ("yes",):
            continue
        if word in MORPHOLOGY:
            reading.findings.add(MORPHOLOGY[word])
            continue
        if word in SIDES:
            reading.sides.add(SIDES[word])
        if word in LOCATIONS:
            reading.locations.add(LOCATIONS[word])
            if word in ("bibasilar", "biapical", "bibasal"):
                reading.sides.add("bilateral")
        elif word in SIZES:
            reading.sizes.add(SIZES[word])
        elif word in COUNTS:
            reading.counts.add(COUNTS[word])
        elif word in NORMALITY:
            reading.normality.add(NORMALITY[word])
        elif word not in SIDES and word not in FRAME_WORDS and _plural_stem(word) not in FRAME_WORDS:
            reading.unknown.append(_plural_stem(word))  # "rib" and "ribs" are one word to align
    return reading


def _consume(words: list[str], used: list[bool], form: tuple[str, ...], found) -> None:
    n = len(form)
    if not n:
        return
    for start in range(len(words) - n + 1):
        if tuple(words[start:start + n]) == form and not any(used[start:start + n]):
            for i in range(start, start + n):
                used[i] = True
            found()
