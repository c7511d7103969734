"""A scripted event feed for respx: positions `p<N>` mean "after id N" (not signed: the real
semantics live in basecamp-testing's fake; these tests drive the follower's decisions)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx

BASE = "https://3.basecampapi.com"


def event(event_id: int) -> dict[str, Any]:
    return {
        "id": event_id,
        "event_type": "todo.created",
        "kind": "todo",
        "action": "created",
        "bucket_id": 1,
        "recording_id": 100 + event_id,
        "creator_id": 7,
        "created_at": "2026-01-01T00:00:00Z",
    }


class ScriptedFeed:
    """Serves `ids` in pages of `page_size`; `script` responses (if queued) answer first."""

    def __init__(self, ids: Iterable[int], *, page_size: int = 3, account: int = 999) -> None:
        self.ids = sorted(ids)
        self.page_size = page_size
        self.account = account
        self.requests: list[httpx.Request] = []
        self.script: list[httpx.Response] = []
        self.next_base = f"{BASE}/{account}/events.json"

    def params(self, index: int) -> dict[str, str]:
        return dict(self.requests[index].url.params)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            return self.script.pop(0)
        query = request.url.params
        position, since = query.get("position"), query.get("since")
        if position is not None:
            after = int(position[1:])
        elif since is None or since == "now":
            after = self.ids[-1] if self.ids else 0
        else:
            after = int(since)
        batch = [i for i in self.ids if i > after][: self.page_size]
        last = batch[-1] if batch else after
        body: dict[str, Any] = {"events": [event(i) for i in batch], "position": f"p{last}"}
        if any(i > last for i in self.ids):
            body["next"] = f"{self.next_base}?position=p{last}"
        return httpx.Response(200, content=json.dumps(body).encode())


def error(status: int, **body: Any) -> httpx.Response:
    return httpx.Response(status, json={"error": f"HTTP {status}", **body})
