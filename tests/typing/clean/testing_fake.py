"""The fake Basecamp: clients wired to it, seeded ids, faults."""

from basecamp import AsyncClient, Client, Config
from basecamp.testing import DemoSeed, FakeBasecamp, Faults

fake = FakeBasecamp(seed="demo")
seeded: DemoSeed | None = fake.seeded
assert seeded is not None
with fake.client() as client:
    todos = client.for_account(fake.account_id).todos.list(todolist_id=seeded.todolist_id)
    print(len(todos), todos.meta.pages)
with fake.serve() as url, Client(access_token=fake.token, config=Config(base_url=url)) as client:
    print(client.for_account(fake.account_id).projects.list())
faults: Faults = fake.faults
faults.fail_next(2, status=503)
faults.rate_limit(10, per=1.0)
faults.clear()
async_client: AsyncClient = fake.async_client()
upload = fake.record(seeded.upload_id)
if upload is not None:
    print(upload["download_url"])
print(len(fake.requests), fake.upload_bytes(seeded.upload_id)[:4])
