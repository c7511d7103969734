"""The fake's transports plug into any client."""

from basecamp import AsyncClient, Client
from basecamp.testing import AsyncFakeTransport, FakeBasecamp, FakeTransport

fake = FakeBasecamp(seed="demo")
transport: FakeTransport = FakeTransport(fake)
with Client(access_token=fake.token, transport=transport) as client:
    print(client.for_account(fake.account_id).people.list())
async_transport: AsyncFakeTransport = AsyncFakeTransport(fake)
async_client = AsyncClient(access_token=fake.token, transport=async_transport)
