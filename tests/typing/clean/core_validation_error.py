"""`ValidationError.errors` maps each field to its messages."""

from basecamp import Client, ValidationError

with Client(access_token="...") as client:
    try:
        client.for_account(1).todos.create(todolist_id=2, content="")
    except ValidationError as error:
        for field, messages in error.errors.items():
            print(field.upper(), ", ".join(messages))
