"""`Reply`: a response the transport accepted, as both shells hand it to the code above them.

It holds data only (no I/O), so the account, pager, download and execution modules can read
replies without knowing the client that produced them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._errors import ApiError, clean_request_id
from ._response import decode_json

if TYPE_CHECKING:
    import httpx

__all__ = ["Reply"]


class Reply:
    """A response whose status the transport accepted.

    `body` holds the capped body; for streamed replies it is empty and `response` is still open.
    `secret` is the credential the request carried (never shown): an error decoding the body
    redacts it from the request id it keeps.
    `from_cache` is `None` when no cache was asked, else whether the cache served the body (a
    `304`, turned back into the stored `200`).
    """

    # A plain slotted class, not a dataclass: generating one costs about a millisecond at
    # import, on the path of `from basecamp import Client`.
    __slots__ = ("body", "from_cache", "headers", "response", "secret", "status", "url")

    def __init__(
        self,
        status: int,
        headers: httpx.Headers,
        body: bytes,
        url: str,
        response: httpx.Response | None = None,
        secret: str | None = None,
        from_cache: bool | None = None,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.response = response
        self.secret = secret
        self.from_cache = from_cache

    def __repr__(self) -> str:
        # Never the secret.
        return f"Reply(status={self.status}, url={self.url!r}, body=<{len(self.body)} bytes>)"

    @property
    def request_id(self) -> str | None:
        """The server's `X-Request-Id`, if sent."""
        value: str | None = self.headers.get("x-request-id")
        return value

    def json(self) -> object:
        """The body decoded as JSON, or `ApiError`."""
        try:
            return decode_json(self.body, self.headers.get("content-type"))
        except ApiError as exc:
            # Which response was unusable: worth a support ticket's time.
            exc.http_status = self.status
            secret = self.secret
            exc.request_id = clean_request_id(self.request_id, (secret,) if secret else ())
            raise
