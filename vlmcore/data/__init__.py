"""Datasets of paraphrase groups: reading users' files, images, validation, summaries."""

from vlmcore.data.case import Case, Dataset, ParaphraseGroup, SourceRow
from vlmcore.data.loader import load_dataset
from vlmcore.data.summary import summarise

__all__ = ["Case", "Dataset", "ParaphraseGroup", "SourceRow", "load_dataset", "summarise"]
