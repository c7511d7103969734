"""The API definition and the generated registry agree with the reference API description.

The reference files live outside the repository (`../shared/reference`), beside every developer
checkout and CI clone. A newcomer's clone without them skips these tests; CI (`CI=true`) fails
instead, so the check can never silently stop running where it matters.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

from basecamp.services import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference"
OPENAPI = REFERENCE / "openapi.json"

if not OPENAPI.is_file():
    if os.environ.get("CI"):
        raise RuntimeError(f"the reference API description is missing: {OPENAPI}")
    pytest.skip("../shared/reference is not beside this checkout", allow_module_level=True)


def _reference_operations() -> dict[str, tuple[str, str]]:
    document = json.loads(OPENAPI.read_text())
    found: dict[str, tuple[str, str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "delete", "patch"}:
                found[operation["operationId"]] = (method.upper(), path)
    return found


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_registry_has_every_reference_operation_with_its_method_and_path() -> None:
    reference = _reference_operations()
    assert len(reference) == 250
    assert set(OPERATIONS) == set(reference)
    for operation_id, (method, path) in reference.items():
        operation = OPERATIONS[operation_id]
        assert operation.http_method == method, operation_id
        assert _shape(operation.path) == _shape(path), operation_id


def test_spec_checker_passes(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location(
        "check_spec_reference", ROOT / "tools" / "check_spec_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    assert checker.main(["--reference-dir", str(REFERENCE)]) == 0, capsys.readouterr().err
    assert "spec OK: 250 operations in 53 services" in capsys.readouterr().out
