"""tools/unasync.py: the sync twins are exact, and the tool refuses what it cannot do right."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections import Counter
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOOLS))

import unasync  # noqa: E402

SOURCE = '''"""Async things."""


class AsyncThing:
    """A thing for asyncio."""

    async def get(self) -> None:
        # unasync: remove-start
        """Get it, optionally concurrently.

        Args:
            concurrency: How many at once.
        """
        # unasync: remove-end
        # unasync: sync """Get it."""
        async with self._lock:
            await self._http.aclose()
'''


def test_transform_renames_removes_and_adds_sync_lines() -> None:
    used: Counter[str] = Counter()
    text = unasync.transform(SOURCE, "pkg._async.thing", used)
    assert "class Thing:" in text
    assert '"""A thing."""' in text
    assert '        """Get it."""\n' in text
    assert "concurrency" not in text
    assert "with self._lock:" in text
    assert "self._http.close()" in text
    assert "unasync:" not in text.split("\n", 2)[2]  # only the generated header names the tool
    assert used["aclose"] == 1
    assert used[unasync.ASYNC_PREFIX_RE.pattern] == 1


def test_the_async_source_keeps_its_docstring() -> None:
    namespace: dict[str, object] = {}
    exec(compile(SOURCE, "thing.py", "exec"), namespace)
    doc = inspect.getdoc(namespace["AsyncThing"].get)  # type: ignore[attr-defined]
    assert doc is not None
    assert doc.startswith("Get it, optionally concurrently.")
    assert "unasync" not in doc


def test_a_fence_inside_a_docstring_is_refused() -> None:
    source = (
        'def f():\n    """Doc.\n\n    # unasync: remove-start\n    x\n'
        '    # unasync: remove-end\n    """\n'
    )
    with pytest.raises(unasync.UnasyncError, match="inside a string"):
        unasync.transform(source, "m")


def test_an_unbalanced_fence_is_refused() -> None:
    with pytest.raises(unasync.UnasyncError, match="unbalanced"):
        unasync.transform("x = 1\n# unasync: remove-start\ny = 2\n", "m")
    with pytest.raises(unasync.UnasyncError, match="unbalanced"):
        unasync.transform("x = 1\n# unasync: remove-end\n", "m")


@pytest.mark.parametrize(
    "line",
    [
        "r.aread()\n",
        "x = anext(it)\n",
        "raise StopAsyncIteration\n",
        "import asyncio\n",
        "def __anext__(self): ...\n",
    ],
)
def test_an_async_name_left_in_code_is_refused(line: str) -> None:
    with pytest.raises(unasync.UnasyncError, match="survived into the sync twin"):
        unasync.transform(line, "m")


def test_comments_and_strings_may_say_async() -> None:
    text = unasync.transform('# the async shell\nx = "await me"\n', "m")
    assert "the async shell" in text


def test_a_rule_that_matches_nothing_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unasync, "RULES", [*unasync.RULES, "aread"])
    with pytest.raises(unasync.UnasyncError, match=r"match nothing.*aread"):
        unasync.plan()
    assert unasync.main(["--check"]) == 1


def test_every_rule_is_used_and_the_twins_are_current() -> None:
    assert unasync.main(["--check"]) == 0


@pytest.mark.parametrize(
    "package",
    [
        "basecamp._async",
        "basecamp._sync",
        "basecamp.services._extensions._async",
        "basecamp.services._extensions._sync",
    ],
)
def test_no_docstring_shows_a_fence(package: str) -> None:
    shown = []
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        for name, value in vars(module).items():
            members = [value, *vars(value).values()] if inspect.isclass(value) else [value]
            for member in members:
                doc = getattr(member, "__doc__", None)
                if isinstance(doc, str) and "unasync:" in doc:
                    shown.append(f"{info.name}.{name}")
    assert shown == []
