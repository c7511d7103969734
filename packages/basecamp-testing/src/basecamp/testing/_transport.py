"""httpx transports that answer from a `FakeBasecamp` in-process, without sockets.

Both call the same sans-I/O `handle()` as the loopback server (`_server.FakeServer`).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from ._http import FakeResponse, Handles

__all__ = ["AsyncFakeTransport", "FakeTransport"]


def _to_httpx(request: httpx.Request, answer: FakeResponse) -> httpx.Response:
    if answer.reset:
        # What a peer's RST looks like to httpx mid-exchange: the request may have been applied.
        raise httpx.ReadError(
            "Connection reset by peer (injected by FakeBasecamp)", request=request
        )
    return httpx.Response(
        answer.status, headers=answer.headers, content=answer.body, request=request
    )


class FakeTransport(httpx.BaseTransport):
    """A sync httpx transport backed by `fake.handle()`.

    Args:
        fake: The fake that answers (a `FakeBasecamp`, or anything with its `handle()`).

    Example:
        ```python
        client = basecamp.Client(access_token=fake.token, transport=FakeTransport(fake))
        ```
    """

    def __init__(self, fake: Handles) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer `request` from the fake, applying any injected delay or reset."""
        body = request.read()
        answer = self.fake.handle(
            request.method, str(request.url), request.headers.multi_items(), body
        )
        if answer.delay:
            time.sleep(answer.delay)
        return _to_httpx(request, answer)


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """The async twin of `FakeTransport`; an injected delay awaits `asyncio.sleep`."""

    def __init__(self, fake: Handles) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer `request` from the fake, applying any injected delay or reset."""
        body = await request.aread()
        answer = self.fake.handle(
            request.method, str(request.url), request.headers.multi_items(), body
        )
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return _to_httpx(request, answer)
