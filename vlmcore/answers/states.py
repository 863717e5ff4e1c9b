"""Questions about a state rather than a presence, and comparisons.

- *Normality of a structure* ("are the lungs clear?", "are the costophrenic angles sharp?",
  "is the trachea midline?"): the structure's own state, else a finding its normal state rules
  out (a blunted angle answers "are the angles sharp?" with no).
- *Normality of the whole study* ("is this chest X-ray normal?"): a finding stated present ->
  no; "no acute cardiopulmonary process" or a report that names only normal structures and
  absent findings -> yes. Devices do not make a study abnormal.
- *A device's position* ("is the endotracheal tube in appropriate position?"): the position as
  stated ("in good position", "too low", "should be advanced"), else where the tip lies
  against where that device's tip belongs (``vlmcore.language.devices``): a tube 4 cm above
  the carina is well placed, one in the right mainstem bronchus is not.
- *Comparisons* ("is the left effusion larger than the right?"): a comparison of the same
  finding in the same dimension, in the same or the opposite order.
"""

from __future__ import annotations

import re

from vlmcore.answers.fit import Judgement, excluded_by, names, said, side_fits, sure
from vlmcore.language import Mention, Statement
from vlmcore.language.devices import BAD_TIPS, CARINA_CM, DEVICES, GOOD_TIPS

_WHOLE_STUDY = frozenset({"structure:chest", "structure:region"})
_CM = re.compile(r"(\d+(?:\.\d+)?)cm")


def judge_normality(statement: Statement, asked: Mention) -> Judgement:
    """"Are the lungs clear?": the structure's state, or a finding the normal state excludes."""
    for m in statement.mentions:
        if m.finding == asked.finding and side_fits(asked.side, m.side):
            if m.state.startswith("normal"):
                return said(m, "no" if m.negated else "yes", "normal-structure")
            if m.state.startswith("abnormal"):
                return said(m, "yes" if m.negated else "no", "abnormal-structure")
    ruled_out = excluded_by(asked)
    whole = asked.finding in _WHOLE_STUDY
    named = [m for m in statement.mentions if m.finding in ruled_out and side_fits(asked.side, m.side)
             and m.certainty != "hypothetical" and not (whole and m.finding in DEVICES)]
    present = [m for m in named if not m.absent and sure(m)]
    if present:
        return said(present[0], "no", "names-a-finding")
    hedged = [m for m in named if m.certainty == "uncertain"]
    if hedged:
        return said(hedged[0], "uncertain")
    if whole:
        return _whole_study(statement)
    return Judgement("none", "does-not-address-question")


def _whole_study(statement: Statement) -> Judgement:
    """Nothing abnormal named: "no acute cardiopulmonary process", or only normal structures and
    absent findings."""
    negated = [m for m in statement.mentions if m.finding == "abnormality" and m.negated and sure(m)
               and not m.location]
    if negated:
        return said(negated[0], "yes", "normal-study")
    normal = [m for m in statement.mentions if m.is_structure and m.state.startswith("normal") and not m.negated]
    findings = [m for m in statement.mentions if not m.is_structure and m.certainty != "hypothetical"]
    if normal and findings and all(m.absent and sure(m) for m in findings):
        return said(normal[0], "yes", "nothing-abnormal-named")
    return Judgement("none", "does-not-address-question")


def _tip_verdict(mention: Mention) -> str | None:
    """"good" | "bad" | None: a device's position as stated, else by where its tip lies."""
    if mention.state.startswith("abnormal"):
        return "bad"
    if mention.state == "normal:position":
        return "good"
    tips = {t for t in mention.location if t.startswith(("tip:", "below:", "above:"))}
    if tips & BAD_TIPS.get(mention.finding, frozenset()):
        return "bad"
    good = tips & GOOD_TIPS.get(mention.finding, frozenset())
    if not good:
        return None
    if "tip:above_carina" in good:  # "terminates 4 cm above the carina"
        lengths = [float(m.group(1)) for size in mention.size for m in [_CM.fullmatch(size)] if m]
        if any(not CARINA_CM[0] <= cm <= CARINA_CM[1] for cm in lengths):
            return "bad"
    return "good"


def judge_state(statement: Statement, asked: Mention) -> Judgement:
    """"Is the endotracheal tube in good position?", "is it too low?", "are the sternotomy wires
    intact?": the state the answer gives the same finding."""
    same = [m for m in statement.mentions if names(asked.finding, m.finding) and side_fits(asked.side, m.side)
            and m.certainty != "hypothetical" and not m.absent]
    for m in same:
        if m.certainty == "uncertain":
            return said(m, "uncertain")
        if asked.state == "normal:position" or asked.state.startswith("abnormal"):
            verdict = _tip_verdict(m)
            if verdict is None:
                continue
            if asked.state.startswith("abnormal") and verdict == "bad" and m.state.startswith("abnormal") \
                    and m.state != asked.state and "position" not in (m.state, asked.state):
                return said(m, "no", "position")  # too high, asked whether too low
            wanted = "good" if asked.state == "normal:position" else "bad"
            return said(m, "yes" if verdict == wanted else "no", "position")
        if m.state == asked.state:
            return said(m, "yes", "state")
        if m.state != "present":
            return said(m, "no", "state")
    return Judgement("none", "does-not-address-question")


def judge_comparison(statement: Statement, asked) -> Judgement:
    """"Is the left effusion larger than the right?" against the comparisons the text makes."""
    for found in statement.comparisons:
        if found.larger.finding != asked.larger.finding:
            continue
        if found.relation == "equal":
            return said(found.larger, "no", "comparison")
        if found.relation != asked.relation:
            continue
        order = (found.larger.side, found.smaller.side, found.larger.location, found.smaller.location)
        if order == (asked.larger.side, asked.smaller.side, asked.larger.location, asked.smaller.location):
            return said(found.larger, "yes", "comparison")
        if order == (asked.smaller.side, asked.larger.side, asked.smaller.location, asked.larger.location):
            return said(found.larger, "no", "comparison")
    return Judgement("none", "does-not-address-question")
