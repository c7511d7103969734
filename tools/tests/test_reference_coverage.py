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
import shutil
from pathlib import Path
from typing import Any

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


def _checker() -> Any:
    spec = importlib.util.spec_from_file_location(
        "check_spec_reference", ROOT / "tools" / "check_spec_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    return checker


def test_spec_checker_passes(capsys: pytest.CaptureFixture[str]) -> None:
    checker = _checker()
    assert checker.main(["--reference-dir", str(REFERENCE)]) == 0, capsys.readouterr().err
    assert "spec OK: 250 operations in 53 services" in capsys.readouterr().out


def _replace_in_table(text: str, table: str, old: str, new: str) -> str:
    start = text.index(f"[{table}]\n")
    end = text.find("\n\n", start)
    block = text[start:end]
    assert old in block, (table, block)
    return text[:start] + block.replace(old, new, 1) + text[end:]


def test_spec_checker_compares_model_fields_with_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec_dir = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    todos = spec_dir / "models" / "todos.toml"
    text = todos.read_text(encoding="utf-8")
    text = _replace_in_table(text, "Todo.fields.due_on", "\n  nullable = true", "")
    text = _replace_in_table(text, "Todo.fields.position", 'type = "int"', 'type = "str"')
    text = _replace_in_table(text, "Todo.fields.content", 'type = "str"', 'type = "list[str]"')
    text += '\n  [Todo.fields.no_such_key]\n  type = "int"\n'
    todos.write_text(text, encoding="utf-8")
    common = spec_dir / "models" / "common.toml"
    # ProjectRef merges the reference's bucket schemas; each is compared
    common.write_text(
        _replace_in_table(
            common.read_text(encoding="utf-8"),
            "ProjectRef.fields.id",
            'type = "int"',
            'type = "float"',
        ),
        encoding="utf-8",
    )
    checker = _checker()
    assert checker.main(["--spec-dir", str(spec_dir), "--reference-dir", str(REFERENCE)]) == 1
    err = capsys.readouterr().err
    assert "models:Todo.due_on: nullable should be true (reference: Todo)" in err
    assert "models:Todo.position: type 'str' is JSON string, reference: integer (Todo)" in err
    assert "models:Todo.content: type 'list[str]' is JSON array, reference: string (Todo)" in err
    assert "models:Todo.no_such_key: not a property of Todo" in err
    assert (
        "models:ProjectRef.id: type 'float' is JSON number, reference: "
        "integer (RecordingBucket), integer (TodoBucket)"
    ) in err
    assert "spec has 5 problem(s)" in err
