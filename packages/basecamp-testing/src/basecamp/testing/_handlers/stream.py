"""The live event stream's tickets (the stream itself is not served)."""

from __future__ import annotations

from .._http import FakeResponse
from .._store import Store
from .base import Area, Request, ok

__all__ = ["AREA", "TICKET_SECONDS"]

TICKET_SECONDS = 60
"""How long a ticket is said to last."""


def _ticket(store: Store, request: Request) -> FakeResponse:
    number = store.next_id()
    ticket = {
        "ticket": f"fake-stream-ticket-{number}",
        # Not on the placeholder origin: nothing in the fake answers there.
        "url": f"wss://stream.fake-basecamp.invalid/{store.account_id}/events",
        "expires_in": TICKET_SECONDS,
    }
    return ok(ticket, 201)


AREA = Area("stream", handlers={"CreateStreamTicket": _ticket})
