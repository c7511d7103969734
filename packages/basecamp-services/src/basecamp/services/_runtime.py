"""Pure helpers the generated services call: full-replace writes (`update`, `edit`), uploads.

They hold the only copy of this logic, so it is unit-tested directly rather than per method.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from basecamp import ApiError, UsageError

__all__ = [
    "EditDraft",
    "ReplaceField",
    "build_replace_body",
    "clean_header_text",
    "finish_edit",
    "multipart_file",
    "start_edit",
    "type_problem",
]


@dataclass(frozen=True, slots=True)
class ReplaceField:
    """One JSON body field of a full-replace operation.

    Attributes:
        name: The Python argument name.
        wire: The JSON key sent.
        source: Where the record from the `read` operation carries the current value: `"key"`,
            `"parent.id"`, `"assignees[].id"`, or `""` when it never does (then the field is sent
            only when the caller passes it).
        preserved: The server keeps this field when it is omitted, so it is sent only when passed.
        type: The request type the API definition declares, spelled as in `spec/`: `"str"`,
            `"int"`, `"float"`, `"bool"`, `"date"`, `"datetime"`, `"object"`, a model name,
            `"list[T]"`, or `"any"` (no check). A value carried over from the record must have it.
        enum: The allowed strings, when the type (or its items) is an enumerated `str`.
        nullable: A carried-over value may be `null` (the read model allows it there).
    """

    name: str
    wire: str
    source: str
    preserved: bool = False
    type: str = "any"
    enum: tuple[str, ...] = ()
    nullable: bool = False


_MISSING = object()


def _lookup(value: object, parts: Sequence[str]) -> object:
    """Follow `parts` ("key" or "key[]") into `value`; `_MISSING` when a key is absent."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    is_list = head.endswith("[]")
    key = head[:-2] if is_list else head
    if not isinstance(value, Mapping) or key not in value:
        return _MISSING
    inner = value[key]
    if inner is None:
        # A null object or list: there is nothing below it to send back.
        return [] if is_list else None
    if not is_list:
        return _lookup(inner, rest)
    if not isinstance(inner, list):
        return _MISSING
    items = [_lookup(item, rest) for item in inner]
    return _MISSING if any(item is _MISSING for item in items) else items


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return _DATE.fullmatch(value) is not None


def _is_datetime(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _a(value: object) -> str:
    """What `value` is, in words; never the value itself (it may be a private URL)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


_WANTED = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "date": "a YYYY-MM-DD date string",
    "datetime": "an ISO 8601 date-time string",
    "object": "an object",
}


_WANTED_ITEMS = {
    "str": "strings",
    "int": "integers",
    "float": "numbers",
    "bool": "booleans",
    "date": "YYYY-MM-DD date strings",
    "datetime": "ISO 8601 date-time strings",
    "object": "objects",
    "any": "values",
}


def _enum_text(enum: tuple[str, ...]) -> str:
    return ", ".join(repr(v) for v in enum)


def _wanted(type_name: str, enum: tuple[str, ...], *, items: bool = False) -> str:
    """The declared type in words: "a string", "an array of integers", ..."""
    if type_name.startswith("list[") and type_name.endswith("]"):
        inner = _wanted(type_name[5:-1], enum, items=True)
        return f"arrays of {inner}" if items else f"an array of {inner}"
    if enum:
        return f"strings from {_enum_text(enum)}" if items else f"one of {_enum_text(enum)}"
    if items:
        return _WANTED_ITEMS.get(type_name, "objects")
    return _WANTED.get(type_name, "an object")


def _mismatch(value: object, type_name: str, enum: tuple[str, ...]) -> str | None:
    """How `value` fails `type_name` (the spec's spelling), or None when it has that type."""
    if type_name == "any":
        return None
    if type_name.startswith("list[") and type_name.endswith("]"):
        if not isinstance(value, list):
            return _a(value)
        for item in value:
            problem = _mismatch(item, type_name[5:-1], enum)
            if problem is not None:
                return f"an array holding {problem}"
        return None
    if type_name in ("str", "date", "datetime"):
        if not isinstance(value, str):
            return _a(value)
        if type_name == "date" and not _is_date(value):
            return "a string that is not a date"
        if type_name == "datetime" and not _is_datetime(value):
            return "a string that is not a date-time"
        return "another string" if enum and value not in enum else None
    if type_name == "bool":
        return None if isinstance(value, bool) else _a(value)
    if type_name == "int":
        # bool is an int subclass: `True` is not an id
        return None if isinstance(value, int) and not isinstance(value, bool) else _a(value)
    if type_name == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else _a(value)
    # "object" or a model name: an object; its keys are the server's business
    return None if isinstance(value, Mapping) else _a(value)


def type_problem(value: object, field: ReplaceField) -> str | None:
    """Why `value`, carried over from a record, cannot be sent as `field`; None when it can.

    The value must have the type the API definition declares for the request field
    (`field.type`, `field.enum`), or be `None` where `field.nullable` allows it.
    """
    if value is None:
        return None if field.nullable or field.type == "any" else "null"
    return _mismatch(value, field.type, field.enum)


def _refuse(problems: Sequence[tuple[ReplaceField, str]], *, hint: str) -> NoReturn:
    details = "; ".join(
        f"{field.name!r} needs {_wanted(field.type, field.enum)}"
        f"{' or null' if field.nullable else ''}, but the record's {field.source!r} holds {got}"
        for field, got in problems
    )
    raise ApiError(
        f"Cannot update safely, nothing was written: {details}. The record does not have the"
        " shape the API definition declares, so sending it back could corrupt it.",
        hint=hint,
    )


def _current_values(
    record: object, fields: Sequence[ReplaceField], *, passed: Container[str], hint: str
) -> dict[str, object]:
    """The record's value, by Python name, of every field a full replace must send back.

    Fields in `passed`, preserved fields and fields without a source are left out.

    Raises:
        UsageError: The record lacks one of the values.
        ApiError: One of the values does not have its field's declared type.
    """
    current: dict[str, object] = {}
    problems: list[tuple[ReplaceField, str]] = []
    for field in fields:
        if field.name in passed or field.preserved or not field.source:
            continue
        value = _lookup(record, field.source.split("."))
        if value is _MISSING:
            raise UsageError(
                f"Cannot update safely: the current record has no {field.source!r}, so "
                f"{field.name!r} would be cleared.",
                hint=hint.format(name=field.name),
            )
        problem = type_problem(value, field)
        if problem is not None:
            problems.append((field, problem))
        current[field.name] = value
    if problems:
        _refuse(problems, hint=hint.format(name=problems[0][0].name))
    return current


def build_replace_body(
    record: object, given: Mapping[str, object], fields: Sequence[ReplaceField]
) -> dict[str, object]:
    """The full request body for a full-replace write that changes only the `given` fields.

    Args:
        record: The current record, as the `read` operation returned it.
        given: The caller's arguments by Python name; `None` means "not passed".
        fields: The operation's body fields.

    Returns:
        The JSON body by wire name: every passed value, plus the current value of every field
        that is neither preserved by the server on omission nor absent from records.

    Raises:
        UsageError: The record lacks a value that must be sent back (the write would clear it).
        ApiError: A value that must be sent back does not have the type the API definition
            declares for its field (see `type_problem`); passed values are not checked.
    """
    passed = {name for name, value in given.items() if value is not None}
    current = _current_values(
        record,
        fields,
        passed=passed,
        hint="Pass {name}= explicitly, or use the raw replace method.",
    )
    body: dict[str, object] = {}
    for field in fields:
        if field.name in passed:
            body[field.wire] = given[field.name]
        elif field.name in current:
            body[field.wire] = current[field.name]
    return body


class EditDraft(dict[str, object]):
    """The writable fields of a record, as a generated `edit()` yields them.

    A `dict` keyed by the Python names of the replace operation's body fields (the generated
    `<Model>Edit` `TypedDict` describes it to type checkers). It starts with the record's
    current value of every field it carries (`assignee_ids` from `assignees[].id`, ...). Setting
    a key the operation cannot write raises `UsageError` at once, and so does `None` for a field
    the server keeps when omitted (it would change nothing); keys cannot be removed. When
    the block ends, `finish_edit` turns the changes into the request body, and the draft is
    closed.
    """

    __slots__ = ("_closed", "_fields", "_start")

    def __init__(self, fields: Sequence[ReplaceField], values: Mapping[str, object]) -> None:
        super().__init__(copy.deepcopy(dict(values)))
        self._fields = {f.name: f for f in fields}
        # a separate copy, so changes made inside nested lists are seen
        self._start = copy.deepcopy(dict(values))
        self._closed = False

    def _check(self, key: object) -> None:
        if self._closed:
            raise UsageError(
                "This edit is finished: changes made after its `with` block are not sent.",
                hint="Start another edit, or call update().",
            )
        if key not in self._fields:
            raise UsageError(
                f"{key!r} is not a field this endpoint can write. Writable fields: "
                f"{', '.join(self._fields)}.",
            )

    def __setitem__(self, key: str, value: object) -> None:
        self._check(key)
        if value is None and self._fields[key].preserved:
            # core omits a null, and the server keeps this field when it is omitted: the
            # assignment would silently do nothing
            raise UsageError(
                f"{key!r} cannot be emptied with None: the server keeps it when the request"
                " leaves it out.",
                hint="Assign an empty value of its type instead, where the API allows one.",
            )
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._refuse_removal()

    def _refuse_removal(self) -> NoReturn:
        raise UsageError(
            "Fields cannot be removed from an edit.",
            hint="Assign the value you want instead (None sends the field empty).",
        )

    def pop(self, *args: object) -> NoReturn:
        self._refuse_removal()

    def popitem(self) -> NoReturn:
        self._refuse_removal()

    def clear(self) -> NoReturn:
        self._refuse_removal()

    def setdefault(self, key: str, default: object = None) -> object:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: object, **kwargs: object) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: object) -> EditDraft:  # type: ignore[override,misc]
        self.update(other)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        # a copy or pickle of the view is a plain dict of its current values
        return (dict, (dict(self),))


def start_edit(record: object, fields: Sequence[ReplaceField]) -> EditDraft:
    """The draft an `edit()` yields for `record`, as the `read` operation returned it.

    It holds the current value of every field a full replace sends back, and of every field
    the server preserves on omission that the record carries with its declared type; fields no
    record carries (`notify`) start absent.

    Raises:
        UsageError: The record lacks a value that must be sent back.
        ApiError: A value that must be sent back does not have its declared type.
    """
    values = _current_values(
        record,
        fields,
        passed=(),
        hint="Use update(), passing {name}= explicitly, or the raw replace method.",
    )
    for field in fields:
        if field.preserved and field.source:
            value = _lookup(record, field.source.split("."))
            # not sent unless changed, so a missing or odd value is simply not offered
            if value is not _MISSING and type_problem(value, field) is None:
                values[field.name] = value
    ordered = {f.name: values[f.name] for f in fields if f.name in values}
    return EditDraft(fields, ordered)


def finish_edit(draft: EditDraft) -> dict[str, object] | None:
    """The request body for the changes made to `draft`, or None when nothing changed.

    The body has every changed field (a value set to `None` is sent empty: core omits it, and
    a full replace clears what it omits) and the current value of every other field a full
    replace must send back. The draft is closed.
    """
    draft._closed = True
    changed = {
        name
        for name, value in draft.items()
        if name not in draft._start or value != draft._start[name]
    }
    if not changed:
        return None
    body: dict[str, object] = {}
    for field in draft._fields.values():
        if field.name in changed or (field.name in draft and field.source and not field.preserved):
            body[field.wire] = draft[field.name]
    return body


def clean_header_text(value: str) -> str:
    """`value` without CR and LF, so it cannot break a multipart header."""
    return value.replace("\r", "").replace("\n", "")


def multipart_file(filename: str, content: bytes, content_type: str) -> tuple[str, bytes, str]:
    """The `(filename, content, content_type)` part of a multipart upload, CR/LF removed."""
    return clean_header_text(filename), content, clean_header_text(content_type)
