"""`status` accepts only the documented states."""

from basecamp import Client

with Client(access_token="...") as client:
    client.for_account(1).projects.list(status="deleted")  # expect-error
