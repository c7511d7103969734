"""The basecamp-python code generator: `spec/` in, `basecamp.services` (and friends) out.

Entry point: `python tools/generate.py [--check]` (`make generate`). See `generate()` for the list
of outputs. Output is deterministic: the same spec always yields byte-identical files.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .emit_cases import emit_cases
from .emit_misc import (
    emit_accessors,
    emit_core_init,
    emit_exports,
    emit_index,
    splice_readme,
)
from .emit_models import emit_models
from .emit_operations import emit_operations
from .emit_services import emit_service
from .spec import Spec, SpecError, load_spec

__all__ = ["GENERATED_DIRS", "SpecError", "generate", "load_spec", "main", "plan"]

SERVICES_DIR = "packages/basecamp-services/src/basecamp/services/_generated"
CORE_DIR = "packages/basecamp-core/src/basecamp/_generated"
CASES_DIR = "packages/basecamp-services/tests/_generated"
README = "packages/basecamp-services/README.md"
# Directories the generator owns outright: any .py file in them that it does not write is stale.
GENERATED_DIRS = (SERVICES_DIR, CORE_DIR, CASES_DIR)


def _ruff() -> list[str]:
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    exe = shutil.which("ruff")
    if exe is None:
        raise RuntimeError("the generator formats its output with ruff; install ruff")
    return [exe]


def _format(root: Path, files: dict[str, str]) -> dict[str, str]:
    """Sort imports and format the Python files with the repository's ruff settings."""
    config = str(root / "pyproject.toml")
    with tempfile.TemporaryDirectory(prefix="basecamp-codegen-") as tmp:
        paths = []
        for rel, text in files.items():
            path = Path(tmp, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        ruff = _ruff()
        common = ["--config", config, "--no-cache", "--quiet"]
        for args in (["check", "--fix-only", "--select", "I", *common], ["format", *common]):
            proc = subprocess.run(
                [*ruff, *args, *paths], capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                raise RuntimeError(f"ruff {args[0]} failed on generated code:\n{proc.stderr}")
        return {rel: Path(tmp, rel).read_text(encoding="utf-8") for rel in files}


EXTENSIONS_DIR = "packages/basecamp-services/src/basecamp/services/_extensions"


def _public_methods(tree: ast.Module, class_name: str) -> list[str] | None:
    """The public method names `class_name` defines in `tree`, in order; None if no such class."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return [
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and not item.name.startswith("_")
            ]
    return None


def _parse(root: Path, rel: str) -> ast.Module:
    return ast.parse((root / rel).read_text(encoding="utf-8"), filename=rel)


def check_extensions(root: Path, spec: Spec) -> dict[str, tuple[str, ...]]:
    """`extension = true` and the hand-written `_extensions/_async/<accessor>.py` go together.

    The async mixin is the source; its sync twin in `_extensions/_sync/` is generated from it by
    `tools/unasync.py`, so the generator reads each class from where it lives.

    Returns:
        accessor -> the public methods its extension mixins add (read from the source, not
        imported), for the README table. The sync and async mixins must add the same ones, and
        none may share a name with a generated method (the generated one would hide it).
    """
    problems = []
    methods: dict[str, tuple[str, ...]] = {}
    async_dir, sync_dir = f"{EXTENSIONS_DIR}/_async", f"{EXTENSIONS_DIR}/_sync"
    written = {p.stem for p in (root / async_dir).glob("*.py") if p.stem != "__init__"}
    for service in spec.services:
        source, twin = f"{async_dir}/{service.name}.py", f"{sync_dir}/{service.name}.py"
        if service.extension and service.name not in written:
            problems.append(f"{service.file}: extension = true, but {source} is missing")
        if not service.extension and service.name in written:
            problems.append(
                f"{service.file}: {source} exists; set"
                " `extension = true` in [service] so the generated classes use it"
            )
        if not (service.extension and service.name in written):
            continue
        if not (root / twin).is_file():
            problems.append(f"{twin} is missing: run `python tools/unasync.py` to generate it")
            continue
        cls = f"{service.class_name}Extension"
        asyn = _public_methods(_parse(root, source), "Async" + cls)
        sync = _public_methods(_parse(root, twin), cls)
        if asyn is None:
            problems.append(f"{source}: needs class Async{cls}")
        if sync is None:
            problems.append(f"{twin}: needs class {cls} (run `python tools/unasync.py`)")
        if sync is None or asyn is None:
            continue
        if sorted(sync) != sorted(asyn):
            problems.append(
                f"{source}: {cls} and Async{cls} must add the same public methods"
                f" (if {twin} is stale, run `python tools/unasync.py`)"
            )
        for name in sorted(set(asyn) & set(service.method_names)):
            problems.append(f"{source}: Async{cls}.{name} clashes with a generated method")
        methods[service.name] = tuple(asyn)
    for name in sorted(written - {s.name for s in spec.services}):
        problems.append(f"{async_dir}/{name}.py: no service named {name!r} in spec/services")
    if problems:
        raise SpecError(problems)
    return methods


def plan(root: Path, spec: Spec) -> dict[str, str]:
    """Every output file (path relative to `root`) and its exact content."""
    extensions = check_extensions(root, spec)
    py: dict[str, str] = {
        f"{SERVICES_DIR}/__init__.py": emit_core_init().replace(
            "for core (the typed service accessors)", "for basecamp.services"
        ),
        f"{SERVICES_DIR}/models.py": emit_models(spec),
        f"{SERVICES_DIR}/operations.py": emit_operations(spec),
        f"{SERVICES_DIR}/_index.py": emit_index(spec),
        f"{SERVICES_DIR}/_exports.py": emit_exports(spec),
        f"{CORE_DIR}/__init__.py": emit_core_init(),
        f"{CORE_DIR}/accessors.py": emit_accessors(spec),
        f"{CASES_DIR}/cases.py": emit_cases(spec),
    }
    for service in spec.services:
        py[f"{SERVICES_DIR}/{service.name}.py"] = emit_service(service, spec)
    out = _format(root, py)
    readme = root / README
    if not readme.exists():
        raise RuntimeError(f"{README} is missing; it must hold the services table markers")
    out[README] = splice_readme(readme.read_text(encoding="utf-8"), spec, README, extensions)
    return dict(sorted(out.items()))


def _extraneous(root: Path, planned: dict[str, str]) -> list[str]:
    found = []
    for rel_dir in GENERATED_DIRS:
        for path in sorted((root / rel_dir).glob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel not in planned:
                found.append(rel)
    return found


def generate(root: Path, *, check: bool = False) -> tuple[list[str], list[str]]:
    """Write (or with `check`, only compare) the outputs.

    Returns:
        (changed, removed): the files that were (or would be) written, and the stale generated
        files that were (or would be) deleted.
    """
    planned = plan(root, load_spec(root))
    changed = []
    for rel, text in planned.items():
        path = root / rel
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            changed.append(rel)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    removed = _extraneous(root, planned)
    if not check:
        for rel in removed:
            (root / rel).unlink()
    return changed, removed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/generate.py",
        description="Generate basecamp.services (and core's typed accessors) from spec/.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the files that are out of date",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parents[2],
        help="repository root (default: this checkout)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    try:
        changed, removed = generate(root, check=args.check)
    except SpecError as exc:
        print(f"spec/ is invalid ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except (RuntimeError, ValueError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if not changed and not removed:
            print("generated code is up to date")
            return 0
        print("generated code is out of date; run `make generate`:", file=sys.stderr)
        for rel in changed:
            print(f"  stale:   {rel}", file=sys.stderr)
        for rel in removed:
            print(f"  orphan:  {rel}", file=sys.stderr)
        return 1
    for rel in changed:
        print(f"wrote   {rel}")
    for rel in removed:
        print(f"removed {rel}")
    if not changed and not removed:
        print("generated code is up to date")
    return 0
