"""WebhookReceiver: configuration, verification, routing, middleware and results."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest

from basecamp.webhooks import (
    DeliveryStatus,
    NextFn,
    WebhookConfigurationError,
    WebhookError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookReceiver,
    WebhookResult,
    WebhookSignatureError,
    WebhookVerificationError,
    compute_signature,
)

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]

# -- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, ""])
def test_receiver_without_secret_is_refused(secret: str | None) -> None:
    with pytest.raises(WebhookConfigurationError, match="insecure_skip_verification"):
        WebhookReceiver(secret=secret)
    assert issubclass(WebhookConfigurationError, ValueError)


@pytest.mark.parametrize("secret", [None, ""])
def test_receiver_insecure_opt_out(secret: str | None, make_body: BodyFactory) -> None:
    receiver = WebhookReceiver(secret=secret, insecure_skip_verification=True)
    assert receiver.insecure_skip_verification is True
    assert "insecure_skip_verification=True" in repr(receiver)
    result = receiver.handle_request(make_body(), {})
    assert result.handled


def test_receiver_secret_and_opt_out_together_is_refused() -> None:
    with pytest.raises(WebhookConfigurationError, match="not both"):
        WebhookReceiver(secret="s", insecure_skip_verification=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dedup_window_size": -1},
        {"dedup_window_size": True},
        {"dedup_window_size": 1.5},
        {"signature_header": ""},
        {"signature_header": "  "},
        {"insecure_skip_verification": 1},
    ],
)
def test_receiver_invalid_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(WebhookConfigurationError):
        WebhookReceiver(secret="s", **kwargs)  # type: ignore[arg-type]


def test_receiver_rejects_non_str_and_unencodable_secret() -> None:
    with pytest.raises(WebhookConfigurationError):
        WebhookReceiver(secret=b"bytes")  # type: ignore[arg-type]
    with pytest.raises(WebhookConfigurationError) as info:
        WebhookReceiver(secret="\ud800-secret")
    assert "\ud800-secret" not in str(info.value)


def test_repr_never_shows_the_secret() -> None:
    receiver = WebhookReceiver(secret="super-secret-value", dedup_window_size=5)
    text = repr(receiver)
    assert "super-secret-value" not in text
    assert "dedup_window_size=5" in text
    assert "super-secret-value" not in repr(receiver.asgi_app())
    assert "super-secret-value" not in repr(receiver.wsgi_app())


def test_properties() -> None:
    receiver = WebhookReceiver(secret="s", signature_header=" X-Sig ", dedup_window_size=3)
    assert receiver.signature_header == "X-Sig"
    assert receiver.dedup_window_size == 3
    assert receiver.insecure_skip_verification is False


# -- verification -----------------------------------------------------------------------------


def test_missing_signature(receiver: WebhookReceiver, make_body: BodyFactory) -> None:
    with pytest.raises(WebhookSignatureError, match="missing X-Basecamp-Signature"):
        receiver.handle_request(make_body(), {})
    with pytest.raises(WebhookSignatureError):
        receiver.handle_request(make_body(), {"X-Basecamp-Signature": "   "})


def test_wrong_signature_message_hides_secret_and_signature(
    receiver: WebhookReceiver, make_body: BodyFactory, secret: str
) -> None:
    body = make_body()
    bad = compute_signature(body, "other-secret")
    with pytest.raises(WebhookSignatureError) as info:
        receiver.handle_request(body, {"X-Basecamp-Signature": bad})
    message = str(info.value) + repr(info.value)
    assert secret not in message
    assert bad not in message
    assert compute_signature(body, secret) not in message


@pytest.mark.parametrize(
    "name",
    [
        "X-Basecamp-Signature",
        "x-basecamp-signature",
        "X-BASECAMP-SIGNATURE",
        "x-BaseCamp-signature",
    ],
)
def test_header_lookup_is_case_insensitive(
    name: str, receiver: WebhookReceiver, make_body: BodyFactory, secret: str
) -> None:
    body = make_body()
    result = receiver.handle_request(body, {"Other": "x", name: compute_signature(body, secret)})
    assert result.handled


def test_custom_signature_header(make_body: BodyFactory, secret: str) -> None:
    receiver = WebhookReceiver(secret=secret, signature_header="X-Custom-Sig")
    body = make_body()
    with pytest.raises(WebhookSignatureError, match="X-Custom-Sig"):
        receiver.handle_request(body, {"X-Basecamp-Signature": compute_signature(body, secret)})
    assert receiver.handle_request(body, {"x-custom-sig": compute_signature(body, secret)}).handled


def test_signature_value_whitespace_is_tolerated(
    receiver: WebhookReceiver, make_body: BodyFactory, secret: str
) -> None:
    body = make_body()
    sig = compute_signature(body, secret)
    assert receiver.handle_request(body, {"X-Basecamp-Signature": f" {sig}\t"}).handled


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00garbage",  # not decodable
        b"[1, 2]",
        b'"string"',
        b"null",
        b"42",
        b"[" * 100_000,  # recursion
        b"1" * 5000,  # int digit limit
        b'{"kind": 5}',
        b'{"id": 1}',
        b'{"kind": "todo_created", "id": {}}',
    ],
)
def test_malformed_bodies_raise_payload_error(
    body: bytes, receiver: WebhookReceiver, sign: HeaderFactory
) -> None:
    with pytest.raises(WebhookPayloadError) as info:
        receiver.handle_request(body, sign(body))
    assert isinstance(info.value, WebhookVerificationError)


def test_body_must_be_bytes(receiver: WebhookReceiver) -> None:
    with pytest.raises(TypeError, match="bytes"):
        receiver.handle_request("text", {})  # type: ignore[arg-type]


def test_bytearray_and_memoryview_bodies(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    body = make_body(id=1)
    assert receiver.handle_request(bytearray(body), sign(body)).handled  # type: ignore[arg-type]
    body = make_body(id=2)
    assert receiver.handle_request(memoryview(body), sign(body)).handled  # type: ignore[arg-type]


def test_parse_request_does_not_dispatch_or_dedup(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    calls: list[WebhookEvent] = []
    receiver.on_any(calls.append)
    body = make_body(id=5)
    event = receiver.parse_request(body, sign(body))
    assert event.id == 5
    assert event.raw == json.loads(body)
    assert calls == []
    assert not receiver.has_seen(5)


# -- routing ----------------------------------------------------------------------------------


def _recorder(log: list[str], name: str) -> Callable[[WebhookEvent], None]:
    def handler(event: WebhookEvent) -> None:
        log.append(name)

    handler.__qualname__ = name
    return handler


def test_routing_order_exact_and_glob_in_registration_order_then_on_any(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []
    returned = (
        receiver.on_any(_recorder(log, "any1"))
        .on("todo_*", _recorder(log, "glob-todo"))
        .on("todo_created", _recorder(log, "exact"))
        .on("message_created", _recorder(log, "other"))
        .on("*_created", _recorder(log, "glob-created"))
        .on("*", _recorder(log, "star"))
        .on_any(_recorder(log, "any2"))
    )
    assert returned is receiver
    body = make_body(kind="todo_created")
    result = receiver.handle_request(body, sign(body))
    expected = ["glob-todo", "exact", "glob-created", "star", "any1", "any2"]
    assert log == expected
    assert result.handler_names == tuple(expected)
    assert [h.__qualname__ for h in result.handlers_run] == expected


def test_glob_semantics(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []
    receiver.on("todo_*", _recorder(log, "todo_*"))
    receiver.on("todo?created", _recorder(log, "question-mark-is-literal"))
    receiver.on("todo[_]created", _recorder(log, "brackets-are-literal"))
    receiver.on("todo.created", _recorder(log, "dot-is-literal"))
    receiver.on("*list*", _recorder(log, "*list*"))
    for kind in ["todo_created", "todolist_created", "todo", "xtodo_created"]:
        body = make_body(kind=kind, id=...)
        receiver.handle_request(body, sign(body))
    assert log == ["todo_*", "*list*"]


def test_same_handler_registered_twice_runs_twice(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []
    handler = _recorder(log, "h")
    receiver.on("todo_created", handler).on("todo_*", handler)
    body = make_body()
    assert receiver.handle_request(body, sign(body)).handlers_run == (handler, handler)


def test_no_matching_handler_is_still_handled(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    receiver.on("message_created", _recorder([], "x"))
    body = make_body()
    result = receiver.handle_request(body, sign(body))
    assert result.status is DeliveryStatus.HANDLED
    assert result.handlers_run == ()
    assert result.stopped_by_middleware is False


def test_registration_validation(receiver: WebhookReceiver) -> None:
    with pytest.raises(WebhookConfigurationError):
        receiver.on("", print)
    with pytest.raises(TypeError):
        receiver.on("x", "not callable")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        receiver.on_any(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        receiver.use(3)  # type: ignore[arg-type]


def test_handler_exception_stops_later_handlers_and_propagates(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    def boom(event: WebhookEvent) -> None:
        raise RuntimeError("boom")

    receiver.on_any(_recorder(log, "first")).on_any(boom).on_any(_recorder(log, "never"))
    body = make_body()
    with pytest.raises(RuntimeError, match="boom"):
        receiver.handle_request(body, sign(body))
    assert log == ["first"]


# -- middleware -------------------------------------------------------------------------------


def test_middleware_order_first_registered_is_outermost(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    def make_mw(name: str) -> Callable[[WebhookEvent, NextFn], None]:
        def mw(event: WebhookEvent, next_fn: NextFn) -> None:
            log.append(f"{name}:before")
            next_fn()
            log.append(f"{name}:after")

        return mw

    assert receiver.use(make_mw("outer")).use(make_mw("inner")) is receiver
    receiver.on_any(_recorder(log, "handler"))
    body = make_body()
    result = receiver.handle_request(body, sign(body))
    assert log == ["outer:before", "inner:before", "handler", "inner:after", "outer:after"]
    assert result.stopped_by_middleware is False


def test_middleware_that_does_not_call_next_stops_dispatch(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    def gate(event: WebhookEvent, next_fn: NextFn) -> None:
        if event.kind != "todo_created":
            next_fn()

    def inner(event: WebhookEvent, next_fn: NextFn) -> None:
        log.append("inner")
        next_fn()

    receiver.use(gate).use(inner).on_any(_recorder(log, "handler"))
    body = make_body(kind="todo_created", id=1)
    result = receiver.handle_request(body, sign(body))
    assert log == []
    assert result.handled
    assert result.stopped_by_middleware
    assert result.handlers_run == ()
    assert receiver.has_seen(1)  # a deliberate stop still counts as handled

    body = make_body(kind="todo_completed", id=2)
    result = receiver.handle_request(body, sign(body))
    assert log == ["inner", "handler"]
    assert not result.stopped_by_middleware


def test_middleware_sees_handler_exceptions(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    seen: list[BaseException] = []

    def catcher(event: WebhookEvent, next_fn: NextFn) -> None:
        try:
            next_fn()
        except RuntimeError as exc:
            seen.append(exc)
            raise

    def boom(event: WebhookEvent) -> None:
        raise RuntimeError("boom")

    receiver.use(catcher).on_any(boom)
    body = make_body()
    with pytest.raises(RuntimeError):
        receiver.handle_request(body, sign(body))
    assert len(seen) == 1


def test_next_fn_called_twice_is_an_error(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    def twice(event: WebhookEvent, next_fn: NextFn) -> None:
        next_fn()
        next_fn()

    receiver.use(twice)
    body = make_body()
    with pytest.raises(WebhookError, match="more than once"):
        receiver.handle_request(body, sign(body))


# -- result -----------------------------------------------------------------------------------


def test_result_is_frozen_dataclass(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    body = make_body()
    result = receiver.handle_request(body, sign(body))
    assert isinstance(result, WebhookResult)
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = DeliveryStatus.DUPLICATE  # type: ignore[misc]
    assert result.event.kind == "todo_created"
    assert result.handled
    assert not result.duplicate
    assert result.status == "handled"
    again = receiver.handle_request(body, sign(body))
    assert again.duplicate
    assert not again.handled
    assert again.status == "duplicate"
    assert again.handlers_run == ()
