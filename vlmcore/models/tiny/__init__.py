"""Tiny offline builds of every family: real classes, small configs, seeded random weights.

They drive the tests and the embedded default. Each builds in about a second on CPU and
carries the real special tokens and prompt shape of its family.
"""

from vlmcore.models.tiny.builders import TINY_BUILDERS, TinySize, build_tiny

__all__ = ["TINY_BUILDERS", "TinySize", "build_tiny"]
