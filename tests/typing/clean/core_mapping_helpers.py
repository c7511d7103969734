"""User helpers take `Sequence[Mapping[str, Any]]`: any typed result fits."""

from collections.abc import Mapping, Sequence
from typing import Any

from basecamp import Client, ListMeta, ListResult
from basecamp.services.models import Person, Project


def names(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(item["name"]) for item in items]


def describe(meta: ListMeta) -> str:
    return f"{meta.pages} pages, {meta.total_count} in all, truncated: {meta.truncated}"


with Client(access_token="...") as client:
    account = client.for_account(1)
    projects: ListResult[Project] = account.projects.list()
    people: ListResult[Person] = account.people.list()
    print(names(projects), names(people), names(projects[:2]), describe(projects.meta))
