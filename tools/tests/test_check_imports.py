"""tools/check_imports.py: which imports count, how cycles are found and reported."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]
REPO = TOOLS.parent
sys.path.insert(0, str(TOOLS))

import check_imports  # noqa: E402
from check_imports import find_cycles, import_edges, load_modules, main  # noqa: E402


def _tree(root: Path, files: dict[str, str], package: str = "pkg-a") -> Path:
    """Write `files` (path under src -> source) into `root/packages/<package>/src`."""
    src = root / "packages" / package / "src"
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _cycles(root: Path) -> list[list[str]]:
    dirs = [(s.parent.name, s) for s in sorted(root.glob("packages/*/src"))]
    modules = load_modules(dirs)
    edges = [e for m in modules.values() for e in import_edges(m, modules)]
    return find_cycles(edges)


@pytest.mark.parametrize(
    "importer",
    [
        "from . import b\n",  # top level, relative
        "import app.b\n",  # top level, absolute
        "def f():\n    from .b import thing\n",  # deferred into a function
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.b import thing\n",
        "import typing\nif typing.TYPE_CHECKING:\n    from .b import thing\n",
        "class C:\n    def m(self):\n        import app.b\n",  # inside a method
        "try:\n    from .b import thing\nexcept ImportError:\n    thing = None\n",
    ],
)
def test_every_kind_of_import_closes_a_cycle(tmp_path: Path, importer: str) -> None:
    _tree(
        tmp_path,
        {"app/__init__.py": "", "app/a.py": importer, "app/b.py": "from .a import x\nx = 1\n"},
    )
    assert _cycles(tmp_path) == [["app.a", "app.b"]]


def test_no_cycle_without_an_import_back(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/a.py": "from .b import x\nimport httpx\nimport os.path\n",
            "app/b.py": "from .c import y\nx = 1\n",
            "app/c.py": "y = 2\n",
        },
    )
    assert _cycles(tmp_path) == []


def test_a_three_module_loop_is_one_cycle(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/a.py": "from . import b\n",
            "app/b.py": "from .sub import c\n",
            "app/sub/__init__.py": "",
            "app/sub/c.py": "from ..a import z\nz = 0\n",
        },
    )
    assert _cycles(tmp_path) == [["app.a", "app.b", "app.sub.c"]]


def test_parent_packages_initialised_on_the_way_do_not_count(tmp_path: Path) -> None:
    # app/__init__ imports its submodule a; a imports app.b, which Python reaches through app:
    # not a cycle, or every package that imports its own modules would be one.
    _tree(
        tmp_path,
        {
            "app/__init__.py": "from .a import A\n",
            "app/a.py": "from app.b import B\nA = B\n",
            "app/b.py": "B = 1\n",
        },
    )
    assert _cycles(tmp_path) == []


def test_a_name_read_from_a_public_map_counts_as_its_defining_module(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": (
                "from typing import TYPE_CHECKING\n"
                "from ._errors import Oops\n"
                "if TYPE_CHECKING:\n    from .client import Client\n"
            ),
            "app/_errors.py": "class Oops(Exception): ...\n",
            "app/client.py": "from ._errors import Oops\n",
            # reads Oops through the map: depends on _errors, not on the map (nor on client)
            "app/helper.py": "from app import Oops\n",
        },
    )
    assert _cycles(tmp_path) == []
    _tree(
        tmp_path,
        {
            "app/client.py": "from .helper import x\n",
            "app/helper.py": ("from app import Client\nx = 1\n"),
        },
    )
    assert _cycles(tmp_path) == [["app.client", "app.helper"]]


def test_star_re_exports_are_followed(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "svc/__init__.py": "from ._gen._exports import *\n",
            "svc/_gen/__init__.py": "",
            "svc/_gen/_exports.py": "from .todos import Todos as Todos\n",
            "svc/_gen/todos.py": "from core import Pager\nclass Todos: ...\n",
        },
    )
    _tree(
        tmp_path,
        {
            "core/__init__.py": "from .pager import Pager\nfrom .account import Account\n",
            "core/pager.py": "class Pager: ...\n",
            "core/account.py": "from svc import Todos\nclass Account: ...\n",
        },
        package="pkg-b",
    )
    assert _cycles(tmp_path) == []
    _tree(tmp_path, {"svc/_gen/todos.py": "from core import Account\nclass Todos: ...\n"})
    assert _cycles(tmp_path) == [["core.account", "svc._gen.todos"]]


def test_the_report_names_every_import_in_the_cycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/a.py": "import os\nfrom .b import x\n",
            "app/b.py": "def f():\n    from .a import y\n",
            "app/c.py": "from .a import z\n",
        },
    )
    assert main([], root=tmp_path) == 1
    err = capsys.readouterr().err
    assert "import cycle among 2 modules: app.a, app.b" in err
    assert "e.g. app.a -> app.b -> app.a" in err
    assert "app.a -> app.b  (packages/pkg-a/src/app/a.py:2, top-level)" in err
    assert "app.b -> app.a  (packages/pkg-a/src/app/b.py:2, function)" in err
    assert "app.c" not in err.split("\n", 1)[0]
    assert "1 import cycle(s) found" in err


def test_ignored_packages_are_reported_but_do_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(
        tmp_path,
        {"app/__init__.py": "", "app/a.py": "from . import b\n", "app/b.py": ("from . import a\n")},
    )
    _tree(tmp_path, {"ok/__init__.py": "", "ok/m.py": "import app.a\n"}, package="pkg-b")
    assert main(["--ignore", "pkg-a"], root=tmp_path) == 0
    captured = capsys.readouterr()
    assert "ignored (pkg-a): 1 cycle(s) still to break" in captured.err
    assert "app.a -> app.b" in captured.err
    assert "no import cycles" in captured.out
    assert main(["--ignore", "pkg-b"], root=tmp_path) == 1
    with pytest.raises(SystemExit):
        main(["--ignore", "no-such-package"], root=tmp_path)


def test_a_cycle_across_packages_fails_unless_all_are_ignored(tmp_path: Path) -> None:
    _tree(tmp_path, {"app/__init__.py": "", "app/a.py": "import lib.m\n"})
    _tree(tmp_path, {"lib/__init__.py": "", "lib/m.py": "import app.a\n"}, package="pkg-b")
    assert main(["--ignore", "pkg-a"], root=tmp_path) == 1
    assert main(["--ignore", "pkg-a", "--ignore", "pkg-b"], root=tmp_path) == 0


def test_core_and_services_have_no_import_cycles() -> None:
    dirs = [(s.parent.name, s) for s in sorted(REPO.glob("packages/*/src"))]
    modules = load_modules(dirs)
    edges = [e for m in modules.values() for e in import_edges(m, modules)]
    ours = {"basecamp-core", "basecamp-services"}
    touched = [c for c in find_cycles(edges) if any(modules[m].package in ours for m in c)]
    assert touched == [], "\n".join(check_imports.report(touched, edges, REPO))
