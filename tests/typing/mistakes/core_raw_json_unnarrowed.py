"""Raw calls return `JSON`: using it without narrowing is caught."""

from basecamp import Client

with Client(access_token="...") as client:
    projects = client.for_account(1).get("/projects.json")
    print(len(projects))  # expect-error
