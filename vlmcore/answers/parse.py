"""``parse_answer``: free-text model output -> ``"yes" | "no" | "uncertain"``.

Reads the way a radiologist would, and never guesses: a hedge, a refusal, a
contradiction or an answer that does not address the question is ``uncertain``.
Order of rules (the first that decides wins; the rule is kept for the report):

1. empty / refusal / hedge / "yes and no" -> uncertain;
2. an explicit "answer: yes" -> that answer;
3. a leading yes/no word -> that answer, unless the rest contradicts it;
4. otherwise clause polarity: negation cues ("no evidence of", "without", "is not
   seen", "negative for") make a clause *no*; presence cues ("there is", "is present",
   "shows") make it *yes*. With the question given, only clauses that mention its
   finding count. Agreeing clauses decide; disagreement or no cue -> uncertain.
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
    r"subtle|question of|vs\.?|versus)\b"
)
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
    r"\bseen\b|\bvisible\b|\bnoted\b|\bidentified\b|\benlarged\b|\bconfirm(?:s|ed)?\b|\bindicat(?:es?|ive)\b"
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


def _by_clauses(text: str, question: str | None) -> ParsedAnswer:
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
    if _HEDGE.search(cleaned):
        return ParsedAnswer("uncertain", "hedge")
    explicit = _EXPLICIT.search(cleaned)
    if explicit:
        return ParsedAnswer(explicit.group(1), "explicit-answer")
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
