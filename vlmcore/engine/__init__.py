"""Evaluation: each image's whole paraphrase group in one batch, lazily, results cached."""

from vlmcore.engine.engine import Engine, GroupEvaluation
from vlmcore.data.rows import VariantRow

__all__ = ["Engine", "GroupEvaluation", "VariantRow"]
