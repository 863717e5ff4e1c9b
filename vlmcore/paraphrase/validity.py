"""``check_paraphrase``: is a candidate really the same question as the base?

By structure, not by blacklist: both sides are read into bound mentions (``alignment``: each
finding with its side, location, size, time and change, kind, count, negation and certainty;
the relations between findings: and / or / with / without / but not, and ordered
comparisons), and the candidate is

- **invalid** when a unit it understands changed, or the same words are bound to another
  finding: a negation, a side, the finding, a location (lobe, zone, apex / base, central /
  peripheral), size or severity, time or change ("acute" / "healed", "new" / "any",
  "improved" / "worsened", "tension"), a count, the relation (with / without, and / or,
  which side is larger), or normality (asking whether the organ is "normal / clear / intact /
  fully expanded" inverts a presence question);
- **unverified** when words the lexicon does not know remain (on one side, or on both but
  bound differently): the verdict names them and is *not* valid; datasets, generation and
  the flip search use valid candidates only;
- **valid** when the two structures are equal and every other word is a frame word a
  strategy uses to ask ("is there", "can ... be seen", "does the image contain").

With ``embeddings=True`` a candidate that passes must also be close in meaning by
sentence-embedding cosine similarity (>= 0.5) when a local sentence-embedding model is
installed (see ``embedding_check``); without one the verdict says the check was skipped.
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vlmcore.paraphrase.alignment import difference, meaning_of


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


def _unverified(words: list[str], detail: str = "") -> Verdict:
    if not words:
        return Verdict(False, f"unverified: {detail}", "unverified")
    reason = f"unverified: words not accounted for: {', '.join(words)}" + (f" ({detail})" if detail else "")
    return Verdict(False, reason, "unverified", tuple(words))


def _unit_word(unit: str) -> str:
    """A unit bound to no finding, as the verdict names it: ``right (side of nothing named)``."""
    kind, _, value = unit.partition(":")
    return f"{value} ({kind.lower()} of nothing named)"


@lru_cache(maxsize=65536)  # pure in its two strings; the flip search asks the same pairs for every film
def _check_rules(base: str, candidate: str) -> Verdict:
    b, c = meaning_of(base), meaning_of(candidate)
    found = difference(b, c)
    if found is None:
        return Verdict(True, "same structure: every finding with the same negation, laterality, location, size, time, "
                             "kind, count and polarity, joined and compared the same way", "valid")
    extra = sorted(b.words ^ c.words) + [_unit_word(unit) for unit in sorted(set(b.free) ^ set(c.free))]
    if not found.unit:
        words = extra or sorted(b.words | c.words)
        return _unverified(words, found.detail or ("" if extra else "bound to different findings on the two sides"))
    if found.explainable:
        return _unverified(extra, f"they may say {found.unit} another way")
    return Verdict(False, f"changes {found.unit}" + (f" ({found.detail})" if found.detail else ""), "invalid")
