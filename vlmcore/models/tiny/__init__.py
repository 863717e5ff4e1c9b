"""Tiny offline builds of every family: real classes, small configs, seeded random weights.

They drive the tests and the embedded default. Each builds in about a second on CPU and
carries the real special tokens and prompt shape of its family. Which function builds which
family is the family's ``FamilySpec.tiny_builder``.
"""

from vlmcore.models.tiny.builders import TINY, TinySize


def build_tiny(family: str, size: TinySize = TINY, seed: int = 0):
    """(model, processor) of ``family``'s tiny build; an unknown family is a ``ConfigError`` listing the known ones."""
    from vlmcore.models.families import family_spec

    return family_spec(family).build_tiny(size, seed)


__all__ = ["TinySize", "build_tiny"]
