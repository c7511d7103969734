"""An id passed as a string."""

from basecamp import Client

with Client(access_token="...") as client:
    client.for_account(1).projects.get(project_id="2")  # expect-error
