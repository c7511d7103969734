"""Recent projects: the projects the token's owner visited, most recent first."""

from __future__ import annotations

from .._http import FakeResponse
from .._store import Store
from .base import Area, Request, no_content, ok

__all__ = ["AREA", "VISITS"]

VISITS = "visits"
"""The `Store.marked` name of project visits (project id to when, oldest first)."""


def _record(store: Store, request: Request) -> FakeResponse:
    project = store.get(request.ids["project_id"], "Project")
    visits = store.marked(VISITS)
    visits.pop(project.id, None)  # a visit again moves it to the front
    visits[project.id] = store.now()
    return no_content()


def _list(store: Store, request: Request) -> FakeResponse:
    recent = [store.records[i] for i in reversed(store.marked(VISITS))]
    return ok([store.render(r) for r in recent if r.data.get("status") != "trashed"])


AREA = Area("visits", handlers={"RecordProjectVisit": _record, "ListRecentProjects": _list})
