"""A misspelled key of `authorization.get()`."""

from basecamp import Client

with Client(access_token="...") as client:
    print(client.authorization.get()["acounts"])  # expect-error
