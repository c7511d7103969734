"""Typed errors: classes, codes, exit codes, messages, truncation and the pure status mapping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import basecamp
from basecamp import (
    AmbiguousError,
    ApiError,
    AuthError,
    BasecampError,
    Client,
    Config,
    ErrorCode,
    ExitCode,
    ForbiddenError,
    LimitExceededError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    UsageError,
    ValidationError,
)
from basecamp._errors import MAX_MESSAGE_BYTES, error_from_response, truncate_message


@pytest.mark.parametrize(
    ("cls", "code", "exit_code", "retryable"),
    [
        (UsageError, "usage", 1, False),
        (NotFoundError, "not_found", 2, False),
        (AuthError, "auth_required", 3, False),
        (ForbiddenError, "forbidden", 4, False),
        (RateLimitError, "rate_limit", 5, True),
        (NetworkError, "network", 6, True),
        (ApiError, "api_error", 7, False),
        (AmbiguousError, "ambiguous", 8, False),
        (ValidationError, "validation", 9, False),
        (LimitExceededError, "limit_exceeded", 10, False),
    ],
)
def test_class_codes(cls: type[BasecampError], code: str, exit_code: int, retryable: bool) -> None:
    error = cls()
    assert isinstance(error, BasecampError)
    assert error.code == code
    assert error.code is ErrorCode(code)
    assert error.exit_code == exit_code
    assert error.exit_code is ExitCode(exit_code)
    assert error.retryable is retryable
    assert error.message == cls.default_message
    assert str(error) == cls.default_message


def test_usage_error_is_a_value_error() -> None:
    assert issubclass(UsageError, ValueError)
    with pytest.raises(ValueError, match="bad account") as caught:
        raise UsageError("bad account")
    assert caught.value.code == ErrorCode.USAGE
    assert str(caught.value) == "bad account"
    # The SDK's own argument checks are caught by a plain `except ValueError`.
    with pytest.raises(ValueError):
        Config(max_retries=-1)
    with Client(access_token="tok") as client, pytest.raises(ValueError):
        client.for_account("not-digits")
    assert not issubclass(NotFoundError, ValueError)


def test_readme_error_table_lists_what_the_sdk_raises() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(\w+Error)` \|", readme, re.MULTILINE))
    exported = {
        name
        for name in basecamp.__all__
        if isinstance(getattr(basecamp, name), type)
        and issubclass(getattr(basecamp, name), BasecampError)
        and name != "BasecampError"
    }
    # AmbiguousError is exported for the contract but never raised, so it is not in the table.
    assert table == exported - {"AmbiguousError"}
    assert "AmbiguousError" in exported
    assert "never raises it" in readme
    source = Path(basecamp.__file__).parent
    built = re.compile(r"(?<!class )\bAmbiguousError\(")
    raised = [p.name for p in source.rglob("*.py") if built.search(p.read_text())]
    assert raised == []


def test_exit_code_ok() -> None:
    assert ExitCode.OK == 0


def test_hint_in_str_and_repr() -> None:
    error = NotFoundError("Gone.", hint="Check the id.", http_status=404)
    assert str(error) == "Gone. (Check the id.)"
    assert repr(error) == "NotFoundError('Gone.', http_status=404)"
    assert repr(UsageError("x")) == "UsageError('x')"


@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [
        (400, ValidationError, False),
        (401, AuthError, False),
        (403, ForbiddenError, False),
        (404, NotFoundError, False),
        (422, ValidationError, False),
        (429, RateLimitError, True),
        (500, ApiError, True),
        (502, ApiError, True),
        (503, ApiError, True),
        (504, ApiError, True),
        (501, ApiError, False),
        (507, LimitExceededError, False),
        (409, ApiError, False),
        (302, ApiError, False),
    ],
)
def test_status_mapping(status: int, cls: type[BasecampError], retryable: bool) -> None:
    error = error_from_response(status, b"", request_id="req-1")
    assert type(error) is cls
    assert error.http_status == status
    assert error.retryable is retryable
    assert error.request_id == "req-1"
    assert error.message  # a default, never empty


def test_api_error_default_message_names_status() -> None:
    assert "HTTP 418" in error_from_response(418, b"").message


@pytest.mark.parametrize("key", ["error", "message"])
def test_message_from_body(key: str) -> None:
    body = json.dumps({key: "  Project is archived  "}).encode()
    assert error_from_response(404, body).message == "Project is archived"


def test_error_key_wins_over_message() -> None:
    body = json.dumps({"error": "first", "message": "second"}).encode()
    assert error_from_response(500, body).message == "first"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"<html>oops</html>",
        b'["error"]',
        b'{"error": ""}',
        b'{"error": "   "}',
        b'{"error": 5}',
        b'{"error": {"nested": "x"}}',
        b'{"message": null}',
        b"\xff\xfe",
        b"[" * 100_000,
    ],
)
def test_unusable_body_gives_default(body: bytes) -> None:
    error = error_from_response(404, body)
    assert error.message == NotFoundError.default_message


def test_falls_back_to_message_when_error_is_blank() -> None:
    body = json.dumps({"error": "", "message": "use me"}).encode()
    assert error_from_response(403, body).message == "use me"


def test_validation_errors_carry_field_errors() -> None:
    body = json.dumps(
        {"error": "Invalid", "errors": {"content": ["can't be blank"], "due_on": "bad date"}}
    ).encode()
    error = error_from_response(422, body)
    assert isinstance(error, ValidationError)
    # "bad date" is not a list of strings: kept in `.errors`, left out of the message.
    assert error.message == "Invalid (content: can't be blank)"
    assert error.errors == {"content": ["can't be blank"], "due_on": ["bad date"]}
    assert error.exit_code == 9


def test_validation_message_lists_field_errors_sorted() -> None:
    body = json.dumps(
        {
            "error": "Invalid",
            "errors": {"title": ["is too long"], "due_on": ["is not a date", "is in the past"]},
        }
    ).encode()
    error = error_from_response(422, body)
    assert isinstance(error, ValidationError)
    assert error.message == "Invalid (due_on: is not a date; is in the past, title: is too long)"
    assert error.errors == {"title": ["is too long"], "due_on": ["is not a date", "is in the past"]}


def test_validation_message_uses_message_key_and_field_list_alone() -> None:
    fields = {"name": ["can't be blank"]}
    with_message = json.dumps({"message": "Rejected", "errors": fields}).encode()
    assert error_from_response(422, with_message).message == "Rejected (name: can't be blank)"
    for top in ({}, {"error": ""}, {"error": 5}, {"message": "   "}):
        body = json.dumps({**top, "errors": fields}).encode()
        assert error_from_response(422, body).message == "name: can't be blank"


def test_validation_400_bare_field_map() -> None:
    error = error_from_response(400, json.dumps({"url": ["is invalid"]}).encode())
    assert isinstance(error, ValidationError)
    assert error.http_status == 400
    assert error.message == "url: is invalid"
    assert error.errors == {"url": ["is invalid"]}


def test_validation_message_skips_entries_that_are_not_lists_of_strings() -> None:
    errors = {"a": "text", "b": [1, 2], "c": None, "d": {"x": ["y"]}, "e": ["ok"], "f": ["x", 3]}
    body = json.dumps({"error": "Invalid", "errors": errors}).encode()
    assert error_from_response(422, body).message == "Invalid (e: ok)"
    # Only entries the server sent as lists of strings count as fields of a bare map.
    bare = json.dumps({"status": 400, "url": ["is invalid"], "x": [1]}).encode()
    error = error_from_response(400, bare)
    assert error.message == "url: is invalid"
    assert isinstance(error, ValidationError)
    assert error.errors == {"url": ["is invalid"]}
    nothing_usable = json.dumps({"errors": {"a": "text"}}).encode()
    assert error_from_response(422, nothing_usable).message == ValidationError.default_message


def test_validation_field_names_are_ordinary_text() -> None:
    errors = {"__proto__": ["is reserved"], "constructor": ["is odd"]}
    error = error_from_response(422, json.dumps({"errors": errors}).encode())
    assert error.message == "__proto__: is reserved, constructor: is odd"
    assert isinstance(error, ValidationError)
    assert error.errors == errors
    assert type(error.errors) is dict


def test_validation_message_is_capped_and_redacted() -> None:
    secret = "sekret-token-123"
    errors = {f"field{i:03}": ["is wrong " * 5] for i in range(200)}
    errors[secret] = [f"echoes {secret}"]
    body = json.dumps({"error": f"Invalid {secret}", "errors": errors}).encode()
    error = error_from_response(422, body, redact=(secret,))
    assert len(error.message.encode()) <= MAX_MESSAGE_BYTES
    assert error.message.startswith("Invalid <redacted> (field000: is wrong")
    assert secret not in error.message
    assert isinstance(error, ValidationError)
    assert all(secret not in k and secret not in "".join(v) for k, v in error.errors.items())
    # A secret that only appears once the field and its message are joined is redacted too.
    joined = json.dumps({"errors": {"tok": ["en-xyz"]}}).encode()
    assert "tok: en-xyz" not in error_from_response(422, joined, redact=("tok: en-xyz",)).message


def test_validation_400_list_errors() -> None:
    body = json.dumps({"errors": ["Name is missing", 3, {"x": 1}]}).encode()
    error = error_from_response(400, body)
    assert isinstance(error, ValidationError)
    assert error.http_status == 400
    assert error.errors == {"base": ["Name is missing", "3"]}
    assert error.message == ValidationError.default_message


def test_validation_without_errors() -> None:
    error = error_from_response(422, b"nope")
    assert isinstance(error, ValidationError)
    assert error.errors == {}


def test_retry_after_carried() -> None:
    error = error_from_response(429, b"", retry_after=12.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 12.0
    assert error_from_response(503, b"", retry_after=3.0).retry_after == 3.0


def test_limit_exceeded_never_retryable() -> None:
    error = error_from_response(507, b'{"error": "Storage full"}')
    assert isinstance(error, LimitExceededError)
    assert error.retryable is False
    assert error.exit_code == 10
    assert error.message == "Storage full"


# -- truncation -------------------------------------------------------------------------------


def test_short_message_untouched() -> None:
    assert truncate_message("hello") == "hello"
    text = "é" * 250  # exactly 500 bytes
    assert truncate_message(text) == text


@pytest.mark.parametrize("char", ["a", "é", "€", "😀"])
def test_truncation_never_splits_a_character(char: str) -> None:
    text = char * 1000
    out = truncate_message(text)
    encoded = out.encode("utf-8")
    assert len(encoded) <= MAX_MESSAGE_BYTES
    assert out.endswith("…")
    body = out[:-1]
    assert set(body) == {char}
    # as long as possible: one more character would not fit
    assert len(encoded) + len(char.encode()) > MAX_MESSAGE_BYTES


def test_truncation_mixed_multibyte_boundary() -> None:
    text = "a" + "😀" * 200  # 4-byte characters straddle the cut
    out = truncate_message(text)
    assert len(out.encode()) <= 500
    out.encode("utf-8").decode("utf-8")  # valid UTF-8


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 4, 7])
def test_truncation_small_limits(limit: int) -> None:
    out = truncate_message("€€€€€€", limit)
    assert len(out.encode()) <= limit


def test_truncation_of_lone_surrogate() -> None:
    # json.loads accepts "\ud800"; a message built from it must not crash the error path.
    out = truncate_message("bad \ud800 text" * 100)
    assert len(out.encode("utf-8")) <= 500


def test_error_from_response_with_lone_surrogate_message() -> None:
    error = error_from_response(500, b'{"error": "broken \\ud800 text"}')
    assert isinstance(error, ApiError)
    assert error.message.startswith("broken")
    str(error).encode("utf-8")


def test_long_body_message_is_truncated() -> None:
    body = json.dumps({"error": "ü" * 2000}).encode()
    error = error_from_response(422, body)
    assert len(error.message.encode()) <= 500
    assert error.message.endswith("…")


def test_constructor_truncates_message_and_hint() -> None:
    error = ApiError("x" * 2000, hint="y" * 2000)
    assert len(error.message.encode()) <= 500
    assert error.hint is not None
    assert len(error.hint.encode()) <= 500


def test_errors_are_exceptions_with_attributes() -> None:
    error = RateLimitError(http_status=429, retry_after=5, request_id="abc")
    with pytest.raises(BasecampError) as caught:
        raise error
    assert caught.value.retry_after == 5
    assert caught.value.request_id == "abc"
    assert ApiError(retryable=True).retryable is True
    assert NetworkError(retryable=False).retryable is False


def test_error_details_keep_the_body_scalars_redacted() -> None:
    body = b'{"error":"gone","resume":"pos-tok","epoch_after_id":42,"nested":{"a":1},"echo":"t0k"}'
    error = error_from_response(410, body, redact=("t0k",))
    assert error.details == {
        "error": "gone",
        "resume": "pos-tok",
        "epoch_after_id": 42,
        "echo": "<redacted>",
    }
    assert error_from_response(400, b'{"error":"bad","reason":"position"}').details["reason"] == (
        "position"
    )
    assert error_from_response(500, b"not json").details == {}
    assert BasecampError("x").details == {}


def test_signed_url_secrets_are_the_query_and_its_long_values() -> None:
    from basecamp._errors import signed_url_secrets

    url = "https://s.example/b/x?X-Amz-Signature=abc%2Fdef123456&expires=1#frag"
    found = signed_url_secrets(url)
    assert "X-Amz-Signature=abc%2Fdef123456&expires=1" in found
    assert "abc%2Fdef123456" in found and "abc/def123456" in found
    assert "1" not in found  # too short to be a credential; replacing it would mangle text
    assert list(found) == sorted(found, key=len, reverse=True)
    assert signed_url_secrets("https://s.example/b/x") == ()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("signature expired: /blobs/x?sig=s3cr3t", "signature expired: /blobs/x?<redacted>"),
        ("X-Amz-Signature: 0123abcd", "X-Amz-Signature: <redacted>"),
        ("bad token=abc", "bad token=<redacted>"),
        ("expected 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "expected <redacted>"),
        ("Access Denied", "Access Denied"),
        ("an extraordinarilylongwordwithoutdigits stays", None),
    ],
)
def test_storage_error_text_loses_anything_signature_like(text: str, shown: str | None) -> None:
    error = error_from_response(403, json.dumps({"error": text}).encode(), storage=True)
    assert isinstance(error, ForbiddenError)
    assert error.message == (text if shown is None else shown)
    # The API's own errors are left as they are: only the storage hop is scrubbed this way.
    assert error_from_response(403, json.dumps({"error": text}).encode()).message == text


def test_storage_validation_errors_and_request_ids_are_scrubbed() -> None:
    body = json.dumps({"errors": {"url": ["?sig=abc is invalid"]}}).encode()
    error = error_from_response(
        400, body, request_id="req-0123456789abcdef0123456789", storage=True
    )
    assert isinstance(error, ValidationError)
    assert error.errors == {"url": ["?<redacted> is invalid"]}
    assert "sig=abc" not in error.message
    assert error.request_id == "<redacted>"


def test_request_id_echoing_a_secret_is_redacted_and_capped() -> None:
    error = error_from_response(500, b"", request_id="id-SECRET-x", redact=("SECRET",))
    assert error.request_id == "id-<redacted>-x"
    long_id = error_from_response(500, b"", request_id="r" * 10_000).request_id
    assert long_id is not None and len(long_id.encode()) <= 128
    assert error_from_response(500, b"", request_id="abc-123").request_id == "abc-123"
