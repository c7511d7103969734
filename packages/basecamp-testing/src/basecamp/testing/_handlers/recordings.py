"""Any recording: trash, archive and unarchive."""

from __future__ import annotations

from .._http import FakeResponse
from .._store import Store
from .base import Area, Request, no_content

__all__ = ["AREA"]

_STATUS = {"TrashRecording": "trashed", "ArchiveRecording": "archived"}


def _set_status(store: Store, request: Request) -> FakeResponse:
    status = _STATUS.get(request.op.operation_id, "active")
    store.set_status(store.get(request.ids["recording_id"]), status)
    return no_content()


AREA = Area(
    "recordings",
    handlers=dict.fromkeys(
        ("TrashRecording", "ArchiveRecording", "UnarchiveRecording"), _set_status
    ),
    path_params={"recording_id": None},
)
