"""Build `.typing/basecamp/`: one merged, symlinked view of the `basecamp` namespace for Pyright.

In the editable workspace, `basecamp` is a regular package (core) whose `__path__` is extended at
run time with portions from other folders (oauth, webhooks, services, testing). mypy follows that
via `mypy_path`; Pyright cannot merge a regular package with portions in other folders. This
script links every file of core's `basecamp/` and each portion's subpackage into one folder that
`[tool.pyright] extraPaths = [".typing"]` points at. The folder is git-ignored; rerun
`make typing-view` after adding a module.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEW = ROOT / ".typing" / "basecamp"


def main() -> int:
    core = ROOT / "packages" / "basecamp-core" / "src" / "basecamp"
    if VIEW.exists():
        shutil.rmtree(VIEW)
    VIEW.mkdir(parents=True)
    links = 0
    for entry in sorted(core.iterdir()):
        if entry.name != "__pycache__":
            (VIEW / entry.name).symlink_to(entry)
            links += 1
    for package in sorted((ROOT / "packages").iterdir()):
        src = package / "src" / "basecamp"
        if package.name == "basecamp-core" or not src.is_dir():
            continue
        for portion in sorted(p for p in src.iterdir() if p.is_dir() and p.name != "__pycache__"):
            (VIEW / portion.name).symlink_to(portion)
            links += 1
    print(f"{VIEW.relative_to(ROOT)}: {links} links")
    return 0


if __name__ == "__main__":
    sys.exit(main())
