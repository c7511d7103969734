"""Sync pagination: a `Pager` iterates lazily and collects."""

from basecamp import Client, ListResult, Pager
from basecamp.services.models import Todo

with Client(access_token="...") as client:
    pager: Pager[Todo] = client.for_account(1).todos.iter_list(todolist_id=2, max_items=40)
    for todo in pager:
        print(todo["title"], todo.get("completed", False))
    print(pager.meta.truncated)
    every: ListResult[Todo] = client.for_account(1).todos.iter_list(todolist_id=2).collect()
    print(len(every))
