"""``read_statement``: the reading passes in order (``reading`` for noun phrases and the
statement, ``ellipsis`` for headings, comparisons and elliptical phrases, ``scope`` for predicates, cues
and structures). Kept apart from ``reading`` so that ``ellipsis`` and ``scope``, which build on
``reading``'s drafts, are not imported back by it (no import circle)."""

from __future__ import annotations

from functools import lru_cache

from vlmcore.language import ellipsis, scope
from vlmcore.language.chunks import chunk
from vlmcore.language.mention import Statement
from vlmcore.language.reading import Reading, _noun_phrases, _statement, clauses_of


@lru_cache(maxsize=65536)
def read_statement(text: str, terms: frozenset[str] = frozenset()) -> Statement:
    """The bound mentions of ``text`` (a question or a model's answer); ``terms`` are words the
    lexicon does not know, read as a finding's name (see ``chunks.chunk``)."""
    chunks = chunk(text, terms)
    reading = Reading(chunks, clauses_of(chunks))
    for clause in range(len(reading.clauses)):
        _noun_phrases(reading, clause)
    ellipsis.headers(reading)
    for clause in range(len(reading.clauses)):
        ellipsis.comparisons(reading, clause)
        ellipsis.elliptical_phrases(reading, clause)
    for clause in range(len(reading.clauses)):
        scope.bind_predicates(reading, clause)
        scope.apply_cues(reading, clause)
    scope.resolve_structures(reading)
    return _statement(reading, text)
