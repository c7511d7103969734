"""Async tests against the plugin's async fixtures."""

from basecamp import AsyncAccountClient, AsyncClient


async def test_projects(basecamp_async_account: AsyncAccountClient) -> None:
    projects = await basecamp_async_account.projects.list()
    assert len(projects) == 3


async def test_client(basecamp_async_client: AsyncClient) -> None:
    authorization = basecamp_async_client.authorization
    assert authorization is basecamp_async_client.authorization
