"""Shared helpers for the basecamp-testing tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[3]
CASES_FILE = ROOT / "packages" / "basecamp-services" / "tests" / "_generated" / "cases.py"


def load_module(name: str, path: Path) -> ModuleType:
    """Import a file that is not on `sys.path` (generated cases, the examples)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
