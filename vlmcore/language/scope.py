"""Where a cue or a predicate applies: the coordinated group of findings beside it.

Findings joined by commas, "and", "or", "nor" form one group ("no focal consolidation,
pleural effusion, or pneumothorax"); a cue reaches one group, never across a clause, so
"cardiomegaly without pulmonary edema" negates the edema only. Pre cues ("no", "possible")
reach forward, post cues ("is not seen", "cannot be excluded") backward, and "not" / modal
hedges reach forward unless a verb comes first ("the heart does not appear enlarged": back to
the heart). After NegEx / ConText (Chapman et al. 2001; 2009), with scope by phrase structure
rather than by a word window.
"""

from __future__ import annotations

from vlmcore.language import lexicon as lx
from vlmcore.language.reading import Draft, Reading

_MODIFIERS = frozenset({"SIDE", "LOC", "SIZE", "TIME", "KIND", "COUNT", "NORMAL", "ABNORMAL", "QUAL", "CMP", "STRUCT", "MEASURE",
                        "PRED"})
_JOINERS = frozenset({",", "and", "or", "nor", "and/or", "both", "either", "neither", "/"})
_CUES = frozenset({"NEG", "NEG_AUTO", "NEG_POST", "HEDGE", "HEDGE_AUTO", "HEDGE_POST", "HEDGE_BOTH", "PSEUDO", "CARRY"})


def groups(reading: Reading, clause: int) -> list[tuple[list[Draft], bool]]:
    """The clause's coordinated groups, in order, each with whether "or" joined it."""
    result: list[tuple[list[Draft], bool]] = []
    for draft in reading.heads_in(clause):
        if result:
            group, alternative = result[-1]
            between = reading.chunks[group[-1].last + 1:draft.first]
            if all(c.kind in ("PUNCT", "CONJ", "DET", "NEG") and c.words[0] in _JOINERS | {"a", "an", "the", "any"}
                   and c.value not in ("with",) for c in between):
                group.append(draft)
                result[-1] = (group, alternative or any(c.value == "or" for c in between))
                continue
        result.append(([draft], False))
    return result


def _before(found: list[tuple[list[Draft], bool]], index: int) -> list[Draft]:
    candidates = [g for g, _ in found if g[-1].last < index]
    return candidates[-1] if candidates else []


def _after(found: list[tuple[list[Draft], bool]], index: int) -> list[Draft]:
    return next((g for g, _ in found if g[0].first > index), [])


def bind_predicates(reading: Reading, clause: int) -> None:
    """Modifiers written apart from any noun phrase bind to the nearest group in their clause
    (before it if any: "the effusion has resolved"; else after it: "interval resolution of the
    effusion")."""
    start, end = reading.clauses[clause]
    found = groups(reading, clause)
    if not found:
        _region_statement(reading, clause)
        return
    for i in range(start, end):
        c = reading.chunks[i]
        if i in reading.used or c.kind not in _MODIFIERS:
            continue
        target = _before(found, i) or _after(found, i)
        for draft in target:
            if c.kind == "CMP" and c.value in ("larger", "smaller"):  # "is the pneumothorax larger?": a change over time
                draft.time.add("increased" if c.value == "larger" else "decreased")
            elif c.kind == "CMP":  # "higher" with nothing to compare: a word not understood
                draft.qualifiers.add(c.value)
            else:
                draft.bind(c)
        reading.used.add(i)


def _region_statement(reading: Reading, clause: int) -> None:
    """"Is the lung base normal?": a normality predicate on a place that names no structure."""
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    states = [i for i in range(start, end) if chunks[i].kind in ("NORMAL", "ABNORMAL") and i not in reading.used]
    places = [i for i in range(start, end) if chunks[i].kind in ("SIDE", "LOC") and i not in reading.used]
    if states and not places and _whole_study(chunks[start:end]):  # "Unremarkable.", "Normal study."
        draft = Draft("structure:chest", states[0], states[-1], clause)
        draft.bind(chunks[states[0]])
        reading.used.update(states)
        reading.drafts.append(draft)
        return
    if not states or not places:
        return
    draft = Draft("structure:region", min(places + states), max(places + states), clause)
    for i in places + states:
        draft.bind(chunks[i])
    reading.used.update(places + states)
    reading.drafts.append(draft)


def _whole_study(clause: list) -> bool:
    """A clause that is only "normal" / "unremarkable" (not "otherwise unremarkable", not "clear"):
    a statement about the whole study."""
    content = [c for c in clause if c.kind not in ("PUNCT", "FRAME", "DET", "VERB")]
    return bool(content) and all(c.kind == "NORMAL" and c.value == "normal" for c in content) \
        and not any(c.words[0] == "otherwise" for c in clause)


def _blocked(reading: Reading, i: int, draft: Draft) -> bool:
    """A verb between an undirected cue and the finding after it ("the heart does *not* appear ...")."""
    return any(c.kind == "VERB" for c in reading.chunks[i + 1:draft.first])


def _targets(reading: Reading, found, i: int, end: int) -> list[Draft]:
    kind = reading.chunks[i].kind
    before, after = _before(found, i), _after(found, i)
    if kind in ("NEG_POST", "HEDGE_POST"):
        return before
    if reading.chunks[i].words == ("absent",):  # "a mass absent in the hilum", "is absent"; rarely "absent markings"
        return before or after
    if kind == "HEDGE_BOTH":
        return ([before[-1]] if before else []) + (after[:1])
    if kind == "NEG_AUTO":
        if after and not _blocked(reading, i, after[0]):
            return after
        return before or after
    if kind == "HEDGE_AUTO":  # a modal hedges what follows it ("may indicate pneumonia"), else its subject
        return after or before
    if after:
        return after
    rest = reading.chunks[i + 1:end]
    return before if all(c.kind in ("PUNCT", "FRAME", "VERB", "ANSWER") for c in rest) else []


def _qualified(reading: Reading, i: int, draft: Draft) -> bool:
    """"no significant / definite / large X": a smaller or doubtful X is left open."""
    for c in reading.chunks[i + 1:draft.last + 1]:
        if c.kind in ("FINDING", "STRUCT"):
            return False
        if c.kind == "QUAL" or (c.kind == "SIZE" and c.words[0] in lx.QUALIFIERS):
            return True
    return False


def apply_cues(reading: Reading, clause: int) -> None:
    start, end = reading.clauses[clause]
    found = groups(reading, clause)
    hypothetical = [i for i in range(start, end) if reading.chunks[i].kind == "HYPO"]
    if hypothetical:
        reading.used.update(hypothetical)
        for draft in reading.heads_in(clause):
            draft.hypothetical = True
    for i in range(start, end):
        c = reading.chunks[i]
        if c.kind not in _CUES or i in reading.used:
            continue
        targets = _targets(reading, found, i, end)
        if targets or c.kind == "CARRY":
            reading.used.add(i)  # a cue that acted; one on nothing named stays a unit of its own
        if not targets and c.kind.startswith("HEDGE"):
            about_other = any(x.kind == "UNKNOWN" for x in reading.chunks[i + 1:end])  # "worrisome for aspiration"
            (reading.aside_hedges if about_other else reading.hedges).append((c.start, c.end))
        if c.kind == "CARRY":  # "no opacity to suggest pneumonia": negated as what suggests it; else a hedge
            carried = any(d.negated for d in _before(found, i))
            for draft in _after(found, i):
                draft.negated, draft.cue = (True, "negation") if carried else (draft.negated, "hedge")
                draft.uncertain = draft.uncertain or not carried
            continue
        for draft in targets:
            if c.kind == "PSEUDO":
                draft.time.add("stable")
            elif c.kind.startswith("HEDGE"):
                draft.uncertain, draft.cue = True, "hedge"
            else:
                draft.negated = True
                if draft.first > i and _qualified(reading, i, draft):
                    draft.uncertain, draft.cue = True, "qualified-negation"
                elif draft.cue == "presence":
                    draft.cue = "negation"
    for alternative_group in (g for g, alternative in found if alternative):
        if not any(d.negated for d in alternative_group):
            reading.alternatives.append(alternative_group)
    for draft in reading.heads_in(clause):
        after = reading.chunks[draft.last + 1] if draft.last + 1 < len(reading.chunks) else None
        if after is not None and after.kind == "PUNCT" and after.value in (":", "|"):
            draft.label = True
        if "resolved" in draft.time and draft.cue == "presence":
            draft.cue = "resolved"


def resolve_structures(reading: Reading) -> None:
    """A structure's predicate names a finding ("heart ... enlarged"); "fluid" is an effusion in
    the pleural space; a bare structure only lends its side and location to the finding nearby."""
    for draft in [d for d in reading.drafts if not d.dropped and d.is_structure]:
        name = draft.finding.split(":", 1)[1]
        named = lx.STRUCTURE_PREDICATES.get(name, {})
        words = sorted(w for w in draft.predicates | draft.size if w in named)  # "wider than normal": widened
        if words:
            draft.finding = named[words[0]]
            draft.size -= {"enlarged", "large", "thickened", "increased"} | {lx.SIZES.get(w, w) for w in words}
            draft.time -= {"increased"}
            draft.qualifiers -= set(words)
            if "borderline" in draft.predicates:
                draft.uncertain, draft.cue = True, "hedge"
        elif draft.state == "present" and not draft.size and draft.role == "stated" and not draft.time \
                and (_lend_place(reading, draft) or name in ("chest", "region")):
            draft.dropped = True  # "this chest X-ray" is the image, like "this image"
    for draft in reading.drafts:
        if draft.finding == "fluid" and "pleura" in draft.location:
            draft.finding = "pleural_effusion"
        if draft.finding == "free_air" and "below:diaphragm" in draft.location:  # "free gas beneath the diaphragm"
            draft.finding = "subdiaphragmatic_air"
            draft.location.discard("below:diaphragm")
    _inherit_sides(reading)


#: words that say one finding is the cause or nature of the one before it
_CAUSAL = frozenset({"by", "from", "caused"})


def _inherit_sides(reading: Reading) -> None:
    """"The left costophrenic angle is blunted *by a small effusion*", "right lower lobe opacity
    *consistent with pneumonia*": a finding named without a side as the cause or nature of a
    lateralised finding just before it is on that side."""
    chunks = reading.chunks
    for clause in range(len(reading.clauses)):
        heads = reading.heads_in(clause)
        for before, after in zip(heads, heads[1:]):
            between = chunks[before.last + 1:after.first]
            linked = any(c.kind == "PRESENCE" or c.words[0] in _CAUSAL for c in between)
            plain = all(c.kind in ("PRESENCE", "VERB", "DET", "FRAME", "PREP", "SIZE", "PRED") or c.words[0] in _CAUSAL for c in between)
            if before.side and not after.side and linked and plain and not after.negated:
                after.side |= before.side


def _lend_place(reading: Reading, structure: Draft) -> bool:
    """Give the structure's side, location and words to the finding nearest it in its clause; with
    none there it stays a mention of its own ("is the trachea to the right?"): nothing is dropped."""
    others = [d for d in reading.drafts if d.clause == structure.clause and not d.dropped and not d.is_structure]
    if not others:
        return False
    nearest = min(others, key=lambda d: min(abs(d.first - structure.last), abs(structure.first - d.last)))
    if not nearest.side:
        nearest.side |= structure.side
    name = structure.finding.split(":", 1)[1]
    if name in lx.STRUCTURE_LOCATIONS:
        nearest.location.add(lx.STRUCTURE_LOCATIONS[name])
    nearest.location |= structure.location
    nearest.qualifiers |= structure.qualifiers
    return True
