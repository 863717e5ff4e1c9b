"""``check_paraphrase``: is a candidate really the same question as the base?

Rule-based and conservative about meaning, lenient about wording. A candidate is rejected
when it changes:

- negation (an odd number of negation cues on one side only: "Is there no effusion?");
- laterality (the set of sides named: left / right / bilateral);
- the finding (both name a known finding and they differ);
- a quantifier that changes the claim (single / multiple / all / a number);
- a polarity pair (normal <-> abnormal, visualised <-> obscured).

With ``embeddings=True`` a candidate that passes the rules must also be close in meaning by
sentence-embedding cosine similarity (>= 0.5) when a local sentence-embedding model is
installed (see ``embedding_check``); without one the verdict says the check was skipped. It
is opt-in so generated datasets do not depend on what a machine has installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vlmcore.data.findings import finding_of

_NEGATION = re.compile(r"\b(?:no|not|without|absent|absence|free of|negative for|none|never)\b|n't\b")
_BINARY = re.compile(r"\byes or no\b|\byes/no\b")
_SIDES = {"left": "left", "right": "right", "bilateral": "bilateral", "bibasilar": "bilateral", "biapical": "bilateral",
          "both": "bilateral", "left-sided": "left", "right-sided": "right"}
_SIDE_WORDS = re.compile(r"\b(left-sided|right-sided|left|right|bilateral|bibasilar|biapical|both)\b")
_QUANTIFIERS = re.compile(r"\b(single|solitary|multiple|several|many|all|every|one|two|three|four|numerous)\b")
_POLARITY = [
    (re.compile(r"\babnormal(?:ity|ities)?\b"), re.compile(r"\b(?<!ab)normal\b")),
    (re.compile(r"\b(?:obscured|hidden|effaced)\b"), re.compile(r"\b(?:clearly visuali[sz]ed|visuali[sz]ed|well seen|visible)\b")),
]


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str

    def __bool__(self) -> bool:
        return self.valid


def _negations(text: str) -> int:
    return len(_NEGATION.findall(_BINARY.sub(" ", text)))


def _sides(text: str) -> set[str]:
    return {_SIDES[w] for w in _SIDE_WORDS.findall(text)}


def _polarity_changed(base: str, candidate: str) -> bool:
    for negative, positive in _POLARITY:
        if bool(negative.search(base)) != bool(negative.search(candidate)) and (
            bool(positive.search(base)) or bool(positive.search(candidate))
        ):
            return True
    return False


def check_paraphrase(base: str, candidate: str, *, embeddings: bool = False) -> Verdict:
    verdict = _check_rules(base, candidate)
    if not verdict.valid or not embeddings:
        return verdict
    from vlmcore.paraphrase.embedding_check import SIMILARITY_THRESHOLD, local_model_folder, similarity

    folder = local_model_folder()
    if folder is None:
        return Verdict(True, verdict.reason + "; embedding check skipped: no local sentence-embedding model")
    score = similarity(base, candidate, folder)
    if score < SIMILARITY_THRESHOLD:
        return Verdict(False, f"embedding similarity {score:.2f} < {SIMILARITY_THRESHOLD}")
    return Verdict(True, verdict.reason + f"; embedding similarity {score:.2f}")


def _check_rules(base: str, candidate: str) -> Verdict:
    b, c = base.lower(), candidate.lower()
    if _negations(b) % 2 != _negations(c) % 2:
        return Verdict(False, "changes negation")
    if _sides(b) != _sides(c):
        return Verdict(False, f"changes laterality ({sorted(_sides(b))} -> {sorted(_sides(c))})")
    fb, fc = finding_of(b), finding_of(c)
    if "unspecified" not in (fb, fc) and fb != fc:
        return Verdict(False, f"changes the finding ({fb} -> {fc})")
    qb, qc = set(_QUANTIFIERS.findall(b)), set(_QUANTIFIERS.findall(c))
    if qb != qc:
        return Verdict(False, f"changes a quantifier ({sorted(qb)} -> {sorted(qc)})")
    if _polarity_changed(b, c):
        return Verdict(False, "changes polarity (normal/abnormal or visualised/obscured)")
    return Verdict(True, "same negation, laterality, finding and quantifiers")
