"""A misspelled key of one of the token's accounts."""

from basecamp import Client

with Client(access_token="...") as client:
    print(client.authorization.get()["accounts"][0]["ident"])  # expect-error
