"""Load and validate the API definition in `spec/` (see `spec/FORMAT.md`).

Everything the emitters need is resolved here, so they never see raw TOML: a `Spec` holds the
validated `Service`s (with their `Operation`s) and `Model`s. All problems found are reported
together in one `SpecError`, each message prefixed with the file and the operation or model.
"""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BodyField",
    "Model",
    "ModelField",
    "Operation",
    "Param",
    "Retry",
    "Service",
    "Spec",
    "SpecError",
    "TypeRef",
    "load_spec",
    "pascal_case",
]

PRIMITIVES = frozenset({"str", "int", "float", "bool", "date", "datetime", "any", "object"})
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE")
BODY_KINDS = ("none", "json", "binary", "multipart")
# Names the generated methods use for their own arguments; a spec param cannot take them.
RESERVED_PARAMS = frozenset({"self", "account_id"})
RESERVED_PAGINATED = frozenset({"max_items", "page"})
RESERVED_UPLOAD = frozenset({"content", "content_type", "filename"})
# Names the generated models module uses itself.
RESERVED_MODELS = frozenset({"Literal", "NotRequired", "TypedDict", "Any"})

_SERVICE_KEYS = frozenset({"name", "summary", "description", "extension"})
_OPERATION_KEYS = frozenset(
    {
        "id",
        "method",
        "http",
        "path",
        "summary",
        "description",
        "paginated",
        "items_key",
        "idempotent",
        "retry",
        "body",
        "multipart_field",
        "response",
        "replace",
        "preserved_on_omission",
        "read",
        "params",
    }
)
_PARAM_KEYS = frozenset({"name", "wire", "in", "type", "required", "doc", "enum", "repeat"})
_BODY_KEYS = frozenset({"name", "wire", "type", "required", "doc", "enum", "source"})
_RETRY_KEYS = frozenset({"max_attempts", "base_delay_ms", "retry_on"})
_MODEL_KEYS = frozenset({"summary", "description", "fields"})
_FIELD_KEYS = frozenset({"type", "required", "nullable", "doc", "enum"})

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SOURCE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\])?)*$")


class SpecError(Exception):
    """The definition is invalid; `problems` lists every message found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def pascal_case(name: str) -> str:
    """`card_columns` -> `CardColumns`."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _snake_upper(name: str) -> str:
    """`ListProjects` -> `LIST_PROJECTS`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


@dataclass(frozen=True)
class TypeRef:
    """A parsed type expression: a primitive, a model name, or `list[...]` of one."""

    kind: str  # a primitive name, "model" or "list"
    model: str | None = None
    item: TypeRef | None = None
    enum: tuple[str, ...] = ()

    def models(self) -> set[str]:
        if self.kind == "model" and self.model:
            return {self.model}
        return self.item.models() if self.item else set()


@dataclass(frozen=True)
class Param:
    name: str
    wire: str
    location: str  # path | query
    type: TypeRef
    required: bool
    doc: str
    repeat: bool = False  # a list query value sent as one key per item


@dataclass(frozen=True)
class BodyField:
    name: str
    wire: str
    type: TypeRef
    required: bool
    doc: str
    source: str  # where a replace `read` record carries it; "" = never


@dataclass(frozen=True)
class Retry:
    max_attempts: int
    base_delay_ms: int
    retry_on: tuple[int, ...]


@dataclass
class Operation:
    id: str
    service: str
    method: str
    http: str
    path: str
    summary: str
    description: str
    paginated: bool
    items_key: str | None
    idempotent: bool
    retry: Retry | None
    body_kind: str
    multipart_field: str | None
    response_kind: str
    response_model: str | None
    replace: bool
    preserved: tuple[str, ...]  # Python names of body fields
    read: str | None
    params: tuple[Param, ...]
    body: tuple[BodyField, ...]
    file: str
    # for paginated operations: the type of one item (resolved after the models are loaded)
    item_type: TypeRef | None = None
    # for replace operations (resolved after the models are loaded): the body fields whose
    # value in the `read` record may be null, and the name of the model `edit` yields
    carried_nullable: frozenset[str] = frozenset()
    edit_model: str | None = None

    @property
    def const(self) -> str:
        """The module constant the generated service binds this operation to."""
        return "_" + _snake_upper(self.id)

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    @property
    def upload_params(self) -> tuple[tuple[str, str], ...]:
        """(Python name, wire name) of the upload inputs of a binary or multipart operation.

        They go in the registry as required `body` params. A wire name in parentheses is not a
        JSON key: `(body)` is the raw request body and `(Content-Type)` its header; for
        multipart, the file part is the form field `multipart_field` (e.g. `logo`), and
        `logo(filename)` / `logo(Content-Type)` are that part's file name and content type.
        """
        if self.body_kind == "binary":
            return (("content", "(body)"), ("content_type", "(Content-Type)"))
        if self.body_kind == "multipart":
            part = self.multipart_field or "file"
            return (
                ("content", part),
                ("filename", f"{part}(filename)"),
                ("content_type", f"{part}(Content-Type)"),
            )
        return ()

    @property
    def twin(self) -> str | None:
        """The safe `update` twin's method name, for full-replace operations."""
        if not self.replace:
            return None
        return "update" + self.method[len("replace") :]

    @property
    def edit(self) -> str | None:
        """The read-modify-write context manager's method name, for full-replace operations."""
        if not self.replace:
            return None
        return "edit" + self.method[len("replace") :]

    @property
    def method_names(self) -> tuple[str, ...]:
        """Every method generated for this operation, in order."""
        names = [self.method]
        if self.paginated:
            names.append("iter_" + self.method)
        if self.twin:
            names.append(self.twin)
        if self.edit:
            names.append(self.edit)
        return tuple(names)


@dataclass
class Service:
    name: str
    summary: str
    description: str
    extension: bool
    operations: list[Operation]
    file: str

    @property
    def class_name(self) -> str:
        return pascal_case(self.name)

    @property
    def method_names(self) -> list[str]:
        return [m for op in self.operations for m in op.method_names]


@dataclass(frozen=True)
class ModelField:
    name: str
    type: TypeRef
    required: bool
    nullable: bool
    doc: str


@dataclass
class Model:
    name: str
    summary: str
    description: str
    fields: tuple[ModelField, ...]
    file: str


@dataclass
class Spec:
    services: list[Service]  # sorted by accessor name
    models: list[Model]  # sorted by model name
    operations: dict[str, Operation] = field(default_factory=dict)  # sorted by id
    # the writable fields each replace operation's `edit` yields (`TodoEdit`), sorted by name;
    # derived from the operations, so they are not compared with the reference's schemas
    edit_models: list[Model] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def keys(self, where: str, table: object, allowed: frozenset[str]) -> bool:
        if not isinstance(table, dict):
            self.add(where, f"expected a table, got {type(table).__name__}")
            return False
        for key in table:
            if key not in allowed:
                self.add(where, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        return True


def _text(p: _Problems, where: str, table: dict[str, Any], key: str, *, required: bool) -> str:
    value = table.get(key)
    if value is None:
        if required:
            p.add(where, f"missing required key {key!r}")
        return ""
    if not isinstance(value, str):
        p.add(where, f"{key!r} must be a string")
        return ""
    if required and not value.strip():
        p.add(where, f"{key!r} must not be empty")
    return value.strip()


def _flag(p: _Problems, where: str, table: dict[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        p.add(where, f"{key!r} must be true or false")
        return default
    return value


def _parse_type(p: _Problems, where: str, raw: object, enum: object) -> TypeRef:
    if not isinstance(raw, str) or not raw.strip():
        p.add(where, "missing or invalid 'type'")
        return TypeRef("any")
    text = raw.replace(" ", "")
    if text.startswith("list[") and text.endswith("]"):
        item = _parse_type(p, where, text[5:-1], enum)
        return TypeRef("list", item=item)
    values: tuple[str, ...] = ()
    if enum is not None:
        if text != "str":
            p.add(where, f"'enum' needs type 'str' or 'list[str]', not {raw!r}")
        elif (
            not isinstance(enum, list)
            or not enum
            or not all(isinstance(v, str) for v in enum)
            or len(set(enum)) != len(enum)
        ):
            p.add(where, "'enum' must be a non-empty list of distinct strings")
        else:
            values = tuple(enum)
    if text in PRIMITIVES:
        return TypeRef(text, enum=values)
    if _PASCAL.match(text):
        return TypeRef("model", model=text)
    p.add(where, f"unknown type {raw!r}")
    return TypeRef("any")


def _load_toml(p: _Problems, path: Path, rel: str) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        p.add(rel, f"invalid TOML: {exc}")
        return None


def _load_models(p: _Problems, root: Path) -> dict[str, Model]:
    models: dict[str, Model] = {}
    for path in sorted((root / "spec" / "models").glob("*.toml")):
        rel = path.relative_to(root).as_posix()
        data = _load_toml(p, path, rel)
        if data is None:
            continue
        for name, table in data.items():
            where = f"{rel}: model {name}"
            if not _PASCAL.match(name):
                p.add(where, "model names must be PascalCase")
            if name in RESERVED_MODELS:
                p.add(where, "this name is reserved by the generated code")
            if name in models:
                p.add(where, f"duplicate model (also in {models[name].file})")
            if not p.keys(where, table, _MODEL_KEYS):
                continue
            fields_table = table.get("fields", {})
            fields: list[ModelField] = []
            if not isinstance(fields_table, dict):
                p.add(where, "'fields' must be a table")
                fields_table = {}
            for fname, ftable in fields_table.items():
                fwhere = f"{where}.{fname}"
                if not fname:
                    p.add(fwhere, "empty field name")
                if not p.keys(fwhere, ftable, _FIELD_KEYS):
                    continue
                fields.append(
                    ModelField(
                        name=fname,
                        type=_parse_type(p, fwhere, ftable.get("type"), ftable.get("enum")),
                        required=_flag(p, fwhere, ftable, "required", False),
                        nullable=_flag(p, fwhere, ftable, "nullable", False),
                        doc=_text(p, fwhere, ftable, "doc", required=False),
                    )
                )
            models[name] = Model(
                name=name,
                summary=_text(p, where, table, "summary", required=True),
                description=_text(p, where, table, "description", required=False),
                fields=tuple(fields),
                file=rel,
            )
    return models


def _load_params(p: _Problems, where: str, raw: object) -> tuple[Param, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add(where, "'params' must be an array of tables ([[operations.params]])")
        return ()
    out: list[Param] = []
    for i, table in enumerate(raw):
        pwhere = f"{where} params[{i}]"
        if not p.keys(pwhere, table, _PARAM_KEYS):
            continue
        name = _text(p, pwhere, table, "name", required=True)
        pwhere = f"{where} param {name or i}"
        location = _text(p, pwhere, table, "in", required=True)
        if location and location not in ("path", "query"):
            p.add(pwhere, f"'in' must be 'path' or 'query', not {location!r}")
        required = _flag(p, pwhere, table, "required", location == "path")
        if location == "path" and not required:
            p.add(pwhere, "path params are always required")
        ptype = _parse_type(p, pwhere, table.get("type"), table.get("enum"))
        repeat = _flag(p, pwhere, table, "repeat", False)
        wire = _text(p, pwhere, table, "wire", required=False) or name
        is_list_query = location == "query" and ptype.kind == "list"
        if repeat and not is_list_query:
            p.add(pwhere, "'repeat' is only for query params of type list[T]")
        elif repeat and not wire.endswith("[]"):
            # core repeats a list only under a key ending in `[]`; anything else goes out
            # comma-separated, so `repeat` would be a false promise
            p.add(pwhere, f"'repeat = true' needs a wire name ending in '[]', not {wire!r}")
        elif is_list_query and wire.endswith("[]") and not repeat:
            p.add(pwhere, f"wire name {wire!r} ends in '[]', so it repeats: set 'repeat = true'")
        out.append(
            Param(
                name=name,
                wire=wire,
                location=location,
                type=ptype,
                required=required,
                doc=_text(p, pwhere, table, "doc", required=False),
                repeat=repeat,
            )
        )
    return tuple(out)


def _load_body(p: _Problems, where: str, raw: list[Any], replace: bool) -> tuple[BodyField, ...]:
    out: list[BodyField] = []
    for i, table in enumerate(raw):
        bwhere = f"{where} body[{i}]"
        if not p.keys(bwhere, table, _BODY_KEYS):
            continue
        name = _text(p, bwhere, table, "name", required=True)
        bwhere = f"{where} body field {name or i}"
        wire = _text(p, bwhere, table, "wire", required=False) or name
        source = table.get("source", wire)
        if "source" in table and not replace:
            p.add(bwhere, "'source' is only meaningful for 'replace' operations")
        if not isinstance(source, str) or (source and not _SOURCE.match(source)):
            p.add(bwhere, f"invalid 'source' {source!r} (use 'key', 'a.b', 'a[].b' or '')")
            source = ""
        out.append(
            BodyField(
                name=name,
                wire=wire,
                type=_parse_type(p, bwhere, table.get("type"), table.get("enum")),
                required=_flag(p, bwhere, table, "required", False),
                doc=_text(p, bwhere, table, "doc", required=False),
                source=source,
            )
        )
    return tuple(out)


def _parse_response(p: _Problems, where: str, raw: object) -> tuple[str, str | None]:
    if not isinstance(raw, str):
        p.add(where, "missing or invalid 'response'")
        return "none", None
    if raw in ("none", "binary", "object"):
        return raw, None
    kind, _, model = raw.partition(":")
    if kind in ("model", "list") and _PASCAL.match(model):
        return kind, model
    p.add(where, f"invalid 'response' {raw!r} (none, binary, object, model:X or list:X)")
    return "none", None


def _load_operation(
    p: _Problems, rel: str, service: str, i: int, table: object
) -> Operation | None:
    where = f"{rel}: operations[{i}]"
    if not p.keys(where, table, _OPERATION_KEYS):
        return None
    assert isinstance(table, dict)
    op_id = _text(p, where, table, "id", required=True)
    where = f"{rel}: {op_id or f'operations[{i}]'}"
    if op_id and not _PASCAL.match(op_id):
        p.add(where, "operation ids are PascalCase, e.g. 'ListTodos'")
    method = _text(p, where, table, "method", required=True)
    if method and (not _IDENT.match(method) or keyword.iskeyword(method)):
        p.add(where, f"method {method!r} is not a valid snake_case Python name")
    if method.startswith(("iter_", "_")):
        p.add(where, f"method {method!r}: 'iter_' and '_' prefixes are reserved")
    http = _text(p, where, table, "http", required=True)
    if http and http not in HTTP_METHODS:
        p.add(where, f"'http' must be one of {', '.join(HTTP_METHODS)}, not {http!r}")
    path = _text(p, where, table, "path", required=True)
    params = _load_params(p, where, table.get("params"))

    raw_body = table.get("body")
    body_fields: tuple[BodyField, ...] = ()
    replace = _flag(p, where, table, "replace", False)
    if raw_body is None:
        body_kind = "none"
    elif isinstance(raw_body, list):
        body_kind = "json"
        body_fields = _load_body(p, where, raw_body, replace)
    elif isinstance(raw_body, str) and raw_body in BODY_KINDS:
        body_kind = raw_body
    else:
        p.add(where, f"'body' must be one of {', '.join(BODY_KINDS)} or [[operations.body]]")
        body_kind = "none"
    if body_kind != "none" and http in ("GET", "DELETE"):
        p.add(where, f"a {http} request cannot have a body")

    multipart_field = table.get("multipart_field")
    if body_kind == "multipart":
        if not isinstance(multipart_field, str) or not multipart_field:
            p.add(where, "multipart operations need 'multipart_field'")
            multipart_field = "file"
    elif multipart_field is not None:
        p.add(where, "'multipart_field' is only for body = 'multipart'")
        multipart_field = None

    # path placeholders vs path params
    if path:
        if not path.startswith("/{account_id}/"):
            p.add(where, "'path' must start with '/{account_id}/'")
        placeholders = _PLACEHOLDER.findall(path)
        if "{" in _PLACEHOLDER.sub("", path) or "}" in _PLACEHOLDER.sub("", path):
            p.add(where, "'path' has unbalanced braces")
        seen: set[str] = set()
        for name in placeholders:
            if name in seen:
                p.add(where, f"path placeholder {{{name}}} appears twice")
            seen.add(name)
        path_names = {prm.name for prm in params if prm.location == "path"}
        for name in sorted(seen - path_names - {"account_id"}):
            p.add(where, f"path placeholder {{{name}}} has no path param named {name!r}")
        for name in sorted(path_names - seen):
            p.add(where, f"path param {name!r} does not appear in 'path'")

    names: set[str] = set()
    wires: dict[str, set[str]] = {"path": set(), "query": set(), "body": set()}
    items: list[Param | BodyField] = [*params, *body_fields]
    for item in items:
        loc = item.location if isinstance(item, Param) else "body"
        if not item.name:
            continue
        if not _IDENT.match(item.name) or keyword.iskeyword(item.name):
            p.add(where, f"parameter name {item.name!r} is not a valid snake_case Python name")
        reserved = RESERVED_PARAMS
        if table.get("paginated") is True:
            reserved |= RESERVED_PAGINATED
        if body_kind in ("binary", "multipart"):
            reserved |= RESERVED_UPLOAD
        if item.name in reserved:
            p.add(where, f"parameter name {item.name!r} is reserved by the generated method")
        if item.name in names:
            p.add(where, f"duplicate parameter name {item.name!r}")
        if item.wire in wires.get(loc, set()):
            p.add(where, f"duplicate {loc} wire name {item.wire!r}")
        names.add(item.name)
        wires.setdefault(loc, set()).add(item.wire)
        if loc == "path" and (item.type.kind not in ("int", "str", "date") or item.type.enum):
            p.add(where, f"path param {item.name!r} must be 'int', 'str' or 'date'")

    response_kind, response_model = _parse_response(p, where, table.get("response"))
    paginated = _flag(p, where, table, "paginated", False)
    items_key = table.get("items_key")
    if items_key is not None and (not isinstance(items_key, str) or not items_key):
        p.add(where, "'items_key' must be a non-empty string")
        items_key = None
    if paginated and items_key is None and response_kind != "list":
        p.add(where, "paginated operations need response = 'list:Model'")
    if paginated and items_key is not None and response_kind != "model":
        p.add(where, "paginated operations with 'items_key' need response = 'model:Page'")
    if items_key is not None and not paginated:
        p.add(where, "'items_key' is only for paginated operations")
    if paginated and http != "GET":
        p.add(where, "only GET operations can be paginated")

    idempotent = _flag(p, where, table, "idempotent", http == "GET")
    if http == "GET" and not idempotent:
        p.add(where, "GET operations are always idempotent")

    retry: Retry | None = None
    raw_retry = table.get("retry")
    if raw_retry is not None and p.keys(f"{where} retry", raw_retry, _RETRY_KEYS):
        ma, bd, ro = (
            raw_retry.get("max_attempts"),
            raw_retry.get("base_delay_ms"),
            raw_retry.get("retry_on", []),
        )
        if (
            not isinstance(ma, int)
            or isinstance(ma, bool)
            or ma < 1
            or not isinstance(bd, int)
            or isinstance(bd, bool)
            or bd < 0
            or not isinstance(ro, list)
            or not all(isinstance(s, int) and 100 <= s <= 599 for s in ro)
        ):
            p.add(where, "'retry' needs max_attempts >= 1, base_delay_ms >= 0, retry_on [status]")
        else:
            retry = Retry(ma, bd, tuple(ro))

    preserved_raw = table.get("preserved_on_omission", [])
    read = table.get("read")
    preserved: list[str] = []
    if not isinstance(preserved_raw, list) or not all(isinstance(x, str) for x in preserved_raw):
        p.add(where, "'preserved_on_omission' must be a list of body field names")
        preserved_raw = []
    if replace:
        if body_kind != "json":
            p.add(where, "'replace' operations need a JSON body ([[operations.body]])")
        if not (method == "replace" or method.startswith("replace_")):
            p.add(where, "'replace' operations are named 'replace' or 'replace_<noun>'")
        if not isinstance(read, str) or not read:
            p.add(where, "'replace' operations need 'read', the id of the operation that reads")
            read = None
        for name in preserved_raw:
            match = [f.name for f in body_fields if name in (f.name, f.wire)]
            if not match:
                p.add(where, f"'preserved_on_omission' names unknown body field {name!r}")
            else:
                preserved.append(match[0])
    else:
        if preserved_raw:
            p.add(where, "'preserved_on_omission' is only for 'replace' operations")
        if read is not None:
            p.add(where, "'read' is only for 'replace' operations")
            read = None

    return Operation(
        id=op_id,
        service=service,
        method=method,
        http=http,
        path=path,
        summary=_text(p, where, table, "summary", required=True),
        description=_text(p, where, table, "description", required=False),
        paginated=paginated,
        items_key=items_key,
        idempotent=idempotent,
        retry=retry,
        body_kind=body_kind,
        multipart_field=multipart_field,
        response_kind=response_kind,
        response_model=response_model,
        replace=replace,
        preserved=tuple(preserved),
        read=read if isinstance(read, str) else None,
        params=params,
        body=body_fields,
        file=rel,
    )


def _load_services(p: _Problems, root: Path) -> list[Service]:
    services: list[Service] = []
    for path in sorted((root / "spec" / "services").glob("*.toml")):
        rel = path.relative_to(root).as_posix()
        data = _load_toml(p, path, rel)
        if data is None:
            continue
        p.keys(rel, data, frozenset({"service", "operations"}))
        head = data.get("service")
        if not isinstance(head, dict):
            p.add(rel, "missing [service] table")
            continue
        p.keys(f"{rel} [service]", head, _SERVICE_KEYS)
        name = _text(p, f"{rel} [service]", head, "name", required=True)
        if name and name != path.stem:
            p.add(rel, f"[service] name {name!r} must match the file name {path.stem!r}")
        if name and (not _IDENT.match(name) or keyword.iskeyword(name) or name.startswith("_")):
            p.add(rel, f"service name {name!r} is not a valid snake_case Python name")
        raw_ops = data.get("operations", [])
        if not isinstance(raw_ops, list) or not raw_ops:
            p.add(rel, "a service needs at least one [[operations]]")
            raw_ops = []
        ops = [
            op
            for i, table in enumerate(raw_ops)
            if (op := _load_operation(p, rel, name, i, table)) is not None
        ]
        seen: dict[str, str] = {}
        for op in ops:
            for method in op.method_names:
                if method in seen:
                    p.add(rel, f"method {method!r} of {op.id} clashes with {seen[method]}")
                seen[method] = op.id
        services.append(
            Service(
                name=name,
                summary=_text(p, f"{rel} [service]", head, "summary", required=True),
                description=_text(p, f"{rel} [service]", head, "description", required=False),
                extension=_flag(p, f"{rel} [service]", head, "extension", False),
                operations=ops,
                file=rel,
            )
        )
    return services


def _check_replace(p: _Problems, op: Operation, ops: dict[str, Operation]) -> None:
    where = f"{op.file}: {op.id}"
    read = ops.get(op.read or "")
    if read is None:
        p.add(where, f"'read' names unknown operation {op.read!r}")
        return
    if read.http != "GET" or read.response_kind != "model":
        p.add(where, f"'read' operation {read.id} must be a GET returning model:X")
    if {x.name for x in read.path_params} != {x.name for x in op.path_params}:
        p.add(where, f"'read' operation {read.id} must take the same path params")
    if any(x.required for x in read.query_params):
        p.add(where, f"'read' operation {read.id} must not need query params")


# The JSON kind of a type, to compare a body field with the record field it is read from.
_JSON_KIND = {"str": "string", "date": "string", "datetime": "string", "object": "object"}


def _json_kind(ref: TypeRef) -> str:
    if ref.kind == "list":
        assert ref.item is not None
        return f"list[{_json_kind(ref.item)}]"
    if ref.kind == "model":
        return "object"
    return _JSON_KIND.get(ref.kind, ref.kind)


def _resolve_source(
    models: dict[str, Model], model: Model, source: str
) -> tuple[TypeRef, bool] | str | None:
    """Follow a body field's `source` through the read model.

    Returns:
        (the type the path yields, whether a record may hold null there), a problem, or None
        when the path meets an unknown model (a problem reported elsewhere).
        A nullable object on the way makes the value nullable (`_runtime` reads `None` below a
        null object), a nullable list does not (it reads `[]` from a null list).
    """
    current: Model | None = model
    lists = 0
    nullable = False
    leaf: TypeRef | None = None
    before = model.name
    for part in source.split("."):
        key = part.removesuffix("[]")
        if current is None:
            return f"'source' {source!r}: {before} is not an object"
        found = {f.name: f for f in current.fields}.get(key)
        if found is None:
            return f"'source' {source!r}: model {current.name} has no field {key!r}"
        ref = found.type
        if part.endswith("[]"):
            if ref.kind != "list" or ref.item is None:
                return f"'source' {source!r}: {current.name}.{key} is not a list"
            ref = ref.item
            lists += 1
        elif found.nullable and not lists:
            nullable = True
        leaf = ref
        before = f"{current.name}.{key}"
        if ref.kind == "model" and ref.model not in models:
            return None  # an unknown model, reported already
        current = models.get(ref.model or "") if ref.kind == "model" else None
    assert leaf is not None
    for _ in range(lists):
        leaf = TypeRef("list", item=leaf)
    return leaf, nullable


def _resolve_replace(
    p: _Problems, op: Operation, ops: dict[str, Operation], models: dict[str, Model]
) -> Model | None:
    """Check each body field's `source` against the read model; return the `edit` model."""
    where = f"{op.file}: {op.id}"
    read = ops.get(op.read or "")
    model = models.get(read.response_model or "") if read else None
    if model is None:
        return None
    nullable: set[str] = set()
    for f in op.body:
        if not f.source:
            continue
        resolved = _resolve_source(models, model, f.source)
        if resolved is None:
            continue
        if isinstance(resolved, str):
            p.add(f"{where} body field {f.name}", resolved)
            continue
        ref, may_be_null = resolved
        if "any" not in (ref.kind, f.type.kind) and _json_kind(ref) != _json_kind(f.type):
            p.add(
                f"{where} body field {f.name}",
                f"'source' {f.source!r} holds {_json_kind(ref)}, but the field is"
                f" {_json_kind(f.type)}",
            )
        if may_be_null:
            nullable.add(f.name)
    op.carried_nullable = frozenset(nullable)
    op.edit_model = f"{model.name}Edit"
    fields = tuple(
        ModelField(
            name=f.name,
            type=f.type,
            # present from the start exactly when the edit sends it back
            required=bool(f.source) and f.name not in op.preserved,
            nullable=f.name in op.carried_nullable,
            doc=f.doc,
        )
        for f in op.body
    )
    summary = f"The fields `{op.edit}` lets you change on a {model.name} (`{op.id}`)."
    return Model(op.edit_model, summary, "", fields, op.file)


def load_spec(root: Path) -> Spec:
    """Read `root/spec`, validate it, and return the resolved `Spec`.

    Raises:
        SpecError: With every problem found, when the definition is invalid.
    """
    p = _Problems()
    if not (root / "spec").is_dir():
        raise SpecError([f"{root / 'spec'}: no such directory"])
    models = _load_models(p, root)
    services = _load_services(p, root)

    ops: dict[str, Operation] = {}
    accessors: dict[str, str] = {}
    for service in services:
        if service.class_name in accessors:
            p.add(service.file, f"class name clashes with {accessors[service.class_name]}")
        accessors[service.class_name] = service.file
        for op in service.operations:
            if op.id in ops:
                p.add(f"{op.file}: {op.id}", f"duplicate operation id (also in {ops[op.id].file})")
            else:
                ops[op.id] = op

    def check_type(where: str, ref: TypeRef) -> None:
        for name in sorted(ref.models()):
            if name not in models:
                p.add(where, f"unknown model {name!r}")

    for model in models.values():
        for f in model.fields:
            check_type(f"{model.file}: model {model.name}.{f.name}", f.type)
    for op in ops.values():
        where = f"{op.file}: {op.id}"
        fields: list[Param | BodyField] = [*op.params, *op.body]
        for item in fields:
            check_type(f"{where} {item.name}", item.type)
        if op.response_model and op.response_model not in models:
            p.add(where, f"unknown response model {op.response_model!r}")
        elif op.paginated and op.items_key and op.response_model:
            page = {f.name: f for f in models[op.response_model].fields}
            key_field = page.get(op.items_key)
            if key_field is None or key_field.type.kind != "list":
                p.add(where, f"model {op.response_model} has no list field {op.items_key!r}")
            else:
                op.item_type = key_field.type.item
        elif op.paginated and op.response_model:
            op.item_type = TypeRef("model", model=op.response_model)
        if op.replace:
            _check_replace(p, op, ops)

    edit_models: dict[str, Model] = {}
    edit_of: dict[str, str] = {}
    for op in ops.values():
        edit = _resolve_replace(p, op, ops, models) if op.replace else None
        if edit is None:
            continue
        where = f"{op.file}: {op.id}"
        if edit.name in models:
            p.add(
                where,
                f"its edit model {edit.name} clashes with the model of that name"
                f" ({models[edit.name].file})",
            )
        elif edit.name in edit_models:
            p.add(where, f"its edit model {edit.name} is also {edit_of[edit.name]}'s")
        edit_models[edit.name] = edit
        edit_of[edit.name] = op.id

    if p.items:
        raise SpecError(p.items)
    return Spec(
        services=sorted(services, key=lambda s: s.name),
        models=sorted(models.values(), key=lambda m: m.name),
        operations=dict(sorted(ops.items())),
        edit_models=sorted(edit_models.values(), key=lambda m: m.name),
    )
