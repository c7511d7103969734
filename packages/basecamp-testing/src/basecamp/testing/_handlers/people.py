"""People: the account's people, pingable people, a project's people, and my profile."""

from __future__ import annotations

from .._http import FakeResponse
from .._models import APP_ORIGIN
from .._store import Kind, Record, Store
from .base import Area, Request, no_content, ok, page

__all__ = ["AREA", "create"]


def create(
    store: Store,
    name: str,
    *,
    email_address: str | None = None,
    title: str = "",
    admin: bool = False,
    owner: bool = False,
    client: bool = False,
) -> Record:
    """Add a person to the account."""
    person_id = store.next_id()
    data = store.factory.build("Person", person_id)
    first = name.split()[0].lower()
    store.set_fields(
        "Person",
        data,
        name=name,
        email_address=email_address or f"{first}@example.com",
        personable_type="Client" if client else "User",
        title=title,
        bio="",
        location="Chicago, IL",
        created_at=store.now(),
        updated_at=store.now(),
        admin=admin,
        owner=owner,
        client=client,
        employee=not client,
        time_zone="America/Chicago",
        avatar_url=f"{APP_ORIGIN}/avatars/{person_id}.png",
        attachable_sgid=f"BAh7person{person_id}",
        can_manage_projects=admin,
        can_manage_people=admin,
        can_ping=True,
        can_access_timesheet=admin,
        can_access_hill_charts=True,
        company={"id": 1, "name": "Honcho Design"},
    )
    data["url"] = store.url("Person", person_id)
    return store.add(Record(person_id, "Person", data, None, None))


def _list(store: Store, request: Request) -> FakeResponse:
    people = [store.render(r) for r in store.records.values() if r.kind == "Person"]
    return page(store, request, people)


def _my_profile(store: Store, request: Request) -> FakeResponse:
    return ok(store.person())


def _update_profile(store: Store, request: Request) -> FakeResponse:
    rec = store.records[store.me_id]
    store.set_fields("Person", rec.data, **{k: v for k, v in request.body.items() if k != "id"})
    return no_content()


AREA = Area(
    "people",
    kinds=(Kind("Person", "GetPerson", "person_id"),),
    handlers={
        "ListPeople": _list,
        "ListPingablePeople": _list,
        "ListProjectPeople": _list,
        "GetMyProfile": _my_profile,
        "UpdateMyProfile": _update_profile,
    },
)
