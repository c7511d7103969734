"""Any recording: trash, archive and unarchive, and filing into a vault of Docs & Files."""

from __future__ import annotations

from .._http import FakeResponse, invalid
from .._store import Record, Store
from .base import Area, Request, is_recording, no_content

__all__ = ["AREA"]

_STATUS = {"TrashRecording": "trashed", "ArchiveRecording": "archived"}


def _set_status(store: Store, request: Request) -> FakeResponse:
    status = _STATUS.get(request.op.operation_id, "active")
    store.set_status(store.get(request.ids["recording_id"]), status)
    return no_content()


def _inside(store: Store, rec: Record, ancestor: Record) -> bool:
    """Whether `rec` is `ancestor` or listed somewhere below it."""
    current: Record | None = rec
    while current is not None:
        if current.id == ancestor.id:
            return True
        parent_id = current.parent_id
        current = store.records.get(parent_id) if parent_id not in (None, current.id) else None
    return False


def _file(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    parent_id = request.body["parent_id"]
    vault = store.records.get(parent_id) if isinstance(parent_id, int) else None
    if (
        vault is None
        or vault.kind != "Vault"
        or vault.data.get("status") == "trashed"
        or vault.project_id != rec.project_id
        or _inside(store, vault, rec)  # not into itself, nor into a folder inside it
    ):
        raise invalid({"parent_id": ["is invalid"]})
    position = request.body.get("position")
    if position is not None and (
        not isinstance(position, int) or isinstance(position, bool) or position < 1
    ):
        raise invalid({"position": ["must be a whole number of at least 1"]})
    store.move(rec, vault, None if position is None else position - 1)
    store.touch(rec)
    return no_content()


AREA = Area(
    "recordings",
    handlers={
        **dict.fromkeys(("TrashRecording", "ArchiveRecording", "UnarchiveRecording"), _set_status),
        "MoveRecordingToVault": _file,
    },
    path_params={"recording_id": None},
    path_checks={"MoveRecordingToVault": {"recording_id": is_recording}},
)
