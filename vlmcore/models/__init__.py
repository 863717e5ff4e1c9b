"""Model adapters, one file per family, found through a registry of lazy entries."""

from vlmcore.registry import Registry

ADAPTERS: Registry = Registry("model family")
ADAPTERS.register("medgemma", "vlmcore.models.medgemma:MedGemmaAdapter")
ADAPTERS.register("llava", "vlmcore.models.llava:LlavaAdapter")
ADAPTERS.register("blip2", "vlmcore.models.blip2:Blip2Adapter")
ADAPTERS.register("florence2", "vlmcore.models.florence2:Florence2Adapter")
ADAPTERS.register("qwen2_5_vl", "vlmcore.models.generic:Qwen25VLAdapter")
ADAPTERS.register("idefics3", "vlmcore.models.generic:Idefics3Adapter")
ADAPTERS.register("hf", "vlmcore.models.generic:HFImageTextAdapter")


def tiny_adapter(family: str, seed: int = 0, size=None):
    """The family's adapter over its tiny offline build."""
    from vlmcore.models.tiny import build_tiny
    from vlmcore.models.tiny.builders import TINY

    from vlmcore.models.fingerprint import state_fingerprint

    model, processor = build_tiny(family, size or TINY, seed)
    adapter_class = ADAPTERS.get(family)
    # content-based, so a changed builder never reuses cached results
    return adapter_class(model, processor, name=f"tiny-{family}", fingerprint=state_fingerprint(model, f"tiny-{family}"))


__all__ = ["ADAPTERS", "tiny_adapter"]
