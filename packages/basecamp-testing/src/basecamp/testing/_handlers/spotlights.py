"""Spotlights: items put in the spotlight of their project.

No operation reads them back, so the fake keeps them as marks (`Store.marked(SPOTLIGHTS)`:
recording id to when).
"""

from __future__ import annotations

from .._http import FakeResponse
from .._store import Store
from .base import Area, Request, is_recording, no_content, ok

__all__ = ["AREA", "SPOTLIGHTS"]

SPOTLIGHTS = "spotlights"


def _spotlight(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    store.marked(SPOTLIGHTS).setdefault(rec.id, store.now())
    return ok({})


def _unspotlight(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    store.marked(SPOTLIGHTS).pop(rec.id, None)
    return no_content()


AREA = Area(
    "spotlights",
    handlers={"SpotlightRecording": _spotlight, "UnspotlightRecording": _unspotlight},
    path_checks={
        "SpotlightRecording": {"recording_id": is_recording},
        "UnspotlightRecording": {"recording_id": is_recording},
    },
)
