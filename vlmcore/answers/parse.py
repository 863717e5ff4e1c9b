"""``parse_answer``: free-text model output -> ``"yes" | "no" | "uncertain"``.

Reads the way a radiologist would, and never guesses: a hedge, a refusal, a
contradiction or an answer that does not address the question is ``uncertain``.
Order of rules (the first that decides wins; the rule is kept for the report):

1. empty / refusal / "yes and no" -> uncertain;
2. an explicit "answer: yes" (often after reasoning) -> that answer, unless a hedge follows it;
3. a hedge ("may", "suggests", "cannot be excluded", "concerning for") or a *qualified*
   negation ("no significant / definite / large X": a small or doubtful X is not excluded)
   -> uncertain;
4. a leading yes/no word -> that answer, unless the rest contradicts it;
5. a "finding: present / absent" label (markdown assessments) -> that answer;
6. otherwise clause polarity: negation cues ("no evidence of", "without", "is not
   seen", "negative for") make a clause *no*; presence cues ("there is", "is present",
   "shows", "consistent with", "compatible with", "diagnostic of") make it *yes*. With the
   question given, only clauses that mention its finding count. Agreeing clauses decide;
   disagreement or no cue -> uncertain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vlmcore.data.findings import FINDINGS, finding_of

_MARKDOWN = re.compile(r"[*_`#>]+|^\s*[-+•]\s+", re.MULTILINE)
_REFUSAL = re.compile(
    r"\b(?:i|we)\s+(?:cannot|can ?not|can't|am unable to|am not able to|'m unable to|'m not able to)\s+"
    r"(?:determine|tell|say|answer|provide|assess|interpret|diagnose|make|give|comment|evaluate|confirm)"
    r"|\bunable to (?:determine|assess|answer|tell|evaluate|interpret)"
    r"|\bas an ai\b|\bnot a (?:doctor|radiologist)\b|\bconsult (?:a|your)\b|\bi don'?t know\b|\bno image\b"
    r"|\bcannot be determined\b|\bnot (?:possible|able) to (?:determine|tell|say)\b|\bn/?a\b"
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|probabl[ey]|likely|unlikely|perhaps|maybe|suggest(?:s|ive)?|"
    r"uncertain|unclear|equivocal|indeterminate|questionable|borderline|not sure|cannot (?:be )?(?:excluded?|ruled? out)|"
    r"can'?t (?:be )?(?:excluded?|ruled? out)|not (?:be )?(?:excluded|ruled out)|difficult to (?:say|tell|assess)|hard to (?:say|tell)|"
    r"subtle|question of|vs\.?|versus|concerning for|suspicious for|suspected|suspicion|equivocal|"
    r"could (?:also )?represent|cannot exclude|can'?t exclude)\b"
)
_QUALIFIED_NEGATION = re.compile(
    r"\bno (?:significant|definite|definitive|obvious|convincing|large|sizable|sizeable|substantial|gross|frank|"
    r"appreciable|overt|clear-cut|major|marked)\b"
)
_LABEL = re.compile(r"(?P<form>[a-z][a-z ]*?)\s*[:=]\s*(?P<value>present|absent|yes|no|positive|negative|not seen|seen|none)\b")
_LABEL_VALUE = {"present": "yes", "yes": "yes", "positive": "yes", "seen": "yes",
                "absent": "no", "no": "no", "negative": "no", "not seen": "no", "none": "no"}
_BOTH = re.compile(r"\byes\s+(?:and|or|/)\s+no\b|\bno\s+(?:and|or|/)\s+yes\b|\byes/no\b")
_EXPLICIT = re.compile(r"\b(?:final answer|answer|response)\s*(?:is|:|=|-)?\s*(yes|no)\b")
_LEADING = re.compile(r"^(yes|yeah|yep|correct|affirmative|positive|present|no|nope|negative|absent|none|not)\b")
_LEADING_VALUE = {"yes": "yes", "yeah": "yes", "yep": "yes", "correct": "yes", "affirmative": "yes", "positive": "yes",
                  "present": "yes", "no": "no", "nope": "no", "negative": "no", "absent": "no", "none": "no", "not": "no"}
_NEGATION = re.compile(
    r"\bno\b|\bnot\b|n't\b|\bwithout\b|\bnegative for\b|\babsen(?:t|ce)\b|\bfree of\b|\bclear of\b|\bruled? out\b|"
    r"\bnone\b|\bneither\b|\bnor\b|\bresolved\b|\bexclude[sd]?\b"
)
_PRESENCE = re.compile(
    r"\bthere (?:is|are|appears?|seems?)\b|\b(?:is|are) (?:present|seen|visible|noted|identified|evident|demonstrated)\b|"
    r"\bpresent\b|\bshows?\b|\bdemonstrates?\b|\breveals?\b|\bconsistent with\b|\bevidence of\b|\bcompatible with\b|"
    r"\bseen\b|\bvisible\b|\bnoted\b|\bidentified\b|\benlarged\b|\bconfirm(?:s|ed)?\b|\bindicat(?:es?|ive)\b|"
    r"\bdiagnostic of\b"
)
_CLAUSES = re.compile(r"[.;:!?\n]|,\s*(?:but|however|although|though|while)\b|\bbut\b|\bhowever\b|\bwhereas\b")


@dataclass(frozen=True)
class ParsedAnswer:
    answer: str  # "yes" | "no" | "uncertain"
    rule: str  # which rule decided, for the report's parse path


def _clean(text: str) -> str:
    text = _MARKDOWN.sub(" ", text or "")
    text = text.replace("’", "'").lower()
    return re.sub(r"\s+", " ", text).strip(" \t\n\"'()[]")


def _clause_polarity(clause: str) -> str | None:
    if _NEGATION.search(clause):
        return "no"
    if _PRESENCE.search(clause):
        return "yes"
    return None


def _finding_forms(question: str | None) -> tuple[str, ...]:
    if not question:
        return ()
    finding = finding_of(question)
    return FINDINGS.get(finding, ())


def _by_label(text: str, question: str | None) -> ParsedAnswer | None:
    """"Pleural effusion: present" (a markdown assessment list): the label for the asked finding,
    or the only label when no question is given."""
    forms = _finding_forms(question)
    labels = [(m.group("form").strip(), _LABEL_VALUE[m.group("value")]) for m in _LABEL.finditer(text)]
    if forms:
        labels = [(form, value) for form, value in labels if any(re.search(rf"\b{re.escape(f)}\b", form) for f in forms)]
    values = {value for form, value in labels if not re.search(r"\b(?:answer|response)\b", form)}  # "answer: x" is rule 2's
    return ParsedAnswer(values.pop(), "finding-label") if len(values) == 1 else None


def _by_clauses(text: str, question: str | None) -> ParsedAnswer:
    labelled = _by_label(text, question)
    if labelled is not None:
        return labelled
    clauses = [c.strip() for c in _CLAUSES.split(text) if c and c.strip()]
    forms = _finding_forms(question)
    if forms:
        relevant = [c for c in clauses if any(re.search(rf"\b{re.escape(f)}\b", c) for f in forms)]
        clauses = relevant or clauses
    polarities = {p for p in (_clause_polarity(c) for c in clauses) if p}
    if len(polarities) == 1:
        answer = polarities.pop()
        return ParsedAnswer(answer, "negation-cue" if answer == "no" else "presence-cue")
    return ParsedAnswer("uncertain", "contradictory-clauses" if polarities else "does-not-address-question")


def explain_answer(text: str, question: str | None = None) -> ParsedAnswer:
    """The parsed answer and the rule that decided it."""
    cleaned = _clean(text)
    if not cleaned:
        return ParsedAnswer("uncertain", "empty")
    if _BOTH.search(cleaned):
        return ParsedAnswer("uncertain", "yes-and-no")
    if _REFUSAL.search(cleaned):
        return ParsedAnswer("uncertain", "refusal")
    explicit = list(_EXPLICIT.finditer(cleaned))
    if explicit:  # the last explicit answer, after any reasoning; a hedge after it reopens the question
        last = explicit[-1]
        if _HEDGE.search(cleaned[last.end():]) or _QUALIFIED_NEGATION.search(cleaned[last.end():]):
            return ParsedAnswer("uncertain", "hedge")
        return ParsedAnswer(last.group(1), "explicit-answer")
    if _HEDGE.search(cleaned):
        return ParsedAnswer("uncertain", "hedge")
    if _QUALIFIED_NEGATION.search(cleaned):
        return ParsedAnswer("uncertain", "qualified-negation")
    leading = _LEADING.match(cleaned)
    if leading:
        answer = _LEADING_VALUE[leading.group(1)]
        rest = cleaned[leading.end():].strip(" ,.!:-")
        rest_answer = _by_clauses(rest, question).answer if rest else None
        if answer == "yes" and rest_answer == "no":
            return ParsedAnswer("uncertain", "contradictory-leading-word")
        return ParsedAnswer(answer, "leading-word")
    return _by_clauses(cleaned, question)


def parse_answer(text: str, question: str | None = None) -> str:
    """``"yes"``, ``"no"`` or ``"uncertain"`` for a model's free-text answer."""
    return explain_answer(text, question).answer
