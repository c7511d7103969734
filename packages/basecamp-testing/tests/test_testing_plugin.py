"""The pytest plugin: its fixtures, the README's example, and its import cost."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from basecamp import AccountClient, AsyncAccountClient
from basecamp.testing import FakeBasecamp

README = Path(__file__).resolve().parents[1] / "README.md"


def test_fixtures(basecamp_fake: FakeBasecamp, basecamp_account: AccountClient) -> None:
    assert basecamp_fake.seeded is not None
    assert basecamp_account.account_id == str(basecamp_fake.account_id)
    assert len(basecamp_account.todos.list(todolist_id=basecamp_fake.seeded.todolist_id)) == 20


async def test_async_fixtures(
    basecamp_fake: FakeBasecamp, basecamp_async_account: AsyncAccountClient
) -> None:
    people = await basecamp_async_account.people.list()
    assert [p["id"] for p in people] == [p["id"] for p in basecamp_fake.people()]


def test_server_fixture(basecamp_fake: FakeBasecamp, basecamp_server: str) -> None:
    import httpx

    response = httpx.get(
        f"{basecamp_server}/{basecamp_fake.account_id}/people.json",
        headers={"Authorization": f"Bearer {basecamp_fake.token}"},
    )
    assert response.status_code == 200
    assert len(response.json()) == 5


def _readme_example() -> str:
    text = README.read_text()
    blocks = re.findall(r"```python\n(def test_.*?)```", text, flags=re.S)
    assert blocks, "the README has a pytest example"
    return str(blocks[0])


def test_the_readme_example_is_three_lines_and_passes(pytester: pytest.Pytester) -> None:
    example = _readme_example()
    assert len(example.strip().splitlines()) == 3
    pytester.makepyfile(test_readme=example)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=1)


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, basecamp.testing.pytest_plugin\n"
        "heavy = [m for m in ('httpx', 'basecamp.services', 'basecamp.testing._fake') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
