"""Emit `_generated/operations.py`: the `OPERATIONS` registry."""

from __future__ import annotations

from ._text import HEADER, py_str
from .spec import Operation, Retry, Spec


def _retry(r: Retry) -> str:
    codes = ", ".join(str(c) for c in r.retry_on) + ("," if len(r.retry_on) == 1 else "")
    return f"RetrySettings({r.max_attempts}, {r.base_delay_ms}, ({codes}))"


def _operation(op: Operation, retries: dict[Retry, str]) -> list[str]:
    args = [
        f"operation_id={py_str(op.id)}",
        f"service={py_str(op.service)}",
        f"method={py_str(op.method)}",
        f"http_method={py_str(op.http)}",
        f"path={py_str(op.path)}",
    ]
    params = [
        f"Param({py_str(p.name)}, {py_str(p.wire)}, {py_str(p.location)}, {p.required})"
        for p in op.params
    ]
    params += [f'Param({py_str(f.name)}, {py_str(f.wire)}, "body", {f.required})' for f in op.body]
    params += [f'Param({py_str(n)}, {py_str(w)}, "body", True)' for n, w in op.upload_params]
    if params:
        args.append("params=(" + ", ".join(params) + ("," if len(params) == 1 else "") + ")")
    if op.idempotent:
        args.append("idempotent=True")
    if op.paginated:
        args.append("paginated=True")
    if op.retry:
        args.append(f"retry={retries[op.retry]}")
    if op.body_kind != "none":
        args.append(f"body_kind={py_str(op.body_kind)}")
    if op.response_kind != "model":
        args.append(f"response_kind={py_str(op.response_kind)}")
    if op.response_model:
        args.append(f"response_model={py_str(op.response_model)}")
    if op.items_key:
        args.append(f"items_key={py_str(op.items_key)}")
    return [
        f"        {py_str(op.id)}: Operation(",
        *(f"            {a}," for a in args),
        "        ),",
    ]


def emit_operations(spec: Spec) -> str:
    retries: dict[Retry, str] = {}
    for op in spec.operations.values():
        if op.retry and op.retry not in retries:
            retries[op.retry] = f"_RETRY_{len(retries) + 1}"
    imports = ["Operation", "Param", "RetrySettings"] if retries else ["Operation", "Param"]
    out = [
        HEADER,
        '"""The operation registry: one `basecamp.Operation` per API operation, by id."""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "from types import MappingProxyType",
        "",
        f"from basecamp import {', '.join(imports)}",
        "",
        '__all__ = ["OPERATIONS"]',
        "",
    ]
    out += [f"{name} = {_retry(r)}" for r, name in retries.items()]
    if retries:
        out.append("")
    out.append("OPERATIONS: Mapping[str, Operation] = MappingProxyType(")
    out.append("    {")
    for op in spec.operations.values():
        out += _operation(op, retries)
    out += ["    }", ")", ""]
    return "\n".join(out)
