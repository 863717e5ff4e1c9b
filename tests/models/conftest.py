import numpy as np
import pytest

from vlmcore.models import tiny_adapter
from vlmcore.models.requests import Request

FAMILIES = ["medgemma", "llava", "blip2", "florence2"]


@pytest.fixture(scope="session")
def adapters():
    cache = {}

    def get(family: str):
        if family not in cache:
            cache[family] = tiny_adapter(family)
        return cache[family]

    return get


@pytest.fixture(scope="session")
def films():
    rng = np.random.default_rng(7)
    base = (rng.random((96, 96)) * 255).astype(np.uint8)
    other = np.clip(base.astype(int)[::-1] + 40, 0, 255).astype(np.uint8)
    return base, other


@pytest.fixture(scope="session")
def requests_four(films):
    base, other = films
    questions = ["is there pleural effusion ?", "Is there a large pneumothorax on the left side of the chest ?",
                 "cardiomegaly ?", "Does this image show consolidation in the right lower lobe ?"]
    return [Request.of(base if i % 2 == 0 else other, q) for i, q in enumerate(questions)]
