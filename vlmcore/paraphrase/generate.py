"""Deterministic paraphrase generation over the six strategies of the seed study."""

from __future__ import annotations

from vlmcore.paraphrase.question import parse_question
from vlmcore.paraphrase.strategies import (
    ClauseReorderingStrategy, CombinedStrategy, Paraphrase, ParaphraseStrategy, PhrasingStrategy, RegisterStrategy,
    SynonymStrategy, VoiceStrategy,
)
from vlmcore.paraphrase.strategies.controls import controls
from vlmcore.paraphrase.strategies.fronted import FrontedStrategy
from vlmcore.paraphrase.validity import check_paraphrase
from vlmcore.registry import Registry

STRATEGIES: Registry = Registry("paraphrase strategy", base=ParaphraseStrategy)
for _strategy in (SynonymStrategy, VoiceStrategy, RegisterStrategy, ClauseReorderingStrategy, PhrasingStrategy):
    STRATEGIES.register(_strategy.label, _strategy)


def strategy_objects() -> dict[str, list[ParaphraseStrategy]]:
    """Every strategy label and the objects that produce it (combined has several)."""
    single = {name: [STRATEGIES.get(name)()] for name in STRATEGIES.names()}
    synonym = SynonymStrategy()
    single["combined"] = [CombinedStrategy(synonym, frame) for frame in
                          (VoiceStrategy(), ClauseReorderingStrategy(), PhrasingStrategy(), RegisterStrategy())]
    single["combined"] += [FrontedStrategy(VoiceStrategy()), FrontedStrategy(PhrasingStrategy())]
    return single


def paraphrases(question: str, *, valid_only: bool = True) -> dict[str, list[Paraphrase]]:
    """Paraphrases of ``question`` by strategy label, in a fixed order.

    With ``valid_only`` each passes ``check_paraphrase`` against the question."""
    parts = parse_question(question)
    result: dict[str, list[Paraphrase]] = {}
    for label, objects in strategy_objects().items():
        produced = [p for strategy in objects for p in strategy.paraphrases(parts)]
        if valid_only:
            produced = [p for p in produced if check_paraphrase(question, p.text)]
        result[label] = produced
    return result


def meaning_controls(question: str) -> list[Paraphrase]:
    """Negation, laterality-swap and finding-swap controls (never paraphrases)."""
    return controls(question, parse_question(question))
