"""The code generator (tools/codegen): validation, output shape, determinism and --check.

Most tests run against the small definition in `codegen_fixture/`, copied into a temporary
repository root, so they do not depend on how far `spec/` has grown.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]
REPO = TOOLS.parent
FIXTURE = Path(__file__).resolve().parent / "codegen_fixture"
sys.path.insert(0, str(TOOLS))

import unasync  # noqa: E402
from codegen import generate, main, plan  # noqa: E402
from codegen.spec import SpecError, load_spec  # noqa: E402

SERVICES = "packages/basecamp-services/src/basecamp/services"
README = "packages/basecamp-services/README.md"


def _make_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE / "spec", root / "spec")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    readme = root / README
    readme.parent.mkdir(parents=True)
    readme.write_text(
        "# title\n\nintro\n\n<!-- services:start -->\n<!-- services:end -->\n\ntail\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return _make_root(tmp_path)


def _edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, "the edit did not apply"
    path.write_text(changed, encoding="utf-8")


def _problems(root: Path) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(root)
    return str(info.value)


# -- validation -----------------------------------------------------------------------------


def test_fixture_is_valid(root: Path) -> None:
    spec = load_spec(root)
    assert [s.name for s in spec.services] == ["my_things", "widgets"]
    assert "ReplaceWidget" in spec.operations


WIDGETS = "spec/services/widgets.toml"
MODELS = "spec/models/fixture.toml"


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        (
            WIDGETS,
            'summary = "Fetch one widget."',
            'summary = "x"\nsumary = "y"',
            "unknown key 'sumary'",
        ),
        (
            WIDGETS,
            '  doc = "The widget."',
            '  doc = "The widget."\n  colour = "red"',
            "unknown key 'colour'",
        ),
        (
            WIDGETS,
            'response = "model:Widget"',
            'response = "model:Gadget"',
            "unknown response model 'Gadget'",
        ),
        (WIDGETS, 'type = "list[int]"', 'type = "list[Gizmo]"', "unknown model 'Gizmo'"),
        (WIDGETS, 'type = "list[int]"', 'type = "lisst[int]"', "unknown type 'lisst[int]'"),
        (WIDGETS, 'id = "GetWidgetStats"', 'id = "GetWidget"', "duplicate operation id"),
        (WIDGETS, 'method = "stats"', 'method = "get"', "method 'get' of GetWidgetStats clashes"),
        (
            WIDGETS,
            'method = "stats"',
            'method = "iter_list"',
            "'iter_' and '_' prefixes are reserved",
        ),
        (
            WIDGETS,
            'method = "put_blob"',
            'method = "update"',
            "method 'update' of PutWidgetBlob clashes with ReplaceWidget",
        ),
        (
            WIDGETS,
            "/widgets/{widget_id}/stats.json",
            "/widgets/{widgetid}/stats.json",
            "placeholder {widgetid} has no path param",
        ),
        (
            WIDGETS,
            "/widgets/{widget_id}/stats.json",
            "/widgets/stats.json",
            "path param 'widget_id' does not appear in 'path'",
        ),
        (
            WIDGETS,
            '"/{account_id}/widgets/{widget_id}/blob"',
            '"/widgets/{widget_id}/blob"',
            "must start with '/{account_id}/'",
        ),
        (
            WIDGETS,
            'http = "PUT"\npath = "/{account_id}/widgets/{widget_id}/blob"',
            'http = "PATCH"\npath = "/{account_id}/widgets/{widget_id}/blob"',
            "'http' must be one of",
        ),
        (
            WIDGETS,
            'read = "GetWidget"',
            'read = "GetGadget"',
            "'read' names unknown operation 'GetGadget'",
        ),
        (
            WIDGETS,
            'read = "GetWidget"',
            'read = "GetWidgetStats"',
            "must be a GET returning model:X",
        ),
        (WIDGETS, 'read = "GetWidget"\n', "", "need 'read'"),
        (
            WIDGETS,
            'preserved_on_omission = ["notify"]',
            'preserved_on_omission = ["nope"]',
            "unknown body field 'nope'",
        ),
        (WIDGETS, 'source = "owners[].id"', 'source = "owners[.id"', "invalid 'source'"),
        (
            WIDGETS,
            'method = "replace"',
            'method = "overwrite"',
            "named 'replace' or 'replace_<noun>'",
        ),
        (
            WIDGETS,
            "  repeat = true",
            '  repeat = true\n  required = "yes"',
            "'required' must be true or false",
        ),
        (
            WIDGETS,
            'type = "list[str]"\n  repeat = true',
            'type = "str"\n  repeat = true',
            "'repeat' is only for query params of type list[T]",
        ),
        (
            WIDGETS,
            'wire = "tags[]"',
            'wire = "tags"',
            "'repeat = true' needs a wire name ending in '[]', not 'tags'",
        ),
        (
            WIDGETS,
            'type = "list[str]"\n  repeat = true\n',
            'type = "list[str]"\n',
            "wire name 'tags[]' ends in '[]', so it repeats: set 'repeat = true'",
        ),
        (
            WIDGETS,
            'enum = ["active", "archived"]',
            'enum = ["active", "active"]',
            "'enum' must be a non-empty list of distinct strings",
        ),
        (WIDGETS, 'items_key = "events"', 'items_key = "nothing"', "has no list field 'nothing'"),
        (WIDGETS, 'multipart_field = "image"\n', "", "need 'multipart_field'"),
        (WIDGETS, 'name = "tags"', 'name = "page"', "'page' is reserved"),
        (
            WIDGETS,
            'name = "tags"',
            'name = "class"',
            "'class' is not a valid snake_case Python name",
        ),
        (WIDGETS, 'name = "owner_ids"', 'name = "name"', "duplicate parameter name 'name'"),
        (WIDGETS, 'response = "object"', 'response = "dict"', "invalid 'response' 'dict'"),
        (WIDGETS, 'name = "widgets"', 'name = "gadgets"', "must match the file name 'widgets'"),
        (
            WIDGETS,
            'http = "GET"\npath = "/{account_id}/widgets/{widget_id}/stats.json"',
            'http = "GET"\nbody = "binary"\npath = "/{account_id}/widgets/{widget_id}/stats.json"',
            "a GET request cannot have a body",
        ),
        (MODELS, "\n[Person]\n", "\n[person]\n", "model names must be PascalCase"),
        (MODELS, 'type = "list[Person]"', 'type = "list[People]"', "unknown model 'People'"),
        (
            MODELS,
            '  nullable = true\n  doc = "When',
            '  nullable = "yes"\n  doc = "When',
            "'nullable' must be true or false",
        ),
        (MODELS, "\n[Person]\n", "\n[Person]\nsummary2 = 1\n", "unknown key 'summary2'"),
        # a replace field's `source` must lead to a value of its type in the read model
        (
            WIDGETS,
            'source = "owners[].id"',
            'source = "owners[].uid"',
            "'source' 'owners[].uid': model Person has no field 'uid'",
        ),
        (
            WIDGETS,
            'source = "owners[].id"',
            'source = "owners.id"',
            "'source' 'owners.id': Widget.owners is not an object",
        ),
        (
            WIDGETS,
            'source = "owners[].id"',
            'source = "name[]"',
            "'source' 'name[]': Widget.name is not a list",
        ),
        (
            WIDGETS,
            'source = "owners[].id"',
            'source = "owners"',
            "'source' 'owners' holds list[object], but the field is list[int]",
        ),
        (
            MODELS,
            "\n[Person]\n",
            '\n[WidgetEdit]\nsummary = "Taken."\n\n[Person]\n',
            "its edit model WidgetEdit clashes with the model of that name",
        ),
    ],
)
def test_invalid_definitions_are_reported(
    root: Path, rel: str, old: str, new: str, message: str
) -> None:
    _edit(root, rel, lambda text: text.replace(old, new, 1))
    problems = _problems(root)
    assert message in problems
    assert rel in problems  # every message names its file


def test_all_problems_are_reported_together(root: Path) -> None:
    _edit(root, WIDGETS, lambda t: t.replace('response = "object"', 'response = "nope"'))
    _edit(root, MODELS, lambda t: t.replace('type = "list[Person]"', 'type = "list[Nobody]"'))
    with pytest.raises(SpecError) as info:
        load_spec(root)
    assert len(info.value.problems) == 2


def test_invalid_toml_is_reported(root: Path) -> None:
    (root / "spec/services/broken.toml").write_text("[service\nname=", encoding="utf-8")
    assert "spec/services/broken.toml: invalid TOML" in _problems(root)


def _flag_widgets_extension(root: Path) -> None:
    _edit(
        root,
        WIDGETS,
        lambda t: t.replace('summary = "Widgets', 'extension = true\nsummary = "Widgets'),
    )


def test_extension_flag_and_module_must_agree(root: Path) -> None:
    _flag_widgets_extension(root)
    with pytest.raises(SpecError, match=r"_extensions/_async/widgets.py is missing"):
        plan(root, load_spec(root))


EXT_ASYNC = f"{SERVICES}/_extensions/_async/widgets.py"
EXT_SYNC = f"{SERVICES}/_extensions/_sync/widgets.py"

# The async mixin is the hand-written source; the sync one stands in for its unasync twin.
EXTENSION_ASYNC = """
class AsyncWidgetsExtension:
    async def polish(self) -> None: ...
    async def _helper(self) -> None: ...
"""
EXTENSION_SYNC = """
class WidgetsExtension:
    def polish(self) -> None: ...
    def _helper(self) -> None: ...
"""


def _add_extension(
    root: Path, source: str = EXTENSION_ASYNC, twin: str | None = EXTENSION_SYNC
) -> None:
    _flag_widgets_extension(root)
    files = {EXT_ASYNC: source} if twin is None else {EXT_ASYNC: source, EXT_SYNC: twin}
    for rel, body in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body, encoding="utf-8")


def test_extension_methods_are_listed_in_the_readme_table(root: Path) -> None:
    _add_extension(root)
    readme = plan(root, load_spec(root))[README]
    assert "feed, iter_feed, polish |" in readme
    assert "_helper" not in readme


def test_a_module_in_the_sync_folder_alone_is_not_an_extension(root: Path) -> None:
    # Only `_async/` sources count: a leftover twin does not make widgets an extension.
    (root / EXT_SYNC).parent.mkdir(parents=True)
    (root / EXT_SYNC).write_text(EXTENSION_SYNC, encoding="utf-8")
    readme = plan(root, load_spec(root))[README]
    assert "feed, iter_feed |" in readme


def test_an_extension_without_its_generated_twin_is_reported(root: Path) -> None:
    _add_extension(root, twin=None)
    with pytest.raises(SpecError, match=r"_extensions/_sync/widgets.py is missing: run"):
        plan(root, load_spec(root))


@pytest.mark.parametrize(
    ("source", "twin", "message", "where"),
    [
        (
            EXTENSION_ASYNC.replace("async def polish", "async def shine"),
            EXTENSION_SYNC,
            "must add the same public methods",
            EXT_ASYNC,
        ),
        (
            EXTENSION_ASYNC.replace("def polish", "def stats"),
            EXTENSION_SYNC.replace("def polish", "def stats"),
            "AsyncWidgetsExtension.stats clashes with a generated method",
            EXT_ASYNC,
        ),
        (
            EXTENSION_ASYNC.replace("class AsyncWidgetsExtension", "class AsyncWidgetsMixin"),
            EXTENSION_SYNC,
            "needs class AsyncWidgetsExtension",
            EXT_ASYNC,
        ),
        (
            EXTENSION_ASYNC,
            EXTENSION_SYNC.replace("class WidgetsExtension", "class WidgetsMixin"),
            "needs class WidgetsExtension",
            EXT_SYNC,
        ),
    ],
)
def test_extension_mixins_are_checked(
    root: Path, source: str, twin: str, message: str, where: str
) -> None:
    _add_extension(root, source, twin)
    with pytest.raises(SpecError, match=message) as info:
        plan(root, load_spec(root))
    assert f"{where}: " in str(info.value)


def test_an_async_extension_without_a_service_is_reported(root: Path) -> None:
    (root / EXT_ASYNC.replace("widgets", "gadgets")).parent.mkdir(parents=True)
    (root / EXT_ASYNC.replace("widgets", "gadgets")).write_text(EXTENSION_ASYNC, encoding="utf-8")
    with pytest.raises(SpecError, match=r"_async/gadgets.py: no service named 'gadgets'"):
        plan(root, load_spec(root))


def test_cli_reports_invalid_spec_with_exit_2(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(root, WIDGETS, lambda t: t.replace('response = "object"', 'response = "nope"'))
    assert main(["--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert "spec/ is invalid (1 problems):" in err
    assert "invalid 'response' 'nope'" in err


# -- output ----------------------------------------------------------------------------------


@pytest.fixture
def out(root: Path) -> dict[str, str]:
    return plan(root, load_spec(root))


def test_outputs_are_only_the_documented_locations(out: dict[str, str]) -> None:
    gen = f"{SERVICES}/_generated"
    assert sorted(out) == sorted(
        [
            README,
            "packages/basecamp-core/src/basecamp/_generated/__init__.py",
            "packages/basecamp-core/src/basecamp/_generated/accessors.py",
            "packages/basecamp-services/tests/_generated/cases.py",
            f"{gen}/__init__.py",
            f"{gen}/_exports.py",
            f"{gen}/_index.py",
            f"{gen}/models.py",
            f"{gen}/my_things.py",
            f"{gen}/operations.py",
            f"{gen}/widgets.py",
        ]
    )
    for rel, text in out.items():
        if rel.endswith(".py"):
            assert text.startswith(
                "# Generated by tools/generate.py (make generate) from spec/. Do not edit.\n"
            ), rel


def test_models(out: dict[str, str]) -> None:
    models = out[f"{SERVICES}/_generated/models.py"]
    assert "class Widget(TypedDict):" in models
    assert "    due_on: NotRequired[str | None]" in models
    assert '    kind: NotRequired[Literal["big", "small"]]' in models
    # annotations are evaluated at run time; only types naming a model are quoted
    assert "from __future__ import annotations" not in models
    assert '    owners: "list[Person]"' in models
    # keys that are keywords, not identifiers or shadow a builtin: functional syntax
    assert 'Person = TypedDict(\n    "Person",' in models
    assert '"from": NotRequired[str]' in models
    assert '"avatar-url": NotRequired[str | None]' in models
    assert 'MyThings = TypedDict(\n    "MyThings",' in models
    assert 'Person.__doc__ = """A person.' in models


def test_edit_models(out: dict[str, str]) -> None:
    # what `edit()` yields: the writable fields by Python name, present from the start exactly
    # when the edit sends them back, nullable where the read model is
    models = out[f"{SERVICES}/_generated/models.py"]
    assert "class WidgetEdit(TypedDict):" in models
    assert "    name: str\n    owner_ids: list[int]\n    notify: NotRequired[bool]\n" in models
    assert '"WidgetEdit"' in models.split("]", 1)[0]  # exported


def test_edit_models_follow_nullable_sources(root: Path) -> None:
    _edit(
        root,
        WIDGETS,
        lambda t: t.replace(
            '  type = "list[int]"\n  source = "owners[].id"', '  type = "date"\n  source = "due_on"'
        ),
    )
    spec = load_spec(root)
    assert spec.operations["ReplaceWidget"].carried_nullable == {"owner_ids"}
    (edit,) = spec.edit_models
    assert [(f.name, f.required, f.nullable) for f in edit.fields] == [
        ("name", True, False),
        ("owner_ids", True, True),
        ("notify", False, False),
    ]
    widgets = plan(root, spec)[f"{SERVICES}/_generated/widgets.py"]
    assert (
        'ReplaceField("owner_ids", "owner_ids", "due_on", preserved=False, type="date",'
        " nullable=True)"
    ) in " ".join(widgets.split())


def test_generated_models_know_their_optional_keys_at_run_time() -> None:
    # Without postponed annotations, `NotRequired` is seen when the class is built, so runtime
    # introspection (`__required_keys__`) matches what type checkers see, on every Python.
    from basecamp.services.models import Todo

    assert "content" in Todo.__required_keys__
    assert "due_on" in Todo.__optional_keys__


def test_service_module(out: dict[str, str]) -> None:
    widgets = out[f"{SERVICES}/_generated/widgets.py"]
    assert "class Widgets(Service):" in widgets
    assert "class AsyncWidgets(AsyncService):" in widgets
    # `list` is a method here, so list types are spelled builtins.list
    assert "tags: builtins.list[str] | None = None" in widgets
    assert ") -> ListResult[Widget]:" in widgets
    assert ") -> Pager[Widget]:" in widgets
    assert ") -> AsyncPager[Widget]:" in widgets
    assert "    def iter_list(" in widgets
    assert "    async def iter_list(" not in widgets
    # the arguments travel as one mapping by Python name; where each one goes on the wire
    # (`tags` as the repeated `tags[]`) is read from the registry, never restated here
    assert '{"project_id": project_id, "tags": tags, "status": status}' in widgets
    for restated in ("path=", "query=", "json={", "files=", "content=content", '"tags[]"'):
        assert restated not in widgets, restated
    # full replace: raw method, safe twin, field table
    assert (
        "    def replace(\n        self,\n        *,\n        widget_id: int,\n        name: str,\n"
        in widgets
    )
    assert "    def update(" in widgets
    assert "name: str | None = None" in widgets
    # each field carries its declared request type, so carried-over values can be checked
    assert (
        'ReplaceField("owner_ids", "owner_ids", "owners[].id", preserved=False, type="list[int]")'
        in widgets
    )
    assert 'ReplaceField("notify", "notify", "", preserved=True, type="bool")' in widgets
    assert "build_replace_body(" in widgets
    # the read-modify-write context managers, yielding the writable fields' TypedDict
    assert (
        "    @contextmanager\n    def edit(self, *, widget_id: int) -> Iterator[WidgetEdit]:"
        in (widgets)
    )
    assert (
        "    @asynccontextmanager\n"
        "    async def edit(self, *, widget_id: int) -> AsyncIterator[WidgetEdit]:"
    ) in widgets
    assert "draft = start_edit(record, _REPLACE_WIDGET_FIELDS)" in widgets
    assert 'yield cast("WidgetEdit", draft)' in widgets
    assert "        body = finish_edit(draft)\n        if body is not None:\n" in widgets
    # uploads and other response kinds
    assert '"content": content, "filename": filename, "content_type": content_type' in " ".join(
        widgets.split()
    )
    assert '{"widget_id": widget_id, "content": content, "content_type": content_type}' in widgets
    assert 'self._account._call(_REPLACE_WIDGET, {"widget_id": widget_id}, json=body)' in widgets
    assert (
        "from .._runtime import ReplaceField, build_replace_body, finish_edit, start_edit\n"
        in widgets
    )
    assert "(the `events` of each `WidgetFeed` page" in " ".join(widgets.split())
    assert '"bytes",' in widgets
    assert '"dict[str, object]",' in widgets
    assert ") -> bytes:" in widgets
    # items_key: a page object whose items are typed
    assert "def feed(" in widgets
    assert "day: str" in widgets
    things = out[f"{SERVICES}/_generated/my_things.py"]
    assert "from .models import MyThings as _MyThings\n" in things
    assert ") -> _MyThings:" in things
    assert ") -> list[Widget]:" in things


def test_registry(out: dict[str, str]) -> None:
    ops = out[f"{SERVICES}/_generated/operations.py"]
    assert "OPERATIONS: Mapping[str, Operation] = MappingProxyType(" in ops
    assert "from basecamp import Operation, Param, RetrySettings" in ops
    assert "_RETRY_1 = RetrySettings(3, 1000, (429, 503))" in ops
    assert 'Param("tags", "tags[]", "query", False)' in ops
    assert 'Param("name", "name", "body", True)' in ops
    assert 'items_key="events"' in ops
    # upload inputs are listed as body params; parenthesized wire names are not JSON keys
    assert (
        'Param("content", "image", "body", True), '
        'Param("filename", "image(filename)", "body", True), '
        'Param("content_type", "image(Content-Type)", "body", True)'
    ) in " ".join(ops.split())
    assert (
        'Param("content", "(body)", "body", True), '
        'Param("content_type", "(Content-Type)", "body", True)'
    ) in " ".join(ops.split())


def test_accessors_and_index(out: dict[str, str]) -> None:
    acc = out["packages/basecamp-core/src/basecamp/_generated/accessors.py"]
    assert "class AccountServices:" in acc
    assert "class AsyncAccountServices:" in acc
    assert "    def widgets(self) -> Widgets:" in acc
    assert "    def widgets(self) -> AsyncWidgets:" in acc
    assert 'return cast("AsyncWidgets", self._service("widgets", "AsyncWidgets"))' in acc
    # runtime imports: typing only (core may be vendored)
    runtime = [line for line in acc.splitlines() if line.startswith(("import ", "from "))]
    assert runtime == [
        "from __future__ import annotations",
        "from typing import TYPE_CHECKING, Any, cast",
    ]
    index = out[f"{SERVICES}/_generated/_index.py"]
    assert '"AsyncMyThings": "my_things",' in index
    assert '"OPERATIONS": "operations",' in index


def test_readme_table(out: dict[str, str]) -> None:
    readme = out[README]
    assert readme.startswith("# title\n\nintro\n\n<!-- services:start -->")
    assert readme.endswith("<!-- services:end -->\n\ntail\n")
    assert "| `my_things` | get, items |" in readme
    assert (
        "| `widgets` | list, iter_list, get, replace, update, edit, upload_image, put_blob, stats, "
        "feed, iter_feed |" in readme
    )


def test_readme_without_markers_is_an_error(root: Path) -> None:
    (root / README).write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="services:start"):
        plan(root, load_spec(root))


def test_output_is_deterministic(root: Path, tmp_path: Path) -> None:
    first = plan(root, load_spec(root))
    other = _make_root(tmp_path / "again")
    assert plan(other, load_spec(other)) == first


# -- writing and --check ---------------------------------------------------------------------


def test_generate_then_check(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(root), "--check"]) == 1  # nothing generated yet
    assert main(["--root", str(root)]) == 0
    assert main(["--root", str(root), "--check"]) == 0
    assert generate(root, check=True) == ([], [])
    capsys.readouterr()

    # a hand edit to a generated file
    _edit(root, f"{SERVICES}/_generated/widgets.py", lambda t: t + "# edited\n")
    # the spec changes so the README table is stale too
    _edit(root, WIDGETS, lambda t: t.replace('method = "stats"', 'method = "statistics"'))
    # a service was removed: its module is an orphan
    (root / f"{SERVICES}/_generated/gadgets.py").write_text("# old\n", encoding="utf-8")
    assert main(["--root", str(root), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"stale:   {SERVICES}/_generated/widgets.py" in err
    assert f"stale:   {README}" in err
    assert f"orphan:  {SERVICES}/_generated/gadgets.py" in err
    assert "models.py" not in err

    assert main(["--root", str(root)]) == 0
    assert not (root / f"{SERVICES}/_generated/gadgets.py").exists()
    assert main(["--root", str(root), "--check"]) == 0


def test_script_entry_point(root: Path) -> None:
    args = [sys.executable, str(TOOLS / "generate.py"), "--root", str(root)]
    run = subprocess.run([*args, "--check"], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "out of date" in run.stderr
    assert subprocess.run(args, capture_output=True, check=False).returncode == 0
    run = subprocess.run([*args, "--check"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


# -- the generated fixture code type-checks --------------------------------------------------


TYPED_EXTENSION = '''"""Widgets' hand-written method."""

from __future__ import annotations

from ..._base import AsyncService
from ..._generated.operations import OPERATIONS

__all__ = ["AsyncWidgetsExtension"]


class AsyncWidgetsExtension(AsyncService):
    """Adds `polish` to `AsyncWidgets`."""

    __slots__ = ()

    async def polish(self, *, widget_id: int) -> object:
        """Polish a widget."""
        return await self._account._call(OPERATIONS["GetWidget"], {"widget_id": widget_id})
'''


def test_generated_fixture_passes_mypy_strict(root: Path) -> None:
    pytest.importorskip("mypy")
    # The hand-written halves of core and services, with the fixture's generated code.
    for package in ("basecamp-core", "basecamp-services"):
        shutil.copytree(
            REPO / "packages" / package / "src",
            root / "packages" / package / "src",
            ignore=shutil.ignore_patterns("_generated", "__pycache__"),
        )
    # The fixture's widgets get an extension mixin, its sync twin made by unasync, so the
    # generated import lines and bases are type-checked against real classes.
    shutil.rmtree(root / f"{SERVICES}/_extensions")
    for folder in ("", "/_async", "/_sync"):
        (root / f"{SERVICES}/_extensions{folder}").mkdir()
        (root / f"{SERVICES}/_extensions{folder}/__init__.py").write_text("", encoding="utf-8")
    _add_extension(root, TYPED_EXTENSION, twin=None)
    module = "basecamp.services._extensions._async.widgets"
    (root / EXT_SYNC).write_text(unasync.transform(TYPED_EXTENSION, module), encoding="utf-8")
    assert main(["--root", str(root)]) == 0
    assert "import WidgetsExtension" in (root / f"{SERVICES}/_generated/widgets.py").read_text()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(root / "pyproject.toml"),
            "packages/basecamp-core/src",
            "packages/basecamp-services/src",
        ],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
