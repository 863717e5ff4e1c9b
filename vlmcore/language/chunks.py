"""Tokens grouped into typed chunks: the longest phrase of the lexicon at each position wins.

A chunk is one unit of meaning (``FINDING pleural_effusion`` for "fluid in the pleural space",
``SIDE left`` for "left-sided", ``NEG`` for "negative for") or one word the lexicon does not
know (``UNKNOWN``). Plural forms fall back to their singular ("effusions", "apices").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vlmcore.language import lexicon as lx
from vlmcore.language.devices import MALPOSITION, POSITION_GOOD, TIP_LOCATIONS
from vlmcore.language.tokens import PUNCTUATION, Token, tokenize

#: prepositions that open a location phrase after a finding ("in the right lower lobe")
PREPOSITIONS = frozenset({"in", "on", "at", "of", "within", "over", "involving", "overlying", "along", "beneath", "under",
                          "throughout", "projecting", "across", "near", "adjacent", "to", "following", "after",
                          "below", "underneath"})
DETERMINERS = frozenset({"a", "an", "the", "any", "this", "that", "these", "those", "some", "its", "their", "each"})
#: conjunctions inside a sentence; "but" and its kin open a new clause
CONJUNCTIONS = {"and": "and", "or": "or", "nor": "nor", "with": "with", "as well as": "and", "along with": "with",
                "together with": "with", "associated with": "with", "plus": "and", "and/or": "or"}
CONTRAST = frozenset({"but", "however", "although", "though", "whereas", "yet", "while", "except"})
#: phrases that state a finding (no meaning unit of their own, but never a conjunction)
PRESENCE = ("consistent with", "compatible with", "in keeping with", "diagnostic of", "indicative of", "positive for",
            "representing", "characteristic of", "typical of", "indicating", "which is", "due to", "secondary to",
            "in the setting of", "related to", "likely due to")


@dataclass(frozen=True)
class Chunk:
    kind: str  # FINDING STRUCT SIDE LOC SIZE TIME KIND COUNT QUAL NEG NEG_POST NEG_AUTO HEDGE HEDGE_POST HEDGE_AUTO
    #            HEDGE_BOTH PSEUDO NORMAL ABNORMAL CMP CMP_EQ THAN CONJ CONTRAST PRESENCE PREP DET VERB FRAME
    #            ANSWER NUM MEASURE (a length, in cm) PRED (a structure's predicate word) PUNCT UNKNOWN
    value: str
    words: tuple[str, ...]
    start: int
    end: int

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _entries() -> list[tuple[str, str, str]]:
    """(phrase, kind, value), later entries overriding earlier ones for the same phrase."""
    entries: list[tuple[str, str, str]] = []
    entries += [(w, "FRAME", w) for w in lx.FRAME]
    entries += [(w, "VERB", w) for w in lx.VERBS]
    entries += [(w, "PRED", w) for w in lx.PREDICATE_WORDS]
    entries += [(w, "PREP", w) for w in PREPOSITIONS]
    entries += [(w, "DET", w) for w in DETERMINERS]
    entries += [(p, "PRESENCE", p) for p in PRESENCE]
    entries += [(p, "CONJ", v) for p, v in CONJUNCTIONS.items()]
    entries += [(w, "CONTRAST", w) for w in CONTRAST]
    entries += [(p, "STRUCT", v) for p, v in lx.STRUCTURES.items()]
    entries += [(p, "LOC", v) for p, v in lx.LOCATIONS.items()] + [(p, "LOC", v) for p, v in TIP_LOCATIONS.items()]
    entries += [(p, "SIZE", v) for p, v in lx.SIZES.items()]
    entries += [(p, "COUNT", v) for p, v in lx.COUNTS.items()]
    entries += [(p, "TIME", v) for p, v in lx.TIME.items()]
    entries += [(p, "KIND", v) for p, v in lx.KINDS.items()]
    entries += [(p, "QUAL", p) for p in lx.QUALIFIER_WORDS]
    entries += [(p, "SIDE", v) for p, v in lx.SIDES.items()]
    entries += [(p, "NORMAL", v) for p, v in lx.NORMAL.items()] + [(p, "NORMAL", "position") for p in POSITION_GOOD]
    entries += [(p, "ABNORMAL", "abnormal") for p in lx.ABNORMAL] + [(p, "ABNORMAL", v) for p, v in MALPOSITION.items()]
    entries += [(p, "CMP", "larger") for p in lx.COMPARATIVE_LARGER] + [(p, "CMP", "smaller") for p in lx.COMPARATIVE_SMALLER]
    entries += [(p, "CMP", "exceeds") for p in lx.COMPARATIVE_EXCEEDS]
    entries += [(p, "CMP", "higher") for p in lx.COMPARATIVE_HIGHER] + [(p, "CMP", "lower") for p in lx.COMPARATIVE_LOWER]
    entries += [(p, "CMP_EQ", "equal") for p in lx.COMPARATIVE_EQUAL] + [("than", "THAN", "than")]
    entries += [(p, "FINDING", v) for p, v in lx.finding_forms().items()]
    entries += [(p, "HEDGE_AUTO", p) for p in lx.HEDGE_AUTO] + [(p, "HEDGE", p) for p in lx.HEDGE_PRE]
    entries += [(p, "HEDGE_POST", p) for p in lx.HEDGE_POST] + [(p, "HEDGE_BOTH", p) for p in lx.HEDGE_BOTH]
    entries += [(p, "NEG", p) for p in lx.NEGATION_PRE] + [(p, "NEG_POST", p) for p in lx.NEGATION_POST]
    entries += [(p, "NEG_AUTO", p) for p in lx.NEGATION_AUTO] + [(p, "PSEUDO", p) for p in lx.PSEUDO_NEGATION]
    entries += [(p, "HYPO", p) for p in lx.HYPOTHETICAL] + [(p, "CARRY", p) for p in lx.CARRY]
    entries += [("no longer", "TIME", "resolved"), ("yes", "ANSWER", "yes")] + [(p, "FRAME", p) for p in lx.BINARY]
    return entries


@lru_cache(maxsize=1)
def _table() -> tuple[dict[tuple[str, ...], tuple[str, str]], int]:
    table: dict[tuple[str, ...], tuple[str, str]] = {}
    for phrase, kind, value in _entries():
        words = tuple(t.text for t in tokenize(phrase))
        if words:
            table[words] = (kind, value)
    return table, max(len(k) for k in table)


def _singular(word: str) -> str | None:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "is", "us")):
        return None
    if word.endswith("ices"):
        return word[:-4] + "ex"  # apices -> apex
    if word.endswith("ies"):
        return word[:-3] + "y"  # opacities -> opacity
    return word[:-1]


def _lookup(words: tuple[str, ...]) -> tuple[str, str] | None:
    table, _ = _table()
    found = table.get(words)
    if found is None and words:
        singular = _singular(words[-1])
        if singular:
            found = table.get(words[:-1] + (singular,))
    return found


def _word_chunk(token: Token) -> list[Chunk]:
    """One token the table does not know: a number, a hyphenated pair, or an unknown word."""
    word = token.text
    if word in PUNCTUATION:
        return [Chunk("PUNCT", word, (word,), token.start, token.end)]
    measure = _MEASURE.fullmatch(word)
    if measure:
        return [Chunk("MEASURE", _centimetres(measure.group(1), measure.group(2)), (word,), token.start, token.end)]
    if word.isdigit() or word.rstrip("stndrh").isdigit() or _DECIMAL.fullmatch(word):
        return [Chunk("NUM", word, (word,), token.start, token.end)]
    parts = [p for p in word.replace("/", "-").split("-") if p]
    if len(parts) > 1:
        chunks = []
        for part in parts:
            found = _lookup((part,))
            kind, value = found if found else ("UNKNOWN", _singular(part) or part)
            chunks.append(Chunk(kind, value, (part,), token.start, token.end))
        return chunks
    return [Chunk("UNKNOWN", _singular(word) or word, (word,), token.start, token.end)]


def chunk(text: str, terms: frozenset[str] = frozenset()) -> list[Chunk]:
    """The chunks of ``text``, in order. ``terms``: words the lexicon does not know that are to be
    read as the name of a finding (``term:<words>``), e.g. the words a question asks about."""
    tokens = tokenize(text)
    _, longest = _table()
    chunks: list[Chunk] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            words = tuple(t.text for t in tokens[i:i + n])
            if n > 1 and any(w in PUNCTUATION for w in words):
                continue
            found = _lookup(words)
            if found:
                kind, value = found
                chunks.append(Chunk(kind, value, words, tokens[i].start, tokens[i + n - 1].end))
                i += n
                break
        else:
            chunks.extend(_word_chunk(tokens[i]))
            i += 1
    chunks = _disambiguate(chunks)
    return _as_terms(chunks, terms) if terms else chunks


def _as_terms(chunks: list[Chunk], terms: frozenset[str]) -> list[Chunk]:
    """Unknown words in ``terms`` become one finding per run ("aortic stent" -> ``term:aortic stent``)."""
    result: list[Chunk] = []
    for c in chunks:
        if c.kind != "UNKNOWN" or c.value not in terms:
            result.append(c)
        elif result and result[-1].kind == "FINDING" and result[-1].value.startswith("term:"):
            last = result.pop()
            result.append(Chunk("FINDING", f"{last.value} {c.value}", last.words + c.words, last.start, c.end))
        else:
            result.append(Chunk("FINDING", f"term:{c.value}", c.words, c.start, c.end))
    return result


#: words that set a threshold when a number follows ("a ratio above 0.5")
_THRESHOLD_WORDS = {"above": "larger", "over": "larger", "below": "smaller", "under": "smaller", "exceeding": "larger"}
_MEASURE = re.compile(r"(\d+(?:\.\d+)?)(cm|mm)")
_DECIMAL = re.compile(r"\d+\.\d+")
#: length units, in centimetres
UNITS = {"cm": 1.0, "cms": 1.0, "centimeter": 1.0, "centimeters": 1.0, "centimetre": 1.0, "centimetres": 1.0,
         "mm": 0.1, "millimeter": 0.1, "millimeters": 0.1, "millimetre": 0.1, "millimetres": 0.1}


def _centimetres(number: str, unit: str) -> str:
    """A length as one value ("8 mm" and "0.8 cm" are the same size): ``"0.8cm"``."""
    value = float(number) * UNITS[unit]
    return f"{value:g}cm"


def _names_sides(following: list[Chunk]) -> bool:
    """"both lungs", "both lung apices", "both pulmonary apices" (not "both X and Y")."""
    words = [w for c in following for w in c.words][:3]
    for word in words:
        if word in lx.BOTH_SIDES_NOUNS or (_singular(word) or "") in lx.BOTH_SIDES_NOUNS:
            return True
        if word not in ("lung", "pulmonary", "upper", "lower", "the"):
            return False
    return False


def _disambiguate(chunks: list[Chunk]) -> list[Chunk]:
    """Words whose kind depends on their neighbours: "both lungs" (a side) vs "both X and Y";
    an ordinal before "rib" (a location) vs "first, ..." (a frame word)."""
    result: list[Chunk] = []
    for i, c in enumerate(chunks):
        after = chunks[i + 1] if i + 1 < len(chunks) else None
        if c.kind == "UNKNOWN" and c.words[0] in UNITS and result and result[-1].kind == "NUM" \
                and result[-1].value.replace(".", "", 1).isdigit():
            number = result.pop()  # "1 cm", "8 mm": one measurement
            result.append(Chunk("MEASURE", _centimetres(number.value, c.words[0]), number.words + c.words, number.start, c.end))
            continue
        if c.words[-1] in _THRESHOLD_WORDS and after is not None and after.kind in ("NUM", "MEASURE"):
            c = Chunk("CMP", _THRESHOLD_WORDS[c.words[-1]], c.words, c.start, c.end)  # "above 0.5", "under 1 cm"
        elif c.kind == "LOC" and c.value in ("lower", "upper") and c.words[-1] in ("lower", "upper") and after is not None \
                and after.kind == "THAN":  # "is the left hemidiaphragm lower than the right?"
            c = Chunk("CMP", "lower" if c.value == "lower" else "higher", c.words, c.start, c.end)
        elif c.words == ("both",) and _names_sides(chunks[i + 1:i + 3]):
            c = Chunk("SIDE", "bilateral", c.words, c.start, c.end)
        elif c.words[-1] in lx.ORDINALS and after is not None and after.kind == "LOC" and after.value == "bone:rib":
            c = Chunk("LOC", f"rib:{lx.ORDINALS[c.words[-1]]}", c.words, c.start, c.end)
        elif c.kind == "NUM" and after is not None and after.kind == "LOC" and after.value == "bone:rib":
            c = Chunk("LOC", f"rib:{c.value.rstrip('stndrh')}", c.words, c.start, c.end)
        result.append(c)
    return result
