"""A project's settings: its wallpaper, and whether (and which) clients are in it."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from typing import Any, cast
from urllib.parse import quote

from .._http import FakeResponse, invalid
from .._store import Store
from . import files, people
from .base import Area, Request, no_content, ok

__all__ = ["AREA", "CLIENT_ACCESS", "DEFAULT_WALLPAPER_MODE"]

DEFAULT_WALLPAPER_MODE = "fill"
"""The `wallpaper.mode` of an upload that names none."""

CLIENT_ACCESS = "client_access"
"""The `Store.marked` name of the clients given access to a project (project id to ids)."""


def _wallpaper_part(request: Request) -> tuple[str, str, bytes] | None:
    """The `wallpaper` file of a multipart body: (filename, content type, bytes)."""
    if not request.content_type.startswith("multipart/"):
        return None
    head = f"Content-Type: {request.content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + request.raw)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "wallpaper":
            data = part.get_payload(decode=True)
            filename = part.get_filename() or "wallpaper"
            return filename, part.get_content_type(), data if isinstance(data, bytes) else b""
    return None


def _update_wallpaper(store: Store, request: Request) -> FakeResponse:
    project = store.get(request.ids["project_id"], "Project")
    part = _wallpaper_part(request)
    if part is None or not part[2]:
        raise invalid({"wallpaper": ["can't be blank"]})
    filename, content_type, data = part
    if not content_type.startswith("image/"):
        raise invalid({"wallpaper": ["must be an image"]})
    sgid = files.create_attachment(store, data, filename, content_type)
    key = store.attachments.pop(sgid)  # an image for the project, not an attachable
    url = f"{files.STORAGE_ORIGIN}/{store.account_id}/blobs/{key}/download/{quote(filename)}"
    mode = request.q("mode") or DEFAULT_WALLPAPER_MODE
    store.set_fields("Project", project.data, wallpaper={"url": url, "mode": mode})
    store.touch(project)
    return no_content()


def _remove_wallpaper(store: Store, request: Request) -> FakeResponse:
    project = store.get(request.ids["project_id"], "Project")
    if project.data.pop("wallpaper", None) is not None:
        store.touch(project)
    return no_content()


def _client_enablement(store: Store, request: Request) -> FakeResponse:
    project = store.get(request.ids["project_id"], "Project")
    enabled = request.op.operation_id == "EnableProjectClients"
    if project.data.get("clients_enabled") != enabled:
        project.data["clients_enabled"] = enabled
        store.touch(project)
    return ok({"clients_enabled": enabled})


def _clients(store: Store, field: str, value: object) -> list[int]:
    """The ids of a `grant` or `revoke` list: each one a client of the account, or 422."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid({field: ["is invalid"]})
    found = store.people(value)
    if len(found) != len(value) or not all(p.get("client") for p in found):
        raise invalid({field: ["must name clients of the account"]})
    return [p["id"] for p in found]


def _new_clients(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    ok_entries = isinstance(value, list) and all(
        isinstance(e, dict) and isinstance(e.get("email_address"), str) and e["email_address"]
        for e in value
    )
    if not ok_entries:
        raise invalid({"create": ["each client needs an email_address"]})
    return cast(list[dict[str, Any]], value)


def _client_access(store: Store, request: Request) -> FakeResponse:
    project = store.get(request.ids["project_id"], "Project")
    body = request.body
    grant = _clients(store, "grant", body.get("grant"))
    revoke = _clients(store, "revoke", body.get("revoke"))
    if set(grant) & set(revoke):
        raise invalid({"revoke": ["names someone granted in the same request"]})
    for entry in _new_clients(body.get("create")):
        email = entry["email_address"]
        name = str(entry.get("name") or email.split("@")[0])
        client = people.create(
            store, name, email_address=email, title=str(entry.get("title") or ""), client=True
        )
        grant.append(client.id)
    members: list[int] = store.marked(CLIENT_ACCESS).setdefault(project.id, [])
    granted = [i for i in grant if i not in members]
    revoked = [i for i in revoke if i in members]
    members.extend(granted)
    for person_id in revoked:
        members.remove(person_id)
    return ok({"granted": store.people(granted), "revoked": store.people(revoked)})


AREA = Area(
    "project_settings",
    handlers={
        "UpdateProjectWallpaper": _update_wallpaper,
        "RemoveProjectWallpaper": _remove_wallpaper,
        "EnableProjectClients": _client_enablement,
        "DisableProjectClients": _client_enablement,
        "UpdateProjectClientAccess": _client_access,
    },
)
