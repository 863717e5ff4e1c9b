"""A map recipe: which method makes the map and what is done to attention sinks.

``MapSource(adapter, recipe).maps(items)`` gives one labelled map per (film, question) item.
The sink profile of a handled recipe is read off the raw maps of the same items (a sink holds
mass *whatever* the film and question, so the items that are evaluated are the evidence), and
every map comes back with its ``sink`` label. New methods (e.g. maps read at the answer
position of a generated answer) plug in by adding a name to ``METHOD_NAMES`` and a branch in
``raw_maps``; evaluation, selection and the report read recipes, never method internals.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.sinks import HANDLINGS, SinkProfile, find_sinks, handle
from vlmcore.errors import ConfigError

#: method name -> (adapter.attention_maps method, needs the model's answer as gradient target)
METHOD_NAMES = {
    "answer-rows": ("attention", False),
    "attn-grad": ("attn-grad", True),
    "relevancy": ("relevancy", True),
    "grad-cam": ("grad-cam", True),
    "activation-norm": ("activation-norm", False),
    "occlusion": ("occlusion", True),
}


@dataclass(frozen=True)
class MapRecipe:
    method: str
    sink: str = "raw"

    def __post_init__(self) -> None:
        if self.method not in METHOD_NAMES:
            raise ConfigError(f"unknown map method {self.method!r}; known: {sorted(METHOD_NAMES)}")
        if self.sink not in HANDLINGS:
            raise ConfigError(f"unknown sink handling {self.sink!r}; known: {HANDLINGS}")

    @property
    def name(self) -> str:
        return self.method if self.sink == "raw" else f"{self.method} / {self.sink}"


@dataclass(frozen=True)
class Item:
    """One (film, question) a map is evaluated on; ``patient`` is the cluster."""

    image: object  # (H, W) uint8
    question: str
    patient: str
    answer: str = ""  # the model's own answer on this film ("yes" / "no"), filled by ``answers``


def answers(adapter, items: list[Item], batch: int = 64) -> list[Item]:
    """``items`` with the model's own answers (the target the gradient methods explain)."""
    from dataclasses import replace

    from vlmcore.models.requests import Request

    out = []
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        scores = adapter.score_yes_no([Request.of(i.image, i.question) for i in chunk])
        out += [replace(i, answer="yes" if s.p_yes >= 0.5 else "no") for i, s in zip(chunk, scores)]
    return out


def supported(adapter, method: str) -> bool:
    """Whether the adapter offers the method (vision hook for Grad-CAM / activation norm; image
    tokens in the decoder sequence for the gradient attention methods)."""
    from vlmcore.models.capabilities import Capability

    capabilities = getattr(adapter, "capabilities", frozenset())
    if method in ("grad-cam", "activation-norm"):
        return Capability.GRAD_CAM in capabilities or Capability.ACTIVATION_NORM in capabilities
    if method in ("attn-grad", "relevancy"):
        return hasattr(adapter, "decoder_attention_modules") and hasattr(adapter, "extra_recorders")
    return True


def raw_maps(adapter, method: str, items: list[Item], batch: int = 64) -> list[AttentionMap]:
    from vlmcore.models.requests import Request

    kind, needs_target = METHOD_NAMES[method]
    maps: list[AttentionMap] = []
    if not needs_target:
        for start in range(0, len(items), batch):
            chunk = [Request.of(i.image, i.question) for i in items[start:start + batch]]
            maps += adapter.attention_maps(chunk, method=kind)
        return maps
    for item in items:
        target = item.answer or "yes"
        if method == "grad-cam" and target not in ("yes", "no"):
            target = "yes"  # an item without the model's answer filled in
        maps += adapter.attention_maps([Request.of(item.image, item.question)], method=kind, target=target)
    return maps


class MapSource:
    """A recipe's maps for a batch of items, raw maps cached per method."""

    def __init__(self, adapter):
        self.adapter = adapter
        self._raw: dict[tuple[str, int], list[AttentionMap]] = {}
        self.profiles: dict[tuple[str, int], SinkProfile] = {}

    def raw(self, method: str, items: list[Item]) -> list[AttentionMap]:
        key = (method, id(items))
        if key not in self._raw:
            self._raw[key] = raw_maps(self.adapter, method, items)
        return self._raw[key]

    def profile(self, method: str, items: list[Item]) -> SinkProfile:
        key = (method, id(items))
        if key not in self.profiles:
            self.profiles[key] = find_sinks(self.raw(method, items))
        return self.profiles[key]

    def maps(self, recipe: MapRecipe, items: list[Item], profile: SinkProfile | None = None) -> list[AttentionMap]:
        """The recipe's maps; ``profile`` overrides the sink profile read off ``items`` (e.g. the
        trained model's sinks applied to a comparison film's map)."""
        raw = self.raw(recipe.method, items)
        if recipe.sink == "raw":
            return [handle(m, None, "raw") for m in raw]
        chosen = profile if profile is not None else self.profile(recipe.method, items)
        return [handle(m, chosen, recipe.sink) for m in raw]
