"""Pure helpers the generated services call: the full-replace overlay and upload parts.

They hold the only copy of this logic, so it is unit-tested directly rather than per method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from basecamp import UsageError

__all__ = ["ReplaceField", "build_replace_body", "clean_header_text", "multipart_file"]


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
    """

    name: str
    wire: str
    source: str
    preserved: bool = False


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
    """
    body: dict[str, object] = {}
    for field in fields:
        value = given.get(field.name)
        if value is not None:
            body[field.wire] = value
            continue
        if field.preserved or not field.source:
            continue
        current = _lookup(record, field.source.split("."))
        if current is _MISSING:
            raise UsageError(
                f"Cannot update safely: the current record has no {field.source!r}, so "
                f"{field.name!r} would be cleared.",
                hint=f"Pass {field.name}= explicitly, or use the raw replace method.",
            )
        body[field.wire] = current
    return body


def clean_header_text(value: str) -> str:
    """`value` without CR and LF, so it cannot break a multipart header."""
    return value.replace("\r", "").replace("\n", "")


def multipart_file(filename: str, content: bytes, content_type: str) -> tuple[str, bytes, str]:
    """The `(filename, content, content_type)` part of a multipart upload, CR/LF removed."""
    return clean_header_text(filename), content, clean_header_text(content_type)
