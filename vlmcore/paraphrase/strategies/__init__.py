"""One module per linguistic strategy; combinators build new strategies from old."""

from vlmcore.paraphrase.strategies.base import Paraphrase, ParaphraseStrategy
from vlmcore.paraphrase.strategies.clause_reordering import ClauseReorderingStrategy
from vlmcore.paraphrase.strategies.combined import CombinedStrategy
from vlmcore.paraphrase.strategies.phrasing import PhrasingStrategy
from vlmcore.paraphrase.strategies.register import RegisterStrategy
from vlmcore.paraphrase.strategies.synonym import SynonymStrategy
from vlmcore.paraphrase.strategies.voice import VoiceStrategy

__all__ = [
    "ClauseReorderingStrategy", "CombinedStrategy", "Paraphrase", "ParaphraseStrategy", "PhrasingStrategy",
    "RegisterStrategy", "SynonymStrategy", "VoiceStrategy",
]
