"""Two questions compared as bound structures, not as bags of words.

Each side is read by ``vlmcore.language.read_statement`` into mentions (a finding with its
side, location, size, time, kind, count, negation and certainty), the alternatives it asks
with "or", and its comparisons. A question's *meaning* is then

- the set of stated mentions (findings joined by "and" / "with" / "without" / "but"; a finding
  stated on the left and on the right is the same as one stated bilaterally);
- the alternatives, each a set of mentions;
- the comparisons, ordered pairs ("left larger than right" is "right smaller than left", and
  not "right larger than left");
- the words neither the lexicon nor the frame words account for, bound to their mention or
  free. Words unknown on both sides count too: they must be bound alike;
- the understood units bound to no finding ("*acute* interstitial changes", "a *right-sided*
  central venous catheter" when the device is not known): a side, time word, count or
  negation is meaning even when the lexicon cannot say what it belongs to.

``difference`` names the first unit that differs, and whether words the lexicon does not know
could be saying the same thing another way (then the verdict is *unverified*, not *invalid*).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from vlmcore.language import Mention, Statement, read_statement
from vlmcore.language.lexicon import RELATED_FINDINGS

#: the units compared on two aligned mentions, in the order a difference is reported
_FIELDS = (("negated", "negation"), ("side", "laterality"), ("location", "the location"), ("size", "size or severity"),
           ("time", "time or change"), ("count", "a quantifier"),
           ("state", "polarity (asks whether it is normal / clear / intact instead)"), ("kind", "the kind of finding"),
           ("certainty", "certainty"))


@dataclass(frozen=True)
class Meaning:
    stated: frozenset[Mention]
    alternatives: frozenset[frozenset[Mention]]
    comparisons: frozenset[tuple]
    unknown: tuple[str, ...]  # free words not understood (sorted)
    free: tuple[str, ...] = ()  # understood units bound to no finding (sorted "KIND:value")

    @property
    def mentions(self) -> list[Mention]:
        pooled = list(self.stated) + [m for group in self.alternatives for m in group]
        return pooled + [m for c in self.comparisons for m in c[1]]

    @property
    def words(self) -> set[str]:
        """Every word not understood, bound or free."""
        return set(self.unknown) | {w for m in self.mentions for w in m.qualifiers}


@dataclass(frozen=True)
class Difference:
    unit: str  # "" when only words not understood differ
    detail: str = ""
    explainable: bool = False  # words not understood on the side that lacks the unit may say it another way


#: paired structures: "the lungs are clear" says it of both ("are both lungs clear?"); findings of
#: both lungs as a whole: "are both lungs hyperinflated?" asks what "are the lungs hyperinflated?" does
_PAIRED = frozenset({"structure:lung", "structure:costophrenic", "structure:diaphragm", "structure:hilum"})
_WHOLE_LUNG = frozenset({"hyperinflation", "hypoinflation"})


def _plain(mention: Mention) -> Mention:
    """The mention as meaning: no span, cue or role; a paired structure's state said "bilaterally"
    is its state with no side."""
    paired = (mention.finding in _PAIRED and mention.state != "present") or mention.finding in _WHOLE_LUNG
    side = None if paired and mention.side == "bilateral" else mention.side
    return replace(mention, span=(0, 0), cue="", role="", side=side)


def _merge_sides(mentions: list[Mention]) -> frozenset[Mention]:
    """A finding stated on the left and on the right is the finding stated bilaterally."""
    result = set(mentions)
    for m in mentions:
        if m.side == "left" and not m.negated and m.with_side("right") in result:
            result -= {m, m.with_side("right")}
            result.add(m.with_side("bilateral"))
    return frozenset(result)


@lru_cache(maxsize=65536)
def meaning_of(text: str) -> Meaning:
    statement: Statement = read_statement(text)
    plain = [_plain(m) for m in statement.mentions]
    in_alternatives = {i for group in statement.alternatives for i in group}
    stated = [m for i, (m, raw) in enumerate(zip(plain, statement.mentions))
              if i not in in_alternatives and raw.role == "stated"]
    alternatives = frozenset(frozenset(plain[i] for i in group) for group in statement.alternatives)
    comparisons = frozenset((c.relation, (_plain(c.larger), _plain(c.smaller)) if c.relation != "equal"
                             else frozenset({_plain(c.larger), _plain(c.smaller)})) for c in statement.comparisons)
    return Meaning(_merge_sides(stated), alternatives, comparisons, tuple(sorted(statement.unknown)), statement.free)


def _findings(meaning: Meaning) -> Counter:
    return Counter(m.finding for m in set(meaning.mentions))


def _bare(meaning: Meaning) -> set[str]:
    """Structures named with nothing said of them ("does the descending aorta ..."): they may be
    the words of a finding the lexicon reads on the other side."""
    return {m.finding for m in meaning.mentions if m.is_structure and m.state == "present" and not m.size}


def _normality(meaning: Meaning) -> bool:
    return any(m.state != "present" for m in meaning.mentions)


def difference(base: Meaning, candidate: Meaning) -> Difference | None:
    """The first unit that differs, or None when the two mean the same."""
    if base == candidate:
        return None
    b_words, c_words = base.words - candidate.words, candidate.words - base.words
    b_extra, c_extra = b_words | (set(base.free) - set(candidate.free)), c_words | (set(candidate.free) - set(base.free))
    if _normality(base) != _normality(candidate):
        lacking = candidate if _normality(base) else base
        double_negation = any(m.negated for m in lacking.mentions)  # "no blunting of the angles" / "are they sharp?"
        return Difference(_FIELDS[6][1], "", bool(c_extra if lacking is candidate else b_extra) or double_negation)
    b_findings, c_findings = _findings(base), _findings(candidate)
    if set(b_findings) != set(c_findings):
        lost, gained = set(b_findings) - set(c_findings), set(c_findings) - set(b_findings)
        placed = {m.finding for m in base.mentions + candidate.mentions if m.location}  # "free air *above* the diaphragm"
        if any(frozenset({a, b}) in RELATED_FINDINGS and not {a, b} & placed for a in lost for b in gained):
            return Difference("", f"related findings, a sign and what it suggests: {sorted(lost)} -> {sorted(gained)}")
        real_lost, real_gained = lost - _bare(base), gained - _bare(candidate)  # a bare structure may be a finding's words
        explainable = (not real_gained and bool(c_extra or gained)) or (not real_lost and bool(b_extra or lost))
        return Difference("the finding", f"{sorted(lost)} -> {sorted(gained)}", explainable)
    for b, c in _aligned(sorted(base.stated, key=_order), sorted(candidate.stated, key=_order)):
        found = _field_difference(b, c, b_words, c_words)
        if found is not None:
            return _swapped(found, base, candidate)
    if base.free != candidate.free:
        return _free_difference(base, candidate, b_words, c_words)
    if base.comparisons != candidate.comparisons:
        return Difference("the comparison", "which one is larger, or larger / smaller / as large as")
    if base.alternatives != candidate.alternatives or base.stated != candidate.stated:
        return Difference("how the findings are joined", "and / or / with / without")
    return Difference("")  # the same units; only words not understood differ or are bound differently


#: the unit a free chunk kind says
_FREE_UNITS = {"SIDE": "laterality", "LOC": "the location", "SIZE": "size or severity", "MEASURE": "size or severity",
               "NUM": "a number", "TIME": "time or change", "COUNT": "a quantifier", "KIND": "the kind of finding",
               "PRED": "the finding", "NORMAL": _FIELDS[6][1], "ABNORMAL": _FIELDS[6][1], "CMP": "the comparison",
               "CMP_EQ": "the comparison"}


def _free_difference(base: Meaning, candidate: Meaning, b_words: set, c_words: set) -> Difference:
    """Units bound to no finding differ: a side, time word or negation said of something the lexicon
    does not name. Where the words not understood are the same on both sides and a unit is swapped
    for another of its kind ("acute" / "chronic interstitial changes", "right-" / "left-sided
    catheter"), that is a change; anything else may be the same thing said another way."""
    lost, gained = Counter(base.free) - Counter(candidate.free), Counter(candidate.free) - Counter(base.free)
    kinds = [{unit.split(":", 1)[0] for unit in units} for units in (lost, gained)]
    kind = sorted(kinds[0] or kinds[1])[0]
    unit = _FREE_UNITS.get(kind, "negation" if kind.startswith("NEG") else "certainty")
    swapped = kinds[0] == kinds[1] and not b_words and not c_words
    return Difference(unit, f"said of nothing named: {sorted(lost)} -> {sorted(gained)}", not swapped)


def _swapped(found: Difference, base: Meaning, candidate: Meaning) -> Difference:
    """Say so when the same units are all there, bound to other findings ("right effusion and left
    pneumothorax" / "left effusion and right pneumothorax")."""
    name = next((f for f, unit in _FIELDS if unit == found.unit), None)
    if name is None:
        return found
    values = [Counter(str(getattr(m, name)) for m in meaning.stated) for meaning in (base, candidate)]
    if values[0] == values[1] and len(base.stated) > 1:
        return replace(found, detail=found.detail + "; the same words bound to another finding")
    return found


def _order(mention: Mention) -> tuple:
    return (mention.finding, str(mention.signature()))


def _aligned(base: list[Mention], candidate: list[Mention]) -> list[tuple[Mention, Mention]]:
    """Pair mentions of the same finding, each with the candidate mention it shares most with."""
    pairs, left = [], list(candidate)
    for b in base:
        same = [c for c in left if c.finding == b.finding]
        if not same:
            continue
        best = max(same, key=lambda c: sum(getattr(b, f) == getattr(c, f) for f, _ in _FIELDS))
        left.remove(best)
        pairs.append((b, best))
    return pairs


def _field_difference(b: Mention, c: Mention, b_words: set, c_words: set) -> Difference | None:
    for name, unit in _FIELDS:
        before, after = getattr(b, name), getattr(c, name)
        if before == after:
            continue
        explainable = (_less(after, before) and bool(c_words)) or (_less(before, after) and bool(b_words))
        return Difference(unit, f"{b.finding}: {_show(before)} -> {_show(after)}", explainable)
    if b.qualifiers != c.qualifiers:
        return Difference("", f"{b.finding}: {_show(b.qualifiers)} -> {_show(c.qualifiers)}")
    return None


def _less(value, other) -> bool:
    """``value`` says less than ``other`` (nothing, or a part of it): words not understood beside
    it may say the rest."""
    if isinstance(value, frozenset):
        return value < other
    return value in (None, False, "certain", "present")


def _show(value) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}" if value else "none"
    return str(value)
