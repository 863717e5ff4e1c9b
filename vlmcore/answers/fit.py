"""Whether a mention in a model's answer is about what the question asks.

A mention *fits* the asked finding when nothing it says contradicts the question: its side
(a bilateral effusion fits a question about the left; a right one does not), its place (lobe,
zone, radial zone, bone, rib; a tube's tip), its time ("old healed fractures" do not fit a
question about an acute fracture), its kind, its count ("a single nodule" does not fit "are
there multiple nodules?") and its size, where a measured size is compared with a threshold the
question sets ("a nodule larger than 1 cm"). A mention that does not fit is a finding named
elsewhere: a report says where a finding is, so the finding is not where the question asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vlmcore.language import Mention
from vlmcore.language import lexicon as lx
from vlmcore.language.devices import TIP_REGIONS
from vlmcore.language.lexicon import ANSWERED_BY

_RULE_OF_CUE = {"presence": "presence-cue", "negation": "negation-cue", "qualified-negation": "qualified-negation",
                "hedge": "hedge", "resolved": "resolved", "label": "finding-label"}
#: change words a question can ask about ("is the effusion larger?")
CHANGE = frozenset({"improved", "worsened", "increased", "decreased", "stable", "changed", "new", "recurrent",
                    "persistent", "resolving"})
_MEASURE = re.compile(r"([<>]?)(\d+(?:\.\d+)?)(cm)?")
_EXACT_COUNTS = frozenset({"two", "three", "four"})


@dataclass(frozen=True)
class Judgement:
    answer: str  # "yes" | "no" | "uncertain" | "none"
    rule: str
    span: tuple[int, int] | None = None  # characters of the text that decided


def said(mention: Mention, answer: str, rule: str | None = None) -> Judgement:
    return Judgement(answer, rule or _RULE_OF_CUE.get(mention.cue, mention.cue), mention.span)


def sure(mention: Mention) -> bool:
    """Stated without a hedge ("definite" is stated too)."""
    return mention.certainty in ("certain", "definite")


def names(asked: str, found: str) -> bool:
    """``found`` names the finding asked (or the word reports use for it: an "enteric tube" for a
    nasogastric tube)."""
    if found == asked or found in ANSWERED_BY.get(asked, ()):
        return True
    # a term the lexicon does not know: the head word asked ("aortic *stent*") named in the answer
    return asked.startswith("term:") and found.startswith("term:") and asked.split()[-1] in found[5:].split()


def side_fits(asked: str | None, said_side: str | None) -> bool:
    if asked is None or said_side is None or said_side == "unilateral":
        return True
    if asked == "bilateral":
        return said_side == "bilateral"
    return said_side in (asked, "bilateral")


def _regions(location: frozenset[str]) -> dict[str, str]:
    """Location tags by dimension: vertical zone, radial zone, bone, rib number."""
    found = {}
    for tag in location:
        head, _, tail = tag.partition(":")
        if head in ("upper", "middle", "lower"):
            found["zone"] = head
        elif head in ("radial", "bone", "rib"):
            found[head] = tail
    return found


def _tips(location: frozenset[str]) -> set[str]:
    """Where a device's tip is, by region ("below the diaphragm" and "in the stomach" are one)."""
    return {TIP_REGIONS.get(tag, tag) for tag in location if tag.startswith(("tip:", "below:", "above:"))}


def place_fits(asked: Mention, mention: Mention) -> bool:
    a, s = _regions(asked.location), _regions(mention.location)
    tips_a, tips_s = _tips(asked.location), _tips(mention.location)
    if tips_a and tips_s and not tips_a & tips_s:
        return False
    return side_fits(asked.side, mention.side) and all(a[k] == s[k] for k in a.keys() & s.keys())


def time_fits(asked: frozenset[str], found: frozenset[str]) -> bool:
    if asked & lx.RECENT and found & lx.LONGSTANDING:
        return False
    if asked & {"chronic", "healed"} and found & lx.RECENT:
        return False
    wanted = asked & CHANGE
    return not wanted or bool(wanted & found)


def count_fits(asked: frozenset[str], found: frozenset[str]) -> bool:
    """"Are there multiple nodules?" is not answered by "a single nodule", nor the reverse."""
    if not asked or not found:
        return True
    if ("one" in asked) != ("one" in found):
        return False
    exact_a, exact_s = asked & _EXACT_COUNTS, found & _EXACT_COUNTS
    return not (exact_a and exact_s and not exact_a & exact_s)


def _measures(sizes: frozenset[str]) -> tuple[list[tuple[str, float]], set[str]]:
    measured, words = [], set()
    for size in sizes:
        match = _MEASURE.fullmatch(size)
        if match:
            measured.append((match.group(1), float(match.group(2))))
        else:
            words.add(size)
    return measured, words


def size_fits(asked: frozenset[str], found: frozenset[str]) -> bool:
    """Size words must share one ("large" vs "small" do not); a threshold the question sets ("larger
    than 1 cm") is compared with a measured size ("a 3 cm nodule")."""
    thresholds, asked_words = _measures(asked)
    measured, found_words = _measures(found)
    for op, limit in thresholds:
        values = [v for o, v in measured if not o]
        if values and op == ">" and not any(v > limit for v in values):
            return False
        if values and op == "<" and not any(v < limit for v in values):
            return False
    return not (asked_words and found_words and not asked_words & found_words)


def fits(asked: Mention, mention: Mention) -> bool:
    if not place_fits(asked, mention) or not time_fits(asked.time, mention.time):
        return False
    if asked.kind - mention.kind or not count_fits(asked.count, mention.count):
        return False
    return size_fits(asked.size, mention.size)


def same_place(a: Mention, b: Mention) -> bool:
    return place_fits(a, b) and place_fits(b, a) and time_fits(a.time - {"resolved"}, b.time - {"resolved"})


def excluded_by(structure: Mention) -> frozenset[str]:
    """Findings a normal structure rules out."""
    name = structure.finding.split(":", 1)[1]
    if structure.state == "normal:expanded":
        return lx.EXPANDED_EXCLUDES
    if name in ("chest", "region") and structure.state == "normal:normal":
        return frozenset(lx.finding_forms().values())
    return lx.NORMAL_EXCLUDES.get(name, frozenset())
