"""Paraphrase groups from base questions: strategies, controls, validity, search."""

from vlmcore.paraphrase.generate import STRATEGIES, meaning_controls, paraphrases
from vlmcore.paraphrase.question import QuestionParts, normalise_question, parse_question
from vlmcore.paraphrase.strategies import Paraphrase
from vlmcore.paraphrase.validity import Verdict, check_paraphrase

__all__ = [
    "STRATEGIES", "Paraphrase", "QuestionParts", "Verdict", "check_paraphrase", "meaning_controls", "normalise_question",
    "paraphrases", "parse_question",
]
