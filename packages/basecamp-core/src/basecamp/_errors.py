"""Typed errors, and the pure mapping from an HTTP response to the right one.

Every failure the SDK reports is a `BasecampError`. Each subclass has a stable `code` (for logs and
JSON output) and an `exit_code` (for command-line tools), so callers can branch on type, code or
exit status alike. Messages are short, truncated to 500 UTF-8 bytes, and never carry credentials.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Collection, Mapping
from typing import TypeGuard
from urllib.parse import unquote

from ._retry import RETRYABLE_STATUSES

__all__ = [
    "AmbiguousError",
    "ApiError",
    "AuthError",
    "BasecampError",
    "ErrorCode",
    "ExitCode",
    "ForbiddenError",
    "LimitExceededError",
    "NetworkError",
    "NotFoundError",
    "RateLimitError",
    "UsageError",
    "ValidationError",
    "clean_request_id",
    "error_from_response",
    "signed_url_secrets",
    "truncate_message",
]

MAX_MESSAGE_BYTES = 500
# A request id is an opaque handle for support tickets: a few dozen characters at most.
MAX_REQUEST_ID_BYTES = 128
REDACTED = "<redacted>"


class ErrorCode(enum.StrEnum):
    """Stable, machine-readable error codes."""

    USAGE = "usage"
    NOT_FOUND = "not_found"
    AUTH_REQUIRED = "auth_required"
    FORBIDDEN = "forbidden"
    RATE_LIMIT = "rate_limit"
    NETWORK = "network"
    API_ERROR = "api_error"
    AMBIGUOUS = "ambiguous"
    VALIDATION = "validation"
    LIMIT_EXCEEDED = "limit_exceeded"


class ExitCode(enum.IntEnum):
    """Process exit codes for command-line tools built on the SDK."""

    OK = 0
    USAGE = 1
    NOT_FOUND = 2
    AUTH = 3
    FORBIDDEN = 4
    RATE_LIMIT = 5
    NETWORK = 6
    API = 7
    AMBIGUOUS = 8
    VALIDATION = 9
    LIMIT_EXCEEDED = 10


def truncate_message(message: str, limit: int = MAX_MESSAGE_BYTES) -> str:
    """Cut `message` to at most `limit` UTF-8 bytes without splitting a character.

    Args:
        message: The text to shorten.
        limit: The byte budget, at least 0.

    Returns:
        `message` itself when it fits, else its longest prefix that fits, ending in `…` when there
        is room for it.
    """
    # Lone surrogates (legal in JSON strings) cannot be UTF-8 encoded: they become "?".
    encoded = message.encode("utf-8", errors="replace")
    if len(encoded) <= limit:
        return encoded.decode("utf-8")
    ellipsis = "…".encode()
    budget = limit - len(ellipsis) if limit >= len(ellipsis) else limit
    cut = encoded[:budget].decode("utf-8", errors="ignore")
    return cut + "…" if budget != limit else cut


class BasecampError(Exception):
    """Base class of every error the SDK raises.

    Attributes:
        message: A short human-readable message (at most 500 UTF-8 bytes).
        code: The stable `ErrorCode`.
        exit_code: The `ExitCode` a command-line tool should exit with.
        hint: An optional suggestion on what to do next.
        http_status: The HTTP status that caused the error, if any.
        retryable: Whether sending the same request again may succeed.
        retry_after: Seconds the server asked us to wait, if it said.
        request_id: The server's `X-Request-Id`, for support tickets.
        details: The top-level string, number and boolean fields of the error's JSON body (the
            access token redacted), e.g. the `resume` position of a feed's 410; empty when the
            body had none.
    """

    code: ErrorCode = ErrorCode.API_ERROR
    exit_code: ExitCode = ExitCode.API
    default_message: str = "The Basecamp API request failed."
    default_retryable: bool = False

    message: str
    hint: str | None
    http_status: int | None
    retryable: bool
    retry_after: float | None
    request_id: str | None

    def __init__(
        self,
        message: str | None = None,
        *,
        hint: str | None = None,
        http_status: int | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = truncate_message(message or self.default_message)
        self.hint = truncate_message(hint) if hint else None
        self.http_status = http_status
        self.retryable = self.default_retryable if retryable is None else retryable
        self.retry_after = retry_after
        self.request_id = request_id
        self.details: dict[str, str | int | float | bool | None] = {}
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"

    def __repr__(self) -> str:
        status = f", http_status={self.http_status}" if self.http_status is not None else ""
        return f"{type(self).__name__}({self.message!r}{status})"


class UsageError(BasecampError, ValueError):
    """The SDK was called the wrong way: bad arguments, configuration or a missing package.

    It is also a `ValueError`, so code that catches `ValueError` for bad arguments keeps working.
    """

    code = ErrorCode.USAGE
    exit_code = ExitCode.USAGE
    default_message = "The SDK was called with invalid arguments."


class NotFoundError(BasecampError):
    """The resource does not exist, or the token cannot see it (404)."""

    code = ErrorCode.NOT_FOUND
    exit_code = ExitCode.NOT_FOUND
    default_message = "The requested resource was not found."


class AuthError(BasecampError):
    """The credentials are missing, expired or rejected (401)."""

    code = ErrorCode.AUTH_REQUIRED
    exit_code = ExitCode.AUTH
    default_message = "Authentication failed: the access token is missing, expired or revoked."


class ForbiddenError(BasecampError):
    """The credentials are valid but not allowed to do this (403)."""

    code = ErrorCode.FORBIDDEN
    exit_code = ExitCode.FORBIDDEN
    default_message = "This account or token is not allowed to perform the request."


class RateLimitError(BasecampError):
    """Too many requests (429). `retry_after` says how long the server asked us to wait."""

    code = ErrorCode.RATE_LIMIT
    exit_code = ExitCode.RATE_LIMIT
    default_message = "Rate limit exceeded."
    default_retryable = True


class NetworkError(BasecampError):
    """The request did not complete: connection refused or reset, a timeout, a broken body."""

    code = ErrorCode.NETWORK
    exit_code = ExitCode.NETWORK
    default_message = "The request could not be completed because of a network error."
    default_retryable = True


class ApiError(BasecampError):
    """The API answered with a server error, an unexpected status, or a body we cannot use."""

    code = ErrorCode.API_ERROR
    exit_code = ExitCode.API
    default_message = "The Basecamp API returned an unexpected response."


class AmbiguousError(BasecampError):
    """A result that cannot be decided. Kept for code written against the single-wheel SDK's
    error table; the SDK itself never raises it (a write that may or may not have been applied
    is a `NetworkError` or `ApiError` with `retryable=False` and a hint)."""

    code = ErrorCode.AMBIGUOUS
    exit_code = ExitCode.AMBIGUOUS
    default_message = "The result is ambiguous."


class ValidationError(BasecampError):
    """The server rejected the request's data (400 or 422).

    Attributes:
        errors: The server's per-field messages, e.g. `{"content": ["can't be blank"]}`.
    """

    code = ErrorCode.VALIDATION
    exit_code = ExitCode.VALIDATION
    default_message = "The request was rejected as invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: Mapping[str, list[str]] | None = None,
        hint: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message,
            hint=hint,
            http_status=http_status,
            retry_after=retry_after,
            request_id=request_id,
        )
        self.errors: dict[str, list[str]] = dict(errors or {})


class LimitExceededError(BasecampError):
    """The account has reached a storage or plan limit (507). Retrying will not help."""

    code = ErrorCode.LIMIT_EXCEEDED
    exit_code = ExitCode.LIMIT_EXCEEDED
    default_message = "The account has reached a plan or storage limit."


_STATUS_CLASSES: dict[int, type[BasecampError]] = {
    400: ValidationError,
    401: AuthError,
    403: ForbiddenError,
    404: NotFoundError,
    422: ValidationError,
    429: RateLimitError,
    507: LimitExceededError,
}


# What to do next, for the statuses whose cause the caller can act on.
_STATUS_HINTS: Mapping[int, str] = {
    401: "The access token is missing, expired or revoked: get a new one (a refreshable token "
    "provider already tried once).",
    403: "The token's owner cannot reach this: check their access to the account and project.",
    404: "Check the id and the account id: the resource may be trashed or never existed.",
    429: "Too many requests for this token: wait `retry_after` seconds, then try again.",
    507: "The account is out of storage: free some space or upgrade the plan.",
}


def _parse_json_object(body: bytes) -> dict[str, object] | None:
    if not body or len(body) > 1_000_000:
        return None
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _field_errors(data: Mapping[str, object]) -> dict[str, list[str]]:
    raw = data.get("errors")
    result: dict[str, list[str]] = {}
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            if isinstance(value, list):
                result[str(key)] = [str(v) for v in value]
            elif value is not None:
                result[str(key)] = [str(value)]
    elif isinstance(raw, list):
        messages = [str(v) for v in raw if isinstance(v, str | int | float)]
        if messages:
            result["base"] = messages
    elif not data.keys() & {"errors", "error", "message"}:
        # A bare field map (`{"url": ["is invalid"]}`), as webhook endpoints answer with 400.
        result = {str(key): value for key, value in data.items() if _is_messages(value)}
    return result


def _is_messages(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _summary(errors: Mapping[str, list[str]], raw: Mapping[str, object]) -> str:
    """`due_on: is not a date; is in the past, title: is too long`: fields sorted, and only the
    entries the server sent as a list of strings (`raw` is the decoded field map)."""
    return ", ".join(
        f"{field}: {'; '.join(errors[field])}"
        for field in sorted(errors)
        if errors[field] and _is_messages(raw.get(field))
    )


def _redact(text: str, secrets: Collection[str]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


# Download storage (hop 2) answers a signed URL: whatever it says may quote the signature, the
# whole URL, or a signature of its own. Its text loses every URL query, every value named like a
# credential (`sig=`, `X-Amz-Signature:`, `token=`...) and every long opaque run of letters and
# digits, on top of the exact values of the URL's query.
# Every quantifier that can backtrack is bounded, so hostile text costs linear time. Patterns are
# kept as text and compiled on first use (`re` caches them): only an error needs them, and
# compiling them all would cost every `import basecamp` more than the rest of this module.
_QUERY = r"\?[^\s\"'<>]+"
_CREDENTIAL_PAIR = (
    r"(?i)((?:sig|signature|token|key|credential|secret|policy|auth|session|expires)[\w.-]{0,40})"
    r"(\s{0,4}[=:]\s{0,4})[^\s\"'&,;<>()\[\]{}]+"
)
_RUN = r"[\w+=%-]{24,}"
_DIGIT = r"\d"
_LETTER = r"[^\W\d_]"
# Query values this short (`expires=1`, `v=2`) are not secrets, and replacing them would
# mangle unrelated text.
_MIN_SECRET_VALUE = 8
_PATTERN_WINDOW = 4096
_REPEATED = f"(?:{REDACTED}){{2,}}"


def signed_url_secrets(url: str) -> tuple[str, ...]:
    """The parts of a signed URL's query that server text must never repeat: the whole query,
    and each value long enough to be a credential, as sent and percent-decoded (longest first).

    Pure and cheap; called only when an error is built from a storage response.
    """
    _, _, query = url.partition("?")
    query = query.partition("#")[0]
    if not query:
        return ()
    found = {query, unquote(query)}
    for pair in query.split("&"):
        value = pair.partition("=")[2]
        for form in (value, unquote(value.replace("+", " "))):
            if len(form) >= _MIN_SECRET_VALUE:
                found.add(form)
    return tuple(sorted(found, key=len, reverse=True))


def _opaque(match: re.Match[str]) -> str:
    """A long run of word characters mixing letters and digits (a signature, a key) is
    redacted; a long plain word is kept."""
    run = match.group()
    return REDACTED if re.search(_DIGIT, run) and re.search(_LETTER, run) else run


def _clean(text: str, secrets: Collection[str], storage: bool) -> str:
    text = _redact(text, secrets)  # the whole text: exact secrets are found wherever they are
    if storage:
        # The patterns only see what could reach a message (500 bytes, after they shrink it).
        cut = len(text) > _PATTERN_WINDOW
        text = text[:_PATTERN_WINDOW]
        text = re.sub(_QUERY, "?" + REDACTED, text)
        text = re.sub(_CREDENTIAL_PAIR, lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
        text = re.sub(_RUN, _opaque, text)
        text = re.sub(_REPEATED, REDACTED, text)
        if cut:
            text += "…"
    return text


def clean_request_id(
    value: str | None, secrets: Collection[str] = (), *, storage: bool = False
) -> str | None:
    """An `X-Request-Id` as an error may keep it: server text like any other, so a secret it
    echoes is redacted (and, from download storage, anything signature-like), and it is cut to
    `MAX_REQUEST_ID_BYTES`.
    """
    if not value:
        return None
    return truncate_message(_clean(value, secrets, storage), MAX_REQUEST_ID_BYTES)


def _details(
    data: Mapping[str, object] | None, secrets: Collection[str], storage: bool
) -> dict[str, str | int | float | bool | None]:
    """The body's scalar fields, so a caller can act on them (nested values stay behind)."""
    details: dict[str, str | int | float | bool | None] = {}
    for key, value in (data or {}).items():
        if isinstance(value, str):
            details[str(key)] = _clean(value, secrets, storage)
        elif value is None or isinstance(value, bool | int | float):
            details[str(key)] = value
    return details


def error_from_response(
    status: int,
    body: bytes,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
    redact: Collection[str] = (),
    storage: bool = False,
) -> BasecampError:
    """Map a non-2xx response to the matching typed error. Pure: no I/O.

    The message is the body's `error` or `message` when that is a non-empty string, else a plain
    default for the status. 400 and 422 carry the server's field errors in `.errors`, and list
    them in the message: `Invalid (due_on: is not a date; is in the past, title: is too long)`
    (fields sorted; entries that are not a list of strings stay out of the message). A 400 whose
    body is a bare field map (`{"url": ["is invalid"]}`) is read the same way.

    Args:
        status: The HTTP status code.
        body: The response body (already size-capped by the transport).
        request_id: The `X-Request-Id` response header, if present.
        retry_after: The parsed `Retry-After` delay in seconds, if present.
        redact: Secrets the request carried (the access token, or the parts of a signed URL's
            query): a server that echoes one in its message, field errors or request id gets
            it replaced by `<redacted>`.
        storage: The response came from download storage (hop 2): its text also loses every
            URL query, credential-named value and long opaque run (a signature it quotes).

    Returns:
        The error to raise. It is returned, not raised, so callers can decide.
    """
    data = _parse_json_object(body)
    error = _error_from_data(status, data, request_id, retry_after, redact, storage)
    error.details = _details(data, redact, storage)
    return error


def _error_from_data(
    status: int,
    data: Mapping[str, object] | None,
    request_id: str | None,
    retry_after: float | None,
    redact: Collection[str],
    storage: bool,
) -> BasecampError:
    scrub = bool(redact) or storage
    if request_id is not None:
        request_id = clean_request_id(request_id, redact, storage=storage)
    message: str | None = None
    if data is not None:
        for key in ("error", "message"):
            candidate = data.get(key)
            if isinstance(candidate, str) and candidate.strip():
                message = _clean(candidate.strip(), redact, storage)
                break
    cls = _STATUS_CLASSES.get(status)
    if cls is ValidationError:
        data = data or {}
        errors = _field_errors(data)
        raw = data.get("errors", data)
        summary = _summary(errors, raw) if errors and isinstance(raw, Mapping) else ""
        if summary:
            message = f"{message} ({summary})" if message else summary
        if scrub:
            errors = {
                _clean(key, redact, storage): [_clean(m, redact, storage) for m in messages]
                for key, messages in errors.items()
            }
            # Redacted after joining too: a secret could span a field name and its message.
            message = _clean(message, redact, storage) if message else message
        return ValidationError(
            message,
            errors=errors,
            http_status=status,
            request_id=request_id,
        )
    if cls is None:
        return ApiError(
            message or f"The Basecamp API answered with HTTP {status}.",
            http_status=status,
            retryable=status in RETRYABLE_STATUSES,  # 429 is a RateLimitError, never here
            retry_after=retry_after,
            request_id=request_id,
        )
    return cls(
        message,
        hint=_STATUS_HINTS.get(status),
        http_status=status,
        retry_after=retry_after,
        request_id=request_id,
    )
