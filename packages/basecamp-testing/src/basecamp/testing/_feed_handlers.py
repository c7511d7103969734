"""The feed operations: `PollEvents` and `PollInbox` answer from the fake's `FeedLog`, and
`CreateStreamTicket` hands out a short-lived ticket. Importing this module registers them."""

from __future__ import annotations

import secrets

from ._fake import FakeBasecamp, _Ctx, _handles
from ._http import FakeResponse, json_response


def _poll(fake: FakeBasecamp, ctx: _Ctx, feed: str) -> FakeResponse:
    status, payload = fake.feeds.poll(
        feed, ctx.query, origin=ctx.origin, path=ctx.path, me_id=int(fake.me["id"])
    )
    return json_response(status, payload)


@_handles("PollEvents")
def _poll_events(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return _poll(fake, ctx, "events")


@_handles("PollInbox")
def _poll_inbox(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return _poll(fake, ctx, "inbox")


@_handles("CreateStreamTicket")
def _create_stream_ticket(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    host = ctx.origin.split("://", 1)[-1]
    ticket = {
        "ticket": secrets.token_urlsafe(24),
        "url": f"wss://{host}/{fake.account_id}/events/stream",
        "expires_in": 60,
    }
    return json_response(201, ticket)
