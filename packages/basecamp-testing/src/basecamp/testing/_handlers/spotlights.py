"""Spotlights: items put in the spotlight of their project.

No operation reads them back, so the fake keeps them as marks (`Store.marked(SPOTLIGHTS)`:
recording id to when).
"""

from __future__ import annotations

from .._http import FakeResponse, not_found
from .._store import Record, Store
from .base import Area, Request, no_content, ok

__all__ = ["AREA", "SPOTLIGHTS"]

SPOTLIGHTS = "spotlights"


def _recording(store: Store, request: Request) -> Record:
    rec = store.get(request.ids["recording_id"])
    if rec.project_id is None or rec.kind == "Project":
        raise not_found()  # people, pings and projects are not recordings
    return rec


def _spotlight(store: Store, request: Request) -> FakeResponse:
    rec = _recording(store, request)
    store.marked(SPOTLIGHTS).setdefault(rec.id, store.now())
    return ok({})


def _unspotlight(store: Store, request: Request) -> FakeResponse:
    rec = _recording(store, request)
    store.marked(SPOTLIGHTS).pop(rec.id, None)
    return no_content()


AREA = Area(
    "spotlights",
    handlers={"SpotlightRecording": _spotlight, "UnspotlightRecording": _unspotlight},
)
