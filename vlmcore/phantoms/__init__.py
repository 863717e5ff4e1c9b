"""Synthetic chest radiograph phantoms with ground truth (deterministic from a seed)."""

from vlmcore.phantoms.anatomy import PhantomSpec, render_phantom
from vlmcore.phantoms.truth import FindingTruth, PhantomTruth

__all__ = ["FindingTruth", "PhantomSpec", "PhantomTruth", "render_phantom"]
