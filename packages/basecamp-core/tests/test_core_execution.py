"""The pure operation runner (`basecamp._execution`) and the hook reporter (`basecamp._report`):
requests built from registry records, results decoded by response kind, no HTTP at all."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from basecamp import ApiError, UsageError
from basecamp._execution import build_request, decode_result, encode_multipart, operation_info
from basecamp._operation import Operation, Param
from basecamp._reply import Reply
from basecamp._report import NO_REPORT, report
from basecamp.hooks import BasecampHooks, OperationInfo, OperationResult

BASE = "https://3.basecampapi.com"

CREATE = Operation(
    operation_id="CreateThing",
    service="things",
    method="create",
    http_method="POST",
    path="/{account_id}/buckets/{project_id}/lists/{list_id}/things.json",
    params=(
        Param("project_id", "bucketId", "path", True),
        Param("list_id", "listId", "path", True),
        Param("assignee_ids", "assignee_ids[]", "query", False),
        Param("tags", "tags", "query", False),
        Param("notify", "notify", "query", False),
        Param("content", "content", "body", True),
        Param("due_on", "dueOn", "body", False),
        Param("count", "count", "body", False),
    ),
    body_kind="json",
    response_kind="object",
)
BINARY = Operation(
    operation_id="CreateAttachment",
    service="attachments",
    method="create",
    http_method="POST",
    path="/{account_id}/attachments.json",
    params=(
        Param("name", "name", "query", True),
        Param("content", "(body)", "body", True),
        Param("content_type", "(Content-Type)", "body", True),
    ),
    body_kind="binary",
)
MULTIPART = Operation(
    operation_id="UpdateLogo",
    service="account",
    method="update_logo",
    http_method="PUT",
    path="/{account_id}/account/logo.json",
    params=(
        Param("caption", "caption", "body", False),
        Param("content", "logo", "body", True),
        Param("filename", "logo(filename)", "body", True),
        Param("content_type", "logo(Content-Type)", "body", True),
    ),
    idempotent=True,
    body_kind="multipart",
    response_kind="none",
)


def _build(op: Operation, args: dict[str, object], **kwargs: Any) -> Any:
    return build_request(op, args, base_url=BASE, account_id="999", **kwargs)


def test_each_argument_goes_where_its_param_says() -> None:
    request = _build(
        CREATE,
        {
            "project_id": 5,
            "list_id": "a/b",
            "assignee_ids": [1, 2],  # `[]` wire name: one pair per item
            "tags": ["x", "y"],  # plain wire name: comma-joined
            "notify": True,
            "content": "Ship it",
            "due_on": None,  # not passed: not sent
            "count": 0,  # falsy but passed: sent
        },
    )
    assert request.method == "POST"
    assert request.url == f"{BASE}/999/buckets/5/lists/a%2Fb/things.json"
    assert request.params == [
        ("assignee_ids[]", "1"),
        ("assignee_ids[]", "2"),
        ("tags", "x,y"),
        ("notify", "true"),
    ]
    assert request.body.content_type == "application/json"
    assert json.loads(request.body.content or b"") == {"content": "Ship it", "count": 0}
    assert request.idempotent is False


def test_wire_names_are_used_for_the_body() -> None:
    request = _build(
        CREATE, {"project_id": 1, "list_id": 2, "content": "c", "due_on": "2025-01-31"}
    )
    assert json.loads(request.body.content or b"") == {"content": "c", "dueOn": "2025-01-31"}
    assert request.params == []


def test_a_json_operation_with_nothing_passed_sends_an_empty_object() -> None:
    request = _build(CREATE, {"project_id": 1, "list_id": 2})
    assert request.body.content == b"{}"


def test_a_prebuilt_json_body_replaces_the_body_arguments() -> None:
    request = _build(
        CREATE, {"project_id": 1, "list_id": 2, "content": "ignored"}, json={"content": "kept"}
    )
    assert json.loads(request.body.content or b"") == {"content": "kept"}


@pytest.mark.parametrize("missing", [{}, {"project_id": 1}, {"project_id": 1, "list_id": ""}])
def test_missing_path_values_are_usage_errors(missing: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        _build(CREATE, missing)


def test_binary_upload_body_and_type() -> None:
    request = _build(
        BINARY, {"name": "a.png", "content": b"\x00\xff", "content_type": "image/png\r\nX-Evil: 1"}
    )
    assert request.params == [("name", "a.png")]
    assert request.body.content == b"\x00\xff"
    assert request.body.content_type == "image/pngX-Evil: 1"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"name": "a", "content": "text", "content_type": "text/plain"}, "content must be bytes"),
        ({"name": "a", "content": b"x", "content_type": "t\u00e9xt/plain"}, "ASCII"),
        ({"name": "a", "content": b"x", "content_type": 5}, "content_type must be a string"),
    ],
)
def test_binary_upload_refuses_bad_inputs(args: dict[str, object], error: str) -> None:
    with pytest.raises(UsageError, match=error):
        _build(BINARY, args)


def test_binary_upload_without_a_type_is_octet_stream() -> None:
    request = _build(BINARY, {"name": "a", "content": bytearray(b"x"), "content_type": ""})
    assert request.body.content_type == "application/octet-stream"
    assert request.body.content == b"x"


def test_multipart_upload_matches_what_httpx_encodes() -> None:
    fields = {"caption": 'say "hi"\\', "skip": None, "n": 3}
    files = {"logo": ('lo"go\x01.png', b"\r\n--PNG--\r\n", "image/png")}
    ours = encode_multipart(fields, files, boundary="b0undary")
    theirs = httpx.Request(
        "POST",
        "http://x.invalid/",
        data={"caption": 'say "hi"\\', "n": "3"},
        files=files,
        headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
    )
    assert ours.content == theirs.read()
    assert ours.content_type == "multipart/form-data; boundary=b0undary"


def test_multipart_upload_from_the_record() -> None:
    request = _build(
        MULTIPART,
        {"content": b"PNG", "filename": "lo\r\ngo.png", "content_type": "image/png\n"},
    )
    body = request.body.content or b""
    assert request.method == "PUT"
    assert request.idempotent is True
    assert (request.body.content_type or "").startswith("multipart/form-data; boundary=")
    assert b'name="logo"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n' in body
    assert b"caption" not in body  # not passed


def test_multipart_boundaries_differ() -> None:
    args = {"content": b"x", "filename": "f", "content_type": "t/p"}
    assert _build(MULTIPART, args).body.content_type != _build(MULTIPART, args).body.content_type


def test_operation_info_names_the_ids() -> None:
    info = operation_info(CREATE, {"project_id": 5, "list_id": 7, "content": "x"})
    assert info == OperationInfo("things", "create", "CreateThing", True, "7", "5")
    assert operation_info(BINARY, {"project_id": 5}).project_id is None  # not a path param


def _reply(body: bytes, content_type: str | None = "application/json") -> Reply:
    headers = httpx.Headers({"content-type": content_type} if content_type else {})
    return Reply(200, headers, body, f"{BASE}/999/x.json")


@pytest.mark.parametrize(
    ("kind", "body", "expected"),
    [
        ("none", b"whatever", None),
        ("binary", b"\x00raw", b"\x00raw"),
        ("object", b'{"a": 1}', {"a": 1}),
        ("model", b'{"id": 2}', {"id": 2}),
        ("list", b"[1, 2]", [1, 2]),
    ],
)
def test_results_are_decoded_by_response_kind(kind: Any, body: bytes, expected: object) -> None:
    op = Operation("Op", "s", "m", "GET", "/{account_id}/x.json", response_kind=kind)
    assert decode_result(op, _reply(body)) == expected


def test_list_results_with_an_items_key() -> None:
    op = Operation("Op", "s", "m", "GET", "/x", response_kind="list", items_key="events")
    assert decode_result(op, _reply(b'{"events": [1]}')) == [1]


@pytest.mark.parametrize(("kind", "body"), [("object", b"[1]"), ("list", b'{"a": 1}')])
def test_the_wrong_json_shape_is_an_api_error(kind: Any, body: bytes) -> None:
    op = Operation("Op", "s", "m", "GET", "/x", response_kind=kind)
    with pytest.raises(ApiError):
        decode_result(op, _reply(body))


# -- the hook reporter ------------------------------------------------------------------------


class Recorder(BasecampHooks):
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def on_operation_start(self, info: OperationInfo) -> None:
        self.calls.append(("start", info))

    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        self.calls.append(("end", result.error))


INFO = OperationInfo("s", "m", "Op", False)


def test_no_hooks_means_no_report() -> None:
    assert report(None, INFO) is NO_REPORT
    assert report(Recorder(), None) is NO_REPORT
    with NO_REPORT:
        pass


def test_report_start_and_end_with_the_error() -> None:
    hooks = Recorder()
    with report(hooks, INFO):
        pass
    boom = ValueError("boom")
    with pytest.raises(ValueError), report(hooks, INFO):
        raise boom
    assert hooks.calls == [("start", INFO), ("end", None), ("start", INFO), ("end", boom)]


def test_a_generator_closed_early_is_no_error() -> None:
    hooks = Recorder()

    def walk() -> Any:
        with report(hooks, INFO):
            yield 1
            yield 2

    pages = walk()
    next(pages)
    pages.close()
    assert hooks.calls == [("start", INFO), ("end", None)]


async def test_report_works_with_async_with() -> None:
    hooks = Recorder()
    async with report(hooks, INFO):
        pass
    assert hooks.calls == [("start", INFO), ("end", None)]


def test_a_raising_hook_never_breaks_the_operation() -> None:
    class Broken(BasecampHooks):
        def on_operation_start(self, info: OperationInfo) -> None:
            raise RuntimeError("hook bug")

    with report(Broken(), INFO):
        value = 1
    assert value == 1
