"""`NotRequired` keys read with `.get()` or after an `in` check; required keys with `[]`."""

from basecamp import Client

with Client(access_token="...") as client:
    project = client.for_account(1).projects.get(project_id=2)
    name: str = project["name"]  # required: always present
    description: str | None = project.get("description")  # NotRequired: may be absent
    if "dock" in project:
        for tool in project["dock"]:
            print(tool["name"], tool["enabled"])
    print(name, description or "")
