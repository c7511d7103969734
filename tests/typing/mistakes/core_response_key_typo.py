"""A misspelled response key."""

from basecamp import Client

with Client(access_token="...") as client:
    project = client.for_account(1).projects.get(project_id=2)
    print(project["nmae"])  # expect-error
