"""Attention maps: exact row capture during an SDPA forward, fusion, and labelled maps.

``AttentionMap`` is plain numpy; the capture machinery needs torch and is imported on first
use (``import vlmcore.engine`` reads maps without loading torch)."""

from vlmcore.attention.attention_map import AttentionMap

_CAPTURE = ("AttentionRecorder", "CAPTURE_IMPLEMENTATION", "install_capture")


def __getattr__(name: str):
    if name in _CAPTURE:
        from vlmcore.attention import capture

        return getattr(capture, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["AttentionMap", *_CAPTURE]
