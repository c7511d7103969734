"""`client.config` is a `Config`: its fields have types."""

from basecamp import Client

with Client(access_token="...") as client:
    timeout: str = client.config.timeout  # expect-error
    print(timeout)
