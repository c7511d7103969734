#!/usr/bin/env python3
"""Check the API definition in spec/ against the upstream reference data.

The reference (an OpenAPI document plus a behavior model, and the additions file with the newer
operations, models and fields) is the source of facts: operation ids,
HTTP methods, paths, parameters, body fields, pagination, idempotency and retry settings, and the
shape of every response. This script verifies that spec/ agrees with those facts, that every
referenced model exists, that the service layout is the agreed one, and that no summary or doc
reuses the reference's prose.

Models are compared field by field with the reference schema(s) they stand for. The spec merges
some schemas (one `ProjectRef` for the reference's per-resource bucket schemas), so the mapping is
found by walking: each operation's response model is paired with the reference operation's
response schema, each JSON body field of model type with the reference body property, and from
there every model-typed field with the reference property of the same name, recursively. A spec
model named like a reference schema is paired with it as well. Every model must pair with at
least one schema and every field must be a property of one; `nullable` must match (nullable when
any paired schema allows null, see NULLABLE_DESPITE_SCHEMA for the one exception) and the JSON
type (string, integer, number, boolean, array, object; array items too) must agree.

The additions file (`api-additions.json`) is folded into the same form before checking (see
`fold_additions`): its operations become reference operations (their paths under `/{accountId}`,
their pagination form, idempotency and retry settings kept; a GET counts as idempotent whatever the
file says, as everywhere), its models become reference schemas, and the fields it says newer
Basecamp adds to existing schemas become properties of those schemas. The additions give no types
for those added fields, so only their presence is checked. They name no multipart form field, so
any `multipart_field` passes for their uploads. Their call form says what an operation answers
(nothing, a list, or one object), and the spec's `response` must agree. A `list[T]` query param
passes against a reference `string` param: the SDK sends the list comma-separated.

Usage:
    python3 tools/check_spec_reference.py [--spec-dir DIR] [--reference-dir DIR]

Exits 0 and prints a one-line summary when everything agrees; exits 1 with a list of problems
otherwise. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC_DIR = REPO_ROOT / "spec"
DEFAULT_REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"

ACCESSORS = frozenset(
    {
        "projects", "templates", "tools", "people",
        "todos", "todolists", "todosets", "todolist_groups", "hill_charts",
        "messages", "message_boards", "message_types", "comments", "campfires",
        "schedules", "timeline", "lineup", "checkins",
        "vaults", "documents", "uploads", "attachments",
        "card_tables", "cards", "card_columns", "card_steps",
        "client_approvals", "client_correspondences", "client_replies", "client_visibility",
        "webhooks", "subscriptions", "events", "automation", "boosts",
        "search", "reports", "timesheets", "recordings", "forwards",
        "account", "bookmarks", "calendars", "cloud_files", "drafts", "everything", "folders",
        "gauges", "google_documents", "my_assignments", "my_notes", "my_notifications",
        "wormholes",
        # the newer operations (api-additions.json)
        "bubble_ups", "embeds", "event_feed", "inbox", "pings", "subtasks", "template_library",
    }
)  # fmt: skip

HTTP_METHODS = ("get", "post", "put", "delete", "patch")
SCALAR_TYPES = frozenset({"str", "int", "float", "bool", "date", "datetime", "any", "object"})
BODY_KINDS = frozenset({"none", "json", "binary", "multipart"})
CONTENT_KINDS = {
    "application/json": "json",
    "application/octet-stream": "binary",
    "multipart/form-data": "multipart",
}
MIN_SENTENCE = 25
PLACEHOLDER = re.compile(r"\{([^}]*)\}")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# spec type -> JSON type; "any" (and unknown names) are not compared
JSON_TYPES = {
    "str": "string",
    "date": "string",
    "datetime": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "object": "object",
}
# (model, field): the spec says nullable where the reference's schema does not, because the
# reference's own notes on that property say the API sends null. Stale entries are reported.
NULLABLE_DESPITE_SCHEMA = frozenset(
    {
        ("ScheduleEntry", "join_url"),  # "...or null when it has none"; left unmodelled upstream
    }
)

# spec model -> the reference schema it stands for, for models no operation response reaches
# (error bodies) and whose spec name differs from the reference's. Stale entries are reported.
SCHEMA_FOR_MODEL = {
    "FeedRequestError": "FeedRequestErrorResponseContent",
    "FeedFilterMismatch": "FeedFilterMismatchErrorResponseContent",
    "FeedPositionGone": "FeedPositionGoneErrorResponseContent",
    "InboxPositionGone": "InboxPositionGoneErrorResponseContent",
    "PeopleConfirmationRequired": "PeopleConfirmationRequiredErrorResponseContent",
}
ADDITIONS_FILE = "api-additions.json"
# a property the additions say newer Basecamp adds, without its type
ADDED_MARK = "x-basecamp-added"
# additions call forms: what the operation answers with
VOID_FORMS = frozenset({"request_void", "request_multipart_void"})
LIST_FORMS = frozenset({"request_list", "request_paginated"})
ANNOTATION_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "dict": "object",
    "bytes": "string",
}

Table = dict[str, Any]


class Problems:
    """Collects problems, each tagged with where it was found."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def load_toml(path: Path, problems: Problems) -> Table | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        problems.add(str(path), f"cannot load: {exc}")
        return None


def load_json(path: Path) -> Table:
    with path.open(encoding="utf-8") as fh:
        data: Table = json.load(fh)
    return data


def normalize(text: str) -> str:
    return " ".join(text.split()).casefold()


def reference_sentences(*documents: object) -> set[str]:
    """Every description/summary sentence of at least MIN_SENTENCE characters, normalized."""
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "summary") and isinstance(value, str):
                    texts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for document in documents:
        walk(document)
    sentences: set[str] = set()
    for text in texts:
        flat = " ".join(text.split())
        for piece in [flat, *SENTENCE_END.split(flat)]:
            candidate = normalize(piece).rstrip(".!?:; ")
            if len(candidate) >= MIN_SENTENCE:
                sentences.add(candidate)
    return sentences


def normalized_path(path: str) -> str:
    return PLACEHOLDER.sub("{}", path)


def type_models(type_name: str, where: str, problems: Problems) -> list[str]:
    """Validate a type expression and return the model names it mentions."""
    if type_name.startswith("list[") and type_name.endswith("]"):
        return type_models(type_name[5:-1], where, problems)
    if type_name in SCALAR_TYPES:
        return []
    if MODEL_NAME.match(type_name):
        return [type_name]
    problems.add(where, f"unknown type {type_name!r}")
    return []


def response_models(response: object, where: str, problems: Problems) -> list[str]:
    if response in ("none", "object", "binary"):
        return []
    if isinstance(response, str) and response.startswith(("model:", "list:")):
        name = response.split(":", 1)[1]
        if MODEL_NAME.match(name):
            return [name]
    problems.add(where, f"bad response {response!r}")
    return []


class RefSchema:
    """A reference schema with `$ref`, `anyOf [X, null]`, `type: [X, "null"]` and `nullable`
    resolved: `name` is the component it came from (None when inline)."""

    def __init__(self, name: str | None, schema: Table, nullable: bool) -> None:
        self.name = name
        self.schema = schema
        self.nullable = nullable

    @property
    def json_type(self) -> str | None:
        kind = self.schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        if kind is None and "properties" in self.schema:
            kind = "object"
        return kind if isinstance(kind, str) else None

    @property
    def properties(self) -> Table:
        props: Table = self.schema.get("properties", {})
        return props


def resolve_schema(schema: Table, schemas: Table) -> RefSchema:
    name: str | None = None
    nullable = False
    for _ in range(20):  # bounded: a $ref chain, never a cycle in practice
        nullable = nullable or bool(schema.get("nullable"))
        kind = schema.get("type")
        if isinstance(kind, list) and "null" in kind:
            nullable = True
        options = schema.get("anyOf") or schema.get("oneOf")
        if "$ref" in schema:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            schema = schemas.get(name, {})
        elif isinstance(options, list):
            rest = [o for o in options if o.get("type") != "null"]
            nullable = nullable or len(rest) < len(options)
            if len(rest) != 1:
                break
            schema = rest[0]
        else:
            break
    return RefSchema(name, schema, nullable)


def success_schema(op: Table) -> Table | None:
    """The JSON schema of the operation's 2xx response, if it has one."""
    for code, response in op.get("responses", {}).items():
        if code.startswith("2"):
            content: Table = response.get("content") or {}
            media: Table | None = content.get("application/json")
            if media and "schema" in media:
                schema: Table = media["schema"]
                return schema
    return None


class ReferenceOp:
    """The facts the reference states about one operation."""

    def __init__(self, http: str, path: str, op: Table, behavior: Table, schemas: Table) -> None:
        self.http = http.upper()
        self.path = path
        self.response = success_schema(op)
        self.body_schema: Table | None = None
        self.pagination: Table | None = op.get("x-basecamp-pagination")
        self.write: Table | None = op.get("x-basecamp-write-semantics")
        multipart: Table = op.get("x-basecamp-multipart") or {}
        self.multipart_field: str | None = multipart.get("field")
        self.behavior = behavior
        # additions only: how the operation answers (see VOID_FORMS and LIST_FORMS)
        self.call_form: str | None = op.get("x-basecamp-call-form")
        params: list[Table] = op.get("parameters", [])
        self.path_params = [p["name"] for p in params if p["in"] == "path"]
        # (in, wire name) -> the param's schema, for the type comparison
        self.param_schemas: dict[tuple[str, str], Table] = {
            (p["in"], p["name"]): p.get("schema") or {} for p in params
        }
        self.query: dict[str, bool] = {
            p["name"]: bool(p.get("required"))
            for p in params
            if p["in"] == "query" and not (p["name"] == "page" and self.pagination)
        }
        self.body_kind = "none"
        self.body: dict[str, bool] = {}
        request: Table | None = op.get("requestBody")
        if request:
            content_type, content = next(iter(request["content"].items()))
            self.body_kind = CONTENT_KINDS.get(content_type, content_type)
            if self.body_kind == "json":
                schema: Table = content["schema"]
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
                self.body_schema = schema
                required = set(schema.get("required", []))
                self.body = {name: name in required for name in schema.get("properties", {})}

    @property
    def idempotent(self) -> bool:
        return self.http == "GET" or bool(self.behavior.get("idempotent"))


def annotation_schema(annotation: str, *, keep_null: bool = True) -> Table:
    """A JSON schema for one of the additions' Python annotations (`list[int] | None`, `Person`)."""
    text = annotation.replace(" ", "")
    nullable = False
    if text.startswith("Optional[") and text.endswith("]"):
        text, nullable = text[9:-1], True
    if text.endswith("|None"):
        text, nullable = text[:-5], True
    schema: Table
    if text.startswith("list[") and text.endswith("]"):
        schema = {"type": "array", "items": annotation_schema(text[5:-1])}
    elif text in ANNOTATION_TYPES:
        schema = {"type": ANNOTATION_TYPES[text]}
    elif text.startswith("dict"):
        schema = {"type": "object"}
    elif MODEL_NAME.match(text) and text != "Any":
        schema = {"$ref": f"#/components/schemas/{text}"}
    else:  # Any
        schema = {}
    if nullable and keep_null:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def fold_additions(additions: Table, openapi: Table, behaviors: Table) -> set[str]:
    """Fold the additions file into `openapi` and `behaviors`, in their own form.

    Returns the names of the additions' request body schemas (`<OperationId>RequestContent`):
    they describe operation bodies, which the spec lists as body fields, so no spec model has to
    pair with them.
    """
    schemas: Table = openapi["components"]["schemas"]
    for name, fields in additions.get("models", {}).items():
        if name in schemas:
            raise ValueError(f"{ADDITIONS_FILE}: model {name} is already a reference schema")
        schemas[name] = {
            "type": "object",
            "properties": {f: annotation_schema(t["type"]) for f, t in fields.items()},
            "required": sorted(f for f, t in fields.items() if t.get("required")),
        }
    for name, change in additions.get("model_changes", {}).items():
        schema = schemas.get(name)
        if schema is None:
            raise ValueError(f"{ADDITIONS_FILE}: model_changes names unknown schema {name}")
        properties = schema.setdefault("properties", {})
        for field in change.get("fields_added", []):
            properties.setdefault(field, {ADDED_MARK: True})
    bodies: set[str] = set()
    for op_id, op in additions.get("operations", {}).items():
        form = str(op.get("call_form", "request"))
        params: list[Table] = op.get("parameters", [])
        parameters = [
            {
                "name": prm["name"],
                "in": prm["in"],
                "required": bool(prm.get("required")),
                "schema": annotation_schema(prm["annotation"], keep_null=False),
            }
            for prm in params
            if prm["in"] in ("path", "query")
        ]
        body = [prm for prm in params if prm["in"] == "body"]
        item: Table = {
            "operationId": op_id,
            "parameters": [
                {"name": "accountId", "in": "path", "required": True, "schema": {}},
                *parameters,
            ],
            "x-basecamp-call-form": form,
        }
        body_name = f"{op_id}RequestContent"
        if "multipart" in form:
            item["requestBody"] = {"content": {"multipart/form-data": {"schema": {}}}}
        elif body_name in schemas:
            bodies.add(body_name)
            item["requestBody"] = {
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{body_name}"}}
                }
            }
        elif body:
            item["requestBody"] = {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                prm["name"]: annotation_schema(prm["annotation"], keep_null=False)
                                for prm in body
                            },
                            "required": [prm["name"] for prm in body if prm.get("required")],
                        }
                    }
                }
            }
        if form == "request_paginated":
            item["x-basecamp-pagination"] = {"style": "link"}
        guess = op.get("response_model_guess")
        if guess and form not in VOID_FORMS:
            one: Table = {"$ref": f"#/components/schemas/{guess}"}
            schema = {"type": "array", "items": one} if form in LIST_FORMS else one
            item["responses"] = {"200": {"content": {"application/json": {"schema": schema}}}}
        path = "/{accountId}" + str(op["path"])
        http = str(op["http_method"]).lower()
        if http in openapi["paths"].get(path, {}):
            raise ValueError(f"{ADDITIONS_FILE}: {op_id} duplicates {http.upper()} {path}")
        openapi["paths"].setdefault(path, {})[http] = item
        behaviors[op_id] = {"idempotent": bool(op.get("idempotent")), "retry": op.get("retry")}
    return bodies


class Reference:
    """Everything the checker compares with: operations, prose, schemas, which schemas came from
    the additions file (`additions_models`) or describe only a request body (`body_schemas`), and
    the fields the additions give or add to each schema (`additions_fields`)."""

    def __init__(
        self,
        ops: dict[str, ReferenceOp],
        sentences: set[str],
        schemas: Table,
        additions_models: set[str],
        body_schemas: set[str],
        additions_fields: dict[str, set[str]],
    ) -> None:
        self.ops = ops
        self.sentences = sentences
        self.schemas = schemas
        self.additions_models = additions_models
        self.body_schemas = body_schemas
        self.additions_fields = additions_fields


def load_reference(reference_dir: Path) -> Reference:
    openapi = load_json(reference_dir / "openapi.json")
    behavior_model = load_json(reference_dir / "behavior-model.json")
    behaviors: Table = behavior_model["operations"]
    schemas: Table = openapi["components"]["schemas"]
    sentences = reference_sentences(openapi, behavior_model)
    body_schemas: set[str] = set()
    additions_models: set[str] = set()
    additions_fields: dict[str, set[str]] = {}
    additions_path = reference_dir / ADDITIONS_FILE
    if additions_path.is_file():
        additions = load_json(additions_path)
        sentences |= reference_sentences(additions)
        additions_models = set(additions.get("models", {}))
        for name, fields in additions.get("models", {}).items():
            additions_fields[name] = set(fields)
        for name, change in additions.get("model_changes", {}).items():
            additions_fields.setdefault(name, set()).update(change.get("fields_added", []))
        body_schemas = fold_additions(additions, openapi, behaviors)
    ops: dict[str, ReferenceOp] = {}
    for path, item in openapi["paths"].items():
        for http, op in item.items():
            if http in HTTP_METHODS:
                op_id: str = op["operationId"]
                ops[op_id] = ReferenceOp(http, path, op, behaviors.get(op_id, {}), schemas)
    return Reference(ops, sentences, schemas, additions_models, body_schemas, additions_fields)


class SpecChecker:
    def __init__(self, spec_dir: Path, reference_dir: Path) -> None:
        self.spec_dir = spec_dir
        reference = load_reference(reference_dir)
        self.reference = reference.ops
        self.sentences = reference.sentences
        self.schemas = reference.schemas
        self.additions_models = reference.additions_models
        self.body_schemas = reference.body_schemas
        self.additions_fields = reference.additions_fields
        self.problems = Problems()
        self.models: dict[str, Table] = {}
        self.model_refs: list[tuple[str, str]] = []
        self.operations: dict[str, tuple[str, Table]] = {}
        self.services: set[str] = set()
        # spec model -> {label of a paired reference schema: that schema}
        self.pairs: dict[str, dict[str, RefSchema]] = {}
        self.nullable_exceptions_used: set[tuple[str, str]] = set()

    # -- prose ---------------------------------------------------------------

    def check_text(self, where: str, text: object, *, required: bool = True) -> None:
        if text is None and not required:
            return
        if not isinstance(text, str) or not text.strip():
            self.problems.add(where, "summary/doc is missing or empty")
            return
        flat = normalize(text)
        for sentence in self.sentences:
            if len(sentence) <= len(flat) and sentence in flat:
                self.problems.add(where, f"reuses reference prose: {sentence!r}")
                return

    # -- models --------------------------------------------------------------

    def load_models(self) -> None:
        for path in sorted((self.spec_dir / "models").glob("*.toml")):
            data = load_toml(path, self.problems)
            if data is None:
                continue
            for name, model in data.items():
                where = f"models/{path.name}:{name}"
                if not MODEL_NAME.match(name):
                    self.problems.add(where, "model names must be PascalCase")
                if name in self.models:
                    self.problems.add(where, "model defined more than once")
                self.models[name] = model
                self.check_text(f"{where}.summary", model.get("summary"))
                fields: Table = model.get("fields", {})
                if not fields:
                    self.problems.add(where, "model has no fields")
                for field_name, field in fields.items():
                    field_where = f"{where}.{field_name}"
                    for ref in type_models(str(field.get("type")), field_where, self.problems):
                        self.model_refs.append((field_where, ref))
                    if "enum" in field and field.get("type") != "str":
                        self.problems.add(field_where, "enum is only allowed on str")
                    self.check_text(f"{field_where}.doc", field.get("doc"), required=False)

    # -- services ------------------------------------------------------------

    def load_services(self) -> None:
        for path in sorted((self.spec_dir / "services").glob("*.toml")):
            data = load_toml(path, self.problems)
            if data is None:
                continue
            service: Table = data.get("service", {})
            name = service.get("name")
            where = f"services/{path.name}"
            if name != path.stem:
                self.problems.add(where, f"service name {name!r} does not match the file name")
            self.services.add(path.stem)
            self.check_text(f"{where}.summary", service.get("summary"))
            methods: set[str] = set()
            operations: list[Table] = data.get("operations", [])
            if not operations:
                self.problems.add(where, "service has no operations")
            for op in operations:
                op_id = str(op.get("id"))
                method = str(op.get("method"))
                if method in methods:
                    self.problems.add(where, f"method {method!r} is defined twice")
                methods.add(method)
                if not IDENTIFIER.match(method) or keyword.iskeyword(method):
                    self.problems.add(f"{where}:{op_id}", f"bad method name {method!r}")
                if op_id in self.operations:
                    self.problems.add(where, f"operation {op_id} is defined more than once")
                self.operations[op_id] = (path.stem, op)
        for missing in sorted(ACCESSORS - self.services):
            self.problems.add("services", f"missing service file for accessor {missing!r}")
        for extra in sorted(self.services - ACCESSORS):
            self.problems.add("services", f"unexpected accessor {extra!r}")

    def check_operations(self) -> None:
        for missing in sorted(set(self.reference) - set(self.operations)):
            self.problems.add("operations", f"{missing} is missing")
        for extra in sorted(set(self.operations) - set(self.reference)):
            self.problems.add("operations", f"{extra} is not a reference operation")
        for op_id, (service, op) in sorted(self.operations.items()):
            ref = self.reference.get(op_id)
            if ref is not None:
                self.check_operation(f"services/{service}.toml:{op_id}", op, ref)

    def check_operation(self, where: str, op: Table, ref: ReferenceOp) -> None:
        add = self.problems.add
        self.check_text(f"{where}.summary", op.get("summary"))
        self.check_text(f"{where}.description", op.get("description"), required=False)
        if op.get("http") != ref.http:
            add(where, f"http {op.get('http')!r} != reference {ref.http!r}")
        path = str(op.get("path", ""))
        if normalized_path(path) != normalized_path(ref.path):
            add(where, f"path {path!r} does not match reference {ref.path!r}")
        placeholders = PLACEHOLDER.findall(path)
        if not placeholders or placeholders[0] != "account_id":
            add(where, "path must start with /{account_id}")
        self.check_params(where, op, ref, placeholders[1:])
        self.check_body(where, op, ref)
        self.check_behavior(where, op, ref)
        for model in response_models(op.get("response"), where, self.problems):
            self.model_refs.append((f"{where}.response", model))

    def check_params(
        self, where: str, op: Table, ref: ReferenceOp, placeholders: list[str]
    ) -> None:
        add = self.problems.add
        params: list[Table] = op.get("params", [])
        names = [str(p.get("name")) for p in params]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            add(where, f"param {dup!r} is listed twice")
        path_params = [p for p in params if p.get("in") == "path"]
        declared = [str(p.get("name")) for p in path_params]
        if sorted(declared) != sorted(placeholders):
            add(where, f"path placeholders {placeholders} != declared path params {declared}")
        wire_by_name = {str(p.get("name")): p.get("wire") for p in path_params}
        ref_path_params = [n for n in ref.path_params if n != "accountId"]
        actual_wires = [wire_by_name.get(name) for name in placeholders]
        if actual_wires != ref_path_params:
            add(where, f"path param wire names {actual_wires} != reference {ref_path_params}")
        query = {str(p.get("wire")): p for p in params if p.get("in") == "query"}
        for wire, required in ref.query.items():
            param = query.get(wire)
            if param is None:
                add(where, f"query param {wire!r} is missing")
            elif bool(param.get("required")) != required:
                add(where, f"query param {wire!r} required should be {required}")
        for wire in sorted(set(query) - set(ref.query)):
            add(where, f"query param {wire!r} is not in the reference")
        for param in params:
            pwhere = f"{where}.params.{param.get('name')}"
            self.check_field(pwhere, param)
            schema = ref.param_schemas.get((str(param.get("in")), str(param.get("wire"))))
            if schema is not None:
                self.compare_param_type(pwhere, str(param.get("type")), schema)
            if param.get("in") not in ("path", "query"):
                add(pwhere, f"bad 'in' {param.get('in')!r}")
            if param.get("in") == "path" and not param.get("required"):
                add(pwhere, "path params must be required")

    def compare_param_type(self, where: str, spec_type: str, schema: Table) -> None:
        ref = resolve_schema(schema, self.schemas)
        if spec_type.startswith("list[") and ref.json_type == "string":
            return  # sent comma-separated: one string on the wire
        self.compare_type(where, spec_type, [("param", ref)])

    def check_field(self, where: str, field: Table) -> None:
        name = str(field.get("name"))
        if not IDENTIFIER.match(name) or keyword.iskeyword(name):
            self.problems.add(where, f"bad Python name {name!r}")
        if not field.get("wire"):
            self.problems.add(where, "wire name is missing")
        for ref in type_models(str(field.get("type")), where, self.problems):
            self.model_refs.append((where, ref))
        if "enum" in field and field.get("type") != "str":
            self.problems.add(where, "enum is only allowed on str")
        self.check_text(f"{where}.doc", field.get("doc"))

    def check_body(self, where: str, op: Table, ref: ReferenceOp) -> None:
        add = self.problems.add
        raw = op.get("body")
        fields: list[Table] = raw if isinstance(raw, list) else []
        kind = "json" if isinstance(raw, list) else str(raw or "none")
        if kind not in BODY_KINDS:
            add(where, f"bad body kind {kind!r}")
        if kind != ref.body_kind:
            add(where, f"body kind {kind!r} != reference {ref.body_kind!r}")
        if (
            kind == "multipart"
            and ref.multipart_field is not None
            and op.get("multipart_field") != ref.multipart_field
        ):
            add(where, f"multipart_field should be {ref.multipart_field!r}")
        by_wire = {str(f.get("wire")): f for f in fields}
        for wire, required in ref.body.items():
            field = by_wire.get(wire)
            if field is None:
                add(where, f"body field {wire!r} is missing")
            elif bool(field.get("required")) != required:
                add(where, f"body field {wire!r} required should be {required}")
        for wire in sorted(set(by_wire) - set(ref.body)):
            add(where, f"body field {wire!r} is not in the reference")
        names = [str(f.get("name")) for f in fields]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            add(where, f"body field {dup!r} is listed twice")
        properties: Table = (ref.body_schema or {}).get("properties", {})
        for field in fields:
            fwhere = f"{where}.body.{field.get('name')}"
            self.check_field(fwhere, field)
            prop = properties.get(str(field.get("wire")))
            if isinstance(prop, dict):
                refs = [("body", resolve_schema(prop, self.schemas))]
                self.compare_type(fwhere, str(field.get("type")), refs)
        self.check_replace(where, op, ref, fields)

    def check_replace(self, where: str, op: Table, ref: ReferenceOp, fields: list[Table]) -> None:
        add = self.problems.add
        is_replace = bool(ref.write and ref.write.get("mode") == "replace")
        if bool(op.get("replace")) != is_replace:
            add(where, f"replace should be {is_replace}")
        if not is_replace or ref.write is None:
            if op.get("read") or op.get("preserved_on_omission"):
                add(where, "read/preserved_on_omission are only for replace operations")
            return
        read = op.get("read")
        if read not in self.reference or read == op.get("id"):
            add(where, f"read must name another reference operation, got {read!r}")
        elif self.reference[str(read)].http != "GET":
            add(where, f"read operation {read!r} is not a GET")
        preserved = sorted(op.get("preserved_on_omission", []))
        if preserved != sorted(ref.write.get("preservedOnOmission", [])):
            add(where, "preserved_on_omission does not match the reference")
        for field in fields:
            if not isinstance(field.get("source"), str):
                add(f"{where}.body.{field.get('name')}", "replace body fields need a source")

    def check_behavior(self, where: str, op: Table, ref: ReferenceOp) -> None:
        add = self.problems.add
        paginated = bool(op.get("paginated"))
        if paginated != bool(ref.pagination):
            add(where, f"paginated should be {bool(ref.pagination)}")
        ref_key = (ref.pagination or {}).get("key")
        if op.get("items_key") != ref_key:
            add(where, f"items_key should be {ref_key!r}")
        idempotent = op.get("idempotent", op.get("http") == "GET")
        if bool(idempotent) != ref.idempotent:
            add(where, f"idempotent should be {ref.idempotent}")
        retry: Table = ref.behavior.get("retry", {})
        expected = (
            {
                "max_attempts": retry.get("max"),
                "base_delay_ms": retry.get("base_delay_ms"),
                "retry_on": retry.get("retry_on"),
            }
            if retry
            else None
        )
        if op.get("retry") != expected:
            add(where, f"retry {op.get('retry')!r} != reference {expected!r}")
        if ref.call_form is not None:
            response = str(op.get("response"))
            if ref.call_form in VOID_FORMS and response != "none":
                add(where, f"response should be 'none' (the reference answers {ref.call_form})")
            if ref.call_form in LIST_FORMS and not response.startswith("list:"):
                add(where, "response should be 'list:Model' (the reference answers a list)")
            if ref.call_form not in VOID_FORMS | LIST_FORMS and (
                response == "none" or response.startswith("list:")
            ):
                add(where, "response should be one object (the reference answers one)")

    # -- models vs reference schemas ------------------------------------------

    def pair(self, spec_type: str, schema: Table, label: str) -> None:
        """Pair a spec type with a reference schema, then its model fields with properties."""
        ref = resolve_schema(schema, self.schemas)
        if spec_type.startswith("list[") and spec_type.endswith("]"):
            items = ref.schema.get("items")
            if ref.json_type == "array" and isinstance(items, dict):
                self.pair(spec_type[5:-1], items, f"{ref.name or label}[]")
            return
        model = self.models.get(spec_type)
        if model is None or ref.json_type != "object":
            return
        key = ref.name or label
        paired = self.pairs.setdefault(spec_type, {})
        if key in paired:
            return
        paired[key] = ref
        properties = ref.properties
        for field_name, field in model.get("fields", {}).items():
            prop = properties.get(field_name)
            if isinstance(prop, dict):
                self.pair(str(field.get("type")), prop, f"{key}.{field_name}")

    def pair_models(self) -> None:
        for op_id, (_service, op) in sorted(self.operations.items()):
            ref = self.reference.get(op_id)
            if ref is None:
                continue
            response = op.get("response")
            if isinstance(response, str) and ref.response is not None:
                kind, _, model = response.partition(":")
                if kind == "model":
                    self.pair(model, ref.response, f"{op_id} response")
                elif kind == "list":
                    self.pair(f"list[{model}]", ref.response, f"{op_id} response")
            body = op.get("body")
            if isinstance(body, list) and ref.body_schema is not None:
                properties: Table = ref.body_schema.get("properties", {})
                for field in body:
                    prop = properties.get(str(field.get("wire")))
                    if isinstance(prop, dict):
                        self.pair(str(field.get("type")), prop, f"{op_id} body.{field.get('wire')}")
        for name in self.models:
            schema_name = SCHEMA_FOR_MODEL.get(name, name)
            if schema_name in self.schemas:
                self.pair(name, {"$ref": f"#/components/schemas/{schema_name}"}, schema_name)
        for name, schema_name in sorted(SCHEMA_FOR_MODEL.items()):
            if name not in self.models or schema_name not in self.schemas:
                self.problems.add(
                    f"SCHEMA_FOR_MODEL[{name!r}]", f"stale: no model {name} or schema {schema_name}"
                )

    def compare_type(self, where: str, spec_type: str, refs: list[tuple[str, RefSchema]]) -> None:
        """The spec type's JSON type (and its items', for lists) against the reference's."""
        is_list = spec_type.startswith("list[") and spec_type.endswith("]")
        expected = "array" if is_list else JSON_TYPES.get(spec_type)
        if expected is None and MODEL_NAME.match(spec_type):
            expected = "object"
        if expected is None:
            return
        typed = [(label, ref) for label, ref in refs if ref.json_type is not None]
        wrong = sorted(
            {f"{ref.json_type} ({label})" for label, ref in typed if ref.json_type != expected}
        )
        if wrong:
            self.problems.add(
                where, f"type {spec_type!r} is JSON {expected}, reference: {', '.join(wrong)}"
            )
            return
        if is_list:
            items = [
                (f"{label}[]", resolve_schema(ref.schema["items"], self.schemas))
                for label, ref in typed
                if isinstance(ref.schema.get("items"), dict)
            ]
            self.compare_type(f"{where}[]", spec_type[5:-1], items)

    def check_model_shapes(self) -> None:
        self.pair_models()
        for name, model in sorted(self.models.items()):
            paired = self.pairs.get(name, {})
            if not paired:
                self.problems.add(f"models:{name}", "no reference schema pairs with this model")
                continue
            for field_name, field in model.get("fields", {}).items():
                where = f"models:{name}.{field_name}"
                refs = [
                    (label, resolve_schema(ref.properties[field_name], self.schemas))
                    for label, ref in sorted(paired.items())
                    if isinstance(ref.properties.get(field_name), dict)
                ]
                if not refs:
                    self.problems.add(where, f"not a property of {', '.join(sorted(paired))}")
                    continue
                self.compare_nullable(where, (name, field_name), field, refs)
                self.compare_type(where, str(field.get("type")), refs)
        paired_schemas = {label for pairs in self.pairs.values() for label in pairs}
        for name in sorted(self.additions_models - paired_schemas - self.body_schemas):
            self.problems.add(
                f"{ADDITIONS_FILE}:{name}", "no spec model stands for this additions model"
            )
        self.check_additions_complete()
        for name, field_name in sorted(NULLABLE_DESPITE_SCHEMA - self.nullable_exceptions_used):
            self.problems.add(
                f"models:{name}.{field_name}", "stale NULLABLE_DESPITE_SCHEMA entry; remove it"
            )

    def check_additions_complete(self) -> None:
        """Every field the additions give a model, or add to one, is in a spec model paired with
        it. (Request bodies are left to `check_body`, which wants every body field already.)"""
        for schema_name, wanted in sorted(self.additions_fields.items()):
            if schema_name in self.body_schemas:
                continue
            models = sorted(name for name, paired in self.pairs.items() if schema_name in paired)
            if not models:
                continue  # a body schema of the reference, or reported as unpaired
            have: set[str] = set()
            for name in models:
                have.update(self.models[name].get("fields", {}))
            for field_name in sorted(wanted - have):
                self.problems.add(
                    f"{ADDITIONS_FILE}:{schema_name}.{field_name}",
                    f"missing from {', '.join(models)}",
                )

    def compare_nullable(
        self, where: str, key: tuple[str, str], field: Table, refs: list[tuple[str, RefSchema]]
    ) -> None:
        # the additions say a field was added, not whether it may be null
        refs = [(label, ref) for label, ref in refs if not ref.schema.get(ADDED_MARK)]
        if not refs:
            return
        expected = any(ref.nullable for _label, ref in refs)
        actual = bool(field.get("nullable"))
        if key in NULLABLE_DESPITE_SCHEMA and actual and not expected:
            self.nullable_exceptions_used.add(key)
            return
        if actual != expected:
            sources = ", ".join(label for label, _ref in refs)
            self.problems.add(
                where, f"nullable should be {str(expected).lower()} (reference: {sources})"
            )

    # -- wrap-up -------------------------------------------------------------

    def check_model_refs(self) -> None:
        for where, name in self.model_refs:
            if name not in self.models:
                self.problems.add(where, f"model {name!r} is not defined")

    def run(self) -> int:
        self.load_models()
        self.load_services()
        self.check_operations()
        self.check_model_refs()
        self.check_model_shapes()
        if self.problems.items:
            print(f"spec has {len(self.problems.items)} problem(s):", file=sys.stderr)
            for item in self.problems.items:
                print(f"  - {item}", file=sys.stderr)
            return 1
        print(
            f"spec OK: {len(self.operations)} operations in {len(self.services)} services, "
            f"{len(self.models)} models ({len(self.pairs)} compared with"
            f" {len({k for p in self.pairs.values() for k in p})} reference schemas)"
        )
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--spec-dir", type=Path, default=DEFAULT_SPEC_DIR)
    parser.add_argument("--reference-dir", type=Path, default=DEFAULT_REFERENCE_DIR)
    args = parser.parse_args(argv)
    return SpecChecker(args.spec_dir, args.reference_dir).run()


if __name__ == "__main__":
    sys.exit(main())
