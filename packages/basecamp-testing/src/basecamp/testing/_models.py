"""Well-formed records built from the `basecamp.services.models` TypedDicts.

Every operation the fake does not model with state still answers with a record of its response
model. The record is filled by introspecting the TypedDict once (`typing.get_type_hints` with
extras, `NotRequired`) and then choosing a deterministic value for each key from its type
and name, so two runs of a test see the same bytes.
"""

from __future__ import annotations

import threading
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, NotRequired, Required, Union

__all__ = ["ORIGIN", "FIXED_DATE", "FIXED_TIME", "ModelFactory", "snake"]

ORIGIN = "https://fake-basecamp.invalid"
"""Stand-in origin in stored URLs, swapped for the request's own origin on the way out.

Records live longer than any one origin (the same fake may be reached through a transport and a
loopback server at once), so URLs are stored with this marker and rewritten per response, and to
`FakeBasecamp.origin` in inspection results, builders' results and webhook payloads. It never
reaches a caller.
"""

APP_ORIGIN = "https://3.basecamp.com"
FIXED_TIME = "2024-01-15T09:00:00.000Z"
FIXED_DATE = "2024-01-15"
# Nested required models never cycle in the API definition; this only guards against a future one.
_MAX_DEPTH = 6


def snake(name: str) -> str:
    """`CardColumn` -> `card_column`."""
    out: list[str] = []
    for i, char in enumerate(name):
        if char.isupper() and i:
            out.append("_")
        out.append(char.lower())
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Type:
    """A flattened field type: `kind` is int/str/float/bool/any/dict/list/model/literal."""

    kind: str
    inner: _Type | None = None
    model: str | None = None
    choices: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    required: bool
    type: _Type


def _flatten(tp: object) -> _Type:
    origin = typing.get_origin(tp)
    if origin in (NotRequired, Required):
        return _flatten(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        # `X | None`: a nullable value is still filled with an X.
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _flatten(args[0]) if args else _Type("any")
    if origin is Literal:
        return _Type("literal", choices=typing.get_args(tp))
    if origin is list:
        return _Type("list", inner=_flatten(typing.get_args(tp)[0]))
    if origin is dict:
        return _Type("dict")
    if tp is int:
        return _Type("int")
    if tp is str:
        return _Type("str")
    if tp is float:
        return _Type("float")
    if tp is bool:
        return _Type("bool")
    if isinstance(tp, type) and hasattr(tp, "__required_keys__"):
        return _Type("model", model=tp.__name__)
    return _Type("any")


def _required(hint: object, total: bool) -> bool:
    """Whether a TypedDict key is required, read from its annotation.

    Not `__required_keys__`: on Python 3.11 it counts every key as required when the models use
    `from __future__ import annotations` (the string `NotRequired[...]` is not seen), which
    would make the records differ between Python versions.
    """
    origin = typing.get_origin(hint)
    if origin is NotRequired:
        return False
    if origin is Required:
        return True
    return total


class ModelFactory:
    """Builds deterministic example records of any model in `basecamp.services.models`.

    Args:
        account_id: The account id used in generated URLs.
    """

    def __init__(self, account_id: int) -> None:
        self._account_id = account_id
        self._fields: dict[str, tuple[_Field, ...]] = {}
        self._lock = threading.Lock()

    def fields(self, model: str) -> tuple[_Field, ...]:
        """The model's keys with their flattened types, introspected once and cached."""
        cached = self._fields.get(model)
        if cached is not None:
            return cached
        from basecamp.services import models

        td = getattr(models, model)
        hints = typing.get_type_hints(td, include_extras=True)
        total = bool(getattr(td, "__total__", True))
        result = tuple(_Field(k, _required(v, total), _flatten(v)) for k, v in hints.items())
        with self._lock:
            self._fields[model] = result
        return result

    def has_field(self, model: str, name: str) -> bool:
        """Whether `model` declares the key `name`."""
        return any(f.name == name for f in self.fields(model))

    def item_model(self, model: str, name: str) -> str | None:
        """The model of the items of `model`'s list key `name` (a page's `items_key`)."""
        field = next((f for f in self.fields(model) if f.name == name), None)
        inner = field.type.inner if field is not None and field.type.kind == "list" else None
        return inner.model if inner is not None and inner.kind == "model" else None

    def accepts(self, model: str, name: str, value: object) -> bool:
        """Whether `model` declares the scalar key `name` with a type `value` has.

        Used to echo written values back: a body's `"service": "dropbox"` must not overwrite a
        response field of the same name that holds an object.
        """
        field = next((f for f in self.fields(model) if f.name == name), None)
        if field is None:
            return False
        kind = field.type.kind
        if kind == "str":
            return isinstance(value, str)
        if kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if kind == "float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if kind == "bool":
            return isinstance(value, bool)
        if kind == "literal":
            return value in field.type.choices
        return False

    def build(self, model: str, record_id: int = 1, *, depth: int = 0) -> dict[str, Any]:
        """A record of `model` with every required key and the optional scalar keys.

        Args:
            model: The model name, e.g. `Todo`.
            record_id: The `id` to use (and to derive other values from).
            depth: Nesting depth; nested models get only their required keys.
        """
        record: dict[str, Any] = {}
        for field in self.fields(model):
            scalar = field.type.kind in ("int", "str", "float", "bool", "literal")
            if not field.required and (depth > 0 or not scalar):
                continue
            record[field.name] = self._value(model, field.name, field.type, record_id, depth)
        return record

    def _value(self, model: str, name: str, tp: _Type, record_id: int, depth: int) -> object:
        kind = tp.kind
        if kind == "int":
            if name == "id":
                return record_id
            if name.endswith("_count") or name == "byte_size":
                return 0
            return 1
        if kind == "str":
            return self._string(model, name, record_id)
        if kind == "float":
            return 1.0
        if kind == "bool":
            return name in ("enabled", "active", "previewable", "subscribed", "current")
        if kind == "literal":
            return tp.choices[0] if tp.choices else None
        if kind == "list":
            return []
        if kind == "dict":
            return {}
        if kind == "model":
            assert tp.model is not None
            if depth >= _MAX_DEPTH:
                return {}
            return self.build(tp.model, record_id, depth=depth + 1)
        return None

    def _string(self, model: str, name: str, record_id: int) -> str:
        noun = snake(model)
        if name.endswith("_at"):
            return FIXED_TIME
        if name.endswith("_on") or name in ("date", "start_date", "end_date"):
            return FIXED_DATE
        if name == "app_url" or name.startswith("app_"):
            return f"{APP_ORIGIN}/{self._account_id}/{noun}s/{record_id}"
        if name == "url" or name.endswith("_url"):
            suffix = "" if name == "url" else f"/{name.removesuffix('_url')}"
            return f"{ORIGIN}/{self._account_id}/{noun}s/{record_id}{suffix}.json"
        if name == "status":
            return "active"
        if name == "type":
            return model
        if name == "email_address":
            return f"person{record_id}@example.com"
        if name in ("content", "description"):
            return f"<div>{model} {name} {record_id}</div>"
        if name in ("sgid", "attachable_sgid"):
            return f"BAh7fake{record_id}"
        if name == "content_type":
            return "application/octet-stream"
        if name == "filename":
            return f"file-{record_id}.bin"
        if name == "color":
            return "blue"
        if name == "hours":
            return "1.0"
        return f"{model} {record_id}"
