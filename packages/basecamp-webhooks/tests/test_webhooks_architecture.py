"""The package's import graph: no cycles, standard library only, adapters over the sans-I/O core."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "basecamp" / "webhooks"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (functions and TYPE_CHECKING blocks too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # `from . import x` imports the module x
                candidate = f"{target}.{alias.name}"
                if (SRC / Path(*candidate.split("."))).with_suffix(".py").exists():
                    found.add(candidate)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph()
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        for target in sorted(graph[node]):
            if target in stack:
                cycles.append([*stack[stack.index(target) :], target])
            elif len(stack) < len(graph):
                visit(target, [*stack, target])

    for start in graph:
        visit(start, [start])
    assert cycles == []


def test_the_adapters_never_import_the_receiver() -> None:
    graph = _graph()
    adapters = [name for name in graph if "._adapters" in name]
    assert len(adapters) >= 4
    for name in adapters:
        assert "basecamp.webhooks._receiver" not in graph[name], name
    assert graph["basecamp.webhooks._adapters"] == set()


def test_only_the_standard_library_is_imported() -> None:
    for path in PACKAGE.rglob("*.py"):
        outside = {
            module
            for module in _imports(path)
            if not module.startswith("basecamp.webhooks")
            and module.split(".")[0] not in sys.stdlib_module_names
            and module != "__future__"
        }
        # The Redis store imports its client lazily, inside the store (the `redis` extra).
        allowed = {"redis"} if path.name == "_redis.py" else set()
        assert outside <= allowed, (path.name, outside)


def test_module_getattr_is_hidden_from_type_checkers() -> None:
    """`__getattr__` lives under `if not TYPE_CHECKING:`, so a misspelt import is a type error."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top_level = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "__getattr__" not in top_level
    guarded = [
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.UnaryOp)
        and isinstance(node.test.op, ast.Not)
        and isinstance(node.test.operand, ast.Name)
        and node.test.operand.id == "TYPE_CHECKING"
    ]
    assert len(guarded) == 1
    assert "__getattr__" in {n.name for n in guarded[0].body if isinstance(n, ast.FunctionDef)}
