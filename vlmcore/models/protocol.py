"""The adapter contract: what ``pytest_vlmcore_make_adapter`` returns and the engine drives.

Every built-in family (``vlmcore.models.base.VLMAdapter``), the test doubles
(``vlmcore.testing.ScriptedAdapter``) and a user's own wrapper meet the same ``Adapter``
protocol. The optional parts are declared in ``capabilities`` (``Capability``), never probed:
the engine calls ``prompt`` only when ``PROMPT`` is declared, and so on. ``check_adapter``
refuses an object that misses a required member or a declared method, naming it.

Example: a scripted model for a conftest::

    class MyModel:
        name, fingerprint, dtype, device = "mine", "mine-v1", "float32", "cpu"
        capabilities = frozenset({Capability.PROMPT})

        def prompt(self, question):              # PROMPT: the text the model reads (keys the result cache)
            return f"Q: {question} A:"

        def evaluate(self, requests, *, with_maps=True):
            return [(YesNoScore(p_yes=0.9, margin=2.2, mass=0.95, top_token="yes"), None if not with_maps else a_map)
                    for request in requests]

    def pytest_vlmcore_make_adapter(spec, run):
        return MyModel() if spec.key == "tiny-medgemma" else None
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from vlmcore.errors import ConfigError
from vlmcore.models.capabilities import Capability

if TYPE_CHECKING:
    from vlmcore.attention.attention_map import AttentionMap
    from vlmcore.models.requests import Request, YesNoScore


@runtime_checkable
class Adapter(Protocol):
    """One model behind vlmcore. Required: the members below. Optional, by declared capability:

    - ``PROMPT``: ``prompt(question: str) -> str``, the text the model reads (default: the question);
    - ``VIEW_REGION``: ``view_region(image_shape) -> (top, left, height, width)`` in film pixels,
      the part of the film the map's grid covers (default: the whole film);
    - ``BLANK_SHAPE``: ``blank_shape(image_shape) -> (H, W)``, the image-reliance blank's shape
      (default: the film's own shape);
    - ``PIN_FILM``: ``pin_film(image_key: str) -> None``, keep that film's prefix cached;
    - ``PREPARE_FILM``: ``prepare_film(image) -> None``, the film's image preprocessing ahead of the
      call that needs it; the engine calls it on its prefetch threads (so it must be thread-safe);
    - ``ENCODE_AHEAD``: ``encode_ahead(requests) -> None``, encode a batch on a worker thread: the
      engine announces each batch of a call it splits, one batch ahead of the forward that runs it
      (``evaluate`` must then find it; ``VLMAdapter`` does, through ``models.encode_ahead``);
    - ``TOKEN_MAPS`` / ``GRAD_CAM`` / ``ACTIVATION_NORM`` / ``GENERATE`` / ``DYNAMIC_GRID``: what
      ``attention_maps`` and ``generate`` offer (``VLMAdapter`` documents them);
    - ``REASONING``: ``reasoning_format() -> ReasoningFormat``, how the model writes its answer
      (plain, ``<think>`` tags, Gemma's thought channel), read from the checkpoint;
    - ``CONTINUATION``: ``evaluate(requests, with_maps=..., continuations=[token ids, ...])``, the
      score and the map read after those generated tokens (the position that emits the next one):
      what puts a generated answer's map at the answer, not at a preamble.
    """

    name: str  # shown in the report
    fingerprint: str  # changes whenever an answer could: the result cache and the flip store key on it
    dtype: object
    device: object
    capabilities: frozenset[Capability]

    def evaluate(self, requests: list[Request], *, with_maps: bool = True) -> list[tuple[YesNoScore, AttentionMap | None]]:
        """One (score, map) per request, in order; the map is None when ``with_maps`` is false."""


#: the method each capability obliges an adapter to have
METHODS = {Capability.PROMPT: "prompt", Capability.VIEW_REGION: "view_region", Capability.BLANK_SHAPE: "blank_shape",
           Capability.PIN_FILM: "pin_film", Capability.GENERATE: "generate", Capability.TOKEN_MAPS: "attention_maps",
           Capability.GRAD_CAM: "attention_maps", Capability.ACTIVATION_NORM: "attention_maps",
           Capability.REASONING: "reasoning_format", Capability.CONTINUATION: "evaluate", Capability.PREPARE_FILM: "prepare_film",
           Capability.ENCODE_AHEAD: "encode_ahead"}


def check_adapter(adapter, where: str) -> Adapter:
    """``adapter`` if it meets the protocol; else a ``ConfigError`` naming ``where`` and what is missing."""
    missing = [name for name in ("name", "fingerprint", "dtype", "device", "capabilities", "evaluate") if not _has(adapter, name)]
    if not missing:
        undeclared = [c for c in adapter.capabilities if not isinstance(c, Capability)]
        if undeclared:
            raise ConfigError(f"{where}: capabilities {undeclared!r} are not vlmcore Capability values")
        missing = [f"{METHODS[c]}() (declared {c.value})" for c in adapter.capabilities
                   if c in METHODS and not callable(getattr(adapter, METHODS[c], None))]
    if missing:
        raise ConfigError(f"{where} returned {type(adapter).__name__}, which does not meet the vlmcore Adapter protocol "
                          f"(vlmcore.models.protocol): it lacks {', '.join(missing)}")
    return adapter


_ABSENT = object()


def _has(adapter, name: str) -> bool:
    return getattr(adapter, name, _ABSENT) is not _ABSENT
