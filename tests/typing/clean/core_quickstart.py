"""The quick start: typed services over a sync client."""

import os

from basecamp import Client, Config

config = Config.from_env()
with Client(access_token=os.environ["BASECAMP_TOKEN"], config=config) as client:
    account = client.for_account(os.environ["BASECAMP_ACCOUNT_ID"])
    projects = account.projects.list()
    total: int | None = projects.meta.total_count
    print(f"{len(projects)} of {total}")
    for project in projects:
        name: str = project["name"]
        print(name.upper(), project["id"] + 1)
    for project in account.projects.iter_list(max_items=30):
        print(project["app_url"])
