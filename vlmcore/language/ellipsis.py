"""Operands a sentence leaves out: comparisons and elliptical side phrases.

"Is the left effusion larger than *the right*?" compares two effusions although one is named;
"on the left *but not on the right*" negates a right effusion no word names. Both are read as
copies of the finding they refer back to, bound to the side or location written, and the
comparison keeps its order (which is larger carries the meaning). Likewise a clause that names
no finding but says where or how large the one before it is ("..., *but it is on the right
side*"), and a side written as a heading ("*Left:* no effusion.") for the clause after it.
"""

from __future__ import annotations

from vlmcore.language.reading import _ELLIPSIS_FRAME, Draft, Reading

_PRIOR = frozenset({"prior", "previous", "previously", "before", "baseline", "earlier", "yesterday", "last"})
_RUN = frozenset({"PREP", "DET", "SIDE", "LOC"})


def _side_run(reading: Reading, i: int, stop: int) -> list[int]:
    """Indices of "on the right (side)" / "the left one" / "right" starting at ``i``, or []."""
    chunks, run = reading.chunks, []
    j = i
    while j < stop and j not in reading.used and (chunks[j].kind in _RUN or chunks[j].words[0] in _ELLIPSIS_FRAME):
        run.append(j)
        j += 1
    return run if any(chunks[k].kind in ("SIDE", "LOC") for k in run) else []


def _copy(source: Draft, reading: Reading, run: list[int], clause: int, role: str) -> Draft:
    copy = source.copy(side=set(), first=run[0], last=run[-1], clause=clause, role=role, negated=False,
                       uncertain=False, cue="presence", dropped=False, label=False, predicates=set())
    chunks = reading.chunks
    if any(chunks[k].kind == "LOC" for k in run):
        copy.location = set()
    for k in run:
        if chunks[k].kind in ("SIDE", "LOC"):
            copy.bind(chunks[k])
    reading.used.update(run)
    reading.drafts.append(copy)
    return copy


def _source_before(reading: Reading, index: int) -> Draft | None:
    before = [d for d in reading.drafts if d.last < index and not d.dropped]
    return max(before, key=lambda d: d.last) if before else None


def comparisons(reading: Reading, clause: int) -> None:
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    for k in range(start, end):
        c = chunks[k]
        if k in reading.used or c.kind not in ("CMP", "CMP_EQ"):
            continue
        number_next = k + 1 < end and chunks[k + 1].kind in ("NUM", "MEASURE")
        if c.kind == "CMP_EQ" or c.value == "exceeds" or c.words[-1] == "than" or number_next:
            than = k  # "as large as X", "exceeds 0.5", "more than 1 cm": the object follows directly
        else:
            than = next((t for t in range(k + 1, end) if chunks[t].kind == "THAN"), None)
        if than is None:
            continue  # no "than": a change over time ("is the pneumothorax larger?"), read as a predicate
        _comparison(reading, clause, k, than, "equal" if c.kind == "CMP_EQ" else c.value)


def _comparison(reading: Reading, clause: int, k: int, than: int, relation: str) -> None:
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    heads = reading.heads_in(clause)
    left_head = next((d for d in reversed(heads) if d.last < k), None)
    j = than + 1
    while j < end and chunks[j].kind in ("DET", "PREP") and j not in reading.used:
        j += 1
    if j >= end:
        return
    if chunks[j].kind in ("NUM", "MEASURE") and left_head is not None:  # "larger than 1 cm", "exceeds 0.5": a threshold
        above = relation in ("larger", "exceeds", "higher")
        left_head.size.add((">" if above else "<") + chunks[j].value)
        reading.used.update(range(k, j + 1))
        return
    if relation == "exceeds":
        return
    if chunks[j].kind == "NORMAL" and left_head is not None and relation == "higher":  # "higher than normal": elevated
        left_head.predicates.add("elevated")
        reading.used.update(range(k, j + 1))
        return
    if chunks[j].kind == "NORMAL" and left_head is not None:  # "larger than normal": enlarged
        left_head.predicates.add("enlarged" if relation == "larger" else "small")
        left_head.size.add("enlarged" if relation == "larger" else "small")
        reading.used.update(range(k, j + 1))
        return
    if chunks[j].words[0] in _PRIOR and left_head is not None:  # "larger than before": a change over time
        left_head.time.add("increased" if relation == "larger" else "decreased")
        reading.used.update(range(k, j + 1))
        return
    right = next((d for d in heads if d.first <= j <= d.last), None)
    right_run = [] if right is not None else _side_run(reading, j, end)
    middle = _side_run(reading, k + 1, than)
    before_run = _run_before(reading, k, start)
    source = left_head or right or next((d for d in heads if d.first > than), None)
    if source is None or (right is None and not right_run):
        return
    reading.used.update({k, than})
    if middle:  # "the effusion is larger on the left than on the right"
        left = _copy(source, reading, middle, clause, "compared")
        if left_head is not None and _adjacent(reading, left_head.last, k):
            left_head.dropped = True
    elif before_run:  # "left greater than right (pleural effusions)"
        left = _copy(source, reading, before_run, clause, "compared")
    elif left_head is not None:
        left = left_head
    else:
        return
    if right is None:
        right = _copy(source, reading, right_run, clause, "compared")
    left.role = right.role = "compared"
    larger, smaller = (right, left) if relation in ("smaller", "lower") else (left, right)
    dimension = "equal" if relation == "equal" else "higher" if relation in ("higher", "lower") else "larger"
    reading.comparisons.append((larger, smaller, dimension))


def _run_before(reading: Reading, k: int, start: int) -> list[int]:
    run, j = [], k - 1
    while j >= start and j not in reading.used and reading.chunks[j].kind in ("SIDE", "LOC"):
        run.insert(0, j)
        j -= 1
    return run


def _adjacent(reading: Reading, a: int, b: int) -> bool:
    """Only verbs and articles between two chunks ("the effusion *is* larger")."""
    return all(reading.chunks[i].kind in ("VERB", "DET", "FRAME") for i in range(a + 1, b))


def _residual(reading: Reading, clause: int) -> None:
    """"…has almost completely resolved; *a trace remains*": an amount that stays, with no finding
    named, is what is left of the finding before it."""
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    if reading.heads_in(clause):
        return
    sizes = [i for i in range(start, end) if chunks[i].kind == "SIZE" and i not in reading.used]
    stays = [i for i in range(start, end) if chunks[i].kind == "TIME" and chunks[i].value == "persistent"
             and i not in reading.used]
    source = _source_before(reading, start)
    if sizes and stays and source is not None:
        copy = _copy(source, reading, sizes + stays, clause, source.role)
        copy.side, copy.time = set(source.side), {"persistent"}
        copy.size = {chunks[i].value for i in sizes}


def elliptical_phrases(reading: Reading, clause: int) -> None:
    """"but not on the right", "and on the left", "or on the right", "not the left": a copy of the
    finding they refer back to, with the side or location they name."""
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    i = start
    while i < end:
        run = _side_run(reading, i, end) if chunks[i].kind in _RUN and i not in reading.used else []
        if not run:
            i += 1
            continue
        opener = chunks[run[0] - 1] if run[0] - 1 >= start else None
        closes = run[-1] + 1 >= end or chunks[run[-1] + 1].kind == "PUNCT"
        source = _source_before(reading, run[0])
        negates = opener is not None and (opener.kind == "NEG" or opener.words == ("not",))  # not "absent bilaterally"
        if closes and opener is not None and (negates or opener.kind in ("CONJ", "CONTRAST")) and source is not None:
            copy = _copy(source, reading, run, clause, source.role)
            if opener.kind == "CONJ" and opener.value == "or":
                reading.alternatives.append([source, copy])
        i = run[-1] + 1
    _residual(reading, clause)
    _pronoun_predicate(reading, clause)


_PRONOUNS = frozenset({"it", "they", "this", "which", "these", "that"})


def _pronoun_predicate(reading: Reading, clause: int) -> None:
    """"There is an effusion, *but it is on the right side*": a clause whose subject is a pronoun
    and that names no finding says where, how large or how old the finding before it is."""
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    if reading.heads_in(clause):
        return
    words = [i for i in range(start, end) if chunks[i].kind not in ("CONTRAST", "CONJ", "PUNCT")]
    if not words or chunks[words[0]].words[0] not in _PRONOUNS:
        return
    source = _source_before(reading, start)
    modifiers = [i for i in words if i not in reading.used and chunks[i].kind in ("SIDE", "LOC", "SIZE", "TIME", "KIND")]
    if source is None or not modifiers:
        return
    if any(chunks[i].kind == "SIDE" for i in modifiers):
        source.side = set()  # the side said now is the side (the finding was named without one, or wrongly)
    for i in modifiers:
        source.bind(chunks[i])
    reading.used.update(modifiers)


def headers(reading: Reading) -> None:
    """"Left: no effusion. Right: small effusion.": a side written as a heading before a colon is
    the side of the findings in the clause after it."""
    chunks = reading.chunks
    for number, (start, end) in enumerate(reading.clauses[:-1]):
        words = [chunks[i] for i in range(start, end)]
        if not (end < len(chunks) and chunks[end].value == ":" and any(c.kind == "SIDE" for c in words)
                and all(c.kind in ("SIDE", "DET", "LOC") for c in words)):
            continue
        for draft in reading.heads_in(number + 1):
            for c in words:
                if not (c.kind == "SIDE" and draft.side):
                    draft.bind(c)
        reading.used.update(range(start, end))
