"""A missing `await` in a loop."""

from basecamp import AsyncClient


async def names(client: AsyncClient) -> None:
    for _ in client.for_account(1).projects.list():  # expect-error
        pass
