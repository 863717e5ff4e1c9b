"""Clinical NLP libraries against vlmcore's own reader, on the same corpora (issue 26, item 3).

Not collected by pytest (medspacy and negspacy are not dependencies of vlmcore: see the
decision below). Run it in a virtual environment that has them::

    python -m venv /tmp/msvenv && /tmp/msvenv/bin/pip install medspacy negspacy
    PYTHONPATH=. /tmp/msvenv/bin/python -m tests.answers.library_comparison

Each library replaces the part of the reader it could replace: finding the findings and their
negation / uncertainty / history (``read_statement``). Everything else is shared and identical:
the reasoning formats, the explicit answers and answer words, and the question-aware decision
(``judge``). Each library gets vlmcore's finding lexicon as its target rules (with the side,
size and location words allowed before a finding, so a target span carries its side), and
its own default cue rules:

- medspaCy 1.3: ``medspacy.load()`` (PyRuSH sentences, TargetMatcher, ConText with its 102
  default English rules: negated / possible / historical / hypothetical);
- vlmcore's mentions with ConText's negation / uncertainty / history / hypothetical flags
  instead of vlmcore's scope rules (everything else vlmcore's): whether ConText scopes cues
  better;
- negspaCy 1.0: spaCy's blank English with a sentencizer, an EntityRuler with the same
  targets, and Negex with the ``en_clinical`` termset (negation only).

"library alone" rows read the answer from the library's findings only (no answer words, no
reasoning formats), as a user wiring the library directly would.
"""

from __future__ import annotations

from collections import Counter

from vlmcore.answers.judge import judge
from vlmcore.answers.read import read_answer, read_with
from vlmcore.language import Mention, Statement
from vlmcore.language import lexicon as lx

_MODIFIER_WORDS = sorted(set(lx.SIDES) | set(lx.SIZES) | set(lx.LOCATIONS) | {"lobe", "lung", "pleural"})


def _patterns() -> list[tuple[str, list[dict]]]:
    """One token pattern per finding form, with optional modifiers before it."""
    rules = []
    for form, finding in lx.finding_forms().items():
        words = form.split()
        pattern = [{"LOWER": {"IN": _MODIFIER_WORDS}, "OP": "*"}] + [{"LOWER": w} for w in words]
        rules.append((finding, pattern))
        if not words[-1].endswith("s"):
            rules.append((finding, pattern[:-1] + [{"LOWER": words[-1] + "s"}]))
    return rules


def _mention(span, negated: bool, uncertain: bool, historical: bool, hypothetical: bool) -> Mention:
    words = [t.lower_ for t in span]
    sides = {lx.SIDES[w] for w in words if w in lx.SIDES}
    side = "bilateral" if "bilateral" in sides or {"left", "right"} <= sides else next(iter(sides), None)
    location = frozenset(lx.LOCATIONS[w] for w in words if w in lx.LOCATIONS)
    certainty = "hypothetical" if hypothetical else "uncertain" if uncertain else "certain"
    cue = "hedge" if uncertain else "negation" if negated else "presence"
    return Mention(span.label_, negated=negated, certainty=certainty, side=side, location=location,
                   time=frozenset({"history"}) if historical else frozenset(), cue=cue,
                   span=(span.start_char, span.end_char))


def medspacy_reader():
    import medspacy
    from medspacy.ner import TargetRule

    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add([TargetRule(f"{finding}:{i}", finding, pattern=pattern)
                                                 for i, (finding, pattern) in enumerate(_patterns())])

    def read(text: str) -> Statement:
        doc = nlp(text)
        return Statement(tuple(_mention(e, e._.is_negated, e._.is_uncertain, e._.is_historical, e._.is_hypothetical)
                               for e in doc.ents), text=text)
    return read


def context_cues_reader():
    """vlmcore's mentions (sides, locations, time, structures, comparisons) with negation and
    uncertainty taken from medspaCy's ConText instead of vlmcore's scope rules."""
    from dataclasses import replace

    import medspacy
    from medspacy.ner import TargetRule

    from vlmcore.language import read_statement

    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add([TargetRule(f"{finding}:{i}", finding, pattern=pattern)
                                                 for i, (finding, pattern) in enumerate(_patterns())])

    def read(text: str) -> Statement:
        ours, doc = read_statement(text), nlp(text)
        mentions = []
        for m in ours.mentions:
            ent = next((e for e in doc.ents if e.start_char < m.span[1] and m.span[0] < e.end_char), None)
            if ent is None or m.is_structure:
                mentions.append(m)
                continue
            certainty = "hypothetical" if ent._.is_hypothetical else "uncertain" if ent._.is_uncertain else "certain"
            time = m.time | ({"history"} if ent._.is_historical else set())
            mentions.append(replace(m, negated=ent._.is_negated, certainty=certainty, time=frozenset(time),
                                    cue="hedge" if certainty == "uncertain" else "negation" if ent._.is_negated else "presence"))
        return replace(ours, mentions=tuple(mentions))
    return read


def negspacy_reader():
    import spacy
    from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)
    from negspacy.termsets import termset

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": finding, "pattern": pattern} for finding, pattern in _patterns()])
    nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns()})

    def read(text: str) -> Statement:
        doc = nlp(text)
        return Statement(tuple(_mention(e, e._.negex, False, False, False) for e in doc.ents), text=text)
    return read


def _alone(reader):
    """The library's findings only: no reasoning formats, no answer words."""
    def read(text: str, question: str | None):
        return judge(reader(text.lower()), question).answer
    return read


def _score(read, items) -> tuple[int, Counter, Counter]:
    right, by_style, total = 0, Counter(), Counter()
    for style, question, text, expected in items:
        ok = read(text, question) == expected
        right += ok
        by_style[style] += ok
        total[style] += 1
    return right, by_style, total


def main() -> None:
    import logging

    from loguru import logger

    logger.remove()  # PyRuSH logs every sentence at DEBUG
    logging.disable(logging.WARNING)
    from tests.answers.corpus import corpus as earlier
    from tests.answers.report_corpus import corpus as new

    old_items = [("earlier", q, t, "none" if e == "uncertain" else e) for t, q, e in earlier()]
    readers = {"vlmcore": lambda t, q: read_answer(t, q).answer}
    for name, factory in (("medspacy", medspacy_reader), ("negspacy", negspacy_reader)):
        reader = factory()
        readers[f"{name} + shared front end"] = lambda t, q, r=reader: read_with(r, t, q).answer
        readers[f"{name} alone"] = _alone(reader)
    hybrid = context_cues_reader()
    readers["vlmcore mentions + ConText cues"] = lambda t, q: read_with(hybrid, t, q).answer
    items = new()
    print(f"{'reader':34} {'new corpus':>16} {'earlier corpus*':>16}")
    for name, read in readers.items():
        right, by_style, total = _score(read, items)
        old_right, _, _ = _score(_lenient(read), old_items)
        print(f"{name:34} {right:>4}/{len(items)} {right / len(items):6.1%} {old_right:>4}/{len(old_items)} "
              f"{old_right / len(old_items):6.1%}")
        print("    " + ", ".join(f"{s} {by_style[s]}/{total[s]}" for s in total))
    print("* earlier corpus: its 'uncertain' covers no-answer too, so uncertain and none both count as right there")


def _lenient(read):
    def lenient(text, question):
        answer = read(text, question)
        return "none" if answer == "uncertain" else answer
    return lenient


if __name__ == "__main__":
    main()
