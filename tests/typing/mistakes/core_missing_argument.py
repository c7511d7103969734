"""A required argument left out."""

from basecamp import Client

with Client(access_token="...") as client:
    client.for_account(1).todos.create(todolist_id=2)  # expect-error
