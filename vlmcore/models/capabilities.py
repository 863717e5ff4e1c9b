"""What an adapter can do, declared rather than probed (as captum declares
``has_convergence_delta``): the engine, the plugin and the contract tests read the declaration,
never ``hasattr``. Imports nothing heavy: the engine reads it without torch."""

from __future__ import annotations

from enum import Enum


class Capability(str, Enum):
    """One optional part of the adapter contract (``vlmcore.models.protocol.Adapter``)."""

    PROMPT = "prompt"  # prompt(question) -> str: the text the model reads (the result cache keys on it)
    VIEW_REGION = "view_region"  # view_region(image_shape) -> (top, left, height, width) of the film the map covers
    BLANK_SHAPE = "blank_shape"  # blank_shape(image_shape) -> (H, W): any blank of this shape stands for every film's
    PIN_FILM = "pin_film"  # pin_film(image_key): keep that film's prefix cached (the blank film of the reliance pass)
    TOKEN_MAPS = "token_maps"  # attention_maps(query="token:<word>"): maps conditioned on a word of the question
    GRAD_CAM = "grad_cam"  # attention_maps(method="grad-cam") over a vision hook
    ACTIVATION_NORM = "activation_norm"  # attention_maps(method="activation-norm") over a vision hook
    GENERATE = "generate"  # generate(requests, max_new_tokens) -> Generation: greedy text, read by read_answer
    REASONING = "reasoning"  # reasoning_format() -> ReasoningFormat: plain / think / gemma, from the checkpoint
    CONTINUATION = "continuation"  # evaluate(requests, continuations=...): score and map after generated tokens
    DYNAMIC_GRID = "dynamic_grid"  # the map's grid depends on the film's shape (Encoded.layout), not only the config
    PREPARE_FILM = "prepare_film"  # prepare_film(image): the processor's image step for a film ahead of its call (a prefetch thread)
    ENCODE_AHEAD = "encode_ahead"  # encode_ahead(requests): encode a call's next batch on a worker while the model runs this one

    def __str__(self) -> str:
        return self.value


#: what every ``VLMAdapter`` family offers through the shared base
BASE = frozenset({Capability.PROMPT, Capability.VIEW_REGION, Capability.BLANK_SHAPE, Capability.TOKEN_MAPS, Capability.GENERATE,
                  Capability.REASONING, Capability.PREPARE_FILM, Capability.ENCODE_AHEAD})
#: map methods that hook the vision tower (need ``vision_features``)
VISION_HOOK = frozenset({Capability.GRAD_CAM, Capability.ACTIVATION_NORM})
