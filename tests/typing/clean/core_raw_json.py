"""Raw calls return `JSON`: narrow it with `isinstance` before use."""

from basecamp import JSON, Client


def names(value: JSON) -> list[str]:
    if not isinstance(value, list):
        return []
    return [
        item["name"] for item in value if isinstance(item, dict) and isinstance(item["name"], str)
    ]


with Client(access_token="...") as client:
    account = client.for_account(12345)
    print(names(account.get("/projects.json")))
    todo = account.post("/buckets/1/todolists/2/todos.json", json={"content": "Ship it"})
    if isinstance(todo, dict):
        todo_id = todo.get("id")
        if isinstance(todo_id, int):
            print(todo_id + 1)
    for item in account.iterate("/projects.json"):
        print(item)
    every_page = account.paginate("/projects.json")
    print(every_page.meta.pages)
