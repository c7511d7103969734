"""A missing `await` on `authorization.get()`."""

from basecamp import AsyncClient


async def first_account(client: AsyncClient) -> int:
    return client.authorization.get()["accounts"][0]["id"]  # expect-error
