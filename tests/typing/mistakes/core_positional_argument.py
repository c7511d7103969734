"""Service methods take keyword arguments only."""

from basecamp import Client

with Client(access_token="...") as client:
    client.for_account(1).projects.get(2)  # expect-error
