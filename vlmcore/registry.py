"""A small generic registry: name -> object, registered by decorator or lazy string.

Lazy ``"module:attr"`` entries keep torch and transformers out of ``import vlmcore``:
the module is imported only when that name is asked for. Unknown names get the close
matches and the full list, clashing names are refused.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any, Callable, Generic, Iterator, TypeVar

from vlmcore.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Names of one kind of thing (model adapters, attention methods, writers...)."""

    def __init__(self, kind: str, base: type | None = None):
        self.kind = kind
        self.base = base
        self._entries: dict[str, T | str] = {}

    def register(self, name: str, target: T | str | None = None) -> Callable[[T], T] | T | str:
        """Register ``target`` under ``name``; without a target, return a decorator."""
        if target is None:
            def decorator(obj: T) -> T:
                self._add(name, obj)
                return obj
            return decorator
        self._add(name, target)
        return target

    def _add(self, name: str, target: T | str) -> None:
        key = name.lower()
        existing = self._entries.get(key)
        if existing is not None and existing is not target:
            raise ConfigError(f"{self.kind} {name!r} is already registered as {existing!r}")
        if not isinstance(target, str):
            self._check_base(name, target)
        self._entries[key] = target

    def _check_base(self, name: str, obj: Any) -> None:
        if self.base is not None and not (isinstance(obj, type) and issubclass(obj, self.base)):
            raise ConfigError(f"{self.kind} {name!r} must be a subclass of {self.base.__name__}, got {obj!r}")

    def get(self, name: str) -> T:
        """The registered object; a lazy entry is imported and checked on first use."""
        key = name.lower()
        if key not in self._entries:
            close = difflib.get_close_matches(key, list(self._entries), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ConfigError(f"unknown {self.kind} {name!r}.{hint} Known: {', '.join(sorted(self._entries))}")
        entry = self._entries[key]
        if isinstance(entry, str):
            module_name, _, attr = entry.partition(":")
            entry = getattr(importlib.import_module(module_name), attr)
            self._check_base(name, entry)
            self._entries[key] = entry
        return entry  # type: ignore[return-value]

    def names(self) -> list[str]:
        return sorted(self._entries)

    def registered(self) -> list[str]:
        """The names in the order they were registered."""
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())
