"""Model adapters, one file per family, declared by a ``FamilySpec`` each (``families``)."""

from vlmcore.models.families import ADAPTERS, FAMILIES, FamilySpec, family_spec, register_family


def tiny_adapter(family: str, seed: int = 0, size=None):
    """The family's adapter over its tiny offline build."""
    from vlmcore.models.fingerprint import state_fingerprint
    from vlmcore.models.tiny import build_tiny
    from vlmcore.models.tiny.builders import TINY

    model, processor = build_tiny(family, size or TINY, seed)
    adapter_class = ADAPTERS.get(family)
    # content-based (weights, config and the adapter's code), so a changed builder or adapter never reuses cached results
    return adapter_class(model, processor, name=f"tiny-{family}", fingerprint=state_fingerprint(model, f"tiny-{family}", adapter_class))


__all__ = ["ADAPTERS", "FAMILIES", "FamilySpec", "family_spec", "register_family", "tiny_adapter"]
