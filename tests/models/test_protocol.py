"""The adapter contract is declared (``Capability``), checked (``check_adapter``) and obeyed:
the engine calls an optional method only when its capability is declared."""

from pathlib import Path

import numpy as np
import pytest

from vlmcore.data.case import Dataset
from vlmcore.engine import Engine
from vlmcore.errors import ConfigError
from vlmcore.models import ADAPTERS
from vlmcore.models.capabilities import Capability
from vlmcore.models.families import all_families
from vlmcore.models.protocol import METHODS, Adapter, check_adapter
from vlmcore.testing import ScriptedAdapter


@pytest.mark.parametrize("family", [spec.name for spec in all_families()])
def test_every_declared_capability_is_implemented_by_the_family_adapter(family):
    spec = next(s for s in all_families() if s.name == family)
    adapter_class = ADAPTERS.get(family)
    for capability in spec.capabilities:
        assert callable(getattr(adapter_class, METHODS.get(capability, "evaluate"), None)), (family, capability)


def test_an_object_missing_part_of_the_protocol_is_refused_naming_what_it_lacks():
    class NoEvaluate:
        name, fingerprint, dtype, device, capabilities = "x", "x", "float32", "cpu", frozenset()

    with pytest.raises(ConfigError, match=r"pytest_vlmcore_make_adapter returned NoEvaluate.*lacks evaluate"):
        check_adapter(NoEvaluate(), "pytest_vlmcore_make_adapter")

    class DeclaresPromptWithoutIt(ScriptedAdapter):
        capabilities = frozenset({Capability.PROMPT})

    with pytest.raises(ConfigError, match=r"lacks prompt\(\) \(declared prompt\)"):
        check_adapter(DeclaresPromptWithoutIt(lambda q, i: 1.0), "pytest_vlmcore_make_adapter")
    assert isinstance(ScriptedAdapter(lambda q, i: 1.0), Adapter)


def _engine(adapter):
    return Engine(adapter, Dataset(Path("none.csv"), "none", (), Path(".")), model_key="m", prefetch=False)


def test_the_engine_uses_an_optional_method_only_when_declared():
    film = np.zeros((40, 30), dtype=np.uint8)

    class Cropping(ScriptedAdapter):
        def view_region(self, image_shape):
            return (5.0, 0.0, 30.0, 30.0)

        def prompt(self, question):
            return f"USER: {question} ASSISTANT:"

    undeclared = _engine(Cropping(lambda q, i: 1.0))
    assert undeclared.view_region(film) == (0.0, 0.0, 40.0, 30.0)  # not declared: not probed, not called
    assert undeclared.prompt("q?") == "q?"

    class Declared(Cropping):
        capabilities = frozenset({Capability.VIEW_REGION, Capability.PROMPT})

    declared = _engine(Declared(lambda q, i: 1.0))
    assert declared.view_region(film) == (5.0, 0.0, 30.0, 30.0)
    assert declared.prompt("q?") == "USER: q? ASSISTANT:"
    assert declared._key("film", "q?", True) != undeclared._key("film", "q?", True)  # the prompt keys the result cache
