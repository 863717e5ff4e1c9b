"""One model of what a sentence says about a finding, shared by the paraphrase check and the
answer reader (issue 31: one model, not two).

A ``Mention`` is one finding as written: where (side, location), how much (size / severity,
count), when (time and change: acute, chronic, new, resolved, persistent, improved ...), of
what kind ("tension"), whether it is negated or hedged, and the words bound to it that the
lexicon does not know. A structure with a normality predicate ("the lungs are clear") is a
mention of the structure with that state. A ``Statement`` holds a text's mentions in order,
the alternatives asked with "or", and comparisons ("the left effusion is larger than the
right"), whose order carries meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Mention:
    finding: str  # canonical finding ("pleural_effusion"), or "structure:<name>" for a structure's state
    state: str = "present"  # "present" | "normal:<clear|intact|sharp|expanded|normal|patent|midline|position>"
    #                         | "abnormal" | "abnormal:<low|high|position>" (a device out of place)
    negated: bool = False
    certainty: str = "certain"  # "certain" | "definite" (asked as "definite") | "uncertain" (a hedge or a qualified
    #                               negation) | "hypothetical" (spoken of in general, not on this film)
    side: str | None = None  # "left" | "right" | "bilateral" | "unilateral"
    location: frozenset[str] = frozenset()  # "upper", "lower:base", "radial:hilar", "bone:rib", "rib:6" ...
    size: frozenset[str] = frozenset()
    time: frozenset[str] = frozenset()  # lexicon.TIME classes
    kind: frozenset[str] = frozenset()  # "tension", "loculated" ...
    count: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()  # words not understood, bound to this mention
    role: str = "stated"  # "stated" | "compared" (an operand of a comparison)
    cue: str = "presence"  # what set its polarity: presence, negation, qualified-negation, hedge, resolved, label, normal
    span: tuple[int, int] = (0, 0)  # characters of the text it was read from

    @property
    def is_structure(self) -> bool:
        return self.finding.startswith("structure:")

    @property
    def absent(self) -> bool:
        """Negated, or gone now ("resolved", "no longer seen")."""
        return self.negated or "resolved" in self.time

    def signature(self) -> tuple:
        """Everything that is meaning: what two questions must agree on."""
        return (self.finding, self.state, self.negated, self.certainty, self.side, self.location, self.size, self.time,
                self.kind, self.count, self.qualifiers)

    def with_side(self, side: str | None) -> Mention:
        return replace(self, side=side)


@dataclass(frozen=True)
class Comparison:
    """``larger`` is larger (or higher) than ``smaller`` ("equal": as large as; then the order means
    nothing). "Higher" is its own dimension: "the right hemidiaphragm is higher than the left"."""

    larger: Mention
    smaller: Mention
    relation: str = "larger"  # "larger" | "higher" | "equal"

    def signature(self) -> tuple:
        pair = (self.larger.signature(), self.smaller.signature())
        return (self.relation, pair if self.relation != "equal" else frozenset(pair))


@dataclass(frozen=True)
class Statement:
    mentions: tuple[Mention, ...] = ()
    alternatives: tuple[frozenset[int], ...] = ()  # indices of mentions asked with "or": any one holds
    comparisons: tuple[Comparison, ...] = ()
    unknown: tuple[str, ...] = ()  # words not understood and bound to no mention
    hedges: tuple[tuple[int, int], ...] = ()  # spans of uncertainty words bound to nothing ("findings are equivocal")
    aside_hedges: tuple[tuple[int, int], ...] = ()  # ... bound to words not understood ("worrisome for aspiration")
    text: str = field(default="", compare=False)
    free: tuple[str, ...] = ()  # understood units bound to no mention ("SIDE:right", "TIME:acute"): meaning all the same

    def of(self, finding: str) -> list[Mention]:
        return [m for m in self.mentions if m.finding == finding]
