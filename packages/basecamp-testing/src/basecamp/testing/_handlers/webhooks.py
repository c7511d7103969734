"""Webhook subscriptions of a project (the deliveries themselves are `Store.emit`'s)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from .._http import FakeResponse, HttpError, bad_fields
from .._store import Kind, Record, Store
from .base import Area, Request, no_content, ok, page

__all__ = ["AREA", "create"]


def create(
    store: Store, project_id: int, payload_url: str, types: list[str], active: bool = True
) -> Record:
    """Subscribe `payload_url` to a project's events (`types` empty: every type)."""
    webhook_id = store.next_id()
    now = store.now()
    data = store.factory.build("Webhook", webhook_id)
    data.update(
        active=active,
        created_at=now,
        updated_at=now,
        payload_url=payload_url,
        types=types,
        url=store.url("Webhook", webhook_id),
        app_url=store.app_url(f"buckets/{project_id}/webhooks/{webhook_id}"),
    )
    # Webhooks are not recordings: they have a status only so trashing hides them.
    data["status"] = "active"
    return store.add(Record(webhook_id, "Webhook", data, project_id, project_id))


def _render(store: Store, rec: Record, data: dict[str, Any]) -> None:
    data["recent_deliveries"] = [
        {
            "id": i + 1,
            "created_at": json.loads(d.body).get("created_at"),
            "request": {"headers": dict(d.headers), "body": json.loads(d.body)},
            "response": {"code": d.status or 0, "message": d.error or "OK"},
        }
        for i, d in enumerate(store.deliveries[-50:])
        if d.webhook_id == rec.id
    ][-5:]


def _field_errors(errors: dict[str, list[str]]) -> HttpError:
    """Basecamp's webhook endpoints answer a 400 with the bare field map, the payload URL's
    errors keyed `url` (the subscription's own name for it): `{"url": ["is invalid"]}`."""
    return bad_fields({("url" if k == "payload_url" else k): v for k, v in errors.items()})


def _check_payload_url(value: object) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise _field_errors({"payload_url": ["is invalid"]})
    return str(value)


def _check_types(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise _field_errors({"types": ["must be a list of recording types"]})
    return list(value)


def _list(store: Store, request: Request) -> FakeResponse:
    hooks = store.kids(request.ids["project_id"], "Webhook")
    return page(store, request, [store.render(r) for r in hooks])


def _create(store: Store, request: Request) -> FakeResponse:
    url = _check_payload_url(request.body["payload_url"])
    types = _check_types(request.body.get("types"))
    active = request.body.get("active") is not False
    return ok(store.render(create(store, request.ids["project_id"], url, types, active)), 201)


def _update(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["webhook_id"], "Webhook")
    if request.body.get("payload_url") is not None:
        rec.data["payload_url"] = _check_payload_url(request.body["payload_url"])
    if request.body.get("types") is not None:
        rec.data["types"] = _check_types(request.body["types"])
    if request.body.get("active") is not None:
        rec.data["active"] = bool(request.body["active"])
    store.touch(rec)
    return ok(store.render(rec))


def _delete(store: Store, request: Request) -> FakeResponse:
    store.get(request.ids["webhook_id"], "Webhook").data["status"] = "trashed"
    return no_content()


AREA = Area(
    "webhooks",
    kinds=(Kind("Webhook", "GetWebhook", "webhook_id", render=_render),),
    handlers={
        "ListWebhooks": _list,
        "CreateWebhook": _create,
        "UpdateWebhook": _update,
        "DeleteWebhook": _delete,
    },
    field_errors=_field_errors,
)
