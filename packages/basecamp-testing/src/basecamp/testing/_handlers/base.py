"""What every resource area is made of: the parsed `Request`, `Area`, and response helpers.

A handler is a plain function `(store, request) -> FakeResponse`. It is called holding the
store's lock, after the pipeline has checked, in the API's order: the JSON body parses (400),
the records the path names exist with the right model (404), the required body fields are
present and not blank (422). It raises `HttpError` (`invalid(...)`, `not_found()`) for any
other error answer.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from basecamp import Operation

from .._http import FakeResponse, HttpError, invalid, json_response
from .._store import Kind, Record, Store

__all__ = [
    "Area",
    "FieldErrors",
    "Handler",
    "PathCheck",
    "Registry",
    "Request",
    "generic",
    "generic_record",
    "get_record",
    "is_recording",
    "no_content",
    "ok",
    "page",
    "status_filter",
]


@dataclass(slots=True)
class Request:
    """A request routed to an operation, its path ids checked and its JSON body parsed.

    Attributes:
        op: The registry operation it matched.
        ids: The path values (`account_id` left out), ints where they are digits.
        query: The query parameters, in order.
        body: The decoded JSON body (`{}` when there is none, or it is not JSON).
        raw: The raw body (an attachment's bytes).
        content_type: The request's `Content-Type`.
        origin: The origin the request was sent to (`Link` headers use it).
        path: The URL path.
    """

    op: Operation
    ids: dict[str, Any]
    query: list[tuple[str, str]]
    body: dict[str, Any]
    raw: bytes
    content_type: str
    origin: str
    path: str

    def q(self, name: str) -> str | None:
        """The first value of query parameter `name`, or `None`."""
        return next((v for k, v in self.query if k == name), None)


Handler = Callable[[Store, Request], FakeResponse]
PathCheck = Callable[[Record], bool]
"""Whether a record found for a path parameter is one the operation takes (else 404)."""
FieldErrors = Callable[[dict[str, list[str]]], HttpError]
"""Turns field errors into the error answer (`invalid`'s 422, or `bad_fields`' bare 400)."""


@dataclass(frozen=True, slots=True)
class Area:
    """One resource area of the fake: its stateful models and the operations it answers.

    Attributes:
        name: A short name (`todos`), for error messages.
        kinds: The models it stores. Each kind's reader (`GetTodo`) is answered from the store
            unless `handlers` has its own.
        handlers: Operation id to handler.
        path_params: Other path parameters that name a record: parameter to model, or `None`
            for a record of any model (`recording_id`).
        field_errors: How its operations answer field errors, the pipeline's blank required
            fields included (default: the 422 of `invalid`).
        path_checks: Operation id to {path parameter: `PathCheck`}, for a parameter that names
            a record of any model (`recording_id`) where the operation takes only some: a
            record it does not take answers 404, before any field error.
    """

    name: str
    kinds: tuple[Kind, ...] = ()
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    path_params: Mapping[str, str | None] = field(default_factory=dict)
    field_errors: FieldErrors = invalid
    path_checks: Mapping[str, Mapping[str, PathCheck]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Registry:
    """Every area merged: what the pipeline and the store look things up in.

    Attributes:
        kinds: The stateful models by name.
        handlers: Operation id to handler; an operation not here gets `generic`.
        path_kinds: Path parameter to the model it names (`None`: any record).
        field_errors: Operation id to its field-error answer, where it is not `invalid`.
        path_checks: Operation id to its path parameters' `PathCheck`s, where it has any.
    """

    kinds: Mapping[str, Kind]
    handlers: Mapping[str, Handler]
    path_kinds: Mapping[str, str | None]
    field_errors: Mapping[str, FieldErrors] = field(default_factory=dict)
    path_checks: Mapping[str, Mapping[str, PathCheck]] = field(default_factory=dict)

    @classmethod
    def build(cls, areas: tuple[Area, ...], operations: Mapping[str, Operation]) -> Registry:
        """Merge `areas`; raises `ValueError` on a clash or an operation the registry lacks."""
        kinds: dict[str, Kind] = {}
        handlers: dict[str, Handler] = {}
        path_kinds: dict[str, str | None] = {}
        field_errors: dict[str, FieldErrors] = {}
        path_checks: dict[str, Mapping[str, PathCheck]] = {}
        owner: dict[str, str] = {}

        def claim(op_id: str, handler: Handler, area: Area) -> None:
            if op_id not in operations:
                raise ValueError(f"area {area.name!r} handles unknown operation {op_id!r}")
            if op_id in owner and owner[op_id] != area.name:
                raise ValueError(f"{op_id} is handled by both {owner[op_id]!r} and {area.name!r}")
            owner[op_id] = area.name
            handlers[op_id] = handler
            if area.field_errors is not invalid:
                field_errors[op_id] = area.field_errors

        for area in areas:
            for kind in area.kinds:
                if kind.name in kinds:
                    raise ValueError(f"model {kind.name!r} is declared twice")
                kinds[kind.name] = kind
                path_kinds[kind.id_param] = kind.name
                if kind.reader not in area.handlers:
                    claim(kind.reader, get_record, area)
            for op_id, handler in area.handlers.items():
                claim(op_id, handler, area)
            path_kinds.update(area.path_params)
            for op_id, checks in area.path_checks.items():
                if owner.get(op_id) != area.name:
                    raise ValueError(f"area {area.name!r} checks {op_id!r}, not its own")
                path_checks[op_id] = checks
        return cls(kinds, handlers, path_kinds, field_errors, path_checks)

    def handler(self, operation_id: str) -> Handler:
        """The handler of an operation (`generic` for one no area models)."""
        return self.handlers.get(operation_id, generic)

    def invalid(self, operation_id: str, errors: dict[str, list[str]]) -> HttpError:
        """The error answer of an operation for these field errors."""
        return self.field_errors.get(operation_id, invalid)(errors)


# -- responses --------------------------------------------------------------------------------


def ok(payload: object, status: int = 200) -> FakeResponse:
    """A JSON answer."""
    return json_response(status, payload)


def no_content() -> FakeResponse:
    """A 204."""
    return FakeResponse(204)


def is_recording(rec: Record) -> bool:
    """Whether `rec` is a recording: an item in a project's `bucket`, not a person, a ping, a
    project, a boost or a webhook."""
    return isinstance(rec.data.get("bucket"), dict)


def status_filter(request: Request) -> str:
    """The `status` query filter of a list (`active` unless `archived` or `trashed`)."""
    status = request.q("status") or "active"
    return status if status in ("active", "archived", "trashed") else "active"


def page(store: Store, request: Request, items: list[dict[str, Any]]) -> FakeResponse:
    """One page of `items`, with `Link` and `X-Total-Count` (all of them if not paginated)."""
    op = request.op
    if not op.paginated:
        return ok(items)
    page_text = request.q("page") or "1"
    number = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    size = store.page_size
    chunk = items[(number - 1) * size : number * size]
    headers = [("X-Total-Count", str(len(items)))]
    if number * size < len(items):
        query = [(k, v) for k, v in request.query if k != "page"] + [("page", str(number + 1))]
        link = f"{request.origin}{request.path}?{urlencode(query)}"
        headers.append(("Link", f'<{link}>; rel="next"'))
    if op.items_key:
        record = generic_record(store, request, 0)
        record[op.items_key] = chunk
        return json_response(200, record, headers)
    return json_response(200, chunk, headers)


# -- the answers of operations no area models ------------------------------------------------


def get_record(store: Store, request: Request) -> FakeResponse:
    """A kind's reader: the record the last path id names (already checked to exist)."""
    record_id = list(request.ids.values())[-1]
    return ok(store.render(store.get(record_id)))


def generic_record(
    store: Store, request: Request, index: int, model: str | None = None
) -> dict[str, Any]:
    """A deterministic record of the operation's response model (or `model`)."""
    op = request.op
    model = model or op.response_model
    if model is None:
        return {}
    numeric = [v for v in request.ids.values() if isinstance(v, int)]
    if op.response_kind == "list" or op.paginated:
        record_id = zlib.crc32(op.operation_id.encode()) % 100_000 * 10 + 500_000_000 + index
    elif op.http_method == "POST":
        record_id = store.next_id()
    else:
        record_id = numeric[-1] if numeric else 1
    record = store.factory.build(model, record_id)
    project_id = request.ids.get("project_id")
    if "bucket" in record and isinstance(project_id, int) and project_id in store.records:
        record["bucket"] = store.bucket(project_id)
    if isinstance(record.get("creator"), dict) and "email_address" in record["creator"]:
        record["creator"] = store.person()
    for key, value in request.body.items():
        # Echo what was written, as the API does, for scalar keys of the model's own type.
        if key != "id" and store.factory.accepts(model, key, value):
            record[key] = value
    return record


def generic(store: Store, request: Request) -> FakeResponse:
    """The answer of an operation no area models: a well-formed record of its response model."""
    op = request.op
    if op.response_kind == "none":
        return no_content()
    if op.response_kind == "binary":
        return FakeResponse(200, [("Content-Type", "application/octet-stream")], b"fake-bytes")
    if op.response_kind == "object":
        return ok({})
    if op.response_kind == "list" or op.paginated:
        # A page object's items are of its `items_key` field's model, not of the page's.
        item_model = None
        if op.items_key and op.response_model:
            item_model = store.factory.item_model(op.response_model, op.items_key)
        items = [generic_record(store, request, i, item_model) for i in range(2)]
        return page(store, request, items)
    if op.http_method == "GET" and request.ids:
        last = list(request.ids.values())[-1]
        rec = store.records.get(last) if isinstance(last, int) else None
        if rec is not None and rec.kind == op.response_model:
            return ok(store.render(rec))
    status = 201 if op.http_method == "POST" else 200
    return ok(generic_record(store, request, 0), status)
