"""Trained tiny reference models: phantoms at scale, recipes, training and the shipped set.

Random-weight tiny builds prove the plumbing; these prove the verdict. Each reference model
is a tiny model of a real architecture trained on CPU on phantom films whose truth is known,
with a documented behaviour (robust, brittle, blind, seed replicas, degraded; verbose and
reasoner, which talk before they answer; shortcut, which reads a burned-in tag instead of the
lesion), shipped as a checkpoint folder under ``fixtures/reference/``. Every one ends its
answer with the end-of-turn token, so its greedy generation can be read.
"""
