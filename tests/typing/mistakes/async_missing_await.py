"""A missing `await`: the coroutine has no items."""

from basecamp import AsyncClient


async def first_name(client: AsyncClient) -> str:
    projects = client.for_account(1).projects.list()
    return projects[0]["name"]  # expect-error
