"""Docs & Files: vaults (folders), attachments and uploads, and the bytes behind them."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from .._http import FakeResponse, invalid
from .._store import Blob, Kind, Record, Store
from .base import Area, Request, ok, page

__all__ = ["AREA", "STORAGE_ORIGIN", "blob", "create_attachment", "create_upload", "create_vault"]

STORAGE_ORIGIN = "https://storage.3.basecamp.com"
"""Where Basecamp puts uploads' `download_url`s.

The fake serves their path (`/{account}/blobs/{key}/download/{filename}`) on its own origin:
the SDK sends a URL on a Basecamp host to its configured `base_url`, so a client pointed at the
fake downloads from it.
"""


def create_attachment(
    store: Store, data: bytes, filename: str, content_type: str = "application/octet-stream"
) -> str:
    """Store bytes as an attachment and return its `attachable_sgid`."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    key = f"{digest}{store.next_id()}"
    store.blobs[key] = Blob(bytes(data), filename, content_type)
    sgid = f"BAh7attachable{key}"
    store.attachments[sgid] = key
    return sgid


def create_upload(
    store: Store, vault: Record, sgid: str, base_name: str | None, description: str
) -> Record:
    """Turn an attachment into an upload in `vault` (422 for an unknown `attachable_sgid`)."""
    assert vault.project_id is not None
    key = store.attachments.get(sgid)
    if key is None:
        raise invalid({"attachable_sgid": ["is invalid"]})
    stored = store.blobs[key]
    if base_name:
        extension = stored.filename.rpartition(".")[2] if "." in stored.filename else ""
        stored.filename = f"{base_name}.{extension}" if extension else base_name
    rec = store.recording(
        "Upload",
        "Upload",
        stored.filename,
        project_id=vault.project_id,
        parent=vault,
        description=description,
        content_type=stored.content_type,
        byte_size=len(stored.data),
        filename=stored.filename,
        # On the storage host, never on the placeholder origin: no response rewrites it.
        download_url=(
            f"{STORAGE_ORIGIN}/{store.account_id}/blobs/{key}/download/{quote(stored.filename)}"
        ),
    )
    store.emit("created", rec)
    return rec


def blob(store: Store, upload: Record) -> Blob:
    """The stored bytes behind an upload."""
    url: str = upload.data["download_url"]
    return store.blobs[url.split("/blobs/", 1)[1].split("/", 1)[0]]


def create_vault(store: Store, parent: Record, title: str) -> Record:
    """Add a folder to a vault."""
    assert parent.project_id is not None
    rec = store.recording("Vault", "Vault", title, project_id=parent.project_id, parent=parent)
    rec.data["uploads_url"] = store.op_url("ListUploads", vault_id=rec.id)
    rec.data["vaults_url"] = store.op_url("ListVaults", vault_id=rec.id)
    store.emit("created", rec)
    return rec


def _render_vault(store: Store, rec: Record, data: dict[str, Any]) -> None:
    data.update(
        uploads_count=len(store.kids(rec.id, "Upload")),
        vaults_count=len(store.kids(rec.id, "Vault")),
        documents_count=0,
    )


def _list_vaults(store: Store, request: Request) -> FakeResponse:
    vaults = store.kids(request.ids["vault_id"], "Vault")
    return page(store, request, [store.render(r) for r in vaults])


def _create_vault(store: Store, request: Request) -> FakeResponse:
    parent = store.get(request.ids["vault_id"], "Vault")
    return ok(store.render(create_vault(store, parent, str(request.body["title"]))), 201)


def _update_vault(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["vault_id"], "Vault")
    if request.body.get("title"):
        rec.data["title"] = request.body["title"]
    store.touch(rec)
    return ok(store.render(rec))


def _list_uploads(store: Store, request: Request) -> FakeResponse:
    uploads = store.kids(request.ids["vault_id"], "Upload")
    return page(store, request, [store.render(r) for r in uploads])


def _create_attachment(store: Store, request: Request) -> FakeResponse:
    name = request.q("name")
    if not name or not name.strip():
        raise invalid({"name": ["can't be blank"]})
    if not request.raw:
        raise invalid({"file": ["can't be blank"]})
    content_type = request.content_type or "application/octet-stream"
    sgid = create_attachment(store, request.raw, name, content_type)
    return ok({"attachable_sgid": sgid}, 201)


def _create_upload(store: Store, request: Request) -> FakeResponse:
    vault = store.get(request.ids["vault_id"], "Vault")
    body = request.body
    rec = create_upload(
        store,
        vault,
        str(body["attachable_sgid"]),
        body.get("base_name"),
        body.get("description") or "",
    )
    return ok(store.render(rec), 201)


def _update_upload(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["upload_id"], "Upload")
    if "description" in request.body:
        rec.data["description"] = request.body["description"] or ""
    store.touch(rec)
    store.emit("changed", rec)
    return ok(store.render(rec))


AREA = Area(
    "files",
    kinds=(
        Kind("Vault", "GetVault", "vault_id", "vault", _render_vault),
        Kind("Upload", "GetUpload", "upload_id", "upload"),
    ),
    handlers={
        "ListVaults": _list_vaults,
        "CreateVault": _create_vault,
        "UpdateVault": _update_vault,
        "ListUploads": _list_uploads,
        "CreateAttachment": _create_attachment,
        "CreateUpload": _create_upload,
        "UpdateUpload": _update_upload,
    },
)
