"""A misspelled `ListMeta` field."""

from basecamp import Client

with Client(access_token="...") as client:
    print(client.for_account(1).projects.list().meta.total)  # expect-error
