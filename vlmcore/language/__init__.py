"""Radiology language read into bound findings: one model of a finding mention, shared by the
paraphrase check and the answer reader."""

from vlmcore.language.mention import Comparison, Mention, Statement
from vlmcore.language.statement import read_statement

__all__ = ["Comparison", "Mention", "Statement", "read_statement"]
