"""`for_account` takes an int or a str."""

from basecamp import Client

with Client(access_token="...") as client:
    client.for_account(12.5)  # expect-error
