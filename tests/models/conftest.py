import numpy as np
import pytest

from vlmcore.models import tiny_adapter
from vlmcore.models.requests import Request

from vlmcore.models.capabilities import Capability
from vlmcore.models.families import all_families, families_with

#: the contract tests run over every registered family (``FamilySpec``); those of an optional part
#: of the contract over the families that declare it
FAMILIES = [spec.name for spec in all_families()]
VISION_HOOKED = families_with(Capability.GRAD_CAM)


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
