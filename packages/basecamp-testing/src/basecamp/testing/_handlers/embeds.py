"""Embeds: link previews for outside URLs, found again by their signed global id."""

from __future__ import annotations

from urllib.parse import urlsplit

from .._http import FakeResponse, invalid, not_found
from .._store import Record, Store
from .base import Area, Request, ok

__all__ = ["AREA", "create"]


def _find(store: Store, sgid: str) -> Record | None:
    return next(
        (r for r in store.records.values() if r.kind == "Embed" and r.data["sgid"] == sgid), None
    )


def create(store: Store, url: str) -> Record:
    """The preview of `url`: the one already built for it, or a new one."""
    for rec in store.records.values():
        if rec.kind == "Embed" and rec.data["url"] == url:
            return rec
    embed_id = store.next_id()
    host = urlsplit(url).hostname or url
    data = store.factory.build("Embed", embed_id)
    store.set_fields(
        "Embed",
        data,
        sgid=f"BAh7embed{embed_id}",
        url=url,
        status="completed",
        type="link",
        content=f'<a href="{url}">{host}</a>',
        content_type="text/html",
        image_url=None,
    )
    return store.add(Record(embed_id, "Embed", data, None, None))


def _create(store: Store, request: Request) -> FakeResponse:
    url = request.body["url"]
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid({"url": ["is invalid"]})
    known = any(r.kind == "Embed" and r.data["url"] == url for r in store.records.values())
    return ok(store.render(create(store, url)), 200 if known else 201)


def _get(store: Store, request: Request) -> FakeResponse:
    rec = _find(store, str(request.ids["sgid"]))
    if rec is None:
        raise not_found()
    return ok(store.render(rec))


AREA = Area("embeds", handlers={"CreateEmbed": _create, "GetEmbed": _get})
