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
    text: str
    answer: str  # parse_answer(text)
    rule: str  # which parse rule decided
