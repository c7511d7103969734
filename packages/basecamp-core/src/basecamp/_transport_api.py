"""The internal API core offers its sibling distributions (today `basecamp.oauth`).

Private to the `basecamp` namespace, but a contract all the same: `basecamp.oauth` imports from
core only `basecamp` itself (public names) and this module, never another private one, so core
can reorganise its internals freely as long as this module keeps its names and meanings.
Changing one here is a change to basecamp-oauth too: keep both in step (same release).

What it offers:

- The token endpoint rules (`_token_endpoint`): request forms, the limits, the one error
  mapping (`TokenFailure`), the legacy-format rule and the answer readers.
- Token and URL checks: `check_token`, `is_header_safe`, `is_loopback_host`.
- `AsyncShell` and `Shell`: the I/O an OAuth request needs (`fetch`, `sleep`) for each kind of
  shell. `tools/unasync.py` turns `AsyncShell` into `Shell` in a generated sync twin. Each loads
  its machinery on first use, so importing this module costs neither asyncio nor httpcore's
  sync internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ._token_endpoint import (
    AUTH_ERROR_CODES,
    DEVICE_CODE_GRANT,
    LAUNCHPAD_TOKEN_URL,
    MAX_EXPIRES_IN,
    MAX_TOKEN_RESPONSE_BYTES,
    TOKEN_REQUEST_HEADERS,
    Form,
    PollSignal,
    RefreshCallback,
    RefreshReason,
    Reply,
    TokenFailure,
    TokenGrant,
    check_token,
    code_form,
    device_token_form,
    error_answer,
    finite_number,
    is_header_safe,
    json_object,
    legacy_format,
    lifetime,
    read_device_poll,
    read_token_response,
    refresh_form,
    resource_values,
    safe_error_code,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AUTH_ERROR_CODES",
    "DEVICE_CODE_GRANT",
    "LAUNCHPAD_TOKEN_URL",
    "MAX_EXPIRES_IN",
    "MAX_TOKEN_RESPONSE_BYTES",
    "TOKEN_REQUEST_HEADERS",
    "AsyncShell",
    "Form",
    "PollSignal",
    "RefreshCallback",
    "RefreshReason",
    "Reply",
    "Shell",
    "TokenFailure",
    "TokenGrant",
    "check_token",
    "code_form",
    "device_token_form",
    "error_answer",
    "finite_number",
    "is_header_safe",
    "is_loopback_host",
    "json_object",
    "legacy_format",
    "lifetime",
    "read_device_poll",
    "read_token_response",
    "refresh_form",
    "resource_values",
    "safe_error_code",
]


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` is `localhost`, `127.0.0.1` or `::1` (core's rule for plain http).

    A wrapper, so the pure parts of `basecamp.oauth` do not pay for `_config`'s imports
    (`urllib.request`) before a request needs them.
    """
    from ._config import is_loopback_host as check

    return check(host)


class AsyncShell:
    """The I/O of an async OAuth request (see `_async/auth.py` for `fetch`'s rules)."""

    @staticmethod
    async def fetch(
        method: str,
        url: str,
        *,
        what: str,
        form: Form | None = None,
        headers: Mapping[str, str] = TOKEN_REQUEST_HEADERS,
        timeout: float,  # noqa: ASYNC109 (both shells: see `_async/auth.fetch`)
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Reply | TokenFailure:
        """One capped, deadline-bound exchange; raises only `NetworkError`."""
        from ._async.auth import fetch

        return await fetch(
            method, url, what=what, form=form, headers=headers, timeout=timeout, transport=transport
        )

    @staticmethod
    async def sleep(seconds: float) -> None:
        """`asyncio.sleep`."""
        import asyncio

        await asyncio.sleep(seconds)


class Shell:
    """The I/O of a sync OAuth request (see `_sync/auth.py` for `fetch`'s rules)."""

    @staticmethod
    def fetch(
        method: str,
        url: str,
        *,
        what: str,
        form: Form | None = None,
        headers: Mapping[str, str] = TOKEN_REQUEST_HEADERS,
        timeout: float,
        transport: httpx.BaseTransport | None = None,
    ) -> Reply | TokenFailure:
        """One capped, deadline-bound exchange; raises only `NetworkError`."""
        from ._sync.auth import fetch

        return fetch(
            method, url, what=what, form=form, headers=headers, timeout=timeout, transport=transport
        )

    @staticmethod
    def sleep(seconds: float) -> None:
        """`time.sleep`."""
        import time

        time.sleep(seconds)
