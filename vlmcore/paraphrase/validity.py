"""``check_paraphrase``: is a candidate really the same question as the base?

By alignment, not by blacklist (``alignment.read``): both sides are read into meaning units,
and the candidate is

- **invalid** when a unit it understands changed: negation, the sides named, the finding,
  the anatomical location (lobe, zone, apex / base, central / peripheral), size or severity,
  a count, or normality (asking whether the organ is "normal / clear / intact / fully
  expanded" inverts a presence question);
- **unverified** when a content word on either side is not accounted for (a finding the
  lexicon does not know, a qualifier it has no rule for): the verdict names the words and is
  *not* valid; datasets, generation and the flip search use valid candidates only;
- **valid** when every unit matches and every other word is a frame word a strategy uses to
  ask (equivalent count words, e.g. "several" / "multiple", are the same unit).

With ``embeddings=True`` a candidate that passes must also be close in meaning by
sentence-embedding cosine similarity (>= 0.5) when a local sentence-embedding model is
installed (see ``embedding_check``); without one the verdict says the check was skipped.
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vlmcore.paraphrase.alignment import read

@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str
    status: str = ""  # "valid" | "invalid" (a known meaning change) | "unverified" (words not understood)
    words: tuple[str, ...] = ()  # the words not accounted for, when unverified

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", "valid" if self.valid else "invalid")

    def __bool__(self) -> bool:
        return self.valid


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


def _unverified(words: list[str]) -> Verdict:
    return Verdict(False, f"unverified: words not accounted for: {', '.join(words)}", "unverified", tuple(words))


def _changed(name: str, before: set, after: set, b_unknown: set, c_unknown: set) -> Verdict | None:
    """A unit that differs is a meaning change, unless one side names nothing for it while
    holding words we do not understand (they may say it differently): then it is unverified."""
    if before == after:
        return None
    unknown = (not before and b_unknown) or (not after and c_unknown)
    if unknown:
        return _unverified(sorted(b_unknown ^ c_unknown) or sorted(b_unknown | c_unknown))
    return Verdict(False, f"changes {name} ({sorted(before)} -> {sorted(after)})", "invalid")


@lru_cache(maxsize=65536)  # pure in its two strings; the flip search asks the same pairs for every film
def _check_rules(base: str, candidate: str) -> Verdict:
    b, c = read(base), read(candidate)
    if b.negations % 2 != c.negations % 2:
        return Verdict(False, "changes negation", "invalid")
    b_unknown, c_unknown = set(b.unknown) - set(c.unknown), set(c.unknown) - set(b.unknown)
    for name, before, after in (("laterality", b.sides, c.sides), ("the finding", b.findings, c.findings),
                                ("the location", b.locations, c.locations), ("size or severity", b.sizes, c.sizes),
                                ("a quantifier", b.counts, c.counts),
                                ("polarity (asks whether it is normal / clear / intact instead)", b.normality, c.normality)):
        verdict = _changed(name, before, after, b_unknown, c_unknown)
        if verdict is not None:
            return verdict
    unknown = sorted(b_unknown | c_unknown)
    if unknown:
        return _unverified(unknown)
    return Verdict(True, "every word aligned: same negation, laterality, finding, location, size, count and polarity", "valid")
