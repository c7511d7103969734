"""Request building, sans I/O: URLs, path values, query strings, bodies and headers."""

from __future__ import annotations

import functools
import json as jsonlib
import math
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

from ._errors import UsageError

__all__ = [
    "NO_BODY",
    "PreparedBody",
    "check_header_value",
    "encode_json_body",
    "encode_query",
    "expand_path",
    "redact_url",
    "resolve_url",
    "validate_account_id",
]

# Compiled on first use (`re` caches them): templates are split once each, and headers are
# checked only when the caller sets one.
_PLACEHOLDER = r"\{([a-z_][a-z0-9_]*)\}"
_HEADER_BAD = r"[\r\n\x00]"
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


# A NamedTuple, not a dataclass: as cheap to use, and much cheaper to define at import.
class PreparedBody(NamedTuple):
    """An encoded request body and its content type."""

    content: bytes | None = None
    content_type: str | None = None


NO_BODY = PreparedBody()


def validate_account_id(account_id: object) -> str:
    """Return the account id as a string of digits, or raise `UsageError`."""
    if isinstance(account_id, bool):
        raise UsageError("account_id must be digits, got a bool.")
    text = str(account_id) if isinstance(account_id, int) else account_id
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        raise UsageError("account_id must be a string of digits, e.g. 1234567.")
    return text


def _path_value(name: str, value: object) -> str:
    if type(value) is int:  # the common case (ids): digits need no encoding
        return str(value)
    if value is None:
        raise UsageError(f"Missing path parameter {name!r}.")
    if isinstance(value, bool):
        raise UsageError(f"Path parameter {name!r} must not be a bool.")
    text = str(value)
    if not text:
        raise UsageError(f"Path parameter {name!r} must not be empty.")
    if text.isascii() and text.isalnum():  # e.g. the account id: nothing to encode
        return text
    # safe="" so "/", "?", "#", "%" and ".." cannot change the route.
    encoded = quote(text, safe="")
    if encoded in (".", ".."):
        encoded = encoded.replace(".", "%2E")
    return encoded


@functools.lru_cache(maxsize=1024)
def _template_parts(template: str) -> tuple[str, ...]:
    """A template split at its placeholders: literal, name, literal, name, ..., literal."""
    return tuple(re.split(_PLACEHOLDER, template))


def expand_path(template: str, values: Mapping[str, object]) -> str:
    """Fill a path template's `{name}` placeholders with percent-encoded values.

    Raises:
        UsageError: A placeholder has no value, or a value is empty.
    """
    # The templates are a fixed set (one per operation), so their parsing is cached.
    parts = list(_template_parts(template))
    for index in range(1, len(parts), 2):
        name = parts[index]
        parts[index] = _path_value(name, values.get(name))
    return "".join(parts)


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, list | tuple):
        return ",".join(_query_value(v) for v in value)
    # bytes, dicts and arbitrary objects have no agreed query form: say so rather than guess.
    raise UsageError(
        f"A query value must be a string, number, bool or list, not {type(value).__name__}."
    )


def encode_query(params: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """Turn params into query pairs.

    `None` is dropped and bools become `true`/`false`. A list is sent comma-separated, except
    under a key ending in `[]` (Rails style, e.g. `assignee_ids[]`), where each item is its own
    pair.
    """
    if not params:
        return []
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        name = str(key)
        if name.endswith("[]") and isinstance(value, list | tuple):
            pairs.extend((name, _query_value(item)) for item in value)
        else:
            pairs.append((name, _query_value(value)))
    return pairs


def encode_json_body(body: Mapping[str, object] | None) -> PreparedBody:
    """Encode a JSON body, dropping top-level `None` values (`""`, `0`, `False`, `[]` are sent)."""
    if body is None:
        return PreparedBody()
    cleaned = {k: v for k, v in body.items() if v is not None}
    try:
        text = jsonlib.dumps(cleaned, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        content = text.encode()
    except (TypeError, ValueError) as exc:
        # NaN and infinities are not JSON, lone surrogates are not UTF-8, and objects json cannot
        # encode are a caller mistake.
        raise UsageError(f"The request body is not valid JSON: {type(exc).__name__}.") from None
    return PreparedBody(content=content, content_type="application/json")


def check_header_value(name: str, value: str) -> str:
    """Refuse header values that could split a request (CR, LF, NUL) or are not ASCII."""
    if re.search(_HEADER_BAD, value):
        raise UsageError(f"Header {name!r} must not contain CR, LF or NUL characters.")
    if not value.isascii():
        raise UsageError(f"Header {name!r} must be ASCII text.")
    return value


def resolve_url(path_or_url: str, *, base_url: str, prefix: str = "") -> str:
    """Make an absolute URL on the API origin from a path or an absolute URL.

    Args:
        path_or_url: `/projects.json` (taken relative to `prefix`) or an absolute URL.
        base_url: The configured API origin.
        prefix: Prepended to relative paths, e.g. `/1234` for an account.

    Raises:
        UsageError: An absolute URL that is not on the API origin; credentials never go there.
    """
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path_or_url):
        raise UsageError("URLs must not contain control characters (CR, LF, tab, NUL, ...).")
    # Absolute only when it *starts* with a scheme (or "//"): "/search.json?q=https://x" is a
    # relative path whose query happens to mention a URL.
    if _ABSOLUTE.match(path_or_url) or path_or_url.startswith("//"):
        from ._pagination import resolve_next_url  # with lists or a full URL, not with the client

        resolved: str | None
        try:
            resolved = resolve_next_url(path_or_url, current_url=base_url + "/", base_url=base_url)
        except Exception:  # refused below, outside the handler: nothing is chained
            resolved = None
        if resolved is None:
            raise UsageError(
                "Absolute URLs must be on the API origin (base_url); credentials are never "
                "sent to another host."
            )
        return resolved
    path = path_or_url if path_or_url.startswith("/") else "/" + path_or_url
    return f"{base_url}{prefix}{path}"


def redact_url(url: str) -> str:
    """The URL without its query string and fragment, for logs and hooks of foreign URLs."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
