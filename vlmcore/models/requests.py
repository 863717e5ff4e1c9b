"""What crosses the adapter boundary: a request in, scores / generations / maps out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Request:
    """One (image, question). ``image`` is an (H, W) uint8 grayscale film."""

    image: np.ndarray = field(repr=False)
    question: str
    image_key: str = ""  # content hash; computed when not given (batches group requests by it)

    def __post_init__(self) -> None:
        if not self.image_key:  # an empty key would make every request of a batch "the same film"
            object.__setattr__(self, "image_key", image_hash(self.image))

    @staticmethod
    def of(image: np.ndarray, question: str) -> "Request":
        return Request(image, question, image_hash(image))

    def rgb(self):
        from PIL import Image

        return Image.fromarray(np.asarray(self.image, dtype=np.uint8), mode="L").convert("RGB")


def image_hash(image: np.ndarray) -> str:
    array = np.ascontiguousarray(image)
    digest = hashlib.sha256(array.tobytes())
    digest.update(str(array.shape).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class YesNoScore:
    """From one forward pass at the answer position.

    ``p_yes`` = P(yes variants) / (P(yes) + P(no)); ``margin`` = logsumexp(yes logits) -
    logsumexp(no logits); ``mass`` = P(yes) + P(no) under the full softmax, so a model that
    wants to say something else entirely is visible (low mass).
    """

    p_yes: float
    margin: float
    mass: float
    top_token: str

    @property
    def answer(self) -> str:
        return "yes" if self.margin > 0 else "no"


@dataclass(frozen=True)
class Generation:
    """A greedy generation: the new tokens, decoded so that reasoning markup (``<think>``,
    ``<unused94>``) stays in the text while end-of-turn, padding and other special tokens go.

    ``token_ids`` / ``tokens`` are the kept tokens and ``offsets`` their end character in
    ``text`` (token ``k`` covers ``text[offsets[k-1]:offsets[k]]``), so a character span the
    reader decided on maps back to the tokens, and to the positions that emitted them.
    ``finished``: the model ended its turn (False: the token budget cut it off).
    ``answer`` / ``rule``: ``read_answer(text, question)`` as the adapter saw it (the engine
    reads again with the run's reasoning format).
    """

    text: str
    answer: str
    rule: str
    token_ids: tuple[int, ...] = ()
    tokens: tuple[str, ...] = ()
    offsets: tuple[int, ...] = ()
    finished: bool = True
    emitted: tuple[int, ...] = ()  # per kept token, its index among all generated tokens (the continuation to re-read it)
    all_ids: tuple[int, ...] = ()  # every generated token up to the stop, special ones included

    def tokens_in(self, start: int, end: int) -> list[int]:
        """Indices of the kept tokens that overlap characters ``[start, end)`` of ``text``."""
        found, begin = [], 0
        for index, stop in enumerate(self.offsets):
            if stop > start and begin < end and stop > begin:
                found.append(index)
            begin = stop
        return found

    def continuation(self, index: int) -> tuple[int, ...]:
        """The generated tokens before kept token ``index``: fed back after the prompt, the last
        position is the one that emitted that token."""
        return tuple(self.all_ids[: self.emitted[index]])
