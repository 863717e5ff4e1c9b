"""What a text says about the finding a question asks for, read from bound mentions.

The question is read with the same model as the answer (``vlmcore.language``): its finding,
side, location, size, count, kind and time. A mention *fits* the question when none of these
contradict it (``fit``). Then, first rule that decides:

1. fitting mentions: stated present -> yes; hedged -> uncertain; negated or gone ("resolved",
   "no longer seen", "removed") -> no; present and absent in the same place -> uncertain;
2. the finding named only elsewhere (another side, lobe, time, count or tip position) -> no: a
   report names where a finding is;
3. a normal structure that excludes it ("heart size is normal", "the costophrenic angles are
   sharp", "normal chest radiograph", "no acute cardiopulmonary process", "no acute osseous
   abnormality" for a fracture) -> no;
4. otherwise the text does not address the question -> no answer.

A finding spoken of in general ("pneumonia typically appears ..."), as history, or only as
"previously seen" is not asserted on this film. Questions about a state ("are the lungs
clear?", "is the tube in good position?") and comparisons are answered in ``states``.
Without a question every finding counts and agreeing mentions decide.
"""

from __future__ import annotations

from dataclasses import replace

from vlmcore.answers import states
from vlmcore.answers.fit import CHANGE, Judgement, excluded_by, fits, names, said, same_place, side_fits, sure
from vlmcore.language import Mention, Statement, read_statement
from vlmcore.language import lexicon as lx

#: time words that say the finding is there now, whatever was seen before
_NOW = frozenset({"persistent", "stable", "increased", "decreased", "improved", "worsened", "changed", "resolving", "new"})

__all__ = ["Judgement", "judge", "judge_target", "read_statement"]


def _exclusions(statement: Statement, asked: Mention) -> list[Mention]:
    found = [m for m in statement.mentions if m.is_structure and m.state.startswith("normal")
             and asked.finding in excluded_by(m) and side_fits(asked.side, m.side)]
    for m in statement.of("abnormality"):  # "no acute cardiopulmonary process", "no acute osseous abnormality"
        if not (m.negated and sure(m)):
            continue
        if any(tag.startswith("bone") for tag in m.location):  # of the bones only
            if asked.finding in lx.NORMAL_EXCLUDES["bone"] and ("acute" not in m.time or asked.time & lx.RECENT):
                found.append(m)
        elif "acute" not in m.time or asked.finding in lx.ACUTE_FINDINGS:
            found.append(m)
    return found


def judge_target(statement: Statement, asked: Mention) -> Judgement:
    """Rules 1-4 for one asked finding."""
    if "resolved" in asked.time:  # "has the pneumothorax resolved?": yes when it is gone
        return _inverted(judge_target(statement, replace(asked, time=asked.time - {"resolved"})))
    same = [m for m in statement.mentions if names(asked.finding, m.finding) and _asserted(m, asked)]
    fitting = [m for m in same if fits(asked, m) and not _refers_back(m, same, asked)]
    present = [m for m in fitting if not m.absent and sure(m)]
    absent = [m for m in fitting if m.absent and sure(m)]
    hedged = [m for m in fitting if m.certainty == "uncertain"]
    excluded = _exclusions(statement, asked)
    if present and any(same_place(p, n) for p in present for n in absent + excluded):
        return said(present[0], "uncertain", "contradictory-clauses")
    if present:
        return said(present[0], "yes")
    if hedged:
        return said(hedged[0], "uncertain")
    if absent:
        return said(absent[0], "no")
    silent = asked.time & CHANGE  # a change asked about: a mention that says nothing of time neither fits nor conflicts
    elsewhere = [m for m in same if m not in fitting and not m.absent and not (silent and not m.time)]
    if elsewhere:
        return said(elsewhere[0], "no", "named-elsewhere")
    if excluded:
        return said(excluded[0], "no", "normal-structure")
    if statement.hedges:
        return Judgement("uncertain", "hedge", statement.hedges[0])
    return Judgement("none", "does-not-address-question")


def _asserted(mention: Mention, asked: Mention) -> bool:
    """Spoken of as on this film: not in general ("pneumonia typically appears ..."), not as history,
    not only as seen before ("the previously reported effusion ...") unless it is gone or still there."""
    if mention.certainty == "hypothetical" or ("history" in mention.time and "history" not in asked.time):
        return False
    return "prior" not in mention.time or mention.absent or bool(mention.time & _NOW)


def _refers_back(mention: Mention, same: list[Mention], asked: Mention) -> bool:
    """A finding named without a side where the text also names its side ("small left effusion ...
    impression: parapneumonic effusion") is the same finding, not one on the side asked about."""
    return asked.side is not None and mention.side is None and any(m.side is not None for m in same)


def _inverted(judgement: Judgement) -> Judgement:
    flipped = {"yes": "no", "no": "yes"}.get(judgement.answer, judgement.answer)
    return Judgement(flipped, judgement.rule, judgement.span)


def judge_without_question(statement: Statement) -> Judgement:
    findings = [m for m in statement.mentions if not m.is_structure and m.certainty != "hypothetical"
                and "history" not in m.time]
    hedged = [m for m in findings if m.certainty == "uncertain"]
    present = [m for m in findings if not m.absent and sure(m)]
    absent = [m for m in findings if m.absent and sure(m)]
    if hedged:
        return said(hedged[0], "uncertain")
    if present and absent:
        return said(present[0], "uncertain", "contradictory-clauses")
    if present:
        return said(present[0], "yes")
    if absent:
        return said(absent[0], "no")
    if statement.hedges or statement.aside_hedges:
        return Judgement("uncertain", "hedge", (statement.hedges + statement.aside_hedges)[0])
    normal = [m for m in statement.mentions if m.is_structure and m.state.startswith("normal")]
    if normal:
        return said(normal[0], "no", "normal-structure")
    return Judgement("none", "does-not-address-question")


def judge(statement: Statement, question: str | None) -> Judgement:
    """What ``statement`` answers to ``question`` (every finding, without one)."""
    if not question:
        return judge_without_question(statement)
    asked = read_statement(question)
    if asked.comparisons:
        return states.judge_comparison(statement, asked.comparisons[0])
    targets = [m for m in asked.mentions if m.role == "stated" and (not m.is_structure or m.state != "present")]
    terms = _terms(asked)
    if not targets and terms:  # "is there an aortic stent?": never answered from another finding's negation
        asked, statement = read_statement(question, terms), read_statement(statement.text, terms)
        targets = [m for m in asked.mentions if m.role == "stated" and (not m.is_structure or m.state != "present")]
    if not targets:
        return judge_without_question(statement)
    results = []
    for target in targets:
        if target.is_structure and target.state.startswith("normal"):
            result = states.judge_normality(statement, target)
        elif target.is_structure:
            continue
        elif target.state != "present":  # "is the tube in good position?", "are the wires intact?"
            result = states.judge_state(statement, replace(target, negated=False, certainty="certain"))
        else:
            result = judge_target(statement, replace(target, negated=False, certainty="certain"))
        results.append(_inverted(result) if target.negated else result)
    if not results:
        return judge_without_question(statement)
    return _combine(results, bool(asked.alternatives))


def _terms(asked: Statement) -> frozenset[str]:
    """The words of a question the lexicon does not know: the name of what it asks about, when it
    names no known finding."""
    words = set(asked.unknown) | {w for m in asked.mentions if m.is_structure for w in m.qualifiers}
    return frozenset(w for w in words if len(w) > 2)


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
