"""pytest hooks, option declarations and fixtures for vlmcore (loaded via ``pytest11``)."""

from __future__ import annotations

MARKERS = {
    "medgemma": "cases on MedGemma (Gemma3ForConditionalGeneration)",
    "llava": "cases on LLaVA-1.5 / LLaVA-Rad",
    "blip2": "cases on BLIP-2",
    "florence2": "cases on Florence-2",
    "smoke": "cases on the built-in tiny models (CPU, seconds)",
    "gpu": "needs CUDA; skipped with a reason elsewhere",
    "slow": "takes more than a few seconds on CPU",
}


def pytest_configure(config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
