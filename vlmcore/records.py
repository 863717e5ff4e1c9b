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
from typing import Any, TypeVar

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
    return _decode(cls, data)


def _decode(kind, data):
    origin = typing.get_origin(kind)
    if kind is Any or kind is object:
        return data
    if kind is tuple:
        return tuple(data)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if data is None:
            return None
        return _decode(options[0], data) if len(options) == 1 else data
    if origin is tuple:
        args = typing.get_args(kind)
        if not isinstance(data, (list, tuple)):
            raise TypeError(f"expected a list for {kind}, got {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in data)
        return tuple(_decode(a, item) for a, item in zip(args, data, strict=True)) if args else tuple(data)
    if origin is list:
        (item_kind,) = typing.get_args(kind) or (Any,)
        if not isinstance(data, list):
            raise TypeError(f"expected a list for {kind}, got {type(data).__name__}")
        return [_decode(item_kind, item) for item in data]
    if origin is dict:
        _, item_kind = typing.get_args(kind) or (str, Any)
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {kind}, got {type(data).__name__}")
        return {key: _decode(item_kind, item) for key, item in data.items()}
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record(kind, data)
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    return data


def _record(cls, data):
    if not isinstance(data, dict):
        raise TypeError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    known = {item.name for item in fields if not item.metadata.get(_INLINE)}
    if not any(item.metadata.get(_INLINE) for item in fields) and set(data) - known:
        raise TypeError(f"{cls.__name__}: unknown fields {sorted(set(data) - known)}")
    values = {}
    for item in fields:
        if item.metadata.get(_INLINE):
            rest = {key: value for key, value in data.items() if key not in known}
            values[item.name] = _decode(hints[item.name], rest)
        elif item.name in data:
            values[item.name] = _decode(hints[item.name], data[item.name])
    return cls(**values)
