"""How ``read_statement`` (``language.statement``) reads a question or an answer into bound mentions.

The text is split into clauses (sentence punctuation; "but", "however"; "and" before a new
subject). In each clause every finding or structure is the head of a noun phrase that binds
the modifiers written next to it: before it ("small left pleural effusion") and in location
phrases after it ("in the right lower lobe", "of the left sixth rib"). Then, in order:

1. comparisons bind their two operands in order ("the left effusion is larger than the
   right"; "larger on the left than on the right"; "left greater than right");
2. elliptical phrases copy the finding they leave out ("on the left *but not on the right*",
   "*and on the right*", "*not the left*");
3. modifiers written apart from any noun phrase are predicates of the nearest finding in their
   clause ("the effusion *has resolved*", "is the effusion *bilateral*?");
4. negation and uncertainty cues reach the first coordinated group of findings on their side
   (``scope``), so "No pneumothorax. Moderate right pleural effusion." negates only the
   pneumothorax and "possible pneumonia; no effusion" hedges only the pneumonia;
5. a structure with a predicate becomes what it says ("the heart is enlarged" is
   cardiomegaly; "the lungs are clear" a normal lung; "the trachea is deviated" tracheal
   deviation); a structure without one lends its side and location ("does the left lung
   contain a mass?"), or stays a mention of its own when there is nothing to lend to.

Nothing understood is dropped: a side, time word, count, negation or measurement that binds to
no finding is kept in ``Statement.free`` ("*acute* interstitial changes"), so the paraphrase
check can still compare it. Lengths are one value ("8 mm" = "0.8 cm"); a threshold ("larger
than 1 cm", "exceeds 0.5") is a size of the finding it is said of.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vlmcore.language import lexicon as lx
from vlmcore.language.chunks import Chunk
from vlmcore.language.mention import Comparison, Mention, Statement

_BOUNDARY = frozenset({".", "?", "!", "\n", ";", "(", ")", "—", "–", "-"})
_NEW_SUBJECT = frozenset({"there", "the", "it", "is", "are", "this", "these", "its", "i", "we", "was", "were", "has", "have"})
#: chunk kinds a noun phrase takes before its head
_PRE = frozenset({"SIDE", "LOC", "SIZE", "TIME", "KIND", "COUNT", "QUAL", "UNKNOWN", "NUM", "NORMAL", "ABNORMAL", "MEASURE",
                  "PRED"})
#: chunk kinds inside a location phrase after a head
_PP = frozenset({"PREP", "DET", "SIDE", "LOC", "STRUCT", "NUM", "UNKNOWN", "QUAL", "COUNT", "MEASURE"})
#: "a *definite* pneumothorax", "is a pneumothorax *definitely* present?": certainty, not a qualifier
_DEFINITE = frozenset({"definite", "definitive", "definitely", "unequivocal", "unequivocally"})
_PP_FRAME = frozenset({"side", "sides", "area", "areas", "region", "regions", "field", "fields", "hemithorax", "part",
                       "aspect", "portion", "segment"})
#: chunk kinds that carry meaning: never silently dropped when they bind to no finding
_UNITS = frozenset({"SIDE", "LOC", "SIZE", "TIME", "KIND", "COUNT", "MEASURE", "NUM", "PRED", "NEG", "NEG_AUTO", "NEG_POST",
                    "HEDGE", "HEDGE_AUTO", "HEDGE_POST", "HEDGE_BOTH", "NORMAL", "ABNORMAL", "CMP", "CMP_EQ"})
_BELOW = frozenset({"under", "beneath", "below", "underneath"})
_ELLIPSIS_FRAME = frozenset({"side", "sides", "one", "lung", "lungs", "hemithorax"})


@dataclass
class Draft:
    """A mention under construction: the head chunk and everything bound to it so far."""

    finding: str
    first: int  # chunk index where the noun phrase starts
    last: int  # chunk index where it ends
    clause: int
    side: set = field(default_factory=set)
    location: set = field(default_factory=set)
    size: set = field(default_factory=set)
    time: set = field(default_factory=set)
    kind: set = field(default_factory=set)
    count: set = field(default_factory=set)
    qualifiers: set = field(default_factory=set)
    predicates: set = field(default_factory=set)  # surface words of predicates ("enlarged"), for structures
    state: str = "present"
    negated: bool = False
    uncertain: bool = False
    definite: bool = False
    hypothetical: bool = False
    cue: str = "presence"
    role: str = "stated"
    dropped: bool = False
    label: bool = False

    @property
    def is_structure(self) -> bool:
        return self.finding.startswith("structure:")

    def copy(self, **changes) -> Draft:
        fields_ = {k: (set(v) if isinstance(v, set) else v) for k, v in self.__dict__.items()}
        fields_.update(changes)
        return Draft(**fields_)

    def bind(self, c: Chunk) -> None:
        """Bind one modifier chunk to this mention."""
        if c.kind == "SIDE":
            self.side.add(c.value)
            if c.words[0] in ("bibasilar", "bibasal"):
                self.location.add("lower:base")
            elif c.words[0] == "biapical":
                self.location.add("upper:apex")
        elif c.kind == "LOC":
            self.location.add(c.value)
        elif c.kind == "STRUCT":
            if c.value in lx.STRUCTURE_LOCATIONS:
                self.location.add(lx.STRUCTURE_LOCATIONS[c.value])
        elif c.kind == "SIZE":
            self.size.add(c.value)
        elif c.kind == "TIME":
            self.time.add(c.value)
        elif c.kind == "KIND":
            self.kind.add(c.value)
        elif c.kind == "COUNT":
            self.count.add(c.value)
        elif c.kind == "MEASURE":
            self.size.add(c.value)
        elif c.kind == "QUAL" and c.value in _DEFINITE:
            self.definite = True
        elif c.kind in ("UNKNOWN", "QUAL", "NUM", "PRED"):
            self.qualifiers.add(c.value)
        elif c.kind == "NORMAL":
            self.state = f"normal:{c.value}"
        elif c.kind == "ABNORMAL":
            self.state = c.value
        self.predicates.update(c.words)


@dataclass
class Reading:
    """The working state of one text: its chunks, clauses, drafts and what is used."""

    chunks: list[Chunk]
    clauses: list[tuple[int, int]]
    drafts: list[Draft] = field(default_factory=list)
    used: set = field(default_factory=set)
    comparisons: list[tuple[Draft, Draft, str]] = field(default_factory=list)
    alternatives: list[list[Draft]] = field(default_factory=list)
    hedges: list[tuple[int, int]] = field(default_factory=list)
    aside_hedges: list[tuple[int, int]] = field(default_factory=list)

    def clause_of(self, index: int) -> int:
        for number, (start, end) in enumerate(self.clauses):
            if start <= index < end:
                return number
        return -1

    def heads_in(self, clause: int) -> list[Draft]:
        return sorted((d for d in self.drafts if d.clause == clause and not d.dropped), key=lambda d: d.first)


def clauses_of(chunks: list[Chunk]) -> list[tuple[int, int]]:
    clauses, start = [], 0
    for i, c in enumerate(chunks):
        after = chunks[i + 1] if i + 1 < len(chunks) else None
        if c.kind == "PUNCT" and c.value in _BOUNDARY or c.kind == "PUNCT" and c.value == ":" and not (i and chunks[i - 1].kind in ("FINDING", "STRUCT")):
            clauses.append((start, i))
            start = i + 1
        elif c.kind == "CONTRAST" or (c.kind == "CONJ" and c.value == "and" and after is not None
                                      and (after.words[0] in _NEW_SUBJECT or after.kind in ("VERB", "NEG", "NEG_AUTO"))):
            clauses.append((start, i))
            start = i
    clauses.append((start, len(chunks)))
    return [(s, e) for s, e in clauses if e > s]


def _noun_phrases(reading: Reading, clause: int) -> None:
    start, end = reading.clauses[clause]
    chunks = reading.chunks
    for h in range(start, end):
        c = chunks[h]
        if c.kind not in ("FINDING", "STRUCT") or h in reading.used:
            continue
        if h + 1 < end and chunks[h + 1].kind == "FINDING" and (c.kind == "STRUCT" or c.value == chunks[h + 1].value):
            continue  # "lung mass": the structure is the mass's location; "mass lesion": one mass
        if c.kind == "STRUCT" and _after_preposition(chunks, h, start):
            continue  # "seen on the prior study", "of the ribcage": a place, bound as a modifier
        finding = c.value if c.kind == "FINDING" else f"structure:{c.value}"
        draft = Draft(finding, h, h, clause)
        first = h
        while first - 1 >= start and (chunks[first - 1].kind in _PRE or (chunks[first - 1].kind == "STRUCT" and c.kind == "FINDING")
                                      or (chunks[first - 1].kind == "FINDING" and chunks[first - 1].value == c.value)):
            if first - 1 in reading.used:
                break
            first -= 1
            draft.bind(chunks[first])
        draft.first = first
        draft.last = _location_phrase(reading, draft, h + 1, end)
        reading.used.update(range(draft.first, draft.last + 1))
        reading.drafts.append(draft)
        _shared_head(reading, draft, start)


def _after_preposition(chunks: list[Chunk], h: int, start: int) -> bool:
    """The structure's noun phrase follows a preposition ("of the left sixth rib"); an article
    starts the noun phrase, so "on the image *the heart* appears enlarged" is a subject."""
    j = h - 1
    while j >= start and chunks[j].kind in ("DET", "FRAME", "SIDE", "LOC", "UNKNOWN"):
        if chunks[j].kind == "DET":
            return j - 1 >= start and chunks[j - 1].kind == "PREP"
        j -= 1
    return j >= start and chunks[j].kind == "PREP"


def _location_phrase(reading: Reading, draft: Draft, k: int, end: int) -> int:
    """Bind "in the right lower lobe" / "of the left sixth rib" after a head; return its last index."""
    chunks, last = reading.chunks, draft.last
    while k < end and chunks[k].kind == "PREP" and chunks[k].words[0] not in ("to",):
        j, content = k + 1, []
        while j < end and (chunks[j].kind in _PP or chunks[j].words[0] in _PP_FRAME):
            if chunks[j].kind == "PREP" and content:
                break
            content.append(chunks[j])
            j += 1
        if not any(c.kind in ("SIDE", "LOC", "STRUCT", "UNKNOWN") for c in content):
            break
        below = chunks[k].words[0] in _BELOW
        for c in content:
            if below and c.kind == "STRUCT" and c.value == "diaphragm":  # "free air under the right hemidiaphragm"
                draft.location.add("below:diaphragm")
                continue
            draft.bind(c)
        last, k = j - 1, j
    return last


def _shared_head(reading: Reading, draft: Draft, start: int) -> None:
    """"small right and moderate left pleural effusions": a modifier group coordinated before
    the head names a second mention of the same finding."""
    chunks = reading.chunks
    j = draft.first - 1
    if j < start or chunks[j].kind != "CONJ" or chunks[j].value not in ("and", "or"):
        return
    first = j
    while first - 1 >= start and chunks[first - 1].kind in ("SIDE", "SIZE", "LOC") and first - 1 not in reading.used:
        first -= 1
    if first == j or not any(chunks[i].kind in ("SIDE", "LOC") for i in range(first, j)):
        return
    other = draft.copy(side=set(), location=set(), size=set(), first=first, last=j - 1)
    for i in range(first, j):
        other.bind(chunks[i])
    reading.used.update(range(first, j + 1))
    reading.drafts.append(other)




def _span(reading: Reading, draft: Draft) -> tuple[int, int]:
    return reading.chunks[draft.first].start, reading.chunks[draft.last].end


def _side(sides: set) -> str | None:
    if "bilateral" in sides or {"left", "right"} <= sides:
        return "bilateral"
    return next(iter(sorted(sides)), None)


def to_mention(reading: Reading, draft: Draft) -> Mention:
    location = frozenset(draft.location) - lx.IMPLIED_LOCATIONS.get(draft.finding, frozenset())
    cue = "label" if draft.label else draft.cue
    certainty = "uncertain" if draft.uncertain or "borderline" in draft.size else "definite" if draft.definite else "certain"
    if "borderline" in draft.size and cue == "presence":
        cue = "hedge"
    if draft.hypothetical:
        certainty = "hypothetical"
    time = frozenset(draft.time)
    if time - {"prior"}:  # "previously seen ..., now resolved": what it is now says it all
        time -= {"prior"}
    return Mention(draft.finding, draft.state, draft.negated, certainty,
                   _side(draft.side), location, frozenset(draft.size), time, frozenset(draft.kind),
                   frozenset(draft.count), frozenset(draft.qualifiers), draft.role, cue, _span(reading, draft))


def _statement(reading: Reading, text: str) -> Statement:
    drafts = sorted((d for d in reading.drafts if not d.dropped), key=lambda d: d.first)
    index = {id(d): i for i, d in enumerate(drafts)}
    mentions = tuple(to_mention(reading, d) for d in drafts)
    alternatives = tuple(frozenset(index[id(d)] for d in group if id(d) in index) for group in reading.alternatives)
    comparisons = tuple(Comparison(to_mention(reading, a), to_mention(reading, b), relation)
                        for a, b, relation in reading.comparisons)
    unknown = tuple(c.value for i, c in enumerate(reading.chunks) if i not in reading.used and c.kind in ("UNKNOWN", "QUAL"))
    free = tuple(sorted(f"{c.kind}:{c.value}" for i, c in enumerate(reading.chunks) if i not in reading.used and c.kind in _UNITS))
    alternatives = tuple(dict.fromkeys(a for a in alternatives if len(a) > 1))
    return Statement(mentions, alternatives, comparisons, unknown, tuple(reading.hedges), tuple(reading.aside_hedges), text, free)
