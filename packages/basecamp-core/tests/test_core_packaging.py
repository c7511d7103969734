"""Packaging: lazy public names (no httpx until a client is touched) and vendoring under another
package name (relative imports only)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import basecamp

SRC = Path(basecamp.__file__).resolve().parent


def run_python(code: str, *, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_is_lazy() -> None:
    out = run_python(
        """
        import sys
        import basecamp
        assert "httpx" not in sys.modules, "import basecamp pulled in httpx"
        import basecamp.hooks
        from basecamp import Config, UsageError, ListResult, ErrorCode
        assert "httpx" not in sys.modules, "config/errors/hooks pulled in httpx"
        Config()
        basecamp.Client
        assert "httpx" in sys.modules
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_from_import_client_works() -> None:
    out = run_python(
        """
        from basecamp import Client, AsyncClient, AccountClient, Pager, __version__
        print(Client.__name__, AsyncClient.__name__, AccountClient.__name__, Pager.__name__)
        """
    )
    assert out.split() == ["Client", "AsyncClient", "AccountClient", "Pager"]


def test_dir_lists_all_and_every_name_resolves() -> None:
    listed = dir(basecamp)
    for name in basecamp.__all__:
        assert name in listed
        assert getattr(basecamp, name) is not None


def test_unknown_attribute() -> None:
    import pytest

    with pytest.raises(AttributeError, match="no_such_name"):
        _ = basecamp.no_such_name  # type: ignore[attr-defined]


def test_vendored_copy_works(tmp_path: Path) -> None:
    vendor = tmp_path / "myapp_vendor"
    vendor.mkdir()
    (vendor / "__init__.py").write_text("")
    shutil.copytree(SRC, vendor / "bc", ignore=shutil.ignore_patterns("__pycache__"))
    out = run_python(
        """
        import sys
        import respx
        from myapp_vendor.bc import Client, Config, NotFoundError

        with respx.mock(base_url="https://3.basecampapi.com") as api:
            route = api.get("/42/projects.json").respond(json=[{"id": 1}])
            api.get("/42/missing.json").respond(404)
            with Client(access_token="t") as client:
                account = client.for_account(42)
                assert account.get("/projects.json") == [{"id": 1}]
                try:
                    account.get("/missing.json")
                except NotFoundError:
                    pass
                else:
                    raise AssertionError("expected NotFoundError")
            assert route.calls.last.request.headers["Authorization"] == "Bearer t"
        assert type(client).__module__ == "myapp_vendor.bc._sync.client", type(client).__module__
        leaked = sorted(m for m in sys.modules if m == "basecamp" or m.startswith("basecamp."))
        assert not leaked, leaked
        print("vendored ok")
        """,
        cwd=tmp_path,
    )
    assert out.strip() == "vendored ok"


def test_vendored_async_copy_works(tmp_path: Path) -> None:
    vendor = tmp_path / "myapp_vendor"
    vendor.mkdir()
    (vendor / "__init__.py").write_text("")
    shutil.copytree(SRC, vendor / "bc", ignore=shutil.ignore_patterns("__pycache__"))
    out = run_python(
        """
        import asyncio
        import respx
        from myapp_vendor.bc import AsyncClient

        async def main():
            with respx.mock(base_url="https://3.basecampapi.com") as api:
                api.get("/42/a.json").respond(json={"a": 1})
                async with AsyncClient(access_token="t") as client:
                    return await client.for_account(42).get("/a.json")

        print(asyncio.run(main()))
        """,
        cwd=tmp_path,
    )
    assert out.strip() == "{'a': 1}"


def test_namespace_spans_folders_on_sys_path(tmp_path: Path) -> None:
    # Another distribution's `basecamp/` in another folder (an editable install, `--target`),
    # and one inside a zip archive on `sys.path`: both join the namespace, without `typing`.
    import zipfile

    plain = tmp_path / "plain" / "basecamp" / "extra_plain"
    plain.mkdir(parents=True)
    (plain / "__init__.py").write_text("WHERE = 'plain'\n")
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        # With its own `__init__.py`: zipimport finds no namespace portions (nor did pkgutil).
        zipped.writestr("basecamp/__init__.py", "")
        zipped.writestr("basecamp/extra_zipped/__init__.py", "WHERE = 'zipped'\n")
    out = run_python(
        f"""
        import sys
        sys.path[:0] = [{str(tmp_path / "plain")!r}]
        import basecamp
        assert "typing" not in sys.modules and "pkgutil" not in sys.modules, "heavy imports"
        import basecamp.extra_plain
        print(basecamp.extra_plain.WHERE)
        sys.path.insert(0, {str(archive)!r})
        import importlib
        importlib.reload(basecamp)  # a zip entry needs pkgutil's finders
        import basecamp.extra_zipped
        print(basecamp.extra_zipped.WHERE, len(basecamp.__path__) == len(set(basecamp.__path__)))
        """
    )
    assert out.split() == ["plain", "zipped", "True"]
