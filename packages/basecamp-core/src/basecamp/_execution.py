"""Running a registry operation, sans I/O: the request from an `Operation` and the caller's
arguments, and the result from the reply.

The generated service methods pass their arguments as one mapping by Python name; the record's
`params` say where each one goes (`Param.location`) and under which name (`Param.wire_name`),
so the mapping from arguments to the wire is written once, in the registry. The shells only send
what `build_request` returns and hand the reply to `decode_result`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ._errors import ApiError, UsageError
from ._request import (
    NO_BODY,
    PreparedBody,
    check_header_value,
    encode_json_body,
    encode_query,
    expand_path,
)
from ._response import expect_list

if TYPE_CHECKING:
    from ._operation import Operation
    from ._reply import Reply
    from .hooks import OperationInfo

__all__ = [
    "OperationRequest",
    "build_request",
    "decode_result",
    "encode_multipart",
    "operation_info",
]

# The wire names of upload inputs (see `Param`): the raw body and its type, or a multipart file
# part `<field>` with its `<field>(filename)` and `<field>(Content-Type)`.
_RAW_BODY = "(body)"
_CONTENT_TYPE = "(Content-Type)"
_FILENAME = "(filename)"
# Quoted multipart parameters are escaped as browsers do (the HTML form-data rules).
_FORM_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}


class OperationRequest(NamedTuple):
    """What to send for one call of an operation (a tuple: built on every call, so cheap)."""

    method: str
    url: str
    params: list[tuple[str, str]]
    body: PreparedBody
    idempotent: bool


def _header_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{name} must be a string.")
    # CR and LF would end the header early; they never belong in a file name or a media type.
    return value.replace("\r", "").replace("\n", "")


def _content(value: object) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise UsageError("content must be bytes.")
    return bytes(value)


def _quoted(name: str, value: str) -> bytes:
    escaped = "".join(_FORM_ESCAPES.get(c, c) for c in value)
    return f'{name}="{escaped}"'.encode()


def encode_multipart(
    fields: Mapping[str, object],
    files: Mapping[str, tuple[str, bytes, str]],
    boundary: str | None = None,
) -> PreparedBody:
    """A `multipart/form-data` body: the text `fields` (`None` dropped), then the `files`
    (`field -> (filename, content, content_type)`).

    Args:
        fields: Form fields by name; values are sent as their `str()`.
        files: File parts by field name.
        boundary: The part separator; random by default (tests pass a fixed one).
    """
    import secrets  # with the first multipart body, not with the client

    mark = (boundary or secrets.token_hex(16)).encode()
    chunks: list[bytes] = []
    for name, value in fields.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        chunks += [b"--", mark, b"\r\nContent-Disposition: form-data; ", _quoted("name", name)]
        chunks += [b"\r\n\r\n", text.encode(), b"\r\n"]
    for name, (filename, content, content_type) in files.items():
        chunks += [b"--", mark, b"\r\nContent-Disposition: form-data; ", _quoted("name", name)]
        chunks += [b"; ", _quoted("filename", filename)]
        chunks += [b"\r\nContent-Type: ", content_type.encode(), b"\r\n\r\n", content, b"\r\n"]
    chunks += [b"--", mark, b"--\r\n"]
    return PreparedBody(b"".join(chunks), f"multipart/form-data; boundary={mark.decode()}")


def _upload_body(op: Operation, body: dict[str, object]) -> PreparedBody:
    """The body of a binary or multipart operation from its inputs by wire name."""
    if op.body_kind == "binary":
        media = body.get(_CONTENT_TYPE)
        media_type = _header_text(media, "content_type") if media is not None else ""
        return PreparedBody(
            _content(body.get(_RAW_BODY)),
            check_header_value("Content-Type", media_type or "application/octet-stream"),
        )
    files: dict[str, tuple[str, bytes, str]] = {}
    taken: set[str] = set()
    for wire in body:
        if wire + _FILENAME in body:  # a file part: its name and type ride beside it
            names = (wire, wire + _FILENAME, wire + _CONTENT_TYPE)
            taken.update(names)
            filename = _header_text(body.get(names[1]), "filename")
            media = _header_text(body.get(names[2]), "content_type")
            files[wire] = (filename, _content(body[wire]), media)
    return encode_multipart({w: v for w, v in body.items() if w not in taken}, files)


def build_request(
    op: Operation,
    args: Mapping[str, object],
    *,
    base_url: str,
    account_id: str,
    json: Mapping[str, object] | None = None,
) -> OperationRequest:
    """The request for one call of `op`.

    Args:
        op: The operation's registry record.
        args: The caller's arguments by Python name (`None` means "not passed"). Each goes
            where its `Param` says: into the path, the query (a list under a `name[]` wire name
            is repeated, else comma-joined), the JSON body, or the upload body.
        base_url: The API origin.
        account_id: The account the path is scoped to.
        json: A JSON body built by the caller, by wire name (a merge-safe update's full
            record); it replaces the body fields of `args`.

    Raises:
        UsageError: A path value is missing or empty, a value has no wire form, or an upload
            input has the wrong type.
    """
    path: dict[str, object] = {"account_id": account_id}
    query: dict[str, object] = {}
    body: dict[str, object] = {}
    kind = op.body_kind
    for param in op.params:
        value = args.get(param.name)
        location = param.location
        if location == "path":
            path[param.name] = value
        elif location == "query":
            if value is not None:
                query[param.wire_name] = value
        elif value is not None or kind != "json":
            body[param.wire_name] = value
    url = base_url + expand_path(op.path, path)
    if kind == "json":
        prepared = encode_json_body(body if json is None else json)
    elif kind == "none":
        prepared = encode_json_body(json) if json is not None else NO_BODY
    else:
        prepared = _upload_body(op, body)
    return OperationRequest(
        op.http_method, url, encode_query(query) if query else [], prepared, op.idempotent
    )


def operation_info(op: Operation, args: Mapping[str, object]) -> OperationInfo:
    """What the hooks are told about a call of `op`: the operation, and the ids it touches."""
    from .hooks import OperationInfo  # with the first hook, not with the client

    names = op.path_params
    project = args.get("project_id") if "project_id" in names else None
    resource = next(
        (str(args[n]) for n in reversed(names) if n != "project_id" and args.get(n) is not None),
        None,
    )
    return OperationInfo(
        service=op.service,
        operation=op.method,
        operation_id=op.operation_id,
        is_mutation=op.is_mutation,
        resource_id=resource,
        project_id=str(project) if project is not None else None,
    )


def decode_result(op: Operation, reply: Reply) -> Any:
    """What a generated service method returns for `reply`, by the operation's response kind.

    Raises:
        ApiError: The body is not the JSON shape the operation answers with.
    """
    kind = op.response_kind
    if kind == "none":
        return None
    if kind == "binary":
        return reply.body
    decoded = reply.json()
    if kind == "list":
        return expect_list(decoded, op.operation_id, key=op.items_key)
    if not isinstance(decoded, dict):
        raise ApiError(f"Expected {op.operation_id} to return a JSON object.")
    return decoded
