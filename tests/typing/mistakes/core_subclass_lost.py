"""With `Self` from `__enter__`, a subclass's missing method is caught."""

from basecamp import Client


class AppClient(Client):
    def default_account(self) -> int:
        return 1


with AppClient(access_token="...") as client:
    client.default_acount()  # expect-error
