"""A helper typed `list[dict[str, Any]]` rejects typed results: use `Sequence[Mapping]`."""

from typing import Any

from basecamp import Client


def names(items: list[dict[str, Any]]) -> list[str]:
    return [str(item["name"]) for item in items]


with Client(access_token="...") as client:
    print(names(client.for_account(1).projects.list()))  # expect-error
