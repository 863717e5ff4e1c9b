"""One JSON codec for the records that cross a boundary (files, xdist workers, reports).

``to_json(record)`` and ``from_json(Type, data)`` follow the dataclass's own type hints:
nested dataclasses, ``str`` enums (written as their value), tuples (written as lists), lists,
``dict[str, X]`` and optionals. A field marked ``inline()`` is a ``dict[str, X]`` whose
entries are written beside the record's other fields (summary.json keeps one key per rate)
and read back from every key the record does not otherwise have.

Decoding is strict: a missing field without a default or a value of the wrong shape raises
``TypeError`` / ``KeyError`` / ``ValueError`` for the caller to name the file and line.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from functools import lru_cache
from typing import Any, Callable, TypeVar

T = TypeVar("T")
_INLINE = "vlmcore_inline"


def inline(**kwargs):
    """A ``dict[str, X]`` field whose entries sit beside the record's fields in JSON."""
    return dataclasses.field(default_factory=dict, metadata={_INLINE: True}, **kwargs)


@lru_cache(maxsize=None)
def _hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def to_json(value) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict = {}
        for item in dataclasses.fields(value):
            encoded = to_json(getattr(value, item.name))
            if item.metadata.get(_INLINE):
                data.update(encoded)
            else:
                data[item.name] = encoded
        return data
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def from_json(cls: type[T], data) -> T:
    """``data`` (parsed JSON) as a ``cls`` record; raises on a record that is not one."""
    return _decoder(cls)(data)


def _identity(data):
    return data


def _check_list(kind, data, types_=(list,)):
    if not isinstance(data, types_):
        raise TypeError(f"expected a list for {kind}, got {type(data).__name__}")


@lru_cache(maxsize=None)
def _decoder(kind) -> Callable[[Any], Any]:
    """The decoding function for ``kind``, worked out once per type from its hints (a run's
    results hold ~10^5 rows of ~30 fields: reading the hints again for every value cost most of
    reading a run back, e.g. the demo's gate reading its 40,000 rows six times)."""
    origin = typing.get_origin(kind)
    if kind is Any or kind is object:
        return _identity
    if kind is tuple:
        return tuple
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if len(options) != 1:
            return _identity
        inner = _decoder(options[0])
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def repeated(data):
                _check_list(kind, data, (list, tuple))
                return tuple(item(value) for value in data)
            return repeated
        items = tuple(_decoder(a) for a in args)

        def fixed(data):
            _check_list(kind, data, (list, tuple))
            return tuple(f(value) for f, value in zip(items, data, strict=True)) if items else tuple(data)
        return fixed
    if origin is list:
        (item_kind,) = typing.get_args(kind) or (Any,)
        item = _decoder(item_kind)

        def listed(data):
            _check_list(kind, data)
            return list(data) if item is _identity else [item(value) for value in data]
        return listed
    if origin is dict:
        _, item_kind = typing.get_args(kind) or (str, Any)
        item = _decoder(item_kind)

        def mapped(data):
            if not isinstance(data, dict):
                raise TypeError(f"expected an object for {kind}, got {type(data).__name__}")
            return dict(data) if item is _identity else {key: item(value) for key, value in data.items()}
        return mapped
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _RecordDecoder(kind)
    if kind is float:
        return lambda data: float(data) if isinstance(data, int) and not isinstance(data, bool) else data
    return _identity


class _RecordDecoder:
    """A dataclass from its JSON object: strict about unknown keys (unless a field is ``inline()``),
    each field through its type's decoder; the plan is made on first use (types may refer to
    records defined later in their module)."""

    def __init__(self, cls):
        self.cls = cls
        self.plan: list[tuple[str, Callable, bool]] | None = None

    def _make_plan(self):
        hints = _hints(self.cls)
        fields = dataclasses.fields(self.cls)
        self.known = frozenset(item.name for item in fields if not item.metadata.get(_INLINE))
        self.has_inline = any(item.metadata.get(_INLINE) for item in fields)
        self.plan = [(item.name, _decoder(hints[item.name]), bool(item.metadata.get(_INLINE))) for item in fields]

    def __call__(self, data):
        if self.plan is None:
            self._make_plan()
        cls = self.cls
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
        if not self.has_inline and not self.known.issuperset(data):
            raise TypeError(f"{cls.__name__}: unknown fields {sorted(set(data) - self.known)}")
        values = {}
        for name, decode, is_inline in self.plan:
            if is_inline:
                values[name] = decode({key: value for key, value in data.items() if key not in self.known})
            elif name in data:
                value = data[name]
                values[name] = value if decode is _identity else decode(value)
        return cls(**values)
