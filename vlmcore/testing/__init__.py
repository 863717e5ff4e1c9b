"""Test doubles for people testing their own gates: scripted models with known behaviour.

Public API (the suite's own tests use it the same way):

- ``ScriptedAdapter(margin, name=..., fingerprint=...)``: answers from a rule
  ``margin(question, image) -> float`` (positive = yes); return it from a
  ``pytest_vlmcore_make_adapter(spec, run)`` hook in a conftest or plugin.
- ``StudyModel``, ``write_study``, ``study_adapter``: a model with the published MedGemma-4B
  study's behaviour, as a dataset folder plus an answer table the adapter serves.
"""

from vlmcore.testing.scripted import ScriptedAdapter
from vlmcore.testing.study import StudyModel, study_adapter, write_study

__all__ = ["ScriptedAdapter", "StudyModel", "study_adapter", "write_study"]
