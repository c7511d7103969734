"""The fake's resource areas, and the one list that registers them.

Each module is one area of the API: it declares the models it stores (`Kind`), the builders
`FakeBasecamp.add_*` and its own handlers share, and the handlers (`(store, request) ->
FakeResponse`) of the operations it answers, in one `AREA`. An operation no area handles gets a
well-formed generated record of its response model (`base.generic`).

To serve a new resource area: write `<area>.py` ending in `AREA = Area(...)`, and add it to
`AREAS` below. Nothing registers itself on import.
"""

from __future__ import annotations

from . import (
    boosts,
    bubble_ups,
    campfires,
    card_tables,
    comments,
    embeds,
    feeds,
    files,
    messages,
    people,
    pings,
    project_settings,
    projects,
    recordings,
    reports,
    spotlights,
    stream,
    subtasks,
    templates,
    todos,
    visits,
    webhooks,
)
from .base import Area

__all__ = ["AREAS"]

AREAS: tuple[Area, ...] = (
    people.AREA,
    projects.AREA,
    project_settings.AREA,
    visits.AREA,
    todos.AREA,
    subtasks.AREA,
    messages.AREA,
    comments.AREA,
    boosts.AREA,
    recordings.AREA,
    spotlights.AREA,
    bubble_ups.AREA,
    files.AREA,
    campfires.AREA,
    card_tables.AREA,
    webhooks.AREA,
    reports.AREA,
    pings.AREA,
    embeds.AREA,
    stream.AREA,
    feeds.AREA,
    templates.AREA,
)
