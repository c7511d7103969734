"""Observability hooks: the records, their order, console output, chaining and broken hooks."""

from __future__ import annotations

import dataclasses
import io
import logging
from typing import Any

import httpx
import pytest
import respx
from core_testkit import TOKEN, RecordingHooks, Runner

from basecamp import Config, NetworkError, NotFoundError
from basecamp._operation import Operation, Param
from basecamp.hooks import (
    BasecampHooks,
    OperationInfo,
    OperationResult,
    RequestInfo,
    RequestResult,
    chain_hooks,
    console_hooks,
)

HOOK_NAMES = {
    "on_operation_start",
    "on_operation_end",
    "on_request_start",
    "on_request_end",
    "on_retry",
    "on_paginate",
}


def test_base_hooks_are_no_ops() -> None:
    hooks = BasecampHooks()
    info = RequestInfo("GET", "https://x", 1)
    op = OperationInfo("raw", "get", "GET /x", False)
    results = [
        hooks.on_operation_start(op),  # type: ignore[func-returns-value]
        hooks.on_operation_end(op, OperationResult(1.0)),  # type: ignore[func-returns-value]
        hooks.on_request_start(info),  # type: ignore[func-returns-value]
        hooks.on_request_end(info, RequestResult(200, 0.1)),  # type: ignore[func-returns-value]
        hooks.on_retry(info, 1, RuntimeError(), 0.5),  # type: ignore[func-returns-value]
        hooks.on_paginate("https://x", 2),  # type: ignore[func-returns-value]
    ]
    assert results == [None] * 6
    # Every hook the clients call has a default, so a subclass overrides only what it needs.
    public = {name for name in vars(BasecampHooks) if name.startswith("on_")}
    assert public == HOOK_NAMES


async def test_base_hooks_leave_a_call_unchanged(
    runner: Runner, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/999/x.json").respond(json={"ok": 1})
    assert await runner.call(runner.account(hooks=BasecampHooks()).get("/x.json")) == {"ok": 1}
    assert caplog.records == []


@pytest.mark.parametrize(
    "record",
    [
        OperationInfo("raw", "get", "GET /x", False),
        OperationResult(1.0),
        RequestInfo("GET", "https://x", 1),
        RequestResult(200, 0.1),
    ],
)
def test_records_are_frozen(record: Any) -> None:
    field = dataclasses.fields(record)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, field, None)


async def test_raw_call_hook_sequence(
    runner: Runner, api: respx.MockRouter, recording_hooks: RecordingHooks
) -> None:
    api.get("/999/projects.json").respond(json=[])
    account = runner.account(hooks=recording_hooks)
    await runner.call(account.get("/projects.json", params={"a": 1}))
    assert recording_hooks.names() == [
        "operation_start",
        "request_start",
        "request_end",
        "operation_end",
    ]
    (op,) = recording_hooks.named("operation_start")
    assert op[0] == OperationInfo("raw", "get", "GET /projects.json", False)
    (start,) = recording_hooks.named("request_start")
    assert start[0] == RequestInfo("GET", "https://3.basecampapi.com/999/projects.json?a=1", 1)
    (end,) = recording_hooks.named("request_end")
    assert end[1].status_code == 200
    assert end[1].error is None
    assert end[1].duration >= 0
    (op_end,) = recording_hooks.named("operation_end")
    assert op_end[1].error is None
    assert op_end[1].duration_ms >= 0


async def test_mutation_flag(
    runner: Runner, api: respx.MockRouter, recording_hooks: RecordingHooks
) -> None:
    api.post("/999/x.json").respond(201, json={})
    await runner.call(runner.account(hooks=recording_hooks).post("/x.json", json={}))
    (op,) = recording_hooks.named("operation_start")
    assert op[0].is_mutation is True
    assert op[0].operation == "post"


async def test_error_response_fills_status_code(
    runner: Runner, api: respx.MockRouter, recording_hooks: RecordingHooks
) -> None:
    api.get("/999/x.json").respond(404, json={"error": "gone"})
    with pytest.raises(NotFoundError):
        await runner.call(runner.account(hooks=recording_hooks).get("/x.json"))
    (end,) = recording_hooks.named("request_end")
    assert end[1].status_code == 404
    assert isinstance(end[1].error, NotFoundError)
    (op_end,) = recording_hooks.named("operation_end")
    assert isinstance(op_end[1].error, NotFoundError)


async def test_network_failure_has_no_status(
    runner: Runner, api: respx.MockRouter, recording_hooks: RecordingHooks
) -> None:
    api.get("/999/x.json").mock(side_effect=httpx.ReadError("boom"))
    config = Config(max_retries=0)
    with pytest.raises(NetworkError):
        await runner.call(runner.account(hooks=recording_hooks, config=config).get("/x.json"))
    (end,) = recording_hooks.named("request_end")
    assert end[1].status_code is None
    assert isinstance(end[1].error, NetworkError)


async def test_operation_records_ids(
    runner: Runner, api: respx.MockRouter, recording_hooks: RecordingHooks
) -> None:
    op = Operation(
        operation_id="GetTodo",
        service="todos",
        method="get",
        http_method="GET",
        path="/{account_id}/buckets/{project_id}/todos/{todo_id}.json",
        params=(
            Param("project_id", "bucketId", "path", True),
            Param("todo_id", "todoId", "path", True),
        ),
        idempotent=True,
        response_kind="object",
    )
    api.get("/999/buckets/5/todos/77.json").respond(json={"id": 77})
    account = runner.account(hooks=recording_hooks)
    await runner.call(account._call(op, {"project_id": 5, "todo_id": 77}))
    (start,) = recording_hooks.named("operation_start")
    assert start[0] == OperationInfo(
        service="todos",
        operation="get",
        operation_id="GetTodo",
        is_mutation=False,
        resource_id="77",
        project_id="5",
    )


async def test_console_hooks_write_to_stderr(
    runner: Runner, api: respx.MockRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    api.get("/999/x.json").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=[1], headers={"Link": ""})]
    )
    config = Config(base_delay=0, max_jitter=0)
    account = runner.account(hooks=console_hooks(), config=config)
    await runner.call(account.get("/x.json"))
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert all(line.startswith("[basecamp] ") for line in lines)
    text = captured.err
    assert "-> raw.get (GET /x.json)" in text
    assert "GET https://3.basecampapi.com/999/x.json -> 503" in text
    assert "retry 1 of GET" in text
    assert "after ApiError" in text
    assert "-> 200" in text
    assert "<- raw.get ok in" in text


def test_console_hooks_custom_stream_and_paginate() -> None:
    stream = io.StringIO()
    hooks = console_hooks(stream)
    hooks.on_paginate("https://x/list?page=2", 2)
    hooks.on_request_end(RequestInfo("GET", "https://x", 1), RequestResult(None, 0.5))
    hooks.on_operation_end(
        OperationInfo("raw", "get", "GET /x", False), OperationResult(2.0, ValueError())
    )
    text = stream.getvalue()
    assert "[basecamp] page 2: https://x/list?page=2" in text
    assert "GET https://x -> - (500.0 ms, attempt 1)" in text
    assert "<- raw.get ValueError in 2.0 ms" in text


def test_chain_hooks_order() -> None:
    log: list[str] = []

    class Named(BasecampHooks):
        def __init__(self, name: str) -> None:
            self.name = name

        def on_operation_start(self, info: OperationInfo) -> None:
            log.append(f"{self.name}.op_start")

        def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
            log.append(f"{self.name}.op_end")

        def on_request_start(self, info: RequestInfo) -> None:
            log.append(f"{self.name}.req_start")

        def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
            log.append(f"{self.name}.req_end")

        def on_retry(self, info: RequestInfo, attempt: int, error: BaseException, d: float) -> None:
            log.append(f"{self.name}.retry")

        def on_paginate(self, url: str, page: int) -> None:
            log.append(f"{self.name}.page")

    hooks = chain_hooks(Named("a"), Named("b"), Named("c"))
    op = OperationInfo("raw", "get", "GET /x", False)
    info = RequestInfo("GET", "https://x", 1)
    hooks.on_operation_start(op)
    hooks.on_request_start(info)
    hooks.on_retry(info, 1, RuntimeError(), 0.0)
    hooks.on_paginate("https://x", 2)
    hooks.on_request_end(info, RequestResult(200, 0.0))
    hooks.on_operation_end(op, OperationResult(0.0))
    assert log == [
        "a.op_start",
        "b.op_start",
        "c.op_start",
        "a.req_start",
        "b.req_start",
        "c.req_start",
        "a.retry",
        "b.retry",
        "c.retry",
        "a.page",
        "b.page",
        "c.page",
        "c.req_end",
        "b.req_end",
        "a.req_end",
        "c.op_end",
        "b.op_end",
        "a.op_end",
    ]


class Exploding(BasecampHooks):
    """Every hook raises, with the token in the message."""

    def _boom(self, *args: Any) -> None:
        raise ValueError(f"hook failure carrying {TOKEN}")

    on_operation_start = on_operation_end = on_request_start = on_request_end = _boom  # type: ignore[assignment]
    on_retry = on_paginate = _boom  # type: ignore[assignment]


def hook_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "basecamp.hooks" and r.levelno == logging.WARNING
    ]


async def test_raising_hook_never_breaks_the_call(
    runner: Runner,
    api: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.get("/999/x.json").mock(
        side_effect=[httpx.Response(500), httpx.Response(200, json={"ok": 1})]
    )
    account = runner.account(hooks=Exploding(), config=Config(base_delay=0, max_jitter=0))
    assert await runner.call(account.get("/x.json")) == {"ok": 1}
    logged = hook_warnings(caplog)
    assert len(logged) == 7  # op start, 2x(req start, end), retry, op end
    assert all(line.startswith("hook Exploding.") for line in logged), logged
    assert all(line.endswith(" raised ValueError; ignored") for line in logged), logged
    assert "hook Exploding._boom raised ValueError; ignored" in logged
    assert all(r.exc_info is None for r in caplog.records)  # no traceback: it holds the text
    assert TOKEN not in caplog.text
    assert capsys.readouterr().err == ""  # reported through logging, not printed


async def test_raising_hook_in_chain_does_not_stop_others(
    runner: Runner,
    api: respx.MockRouter,
    recording_hooks: RecordingHooks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.get("/999/x.json").respond(json={})
    hooks = chain_hooks(Exploding(), recording_hooks)
    await runner.call(runner.account(hooks=hooks).get("/x.json"))
    assert recording_hooks.names() == [
        "operation_start",
        "request_start",
        "request_end",
        "operation_end",
    ]
    assert any("raised ValueError" in line for line in hook_warnings(caplog))


async def test_hooks_property(runner: Runner) -> None:
    hooks = RecordingHooks()
    assert runner.client(hooks=hooks).hooks is hooks
    assert runner.client().hooks is None
