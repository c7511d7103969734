"""The token endpoint rules, sans I/O: one table for core's provider and basecamp.oauth."""

from __future__ import annotations

import json

import pytest

from basecamp import ApiError, AuthError, UsageError
from basecamp._token_endpoint import (
    MAX_EXPIRES_IN,
    PollSignal,
    TokenFailure,
    TokenGrant,
    code_form,
    legacy_format,
    lifetime,
    read_device_poll,
    read_token_response,
    refresh_form,
    refuse_unread,
    resource_values,
)

NOW = 1_700_000_000.0


def _body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, _body(error="authorization_pending"), PollSignal.PENDING),
        (400, _body(error="slow_down"), PollSignal.SLOW_DOWN),
        (429, b"", PollSignal.SLOW_DOWN),
        (429, _body(error="authorization_pending"), PollSignal.SLOW_DOWN),
        (400, _body(error="access_denied"), "denied"),
        (400, _body(error="expired_token"), "expired"),
        (400, _body(error="invalid_grant"), "rejected"),
        (401, b"", "rejected"),
        (400, _body(error="invalid_request"), "failed"),
        # A 5xx is a failure at once, whatever OAuth error its body names.
        (503, _body(error="authorization_pending"), "failed"),
        (500, _body(error="slow_down"), "failed"),
        (502, b"<html>", "failed"),
    ],
)
def test_device_poll_table(status: int, body: bytes, expected: object) -> None:
    outcome = read_device_poll(status, body)
    if isinstance(expected, PollSignal):
        assert outcome is expected
    else:
        assert isinstance(outcome, TokenFailure)
        assert outcome.kind == expected
        assert outcome.http_status == status
        assert outcome.retryable is (status >= 500)


def test_device_poll_grant() -> None:
    outcome = read_device_poll(200, _body(access_token="a", expires_in=10), now=NOW)
    assert isinstance(outcome, TokenGrant)
    assert (outcome.access_token, outcome.expires_at, outcome.expires_in) == ("a", NOW + 10, 10)


def test_one_lifetime_rule() -> None:
    assert MAX_EXPIRES_IN == 100 * 365.25 * 24 * 3600
    assert lifetime(MAX_EXPIRES_IN) == MAX_EXPIRES_IN
    for unusable in (MAX_EXPIRES_IN + 1, 0, -1, True, "60", float("nan"), 10**400):
        assert lifetime(unusable) is None


def test_failures_become_core_errors() -> None:
    rejected = read_token_response(400, _body(error="invalid_grant"))
    failed = read_token_response(503, b"")
    assert isinstance(rejected, TokenFailure) and isinstance(failed, TokenFailure)
    assert type(rejected.to_error()) is AuthError
    error = failed.to_error()
    assert type(error) is ApiError and error.retryable and error.http_status == 503


def test_secrets_are_never_named() -> None:
    outcome = read_token_response(400, _body(error="s3cret"), secrets=("s3cret",))
    assert isinstance(outcome, TokenFailure)
    assert outcome.error_code is None and "s3cret" not in outcome.message


@pytest.mark.parametrize(
    ("headers", "status", "refused"),
    [
        ({}, 200, False),
        ({"content-encoding": "identity"}, 200, False),
        ({"content-encoding": "gzip"}, 200, True),
        ({"content-length": str(2 * 1024 * 1024)}, 200, True),
        ({}, 302, True),
    ],
)
def test_refuse_unread(headers: dict[str, str], status: int, refused: bool) -> None:
    assert (refuse_unread(status, headers) is not None) is refused


def test_one_legacy_rule() -> None:
    assert legacy_format(None, None) is True  # Launchpad's endpoint by default
    assert legacy_format("https://launchpad.37signals.com/authorization/token", None) is False
    assert legacy_format("https://auth.example.com/token", True) is True
    assert legacy_format(None, False) is False


def test_resource_indicators() -> None:
    assert resource_values(None) == []
    assert resource_values("https://3.basecampapi.com") == ["https://3.basecampapi.com"]
    two = ["https://a.example", "urn:example:b"]
    assert resource_values(two) == two
    assert (
        refresh_form(
            refresh_token="r", client_id="c", client_secret=None, legacy=False, resource=two
        )["resource"]
        == two
    )
    form = code_form(
        code="x",
        redirect_uri="https://app/cb",
        client_id="c",
        client_secret=None,
        code_verifier=None,
        legacy=False,
        resource=["https://a.example"],
    )
    assert form["resource"] == "https://a.example"
    for bad in ("relative/path", "https://a.example/#frag", "", "has space", 5):
        with pytest.raises(UsageError):
            resource_values(bad)  # type: ignore[arg-type]
