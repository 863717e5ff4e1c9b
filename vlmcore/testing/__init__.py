"""Test doubles for people testing their own gates: scripted models with known behaviour."""

from vlmcore.testing.scripted import ScriptedAdapter

__all__ = ["ScriptedAdapter"]
