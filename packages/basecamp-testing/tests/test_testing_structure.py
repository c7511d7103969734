"""The package's shape: no import cycles, and resource areas registered in one explicit list."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from basecamp.services import OPERATIONS
from basecamp.testing import _handlers
from basecamp.testing._handlers.base import Area, Registry, generic, get_record, no_content
from basecamp.testing._store import Kind

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "basecamp.testing"


def _modules(root: Path, package: str) -> dict[str, Path]:
    base = root / package.replace(".", "/")
    found: dict[str, Path] = {}
    for path in base.rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every module of `known` that `name` imports, wherever the import sits.

    Function-level imports and `if TYPE_CHECKING:` blocks count: `ast.walk` sees them all.
    """
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # `from pkg import mod` imports the module `pkg.mod` when there is one.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            if target in known and target != name:
                yield target


def _cycles(root: Path, package: str) -> list[list[str]]:
    modules = _modules(root, package)
    known = set(modules)
    graph = {name: sorted(set(_imports(name, path, known))) for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert len(_modules(SRC, PACKAGE)) > 20  # the walk found the package
    assert _cycles(SRC, PACKAGE) == []


@pytest.mark.parametrize(
    ("a_source", "b_source"),
    [
        ("from . import b\n", "from .a import X\n"),
        ("def f():\n    from .b import Y\n", "import pkg.a\n"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub.c import Z\n",
            "",
        ),
    ],
)
def test_the_cycle_check_sees_every_kind_of_import(
    tmp_path: Path, a_source: str, b_source: str
) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(a_source)
    (package / "b.py").write_text(b_source)
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "c.py").write_text("from ..a import W\n")
    assert _cycles(tmp_path, "pkg"), "the checker must be able to fail"


def test_every_area_module_is_registered() -> None:
    folder = Path(_handlers.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base"}
    registered = {area.name for area in _handlers.AREAS}
    assert registered == modules
    for name in modules:
        module = importlib.import_module(f"{_handlers.__name__}.{name}")
        assert module.AREA in _handlers.AREAS


def test_only_the_listed_areas_are_served() -> None:
    # Every area module is imported by now; none of that registered anything by itself.
    bare = Registry.build((), OPERATIONS)
    assert bare.handlers == {}
    assert bare.handler("CreateTodo") is generic


def test_a_kinds_reader_is_served_from_the_store_unless_the_area_says_otherwise() -> None:
    area = Area("things", kinds=(Kind("Todo", "GetTodo", "todo_id", "todo"),))
    registry = Registry.build((area,), OPERATIONS)
    assert registry.handler("GetTodo") is get_record
    assert registry.path_kinds == {"todo_id": "Todo"}
    own = Area("things", kinds=area.kinds, handlers={"GetTodo": lambda s, r: no_content()})
    assert Registry.build((own,), OPERATIONS).handler("GetTodo") is not get_record


def test_registry_refuses_clashes_and_unknown_operations() -> None:
    one = Area("one", handlers={"CreateTodo": generic})
    two = Area("two", handlers={"CreateTodo": generic})
    with pytest.raises(ValueError, match="CreateTodo is handled by both 'one' and 'two'"):
        Registry.build((one, two), OPERATIONS)
    with pytest.raises(ValueError, match="unknown operation 'NoSuchThing'"):
        Registry.build((Area("x", handlers={"NoSuchThing": generic}),), OPERATIONS)
    kind = Kind("Todo", "GetTodo", "todo_id")
    with pytest.raises(ValueError, match="model 'Todo' is declared twice"):
        Registry.build((Area("a", kinds=(kind,)), Area("b", kinds=(kind,))), OPERATIONS)
    # A path check belongs to the area that handles the operation.
    checks = {"CreateTodo": {"todolist_id": bool}}
    with pytest.raises(ValueError, match="area 'x' checks 'CreateTodo', not its own"):
        Registry.build((one, Area("x", path_checks=checks)), OPERATIONS)
    assert Registry.build((Area("y", handlers=one.handlers, path_checks=checks),), OPERATIONS)


def test_every_operation_an_area_handles_is_in_the_registry() -> None:
    registry = Registry.build(_handlers.AREAS, OPERATIONS)
    assert set(registry.handlers) <= set(OPERATIONS)
    assert len(registry.handlers) >= 80  # the 80 stateful operations, readers included
