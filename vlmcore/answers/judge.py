"""What a text says about the finding a question asks for, read from bound mentions.

The question is read with the same model as the answer (``vlmcore.language``): its finding,
side, location, size, kind and time. A mention of that finding *fits* the question when its
side, location, size, kind and time do not contradict it (a bilateral effusion fits a
question about the left; a right one does not; "old healed fractures" do not fit a question
about an acute fracture). Then, first rule that decides:

1. fitting mentions: stated present -> yes; hedged -> uncertain; negated or gone ("resolved",
   "no longer seen") -> no; present and absent in the same place -> uncertain;
2. the finding named only elsewhere (another side, lobe or time) -> no: a report names where
   a finding is;
3. a normal structure that excludes it ("heart size is normal", "the costophrenic angles are
   sharp", "normal chest radiograph", "no acute cardiopulmonary process") -> no;
4. otherwise the text does not address the question -> no answer.

A question about normality ("are the lungs clear?") is answered by the structure's state or
by a finding it excludes; a comparison ("is the left effusion larger than the right?") by a
comparison of the same finding in the same or the opposite order. Without a question every
finding counts and agreeing mentions decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.language import Mention, Statement, read_statement
from vlmcore.language import lexicon as lx

_RULE_OF_CUE = {"presence": "presence-cue", "negation": "negation-cue", "qualified-negation": "qualified-negation",
                "hedge": "hedge", "resolved": "resolved", "label": "finding-label"}
_CHANGE = frozenset({"improved", "worsened", "increased", "decreased", "stable", "changed", "new", "recurrent",
                     "persistent", "resolving"})


@dataclass(frozen=True)
class Judgement:
    answer: str  # "yes" | "no" | "uncertain" | "none"
    rule: str
    span: tuple[int, int] | None = None  # characters of the text that decided


def _side_fits(asked: str | None, said: str | None) -> bool:
    if asked is None or said is None or said == "unilateral":
        return True
    if asked == "bilateral":
        return said == "bilateral"
    return said in (asked, "bilateral")


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


def _place_fits(asked: Mention, said: Mention) -> bool:
    a, s = _regions(asked.location), _regions(said.location)
    return _side_fits(asked.side, said.side) and all(a[k] == s[k] for k in a.keys() & s.keys())


def _time_fits(asked: frozenset[str], said: frozenset[str]) -> bool:
    if asked & lx.RECENT and said & lx.LONGSTANDING:
        return False
    if asked & {"chronic", "healed"} and said & lx.RECENT:
        return False
    wanted = asked & _CHANGE
    return not wanted or bool(wanted & said)


def fits(asked: Mention, said: Mention) -> bool:
    if not _place_fits(asked, said) or not _time_fits(asked.time, said.time):
        return False
    if asked.kind - said.kind:
        return False
    return not (asked.size and said.size and not asked.size & said.size)


def _same_place(a: Mention, b: Mention) -> bool:
    return _place_fits(a, b) and _place_fits(b, a) and _time_fits(a.time - {"resolved"}, b.time - {"resolved"})


def _excluded(structure: Mention) -> frozenset[str]:
    """Findings a normal structure rules out."""
    name = structure.finding.split(":", 1)[1]
    if structure.state == "normal:expanded":
        return lx.EXPANDED_EXCLUDES
    if name in ("chest", "region") and structure.state == "normal:normal":
        return frozenset(lx.finding_forms().values())
    return lx.NORMAL_EXCLUDES.get(name, frozenset())


def _exclusions(statement: Statement, asked: Mention) -> list[Mention]:
    found = [m for m in statement.mentions if m.is_structure and m.state.startswith("normal")
             and asked.finding in _excluded(m) and _side_fits(asked.side, m.side)]
    for m in statement.of("abnormality"):  # "no acute cardiopulmonary process", "no abnormality"
        if m.negated and m.certainty == "certain" and ("acute" not in m.time or asked.finding in lx.ACUTE_FINDINGS):
            found.append(m)
    return found


def _said(mention: Mention, answer: str, rule: str | None = None) -> Judgement:
    return Judgement(answer, rule or _RULE_OF_CUE.get(mention.cue, mention.cue), mention.span)


def judge_target(statement: Statement, asked: Mention) -> Judgement:
    """Rules 1-4 for one asked finding."""
    if "resolved" in asked.time:  # "has the pneumothorax resolved?": yes when it is gone
        return _inverted(judge_target(statement, _without_time(asked, "resolved")))
    same = [m for m in statement.mentions if m.finding == asked.finding and _asserted(m, asked)]
    fitting = [m for m in same if fits(asked, m) and not _refers_back(m, same, asked)]
    present = [m for m in fitting if not m.absent and m.certainty == "certain"]
    absent = [m for m in fitting if m.absent and m.certainty == "certain"]
    hedged = [m for m in fitting if m.certainty == "uncertain"]
    excluded = _exclusions(statement, asked)
    strict = [m for m in excluded if m.state != "normal:otherwise"]
    if present and any(_same_place(p, n) for p in present for n in absent + strict):
        return _said(present[0], "uncertain", "contradictory-clauses")
    if present:
        return _said(present[0], "yes")
    if hedged:
        return _said(hedged[0], "uncertain")
    if absent:
        return _said(absent[0], "no")
    silent = asked.time & _CHANGE  # a change asked about: a mention that says nothing of time neither fits nor conflicts
    elsewhere = [m for m in same if m not in fitting and not m.absent and not (silent and not m.time)]
    if elsewhere:
        return _said(elsewhere[0], "no", "named-elsewhere")
    if excluded:
        return _said(excluded[0], "no", "normal-structure")
    if statement.hedges:
        return Judgement("uncertain", "hedge", statement.hedges[0])
    return Judgement("none", "does-not-address-question")


def _asserted(mention: Mention, asked: Mention) -> bool:
    """Spoken of as on this film: not in general ("pneumonia typically appears ...") nor as history."""
    return mention.certainty != "hypothetical" and ("history" not in mention.time or "history" in asked.time)


def _refers_back(mention: Mention, same: list[Mention], asked: Mention) -> bool:
    """A finding named without a side where the text also names its side ("small left effusion ...
    impression: parapneumonic effusion") is the same finding, not one on the side asked about."""
    return asked.side is not None and mention.side is None and any(m.side is not None for m in same)


def _without_time(mention: Mention, word: str) -> Mention:
    from dataclasses import replace

    return replace(mention, time=mention.time - {word})


def _inverted(judgement: Judgement) -> Judgement:
    flipped = {"yes": "no", "no": "yes"}.get(judgement.answer, judgement.answer)
    return Judgement(flipped, judgement.rule, judgement.span)


def judge_normality(statement: Statement, asked: Mention) -> Judgement:
    """"Are the lungs clear?": the structure's state, or a finding the normal state excludes."""
    for m in statement.mentions:
        if m.finding == asked.finding and _side_fits(asked.side, m.side):
            if m.state.startswith("normal"):
                return _said(m, "no" if m.negated else "yes", "normal-structure")
            if m.state == "abnormal":
                return _said(m, "yes" if m.negated else "no", "abnormal-structure")
    ruled_out = _excluded(asked)
    named = [m for m in statement.mentions if m.finding in ruled_out and _side_fits(asked.side, m.side)]
    present = [m for m in named if not m.absent and m.certainty == "certain"]
    if present:
        return _said(present[0], "no", "names-a-finding")
    hedged = [m for m in named if m.certainty == "uncertain"]
    if hedged:
        return _said(hedged[0], "uncertain")
    return Judgement("none", "does-not-address-question")


def judge_comparison(statement: Statement, asked) -> Judgement:
    """"Is the left effusion larger than the right?" against the comparisons the text makes."""
    for said in statement.comparisons:
        if said.larger.finding != asked.larger.finding:
            continue
        if said.relation == "equal":
            return _said(said.larger, "no", "comparison")
        order = (said.larger.side, said.smaller.side, said.larger.location, said.smaller.location)
        if order == (asked.larger.side, asked.smaller.side, asked.larger.location, asked.smaller.location):
            return _said(said.larger, "yes", "comparison")
        if order == (asked.smaller.side, asked.larger.side, asked.smaller.location, asked.larger.location):
            return _said(said.larger, "no", "comparison")
    return Judgement("none", "does-not-address-question")


def judge_without_question(statement: Statement) -> Judgement:
    findings = [m for m in statement.mentions if not m.is_structure and m.certainty != "hypothetical"
                and "history" not in m.time]
    hedged = [m for m in findings if m.certainty == "uncertain"]
    present = [m for m in findings if not m.absent and m.certainty == "certain"]
    absent = [m for m in findings if m.absent and m.certainty == "certain"]
    if hedged:
        return _said(hedged[0], "uncertain")
    if present and absent:
        return _said(present[0], "uncertain", "contradictory-clauses")
    if present:
        return _said(present[0], "yes")
    if absent:
        return _said(absent[0], "no")
    if statement.hedges or statement.aside_hedges:
        return Judgement("uncertain", "hedge", (statement.hedges + statement.aside_hedges)[0])
    normal = [m for m in statement.mentions if m.is_structure and m.state.startswith("normal")]
    if normal:
        return _said(normal[0], "no", "normal-structure")
    return Judgement("none", "does-not-address-question")


def judge(statement: Statement, question: str | None) -> Judgement:
    """What ``statement`` answers to ``question`` (every finding, without one)."""
    if not question:
        return judge_without_question(statement)
    asked = read_statement(question)
    if asked.comparisons:
        return judge_comparison(statement, asked.comparisons[0])
    targets = [m for m in asked.mentions if m.role == "stated"]
    if not targets:
        return judge_without_question(statement)
    results = []
    for target in targets:
        if target.is_structure and target.state.startswith("normal"):
            result = judge_normality(statement, target)
        elif target.is_structure:
            continue
        else:
            result = judge_target(statement, _without_polarity(target))
        results.append(_inverted(result) if target.negated else result)
    if not results:
        return judge_without_question(statement)
    return _combine(results, bool(asked.alternatives))


def _without_polarity(mention: Mention) -> Mention:
    from dataclasses import replace

    return replace(mention, negated=False, certainty="certain")


def _combine(results: list[Judgement], alternatives: bool) -> Judgement:
    """Findings asked together: all must hold ("X and Y"), or one ("X or Y")."""
    answers = [r.answer for r in results]
    decisive = "yes" if alternatives else "no"
    for r in results:
        if r.answer == decisive:
            return r
    for answer in ("none", "uncertain"):
        if answer in answers:
            return results[answers.index(answer)]
    return results[0]
