"""Fail when a module in the packages' `src` imports another that imports it back.

Every `packages/*/src` folder is read as one tree of modules (they share the `basecamp`
namespace), each file is parsed (never imported), and the imports between those modules form a
graph. Any cycle in it is reported with every import that closes it, by file and line.

What counts as an import of module `M`:
- every `import M` and `from M import name` statement, wherever it sits: at the top of the
  module, inside a function or method, under `if TYPE_CHECKING:`, in a `try` block. A deferred
  or type-only import still means the two modules know each other (mypy, a reader and a future
  refactor have to take them together), so it is not a way out of a cycle;
- `from P import x` counts as importing `P.x` when `P.x` is a module, else as importing `P`;
- a package's `__init__` is its public map, not a layer: `from P import x`, where `P/__init__`
  only re-exports `x` (`from .m import x`, `from .m import *`, under `TYPE_CHECKING` or not),
  counts as importing the module `x` comes from, following further re-exports. The `__init__`'s
  own imports are edges like any other;
- relative imports are resolved against the importing module's package.

What does not count:
- the parent packages that Python initialises on the way (`import a.b.c` imports `a.b.c`, not
  `a` or `a.b`): otherwise every package `__init__` that imports its own submodules would be a
  cycle;
- imports of modules outside the scanned folders (the standard library, httpx, ...);
- dynamic imports (`importlib.import_module(...)`, `__import__(...)`), which name their target
  in a string the checker does not evaluate.

Usage:
    python tools/check_imports.py                 # every package under packages/
    python tools/check_imports.py --ignore basecamp-oauth   # report its cycles, do not fail on them

Exit status: 0 when no (unignored) cycle exists, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["Edge", "Module", "find_cycles", "import_edges", "load_modules", "main", "origin"]


@dataclass(frozen=True, slots=True)
class Module:
    """One source file of a package."""

    name: str  # dotted, e.g. `basecamp._async.account`
    path: Path
    package: str  # the distribution folder under packages/, e.g. `basecamp-core`
    is_package: bool  # an `__init__.py`


@dataclass(frozen=True, slots=True)
class Edge:
    """One import statement from `source` to `target`."""

    source: str
    target: str
    path: Path
    line: int
    kind: str  # "top-level", "function" or "type-checking"

    def describe(self, root: Path) -> str:
        try:
            shown = self.path.relative_to(root)
        except ValueError:
            shown = self.path
        return f"{self.source} -> {self.target}  ({shown}:{self.line}, {self.kind})"


def load_modules(src_dirs: Iterable[tuple[str, Path]]) -> dict[str, Module]:
    """Every module under each `(package, src folder)`, by dotted name."""
    modules: dict[str, Module] = {}
    for package, src in src_dirs:
        for path in sorted(src.rglob("*.py")):
            parts = list(path.relative_to(src).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            if not parts:
                continue
            name = ".".join(parts)
            if name in modules:
                raise SystemExit(f"{name} is defined twice: {modules[name].path} and {path}")
            modules[name] = Module(name, path, package, is_package)
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _statements(tree: ast.AST) -> Iterable[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement in `tree` with its context: top-level, function or type-checking."""

    def visit(node: ast.AST, kind: str) -> Iterable[tuple[ast.Import | ast.ImportFrom, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, kind
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from visit(child, "function" if kind == "top-level" else kind)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), "type-checking")
                for stmt in child.orelse:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), kind)
            else:
                yield from visit(child, kind)

    yield from visit(tree, "top-level")


def _resolve_base(module: Module, level: int, name: str | None) -> str | None:
    """The absolute module a `from` statement names (`from ..x import y` -> `pkg.x`)."""
    if level == 0:
        return name
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None  # beyond the top-level package: Python refuses it too
    base = parts[: len(parts) - (level - 1)]
    if name:
        base.append(name)
    return ".".join(base) or None


_TREES: dict[tuple[Path, str], ast.Module] = {}


def _tree(module: Module) -> ast.Module:
    # Parsed once per content: re-export lookups read the same `__init__` many times.
    source = module.path.read_text(encoding="utf-8")
    tree = _TREES.get((module.path, source))
    if tree is None:
        tree = _TREES[module.path, source] = ast.parse(source, filename=str(module.path))
    return tree


def _defines(tree: ast.Module, name: str) -> bool:
    """Whether a module's top level binds `name` itself (def, class or assignment)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def origin(
    module: Module, name: str, modules: dict[str, Module], seen: frozenset[str] = frozenset()
) -> str | None:
    """The scanned module where `name`, as read from `module`, is defined, following
    re-exports; None when `module` neither defines nor re-exports it."""
    if module.name in seen:
        return None
    seen = seen | {module.name}
    tree = _tree(module)
    stars: list[str] = []
    for node, _ in _statements(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = _resolve_base(module, node.level, node.module)
        if base is None:
            continue
        for alias in node.names:
            if alias.name == "*":
                stars.append(base)
            elif (alias.asname or alias.name) == name:
                child = f"{base}.{alias.name}"
                if child in modules:
                    return child
                if base not in modules:
                    return module.name  # it comes from outside: this module is its source
                return origin(modules[base], alias.name, modules, seen) or base
    if _defines(tree, name):
        return module.name
    for base in stars:
        if base in modules:
            found = origin(modules[base], name, modules, seen)
            if found is not None:
                return found
    return None


def _target(
    module: Module, base: str, name: str, modules: dict[str, Module]
) -> str:  # `from base import name`, as an edge target
    child = f"{base}.{name}"
    if name != "*" and child in modules:
        return child
    package = modules.get(base)
    if name != "*" and package is not None and package.is_package:
        return origin(package, name, modules) or base
    return base


def import_edges(module: Module, modules: dict[str, Module]) -> list[Edge]:
    """The imports of `module` that land on another scanned module (one per statement and
    target)."""
    tree = _tree(module)
    edges: list[Edge] = []
    seen: set[tuple[str, int]] = set()
    for node, kind in _statements(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _resolve_base(module, node.level, node.module)
            if base is None:
                continue
            targets = [_target(module, base, alias.name, modules) for alias in node.names]
        for target in targets:
            # An outside module (stdlib, httpx) or the module itself is no edge.
            if target in modules and target != module.name and (target, node.lineno) not in seen:
                seen.add((target, node.lineno))
                edges.append(Edge(module.name, target, module.path, node.lineno, kind))
    return edges


def find_cycles(edges: Sequence[Edge]) -> list[list[str]]:
    """The strongly connected components with more than one module (each one holds at least one
    cycle), sorted. Tarjan's algorithm, iterative."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def shortest_cycle(component: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    """One shortest cycle through the component's first module, as `[a, b, ..., a]`."""
    members = set(component)
    graph: dict[str, list[str]] = {}
    for edge in edges:
        if edge.source in members and edge.target in members:
            graph.setdefault(edge.source, []).append(edge.target)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(set(graph.get(node, ()))):
                if nxt == start:
                    path = [start]
                    while node != start:
                        path.append(node)
                        node = previous[node]
                    return [start, *reversed(path[1:]), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]


def report(
    components: Sequence[Sequence[str]], edges: Sequence[Edge], root: Path = ROOT
) -> list[str]:
    """Human-readable lines for each cycle: one loop, then every import inside the component."""
    lines: list[str] = []
    for component in components:
        members = set(component)
        lines.append(f"import cycle among {len(component)} modules: {', '.join(component)}")
        lines.append(f"  e.g. {' -> '.join(shortest_cycle(component, edges))}")
        inside = [e for e in edges if e.source in members and e.target in members]
        for edge in sorted(inside, key=lambda e: (e.source, e.line, e.target)):
            lines.append(f"    {edge.describe(root)}")
    return lines


def _src_dirs(root: Path) -> list[tuple[str, Path]]:
    return [(src.parent.name, src) for src in sorted(root.glob("packages/*/src")) if src.is_dir()]


def main(argv: list[str] | None = None, *, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="a folder under packages/ whose own cycles are reported but do not fail the check",
    )
    args = parser.parse_args(argv)
    src_dirs = _src_dirs(root)
    known_packages = {package for package, _ in src_dirs}
    unknown = sorted(set(args.ignore) - known_packages)
    if unknown:
        parser.error(f"no such package under packages/: {', '.join(unknown)}")
    modules = load_modules(src_dirs)
    edges = [edge for module in modules.values() for edge in import_edges(module, modules)]
    components = find_cycles(edges)
    ignored = set(args.ignore)
    failing = [c for c in components if not all(modules[m].package in ignored for m in c)]
    tolerated = [c for c in components if c not in failing]
    for line in report(failing, edges, root):
        print(line, file=sys.stderr)
    if tolerated:
        print(
            f"ignored ({', '.join(sorted(ignored))}): {len(tolerated)} cycle(s) still to break",
            file=sys.stderr,
        )
        for line in report(tolerated, edges, root):
            print(line, file=sys.stderr)
    if failing:
        print(f"{len(failing)} import cycle(s) found", file=sys.stderr)
        return 1
    print(f"no import cycles ({len(modules)} modules, {len(edges)} imports between them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
