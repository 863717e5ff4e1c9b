"""Attention maps: exact row capture during an SDPA forward, fusion, and labelled maps."""

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.capture import CAPTURE_IMPLEMENTATION, AttentionRecorder, install_capture

__all__ = ["AttentionMap", "AttentionRecorder", "CAPTURE_IMPLEMENTATION", "install_capture"]
