"""Response decoding, sans I/O: JSON bodies of the expected shape, or a clear `ApiError`."""

from __future__ import annotations

import json

from ._errors import ApiError

__all__ = ["decode_json", "expect_list", "expect_object"]


def decode_json(body: bytes, content_type: str | None, *, request_id: str | None = None) -> object:
    """Decode a 2xx JSON body.

    Raises:
        ApiError: The body is empty, not JSON, or declared as something other than JSON.
    """
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            raise ApiError(
                f"Expected a JSON response but the server sent {media[:80]!r}.",
                request_id=request_id,
            )
    if not body.strip():
        raise ApiError("Expected a JSON response but the body was empty.", request_id=request_id)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(
            "The server sent a response that is not valid JSON.", request_id=request_id
        ) from None


def expect_object(value: object, what: str = "response") -> dict[str, object]:
    """Return `value` if it is a JSON object, else raise `ApiError`."""
    if not isinstance(value, dict):
        raise ApiError(f"Expected the {what} to be a JSON object, got {type(value).__name__}.")
    return value


def expect_list(value: object, what: str = "response", *, key: str | None = None) -> list[object]:
    """Return `value` (or `value[key]`) if it is a JSON array, else raise `ApiError`."""
    if key is not None:
        value = expect_object(value, what).get(key)
    if not isinstance(value, list):
        raise ApiError(f"Expected the {what} to be a JSON array, got {type(value).__name__}.")
    return value
