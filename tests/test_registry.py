"""The generic registry, and the contract that every adapter is buildable offline and documented."""

from pathlib import Path

import pytest

from vlmcore.errors import ConfigError
from vlmcore.models import ADAPTERS
from vlmcore.models.base import VLMAdapter
from vlmcore.models.families import FAMILIES
from vlmcore.registry import Registry

FAMILY_TABLE = Path(__file__).resolve().parent.parent / "docs" / "families.md"  # the model table (moved from the README)


def test_every_registered_adapter_has_a_tiny_build_and_a_documented_row():
    readme = FAMILY_TABLE.read_text()
    assert ADAPTERS.names() == FAMILIES.names()  # one FamilySpec per adapter
    for name in ADAPTERS.names():
        # the generic adapter has no architecture of its own: its spec names another family's tiny build
        assert FAMILIES.get(name).tiny_builder.startswith("vlmcore.models.tiny.builders:build_"), f"{name} has no tiny offline build"
        assert f"| `{name}` |" in readme, f"{name} has no row in docs/families.md's model table"
        assert issubclass(ADAPTERS.get(name), VLMAdapter)


def test_unknown_name_lists_close_matches():
    with pytest.raises(ConfigError, match="Did you mean medgemma"):
        ADAPTERS.get("medgema")


def test_clashing_alias_is_refused_and_base_class_checked():
    registry = Registry("thing", base=int)
    registry.register("a", bool)
    with pytest.raises(ConfigError, match="already registered"):
        registry.register("a", int)
    with pytest.raises(ConfigError, match="subclass of int"):
        registry.register("b", str)


def test_lazy_entries_import_on_first_use():
    registry = Registry("thing")
    registry.register("path", "pathlib:PurePosixPath")
    assert "path" in registry and registry.get("PATH").__name__ == "PurePosixPath"
