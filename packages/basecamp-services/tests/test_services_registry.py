"""The registry (`OPERATIONS`) agrees with the raw definition in `spec/`, read independently."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from basecamp import Operation, Param, RetrySettings
from basecamp.services import OPERATIONS, models

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "spec" / "services"


def _raw_ops() -> dict[str, tuple[str, dict[str, Any]]]:
    ops: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(SPEC.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for op in data.get("operations", []):
            ops[op["id"]] = (data["service"]["name"], op)
    return ops


RAW = _raw_ops()


def test_registry_has_exactly_the_spec_operations() -> None:
    assert sorted(OPERATIONS) == sorted(RAW)
    assert len(OPERATIONS) >= 287


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        OPERATIONS["X"] = OPERATIONS["ListProjects"]  # type: ignore[index]


@pytest.mark.parametrize("op_id", sorted(RAW))
def test_operation_matches_spec(op_id: str) -> None:
    service, raw = RAW[op_id]
    op = OPERATIONS[op_id]
    assert isinstance(op, Operation)
    assert op.operation_id == op_id
    assert op.service == service
    assert op.method == raw["method"]
    assert op.http_method == raw["http"]
    assert op.path == raw["path"]
    assert op.path.startswith("/{account_id}/")
    assert op.paginated == raw.get("paginated", False)
    assert op.idempotent == raw.get("idempotent", raw["http"] == "GET")
    assert op.items_key == raw.get("items_key")

    body = raw.get("body")
    expected_kind = "json" if isinstance(body, list) else (body or "none")
    assert op.body_kind == expected_kind

    response = raw["response"]
    kind, _, model = response.partition(":")
    assert op.response_kind == kind
    assert op.response_model == (model or None)
    if model:
        assert hasattr(models, model)

    retry = raw.get("retry")
    if retry is None:
        assert op.retry is None
    else:
        assert op.retry == RetrySettings(
            retry["max_attempts"], retry["base_delay_ms"], tuple(retry["retry_on"])
        )

    expected_params = [
        Param(p["name"], p.get("wire", p["name"]), p["in"], p.get("required", p["in"] == "path"))
        for p in raw.get("params", [])
    ]
    if isinstance(body, list):
        expected_params += [
            Param(f["name"], f.get("wire", f["name"]), "body", f.get("required", False))
            for f in body
        ]
    elif body == "binary":
        expected_params += [
            Param("content", "(body)", "body", True),
            Param("content_type", "(Content-Type)", "body", True),
        ]
    elif body == "multipart":
        part = raw["multipart_field"]
        expected_params += [
            Param("content", part, "body", True),
            Param("filename", f"{part}(filename)", "body", True),
            Param("content_type", f"{part}(Content-Type)", "body", True),
        ]
    assert list(op.params) == expected_params

    placeholders = set(re.findall(r"\{(\w+)\}", op.path)) - {"account_id"}
    assert set(op.path_params) == placeholders


def test_upload_inputs_are_in_the_registry() -> None:
    logo = OPERATIONS["UpdateAccountLogo"]
    assert logo.body_kind == "multipart"
    assert [(p.name, p.wire_name) for p in logo.params if p.location == "body"] == [
        ("content", "logo"),
        ("filename", "logo(filename)"),
        ("content_type", "logo(Content-Type)"),
    ]
    attachment = OPERATIONS["CreateAttachment"]
    assert attachment.body_kind == "binary"
    assert [p for p in attachment.params if p.location == "body"] == [
        Param("content", "(body)", "body", True),
        Param("content_type", "(Content-Type)", "body", True),
    ]


def test_every_operation_has_its_method_on_both_classes() -> None:
    import basecamp.services as services

    for op in OPERATIONS.values():
        class_name = "".join(part.capitalize() for part in op.service.split("_"))
        for cls in (getattr(services, class_name), getattr(services, "Async" + class_name)):
            assert callable(getattr(cls, op.method)), (cls, op.method)
            if op.paginated:
                assert callable(getattr(cls, "iter_" + op.method))
