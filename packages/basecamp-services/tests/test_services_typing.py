"""Static typing as users see it: run mypy --strict on small user files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TYPING = Path(__file__).resolve().parent / "typing"
ROOT = Path(__file__).resolve().parents[3]

pytest.importorskip("mypy")


def _mypy(*files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *(str(TYPING / f) for f in files),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.fixture(scope="module")
def user_code() -> str:
    result = _mypy("user_code.py", "account_calls.py")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


MODELS = "basecamp.services._generated.models"


def _revealed(output: str) -> list[str]:
    """The revealed types, in order, without the line prefix."""
    marker = 'Revealed type is "'
    return [line.split(marker, 1)[1] for line in output.splitlines() if marker in line]


def test_get_returns_the_model(user_code: str) -> None:
    types = _revealed(user_code)
    assert types[0].startswith(f"TypedDict({MODELS}.Project, {{")
    assert types[3].startswith(f"TypedDict({MODELS}.Todo, {{")


def test_list_returns_a_list_result_of_the_model(user_code: str) -> None:
    types = _revealed(user_code)
    assert types[1].startswith(f"basecamp._pagination.ListResult[TypedDict({MODELS}.Project, {{")
    assert types[2].startswith(f"basecamp._sync.pager.Pager[TypedDict({MODELS}.Project, {{")


def test_async_results_are_typed(user_code: str) -> None:
    types = _revealed(user_code)
    assert len(types) == 7
    assert types[4].startswith(f"TypedDict({MODELS}.Project, {{")
    assert types[5].startswith(f"basecamp._pagination.ListResult[TypedDict({MODELS}.Project, {{")
    assert types[6].startswith(f"basecamp._async.pager.AsyncPager[TypedDict({MODELS}.Project, {{")


def test_a_known_key_passes() -> None:
    result = _mypy("key_ok.py")
    assert result.returncode == 0, result.stdout


def test_a_misspelled_key_fails() -> None:
    result = _mypy("key_typo.py")
    assert result.returncode == 1
    assert '"Todo" has no key "contnet"' in result.stdout


def test_edit_yields_the_typed_writable_fields() -> None:
    result = _mypy("edit_ok.py")
    assert result.returncode == 0, result.stdout


def test_edit_mistakes_are_type_errors() -> None:
    result = _mypy("edit_typo.py")
    assert result.returncode == 1
    out = result.stdout
    assert 'edit_typo.py:8: error: "contnet" is not a valid TypedDict key' in out
    assert 'edit_typo.py:9: error: Value of "content" has incompatible type "None"' in out
    assert 'edit_typo.py:10: error: List item 0 has incompatible type "str"; expected "int"' in out
