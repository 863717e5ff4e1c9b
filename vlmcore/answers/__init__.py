"""Reading a model's free-text answer as yes / no / uncertain."""

from vlmcore.answers.parse import ParsedAnswer, explain_answer, parse_answer

__all__ = ["ParsedAnswer", "explain_answer", "parse_answer"]
