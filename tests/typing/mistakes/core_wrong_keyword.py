"""A wrong argument name."""

from basecamp import Client

with Client(access_token="...") as client:
    client.for_account(1).projects.get(id=2)  # expect-error
