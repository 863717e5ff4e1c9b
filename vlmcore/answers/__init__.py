"""Reading a model's free-text answer: yes / no / uncertain / none, the rule and the span."""

from vlmcore.answers.formats import REASONING_FORMATS, AnswerRegion, answer_region
from vlmcore.answers.parse import ParsedAnswer, explain_answer, parse_answer
from vlmcore.answers.read import AnswerReading, outcome, read_answer

__all__ = ["REASONING_FORMATS", "AnswerReading", "AnswerRegion", "ParsedAnswer", "answer_region", "explain_answer",
           "outcome", "parse_answer", "read_answer"]
