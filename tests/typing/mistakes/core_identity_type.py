"""The identity's id is an int, not a str."""

from basecamp import Client

with Client(access_token="...") as client:
    name: str = client.authorization.get()["identity"]["id"]  # expect-error
    print(name)
