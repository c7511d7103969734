"""The API definition and the generated registry agree with the reference API description.

The reference is `openapi.json` (250 operations) plus `api-additions.json` (the 37 newer ones).

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
ADDITIONS = REFERENCE / "api-additions.json"

if not (OPENAPI.is_file() and ADDITIONS.is_file()):
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


def _additions_operations() -> dict[str, tuple[str, str]]:
    """The newer operations; their paths leave out the account prefix."""
    document = json.loads(ADDITIONS.read_text())
    return {
        operation_id: (operation["http_method"], "/{account}" + operation["path"])
        for operation_id, operation in document["operations"].items()
    }


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_registry_has_every_reference_operation_with_its_method_and_path() -> None:
    reference = _reference_operations()
    additions = _additions_operations()
    assert len(reference) == 250
    assert len(additions) == 37
    assert not set(reference) & set(additions)
    reference |= additions
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
    assert "spec OK: 287 operations in 60 services" in capsys.readouterr().out


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


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path.name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _operation_block(text: str, operation_id: str) -> tuple[int, int]:
    start = text.index(f'id = "{operation_id}"\n')
    end = text.find("[[operations]]", start)
    return start, len(text) if end < 0 else end


def _edit_operation(path: Path, operation_id: str, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = _operation_block(text, operation_id)
    block = text[start:end]
    assert old in block, (operation_id, old)
    path.write_text(text[:start] + block.replace(old, new, 1) + text[end:], encoding="utf-8")


def test_spec_checker_holds_the_spec_to_the_additions_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec_dir = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    services, models = spec_dir / "services", spec_dir / "models"
    subtasks = services / "subtasks.toml"
    _edit_operation(subtasks, "CreateSubtask", "max_attempts = 2", "max_attempts = 3")
    _edit_operation(subtasks, "ListSubtasks", "paginated = true\n", "")
    _edit_operation(subtasks, "CompleteSubtask", 'response = "none"', 'response = "model:Subtask"')
    _edit_operation(subtasks, "DeleteSubtask", "idempotent = true", "idempotent = false")
    _edit_operation(
        subtasks,
        "RepositionSubtask",
        'type = "int"\n  required = true\n  doc = "Its',
        'type = "str"\n  required = true\n  doc = "Its',
    )
    _edit_operation(subtasks, "UpdateSubtask", 'wire = "title"', 'wire = "name"')
    _edit_operation(services / "event_feed.toml", "PollEvents", 'wire = "since"', 'wire = "after"')
    _edit_operation(
        services / "projects.toml",
        "UpdateProject",
        'name = "wallpaper_mode"\n  wire = "wallpaper_mode"',
        'name = "wallpaper_mode"\n  wire = "wallpaper_look"',
    )
    _edit(
        models / "pings.toml",
        '  type = "str"\n  nullable = true\n  doc = "Thumbnail',
        '  type = "str"\n  doc = "Thumbnail',
    )
    _edit(
        models / "subtasks.toml",
        '[Subtask.fields.completed]\n  type = "bool"',
        '[Subtask.fields.completed]\n  type = "str"',
    )
    _edit(
        models / "todos.toml",
        '\n  [Todo.fields.subtasks_url]\n  type = "str"\n  doc = "API address of its subtasks."\n',
        "",
    )
    feeds = models / "feeds.toml"
    text = feeds.read_text(encoding="utf-8")
    start = text.index("[FeedPositionGone]\n")
    end = text.index("[InboxPositionGone]\n")
    feeds.write_text(text[:start] + text[end:], encoding="utf-8")

    checker = _checker()
    assert checker.main(["--spec-dir", str(spec_dir), "--reference-dir", str(REFERENCE)]) == 1
    err = capsys.readouterr().err
    expected = [
        "services/subtasks.toml:CreateSubtask: retry {'max_attempts': 3,",
        "services/subtasks.toml:ListSubtasks: paginated should be True",
        "services/subtasks.toml:CompleteSubtask: response should be 'none'",
        "services/subtasks.toml:DeleteSubtask: idempotent should be True",
        "services/subtasks.toml:RepositionSubtask.body.position: type 'str' is JSON string,"
        " reference: integer (body)",
        "services/subtasks.toml:UpdateSubtask: body field 'title' is missing",
        "services/subtasks.toml:UpdateSubtask: body field 'name' is not in the reference",
        "services/event_feed.toml:PollEvents: query param 'since' is missing",
        "services/event_feed.toml:PollEvents: query param 'after' is not in the reference",
        "services/projects.toml:UpdateProject: body field 'wallpaper_mode' is missing",
        "services/projects.toml:UpdateProject: body field 'wallpaper_look' is not in the reference",
        "models:Embed.image_url: nullable should be true (reference: Embed)",
        "models:Subtask.completed: type 'str' is JSON string, reference: boolean (Subtask)",
        "api-additions.json:Todo.subtasks_url: missing from Todo",
        "SCHEMA_FOR_MODEL['FeedPositionGone']: stale",
        "api-additions.json:FeedPositionGoneErrorResponseContent: no spec model stands for",
    ]
    missing = [line for line in expected if line not in err]
    assert not missing, err
    # and nothing else
    assert f"spec has {len(expected)} problem(s)" in err, err
