"""A sync `Pager` is not an async iterable."""

from basecamp import Client


async def names(client: Client) -> None:
    async for _ in client.for_account(1).projects.iter_list():  # expect-error
        pass
