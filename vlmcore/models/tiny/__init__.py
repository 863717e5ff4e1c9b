"""Tiny offline builds of every family: real classes, small configs, seeded random weights.

They drive the tests and the embedded default. Each builds in about a second on CPU and
carries the real special tokens and prompt shape of its family. Which function builds which
family is the family's ``FamilySpec.tiny_builder``.
"""

from vlmcore.models.tiny.builders import TINY, TinySize
from vlmcore.models.tiny.vocabulary import NO_EXTENSION, VocabularyExtension


def build_tiny(family: str, size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    """(model, processor) of ``family``'s tiny build; an unknown family is a ``ConfigError`` listing the known ones.

    ``extension``: words and tags beyond the base vocabulary (the reference recipes that
    talk); without one, every build is exactly as before.
    """
    from vlmcore.models.families import family_spec

    return family_spec(family).build_tiny(size, seed, extension=extension)


__all__ = ["NO_EXTENSION", "TinySize", "VocabularyExtension", "build_tiny"]
