"""Emit the services test data: one wire-level test case per operation (`tests/_generated/`)."""

from __future__ import annotations

import re
from typing import Any

from ._text import HEADER
from .spec import Operation, Spec, TypeRef

ACCOUNT_ID = 999


class _Samples:
    """Deterministic sample values; ints count up so swapped params are caught."""

    def __init__(self) -> None:
        self.n = 1000

    def next_int(self) -> int:
        self.n += 1
        return self.n

    def value(self, ref: TypeRef) -> Any:
        if ref.enum:
            return ref.enum[-1]
        kind = ref.kind
        if kind == "list":
            assert ref.item is not None
            return [self.value(ref.item), self.value(ref.item)]
        if kind == "int":
            return self.next_int()
        if kind == "float":
            return self.next_int() + 0.5
        if kind == "bool":
            return True
        if kind == "str":
            return f"s{self.next_int()}"
        if kind == "date":
            return "2024-01-02"
        if kind == "datetime":
            return "2024-01-02T03:04:05Z"
        if kind == "object":
            return {"k": f"v{self.next_int()}"}
        if kind == "model":
            return {"id": self.next_int()}
        return f"any{self.next_int()}"


def _wire(value: Any) -> str:
    """A query value as core sends it: bools lower-case, lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_wire(v) for v in value)
    return str(value)


def _case(op: Operation) -> dict[str, Any]:
    s = _Samples()
    kwargs: dict[str, Any] = {}
    path_values: dict[str, Any] = {"account_id": ACCOUNT_ID}
    for p in op.path_params:
        kwargs[p.name] = path_values[p.name] = s.value(p.type)
    case: dict[str, Any] = {
        "id": op.id,
        "service": op.service,
        "method": op.method,
        "http": op.http,
        "kwargs": kwargs,
        "path": re.sub(r"\{(\w+)\}", lambda m: str(path_values[m.group(1)]), op.path),
        "query": [],
        "json": None,
        "idempotent": op.idempotent,
        "paginated": op.paginated,
        "items_key": op.items_key,
        "response": op.response_kind,
        "body": op.body_kind,
    }
    if op.body_kind == "binary":
        kwargs["content"] = b"\x00bytes\x01"
        kwargs["content_type"] = "image/png\r\n"
        case["content"] = kwargs["content"]
        case["content_type"] = "image/png"
    if op.body_kind == "multipart":
        kwargs["content"] = b"file-bytes"
        kwargs["filename"] = "re\r\nport.txt"
        kwargs["content_type"] = "text/plain\r\n"
        case["multipart"] = {
            "field": op.multipart_field,
            "filename": "report.txt",
            "content_type": "text/plain",
            "content": b"file-bytes",
        }
    pairs: list[tuple[str, str]] = []
    for p in op.query_params:
        kwargs[p.name] = value = s.value(p.type)
        if p.repeat:
            pairs += [(p.wire, _wire(v)) for v in value]
        else:
            pairs.append((p.wire, _wire(value)))
    case["query"] = pairs
    if op.body_kind == "json":
        case["json"] = {}
        for f in op.body:
            kwargs[f.name] = case["json"][f.wire] = s.value(f.type)
    return case


def _spec_type(ref: TypeRef) -> str:
    if ref.kind == "list":
        assert ref.item is not None
        return f"list[{_spec_type(ref.item)}]"
    return ref.model or ref.kind


def _replace_case(op: Operation, spec: Spec) -> dict[str, Any]:
    s = _Samples()
    read = spec.operations[op.read or ""]
    kwargs: dict[str, Any] = {}
    path_values: dict[str, Any] = {"account_id": ACCOUNT_ID}
    for p in op.path_params:
        kwargs[p.name] = path_values[p.name] = s.value(p.type)
    s.n = 5000
    fields = [
        {
            "name": f.name,
            "wire": f.wire,
            "source": f.source,
            "preserved": f.name in op.preserved,
            "sample": s.value(f.type),
            "type": _spec_type(f.type),
            "nullable": f.name in op.carried_nullable,
        }
        for f in op.body
    ]

    def fill(path: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(path_values[m.group(1)]), path)

    return {
        "id": op.id,
        "service": op.service,
        "method": op.method,
        "twin": op.twin,
        "edit": op.edit,
        "edit_model": op.edit_model,
        "http": op.http,
        "path": fill(op.path),
        "read_id": read.id,
        "read_path": fill(read.path),
        "kwargs": kwargs,
        "query": [p.name for p in op.query_params],
        "fields": fields,
        "response": op.response_kind,
    }


def emit_cases(spec: Spec) -> str:
    cases = [_case(op) for op in spec.operations.values()]
    replace = [_replace_case(op, spec) for op in spec.operations.values() if op.replace]
    out = [
        HEADER,
        '"""Wire-level test data: one case per operation, and one per full-replace operation."""',
        "",
        "from typing import Any",
        "",
        f"ACCOUNT_ID = {ACCOUNT_ID}",
        "",
        "CASES: list[dict[str, Any]] = [",
        *(f"    {c!r}," for c in cases),
        "]",
        "",
        "REPLACE_CASES: list[dict[str, Any]] = [",
        *(f"    {c!r}," for c in replace),
        "]",
        "",
    ]
    return "\n".join(out)
